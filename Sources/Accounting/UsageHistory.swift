import Config
import HTTPClient
import Logging
import Readers
import Report

/// A usage report over a past span, replayed from history: the one place `report`, `workspaces` and the
/// AUDITOR push build their reports, with the gaps, the intensity fallbacks and the provenance.
public enum UsageHistory {
    /// What a replay produced: the report, and whether any node data could be read at all.
    public struct Result {
        public var report: UsageReport
        public var readAnything: Bool
    }

    /// - Parameter eachStep: also sees each step's readings and intervals (workspaces follow hosts through it).
    public static func report(
        configuration: Configuration, configBytes: [UInt8], from start: Double, to end: Double, step: Double,
        resolution: Double, groupBy: [String], keepHostSeries: Bool, fetcher: any HTTPFetching, logger: Logger,
        progress: ((String) -> Void)?,
        eachStep: (_ time: Double, _ result: PrometheusReader.Result, _ intervals: [IntervalUsage]) -> Void = {
            _, _, _ in
        }
    ) throws -> Result {
        var builder = UsageReportBuilder(
            from: start, to: end, step: step, resolution: resolution, groupBy: groupBy,
            keepHostSeries: keepHostSeries)
        let replay = HistoryReplay(configuration: configuration, fetcher: fetcher, logger: logger, progress: progress)
        let outcome = try replay.replay(
            from: start, to: end, resolution: resolution,
            step: { time, result, intervals in
                builder.add(
                    stepAt: time, intervals: intervals, listedHosts: result.readings.count + result.skipped.count,
                    skipped: result.skipped.map(\.reason))
                eachStep(time, result, intervals)
            },
            failure: { builder.addFailure(start: $0, end: $1, cause: $2) })
        for gap in outcome.intensityGaps {
            builder.addIntensityFallback(start: gap.start, end: gap.end, cause: gap.cause)
        }
        let provenance = ReportProvenance(
            configuration: configuration, configBytes: configBytes, from: start, to: end, step: step,
            resolution: resolution, groupBy: groupBy, outcome: outcome)
        let report = builder.finish(
            provenance: provenance, attributionLabels: configuration.attributionLabels,
            equivalencies: configuration.equivalencyTable)
        return Result(report: report, readAnything: outcome.failedChunks < outcome.chunks)
    }
}
