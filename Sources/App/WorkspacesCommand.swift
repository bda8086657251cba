import ArgumentParser
import Foundation
import HTTPClient
import Logging
import Model
import Readers
import Report

/// `footprint_exporter workspaces`: every host session (boot to leaving the source) over a past span, with
/// owner, user details, usage, emissions and status, as JSON (`docs/workspaces.schema.json`).
public struct WorkspacesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "workspaces",
        abstract: "Workspaces (host sessions from boot until they leave the source) over a past span, from Prometheus' history."
    )

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        case json
    }

    @Option(name: .customLong("config.file"), help: "YAML configuration with source.kind prometheus (the same file the exporter runs with).")
    var configFile: String

    @Option(name: .customLong("from"), help: "Start of the span, UTC: 2026-10-01T00:00Z (seconds optional), 2026-10-01, or Unix seconds.")
    var from: String

    @Option(name: .customLong("to"), help: "End of the span (exclusive), in the same forms.")
    var to: String

    @Option(name: .customLong("resolution"), help: "Spacing of the readings taken from Prometheus; default: the configuration's collect_interval.")
    var resolution: String?

    @Option(name: .customLong("format"), help: "json.")
    var format = Format.json

    @Option(name: .customLong("output"), help: "File to write; default: standard output.")
    var output: String?

    @Option(name: .customLong("log.level"), help: "Only log messages at or above this level: debug, info, warn, error.")
    var logLevel = LogLevelOption.warn

    public init() {}

    public func validate() throws {
        _ = try span()
        if let resolution {
            guard let seconds = PrometheusDuration.parse(resolution), seconds > 0 else {
                throw ValidationError("--resolution must be a positive duration such as 60s")
            }
        }
    }

    func span() throws -> (from: Double, to: Double) {
        guard let start = ReportCommand.parseTime(from) else { throw ValidationError("--from must be a UTC time such as 2026-10-01T00:00Z") }
        guard let end = ReportCommand.parseTime(to) else { throw ValidationError("--to must be a UTC time such as 2026-11-01T00:00Z") }
        guard end > start else { throw ValidationError("--to must be after --from") }
        return (start, end)
    }

    public func run() throws {
        let level = logLevel.level
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, level: level, format: .logfmt) }
        let logger = Logger(label: "footprint_exporter")
        do {
            let fetcher = try CurlHTTPClient(userAgent: "footprint_exporter/\(BuildInfo.version)")
            let (bytes, readAnything) = try produce(fetcher: fetcher, logger: logger, progress: TerminalProgress.standardError())
            try OutputFile.write(bytes, to: output)
            if !readAnything { throw ExitCode(3) }
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("workspaces: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    func produce(fetcher: any HTTPFetching, logger: Logger, progress: ((String) -> Void)?) throws -> (bytes: [UInt8], readAnything: Bool) {
        let (start, end) = try span()
        let (configuration, configBytes) = try Self.loadConfiguration(configFile)
        let users = try configuration.workspaces.userDirectory.map { try UserDirectory.load(path: $0) }
        let resolutionSeconds = resolution.flatMap(PrometheusDuration.parse) ?? configuration.collectInterval
        let history = try Self.history(
            configuration: configuration, configBytes: configBytes, from: start, to: end, resolution: resolutionSeconds, fetcher: fetcher,
            logger: logger, progress: progress)
        let text = WorkspacesJSONRenderer.render(
            history.workspaces, report: history.report, ownerLabel: configuration.workspaces.ownerLabel, users: users,
            equivalencies: configuration.equivalencyTable)
        return (Array(text.utf8), history.readAnything)
    }

    /// A configuration file's bytes (for the provenance hash) and its validated contents.
    static func loadConfiguration(_ path: String) throws -> (Configuration, [UInt8]) {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw HistoryError("cannot read \(path): \(error.localizedDescription)")
        }
        return (try ConfigurationLoader.load(path: path), bytes)
    }

    /// The workspaces of a span, with the one-bucket report that carries their gaps, totals and provenance.
    static func history(
        configuration: Configuration, configBytes: [UInt8], from start: Double, to end: Double, resolution: Double,
        fetcher: any HTTPFetching, logger: Logger, progress: ((String) -> Void)?
    ) throws -> (workspaces: [Workspace], report: UsageReport, readAnything: Bool) {
        var builder = UsageReportBuilder(from: start, to: end, step: end - start, resolution: resolution, groupBy: [], keepHostSeries: false)
        var tracker = WorkspaceTracker(from: start, to: end)
        let reader = HistoryReader(configuration: configuration, fetcher: fetcher, logger: logger, progress: progress)
        let outcome = try reader.read(
            from: start, to: end, resolution: resolution,
            step: { time, result, intervals in
                builder.add(stepAt: time, intervals: intervals, listedHosts: result.readings.count + result.skipped.count, skipped: result.skipped.map(\.reason))
                tracker.add(time: time, readings: result.readings, intervals: intervals)
            },
            failure: { builder.addFailure(start: $0, end: $1, cause: $2) })
        for gap in outcome.intensityGaps { builder.addIntensityFallback(start: gap.start, end: gap.end, cause: gap.cause) }
        let provenance = ReportProvenance(
            configuration: configuration, configBytes: configBytes, from: start, to: end, step: end - start, resolution: resolution,
            groupBy: [], outcome: outcome)
        let report = builder.finish(
            provenance: provenance, attributionLabels: configuration.attributionLabels, equivalencies: configuration.equivalencyTable)
        return (tracker.finish(gaps: report.gaps), report, outcome.failedChunks < outcome.chunks)
    }
}
