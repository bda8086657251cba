import CLI

@main
enum FootprintExporterMain {
    static func main() {
        ToolCommand.main()
    }
}
