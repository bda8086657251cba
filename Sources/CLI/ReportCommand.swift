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
import StateStore

/// `footprint_exporter report`: a reproducible usage report over a past span, from Prometheus' history.
public struct ReportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Usage report (CPU time, energy, emissions) per group and step over a past span, from Prometheus' history "
            + "or the exporter's own (--source local)."
    )

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        case json
        case csv
        case table
        case openmetrics
    }

    /// Where the history comes from.
    public enum Source: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// Prometheus' node_exporter series, replayed through the counters.
        case prometheus
        /// The exporter's own hourly usage history in its state store; no Prometheus needed.
        case local
    }

    @OptionGroup public var history: HistorySpanOptions

    @Option(
        name: .customLong("source"),
        help: "prometheus (replay Prometheus' history) or local (the exporter's usage history in --storage.path).")
    public var source = Source.prometheus

    @Option(
        name: .customLong("storage.path"),
        help: "With --source local: the exporter's state store (a file, or the directory holding it).")
    public var storagePath = "data/footprint_exporter.sqlite"

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
        if source == .local, storagePath.isEmpty {
            throw ValidationError("--source local needs --storage.path naming the exporter's state store")
        }
    }

    /// The span as Unix seconds.
    public func span() throws -> (from: Double, to: Double) { try history.span() }

    public static func parseTime(_ text: String) -> Double? { HistorySpanOptions.parseTime(text) }

    public static func labels(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public func run() throws {
        try history.run(command: "report") { fetcher, logger, progress in
            try produce(fetcher: fetcher, logger: logger, progress: progress)
        }
    }

    /// The rendered report, and whether any node data could be read at all.
    public func produce(
        fetcher: any HTTPFetching, logger: Logger, progress: ((String) -> Void)?
    ) throws -> (bytes: [UInt8], readAnything: Bool) {
        let (start, end) = try span()
        let (configuration, configBytes) = try history.loadConfiguration()
        let stepSeconds = PrometheusDuration.parse(step) ?? 3_600
        let resolutionSeconds = history.resolutionSeconds(configuration)
        let groups = groupBy.map(Self.labels) ?? configuration.attributionLabels
        let result: UsageHistory.Result
        switch source {
        case .prometheus:
            result = try UsageHistory.report(
                configuration: configuration, configBytes: configBytes, from: start, to: end, step: stepSeconds,
                resolution: resolutionSeconds, groupBy: groups, keepHostSeries: format == .openmetrics,
                fetcher: fetcher, logger: logger, progress: progress)
        case .local:
            let file = StoragePath.file(for: storagePath)
            guard FileManager.default.fileExists(atPath: file) else {
                throw HistoryError("--storage.path \(storagePath): no state store at \(file)")
            }
            let store: StateStore
            do {
                store = try StateStore(path: file)
            } catch {
                throw HistoryError("--storage.path \(storagePath): \(error)")
            }
            result = try LocalUsageHistory.report(
                configuration: configuration, configBytes: configBytes, store: store, from: start, to: end,
                step: stepSeconds, groupBy: groups, keepHostSeries: format == .openmetrics,
                now: Date().timeIntervalSince1970)
        }
        let report = result.report
        let bytes: [UInt8] =
            switch format {
            case .json: Array(ReportJSONRenderer.render(report).utf8)
            case .csv: Array(ReportCSVRenderer.render(report).utf8)
            case .table: Array(ReportTableRenderer.render(report).utf8)
            case .openmetrics: ReportOpenMetricsRenderer.render(report)
            }
        return (bytes, result.readAnything)
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
