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
        var tracker = WorkspaceTracker(from: start, to: end)
        let result = try UsageHistory.report(
            configuration: configuration, configBytes: configBytes, from: start, to: end, step: end - start,
            resolution: resolution, groupBy: [], keepHostSeries: false, fetcher: fetcher, logger: logger,
            progress: progress,
            eachStep: { time, result, intervals in
                tracker.add(time: time, readings: result.readings, intervals: intervals)
            })
        return (tracker.finish(gaps: result.report.gaps), result.report, result.readAnything)
    }
}
