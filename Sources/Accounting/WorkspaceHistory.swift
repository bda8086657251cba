import Config
import HTTPClient
import Logging
import Readers
import Report

/// The workspaces of a past span, read from history.
public enum WorkspaceHistory {
    /// The workspaces of a span, with the one-bucket report that carries their gaps, totals and provenance.
    public static func read(
        configuration: Configuration, configBytes: [UInt8], from start: Double, to end: Double, resolution: Double,
        fetcher: any HTTPFetching, logger: Logger, progress: ((String) -> Void)?
    ) throws -> (workspaces: [Workspace], report: UsageReport, readAnything: Bool) {
        var builder = UsageReportBuilder(
            from: start, to: end, step: end - start, resolution: resolution, groupBy: [], keepHostSeries: false)
        var tracker = WorkspaceTracker(from: start, to: end)
        let replay = HistoryReplay(configuration: configuration, fetcher: fetcher, logger: logger, progress: progress)
        let outcome = try replay.replay(
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
