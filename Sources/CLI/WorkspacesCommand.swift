import Accounting
import ArgumentParser
import Config
import Foundation
import HTTPClient
import Logging
import Model
import Readers
import Report
import Runtime

/// `footprint_exporter workspaces`: every host session (boot to leaving the source) over a past span, with
/// owner, user details, usage, emissions and status, as JSON (`docs/workspaces.schema.json`).
public struct WorkspacesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "workspaces",
        abstract:
            "Workspaces (host sessions from boot until they leave the source) over a past span, from Prometheus' history."
    )

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        case json
    }

    @OptionGroup public var history: HistorySpanOptions

    @Option(name: .customLong("format"), help: "json.")
    public var format = Format.json

    public init() {}

    public func span() throws -> (from: Double, to: Double) { try history.span() }

    public func run() throws {
        try history.run(command: "workspaces") { fetcher, logger, progress in
            try produce(fetcher: fetcher, logger: logger, progress: progress)
        }
    }

    public func produce(
        fetcher: any HTTPFetching, logger: Logger, progress: ((String) -> Void)?
    ) throws -> (bytes: [UInt8], readAnything: Bool) {
        let (start, end) = try span()
        let (configuration, configBytes) = try history.loadConfiguration()
        let users = try configuration.workspaces.userDirectory.map { try UserDirectory.load(path: $0) }
        let resolutionSeconds = history.resolutionSeconds(configuration)
        let history = try WorkspaceHistory.read(
            configuration: configuration, configBytes: configBytes, from: start, to: end, resolution: resolutionSeconds,
            fetcher: fetcher,
            logger: logger, progress: progress)
        let text = WorkspacesJSONRenderer.render(
            history.workspaces, report: history.report, ownerLabel: configuration.workspaces.ownerLabel, users: users,
            equivalencies: configuration.equivalencyTable)
        return (Array(text.utf8), history.readAnything)
    }
}
