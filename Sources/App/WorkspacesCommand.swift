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
        abstract:
            "Workspaces (host sessions from boot until they leave the source) over a past span, from Prometheus' history."
    )

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        case json
    }

    @OptionGroup var history: HistorySpanOptions

    @Option(name: .customLong("format"), help: "json.")
    var format = Format.json

    public init() {}

    func span() throws -> (from: Double, to: Double) { try history.span() }

    public func run() throws {
        let level = history.logLevel.level
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, level: level, format: .logfmt) }
        let logger = Logger(label: "footprint_exporter")
        do {
            let fetcher = try CurlHTTPClient(userAgent: "footprint_exporter/\(BuildInfo.version)")
            let (bytes, readAnything) = try produce(
                fetcher: fetcher, logger: logger, progress: TerminalProgress.standardError())
            try OutputFile.write(bytes, to: history.output)
            if !readAnything { throw ExitCode(3) }
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("workspaces: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    func produce(
        fetcher: any HTTPFetching, logger: Logger, progress: ((String) -> Void)?
    ) throws -> (bytes: [UInt8], readAnything: Bool) {
        let (start, end) = try span()
        let (configuration, configBytes) = try HistorySpanOptions.loadConfiguration(history.configFile)
        let users = try configuration.workspaces.userDirectory.map { try UserDirectory.load(path: $0) }
        let resolutionSeconds = history.resolutionSeconds(configuration)
        let history = try Self.history(
            configuration: configuration, configBytes: configBytes, from: start, to: end, resolution: resolutionSeconds,
            fetcher: fetcher,
            logger: logger, progress: progress)
        let text = WorkspacesJSONRenderer.render(
            history.workspaces, report: history.report, ownerLabel: configuration.workspaces.ownerLabel, users: users,
            equivalencies: configuration.equivalencyTable)
        return (Array(text.utf8), history.readAnything)
    }

    /// A configuration file's bytes (for the provenance hash) and its validated contents.

    /// The workspaces of a span, with the one-bucket report that carries their gaps, totals and provenance.
    static func history(
        configuration: Configuration, configBytes: [UInt8], from start: Double, to end: Double, resolution: Double,
        fetcher: any HTTPFetching, logger: Logger, progress: ((String) -> Void)?
    ) throws -> (workspaces: [Workspace], report: UsageReport, readAnything: Bool) {
        var builder = UsageReportBuilder(
            from: start, to: end, step: end - start, resolution: resolution, groupBy: [], keepHostSeries: false)
        var tracker = WorkspaceTracker(from: start, to: end)
        let reader = HistoryReader(configuration: configuration, fetcher: fetcher, logger: logger, progress: progress)
        let outcome = try reader.read(
            from: start, to: end, resolution: resolution,
            step: { time, result, intervals in
                builder.add(
                    stepAt: time, intervals: intervals, listedHosts: result.readings.count + result.skipped.count,
                    skipped: result.skipped.map(\.reason))
                tracker.add(time: time, readings: result.readings, intervals: intervals)
            },
            failure: { builder.addFailure(start: $0, end: $1, cause: $2) })
        for gap in outcome.intensityGaps {
            builder.addIntensityFallback(start: gap.start, end: gap.end, cause: gap.cause)
        }
        let provenance = ReportProvenance(
            configuration: configuration, configBytes: configBytes, from: start, to: end, step: end - start,
            resolution: resolution,
            groupBy: [], outcome: outcome)
        let report = builder.finish(
            provenance: provenance, attributionLabels: configuration.attributionLabels,
            equivalencies: configuration.equivalencyTable)
        return (tracker.finish(gaps: report.gaps), report, outcome.failedChunks < outcome.chunks)
    }
}
