import ArgumentParser

/// `footprint_exporter --help`: serving is the default command, so its flags are what an operator looks for
/// first (as `node_exporter --help` lists them); the subcommands follow.
public enum TopLevelHelp {
    /// Whether `arguments` ask for help without naming a subcommand (`--help`, `-h`, or `help` alone).
    public static func isRequested(_ arguments: [String]) -> Bool {
        let names = Set(ToolCommand.configuration.subcommands.map { $0._commandName })
        guard !arguments.contains(where: { names.contains($0) }) else { return false }
        return arguments.contains("--help") || arguments.contains("-h") || arguments == ["help"]
    }

    /// The overview, the serving flags, and the subcommands.
    public static func message(columns: Int? = nil) -> String {
        let root = ToolCommand.helpMessage(columns: columns)
        let serve = ToolCommand.helpMessage(for: Serve.self, columns: columns)
        var lines = [
            "OVERVIEW: \(ToolCommand.configuration.abstract)",
            "",
            "USAGE: footprint_exporter [serve] [<options>]",
            "       footprint_exporter <subcommand> [<options>]",
            "",
            "Without a subcommand it serves: \(Serve.configuration.abstract)",
            "",
        ]
        lines += section("OPTIONS:", of: serve)
        lines.append("")
        lines += section("SUBCOMMANDS:", of: root)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The lines of one section of a help text: from its heading to the next blank line followed by a heading,
    /// or to the end.
    static func section(_ heading: String, of help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: heading) else { return [] }
        var end = start + 1
        while end < lines.count {
            let line = lines[end]
            if !line.isEmpty, !line.hasPrefix(" ") { break }
            end += 1
        }
        var section = Array(lines[start..<end])
        while section.last?.isEmpty == true { section.removeLast() }
        return section
    }
}
