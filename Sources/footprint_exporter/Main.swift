import CLI

@main
enum FootprintExporterMain {
    static func main() async {
        await ToolCommand.runAsMain()
    }
}
