import Config
import Counters
import HTTPClient
import Logging
import Model
import Readers
import Report

/// A span of history fed, step by step, through the same counters as the live exporter; shared by `report`,
/// `workspaces` and the AUDITOR push.
///
/// A chunk whose queries fail is reported to `failure` and no interval spans it (the baselines are forgotten),
/// so a failed day is a gap, never a day of zero or a doubled one.
public struct HistoryReplay {
    public let configuration: Configuration
    public let reader: HistoryReader

    public init(
        configuration: Configuration, fetcher: any HTTPFetching, logger: Logger, progress: ((String) -> Void)?
    ) {
        self.configuration = configuration
        reader = HistoryReader(configuration: configuration, fetcher: fetcher, logger: logger, progress: progress)
    }

    /// Evaluates `from, from + resolution, …` up to one step past `to`, calling `step` with each step's readings
    /// and integrated intervals in time order.
    public func replay(
        from: Double,
        to: Double,
        resolution: Double,
        step: (_ time: Double, _ result: PrometheusReader.Result, _ intervals: [IntervalUsage]) -> Void,
        failure: (_ start: Double, _ end: Double, _ cause: String) -> Void
    ) throws -> HistoryReader.Outcome {
        let intensity = reader.intensityHistory(from: from, to: to + resolution)
        let power = configuration.power
        let mapper = RegionMapper(configuration: configuration)
        var integrator = HistoryIntegrator(
            attributionLabels: configuration.attributionLabels, graceSeconds: configuration.hostGracePeriod,
            intensities: intensity.timelines,
            region: { mapper.region(host: $0.host, labels: $0.labels) }, profile: { power.profile(for: $0) })
        var outcome = try reader.readNodes(
            from: from, to: to, resolution: resolution,
            step: { time, result in
                step(time, result, integrator.add(time: time, readings: result.readings))
            },
            failure: { start, end, cause in
                integrator.forgetBaselines()
                failure(start, end, cause)
            })
        outcome.intensityDetail = intensity.detail
        outcome.intensityGaps = intensity.gaps
        return outcome
    }
}
