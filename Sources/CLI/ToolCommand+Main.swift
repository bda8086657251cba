import ArgumentParser
import Foundation

extension ToolCommand {
    /// The exit status of a usage error (an unknown flag, a bad value): 1, as node_exporter's and Prometheus'
    /// flag parser exits, rather than ArgumentParser's 64 (EX_USAGE). docs/exit-codes.md lists them all.
    public static let usageErrorExitCode: Int32 = 1
    /// The exit status of `serve` with an invalid configuration or web configuration file: 2, as Prometheus exits.
    /// The one-shot commands (check-config, report, ...) exit 1 for it, as promtool does.
    public static let configurationErrorExitCode: Int32 = 2

    /// Parses the command line, runs the command and exits with its status.
    public static func runAsMain(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        if TopLevelHelp.isRequested(arguments) {
            print(TopLevelHelp.message(), terminator: "")
            Foundation.exit(0)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(usageErrorExitCode)
            }
            exit(withError: error)
        }
    }
}
