import ArgumentParser
import Config
import Counters
import Foundation
import HTTPClient
import Logging
import Model
import Readers

/// `footprint_exporter calibrate`: fits each power profile to the whole-node measurements Prometheus holds over a
/// past span, and prints the fitted profiles as a `power:` fragment ready to paste, with the residual per profile.
///
/// The history is read with the bridge's own queries, node readings and measured power alike, step by step, and
/// fed through the same `PowerCollection` the running exporter uses (on a scratch ledger), so the fit is the one
/// the exporter would have made had its calibration window covered the whole span.
public struct CalibrateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract:
            "Fit power profiles to whole-node measurements in Prometheus' history; print them as YAML to paste."
    )

    @OptionGroup public var history: HistorySpanOptions

    public init() {}

    public func run() throws {
        try history.run(command: "calibrate") { fetcher, logger, progress in
            try produce(fetcher: fetcher, logger: logger, progress: progress)
        }
    }

    /// The rendered profiles, and whether any node data could be read at all.
    public func produce(
        fetcher: any HTTPFetching, logger: Logger, progress: ((String) -> Void)?
    ) throws -> (bytes: [UInt8], readAnything: Bool) {
        let (start, end) = try history.span()
        let (configuration, _) = try history.loadConfiguration()
        let resolution = history.resolutionSeconds(configuration)
        let fits = try Self.fit(
            configuration: configuration, from: start, to: end, resolution: resolution, fetcher: fetcher,
            logger: logger, progress: progress)
        return (Array(CalibrationYAML.render(fits.attempts).utf8), fits.readings > 0)
    }

    /// What a calibration over a span found.
    public struct Outcome {
        /// The latest fit attempt per profile with observations, accepted or not.
        public var attempts: [ProfileFit]
        /// Host readings read over the span.
        public var readings: Int
        /// Chunks of the span whose queries failed (their steps are missing).
        public var failedChunks: Int
    }

    /// Reads `from ..< to` every `resolution` seconds and fits every configured profile over the whole span.
    public static func fit(
        configuration: Configuration, from: Double, to: Double, resolution: Double, fetcher: any HTTPFetching,
        logger: Logger, progress: ((String) -> Void)? = nil
    ) throws -> Outcome {
        let endpoint = try HistoryEndpoint(configuration: configuration, command: "calibrate")
        let measured = configuration.power.measured
        guard measured.enabled else {
            throw HistoryError("calibrate needs measured power; power.measured.enabled is false")
        }
        let nodes = PrometheusRangeReader(settings: endpoint.settings(), fetcher: fetcher)
        let meters = MeasuredPowerRangeReader(
            settings: MeasuredPowerReader.Settings(
                prometheus: endpoint.settings(selector: measured.selector, hostLabel: "instance"),
                families: MeasuredPowerFamilies(nodePowerMetric: measured.nodeMetric),
                join: try HostJoin(
                    label: measured.joinLabel, pattern: measured.joinRegex, replacement: measured.joinReplacement)),
            fetcher: fetcher)

        // The window covers the whole span, so every interval read takes part in the fit.
        let settings = configuration.power.calibration
        var power = PowerCollection(
            calibration: CalibrationSettings(
                windowSeconds: max(to - from + resolution, resolution), minHosts: settings.minHosts, apply: false))
        var ledger = HostLedger(
            attributionLabels: configuration.attributionLabels, graceSeconds: configuration.hostGracePeriod)
        let profiles = [configuration.power.defaultProfile] + configuration.power.profiles.map(\.profile)
        var attempts: [String: ProfileFit] = [:]
        var outcome = Outcome(attempts: [], readings: 0, failedChunks: 0)
        let chunks = PrometheusRangeReader.chunks(start: from, end: to, resolution: resolution)
        for (index, chunk) in chunks.enumerated() {
            progress?("reading \(UTCDate.format(chunk.start)) (\(index + 1)/\(chunks.count))")
            let nodeSteps: [PrometheusRangeReader.Step]
            var meterSteps: [Int64: MeasuredPowerReader.Result] = [:]
            do {
                nodeSteps = try nodes.read(chunk, resolution: resolution, logger: logger)
                for step in try meters.read(chunk, resolution: resolution, logger: logger) {
                    meterSteps[PrometheusRangeReader.key(step.time)] = step.result
                }
            } catch {
                outcome.failedChunks += 1
                logger.warning(
                    "range read failed; its steps are left out of the fit",
                    metadata: [
                        "from": "\(UTCDate.format(chunk.start))", "to": "\(UTCDate.format(chunk.end))",
                        "err": "\(HistoryReader.oneLine(error))",
                    ])
                continue
            }
            for step in nodeSteps where step.time < to {
                power.begin(samples: meterSteps[PrometheusRangeReader.key(step.time)]?.samples ?? [])
                for reading in step.result.readings {
                    power.record(
                        reading, joinKey: HostJoin.nodeKey(of: reading),
                        profile: configuration.power.profile(for: reading.labels), intensity: GramsPerKilowattHour(0),
                        into: &ledger, at: step.time)
                }
                outcome.readings += step.result.readings.count
                ledger.finishCollection(hostsSeen: step.result.readings.count, at: step.time)
                for attempt in power.finish(configured: profiles, at: step.time) { attempts[attempt.profile] = attempt }
            }
        }
        outcome.attempts = attempts.values.sorted { $0.profile < $1.profile }
        for attempt in outcome.attempts {
            logger.info(
                "profile calibration",
                metadata: [
                    "profile": "\(attempt.profile)", "accepted": "\(attempt.isAccepted)",
                    "reason": "\(attempt.rejection?.rawValue ?? "")", "detail": "\(attempt.detail)",
                    "hosts": "\(attempt.hosts)", "intervals": "\(attempt.intervals)",
                ])
        }
        return outcome
    }
}
