import App

@main
enum FootprintExporterMain {
    static func main() {
        ToolCommand.main()
    }
}
