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

/// `footprint_exporter report`: a reproducible usage report over a past span, from Prometheus' history.
public struct ReportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Usage report (CPU time, energy, emissions) per group and step over a past span, from Prometheus' history."
    )

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        case json
        case csv
        case table
        case openmetrics
    }

    @OptionGroup public var history: HistorySpanOptions

    @Option(name: .customLong("step"), help: "Bucket length of the report series, e.g. 1h, 15m, 1d.")
    public var step = "1h"

    @Option(
        name: .customLong("group-by"),
        help: "Comma-separated labels to group by (target labels, or host); default: the attribution labels.")
    public var groupBy: String?

    @Option(name: .customLong("format"), help: "json, csv, table or openmetrics (backfill file for promtool).")
    public var format = Format.json

    public init() {}

    public func validate() throws {
        guard let seconds = PrometheusDuration.parse(step), seconds > 0 else {
            throw ValidationError("--step must be a positive duration such as 1h")
        }
        if let groupBy, Self.labels(groupBy).isEmpty {
            throw ValidationError("--group-by needs at least one label name")
        }
    }

    /// The span as Unix seconds.
    public func span() throws -> (from: Double, to: Double) { try history.span() }

    public static func parseTime(_ text: String) -> Double? { HistorySpanOptions.parseTime(text) }

    public static func labels(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public func run() throws {
        let level = history.logLevel.level
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, level: level, format: .logfmt) }
        let logger = Logger(label: "footprint_exporter")
        let fetcher = try CurlHTTPClient(userAgent: "footprint_exporter/\(BuildInfo.version)")
        do {
            let (bytes, complete) = try produce(
                fetcher: fetcher, logger: logger, progress: TerminalProgress.standardError())
            try OutputFile.write(bytes, to: history.output)
            if !complete { throw ExitCode(3) }
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("report: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The rendered report, and whether any node data could be read at all.
    public func produce(
        fetcher: any HTTPFetching, logger: Logger, progress: ((String) -> Void)?
    ) throws -> (bytes: [UInt8], readAnything: Bool) {
        let (start, end) = try span()
        let (configuration, configBytes) = try HistorySpanOptions.loadConfiguration(history.configFile)
        let stepSeconds = PrometheusDuration.parse(step) ?? 3_600
        let resolutionSeconds = history.resolutionSeconds(configuration)
        let groups = groupBy.map(Self.labels) ?? configuration.attributionLabels
        var builder = UsageReportBuilder(
            from: start, to: end, step: stepSeconds, resolution: resolutionSeconds, groupBy: groups,
            keepHostSeries: format == .openmetrics)
        let replay = HistoryReplay(configuration: configuration, fetcher: fetcher, logger: logger, progress: progress)
        let outcome = try replay.replay(
            from: start, to: end, resolution: resolutionSeconds,
            step: { time, result, intervals in
                builder.add(
                    stepAt: time, intervals: intervals, listedHosts: result.readings.count + result.skipped.count,
                    skipped: result.skipped.map(\.reason))
            },
            failure: { builder.addFailure(start: $0, end: $1, cause: $2) })
        for gap in outcome.intensityGaps {
            builder.addIntensityFallback(start: gap.start, end: gap.end, cause: gap.cause)
        }
        let provenance = ReportProvenance(
            configuration: configuration, configBytes: configBytes, from: start, to: end, step: stepSeconds,
            resolution: resolutionSeconds,
            groupBy: groups, outcome: outcome)
        let report = builder.finish(
            provenance: provenance, attributionLabels: configuration.attributionLabels,
            equivalencies: configuration.equivalencyTable)
        let bytes: [UInt8] =
            switch format {
            case .json: Array(ReportJSONRenderer.render(report).utf8)
            case .csv: Array(ReportCSVRenderer.render(report).utf8)
            case .table: Array(ReportTableRenderer.render(report).utf8)
            case .openmetrics: ReportOpenMetricsRenderer.render(report)
            }
        return (bytes, outcome.failedChunks < outcome.chunks)
    }
}

/// Writes command output to a file (atomically, through a temporary file beside it) or standard output.
public enum OutputFile {
    public static func write(_ bytes: [UInt8], to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw HistoryError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// One status line on standard error, rewritten in place; only when standard error is a terminal, so logs
/// and pipes never see it.
public enum TerminalProgress {
    public static func standardError() -> ((String) -> Void)? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        return { message in
            let line = message.isEmpty ? "\r\u{1B}[K" : "\r\u{1B}[K\(message)"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
