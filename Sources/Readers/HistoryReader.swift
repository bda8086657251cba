import Config
import Foundation
import HTTPClient
import Logging
import Model
import PromText

/// Reads a span of history: node metrics from Prometheus' range API, and each grid region's carbon intensity
/// from the first provider of its chain that keeps a history. It only reads; `HistoryReplay` in Accounting feeds
/// what it reads through the counters.
///
/// Prometheus is asked one day (or 10,000 steps) at a time, so a year never becomes one huge request. A chunk
/// whose queries fail is reported to `failure`.
public struct HistoryReader {
    /// What was read, for provenance.
    public struct Outcome {
        public var queries: [String]
        public var requests: Int
        public var failedChunks: Int
        public var chunks: Int
        public var intensityDetail = ""
        /// Stretches without a provider intensity, with why.
        public var intensityGaps: [(start: Double, end: Double, cause: String)] = []
    }

    /// Each grid region's intensity over a span, with how it was read and where it had no value.
    public struct IntensityHistory {
        public var timelines: [String: IntensityTimeline]
        public var detail: String
        public var gaps: [(start: Double, end: Double, cause: String)]
    }

    public init(
        configuration: Configuration, fetcher: any HTTPFetching, logger: Logger, progress: ((String) -> Void)?
    ) {
        self.configuration = configuration
        self.fetcher = fetcher
        self.logger = logger
        self.progress = progress
    }

    public let configuration: Configuration
    public let fetcher: any HTTPFetching
    public let logger: Logger
    /// Where progress goes; nil for none (standard error is not a terminal, or in tests).
    public let progress: ((String) -> Void)?

    /// Evaluates `from, from + resolution, …` up to one step past `to` (so the last interval ending after `to`
    /// is read and clipped), calling `step` with each step's readings in time order, and `failure` for each chunk
    /// that could not be read.
    public func readNodes(
        from: Double,
        to: Double,
        resolution: Double,
        step: (_ time: Double, _ result: PrometheusReader.Result) -> Void,
        failure: (_ start: Double, _ end: Double, _ cause: String) -> Void
    ) throws -> Outcome {
        let reader = PrometheusRangeReader(
            settings: try HistoryEndpoint(configuration: configuration).settings(), fetcher: fetcher)
        let chunks = PrometheusRangeReader.chunks(start: from, end: to + resolution, resolution: resolution)
        var failed = 0
        for (index, chunk) in chunks.enumerated() {
            progress?("reading \(UTCDate.format(chunk.start)) (\(index + 1)/\(chunks.count))")
            do {
                for evaluated in try reader.read(chunk, resolution: resolution, logger: logger) {
                    step(evaluated.time, evaluated.result)
                }
            } catch {
                failed += 1
                logger.warning(
                    "range read failed; marked as a gap",
                    metadata: ["start": "\(UTCDate.format(chunk.start))", "err": "\(error)"])
                failure(chunk.start, chunk.end + resolution, "Prometheus range query failed: \(Self.oneLine(error))")
            }
        }
        progress?("")
        return Outcome(
            queries: reader.queries.history, requests: chunks.count * reader.queries.history.count,
            failedChunks: failed, chunks: chunks.count)
    }

    /// One intensity history per grid region over `from ..< to`; hosts are charged in the region the live
    /// exporter maps them to.
    public func intensityHistory(from: Double, to: Double) -> IntensityHistory {
        var timelines: [String: IntensityTimeline] = [:]
        var details: [String] = []
        var gaps: [(start: Double, end: Double, cause: String)] = []
        let regions = configuration.gridRegions
        for region in regions {
            let (timeline, regionDetail, regionGaps) = readIntensity(region, from: from, to: to)
            timelines[region.name] = timeline
            details.append(regions.count == 1 ? regionDetail : "\(region.name): \(regionDetail)")
            gaps += regionGaps.map {
                regions.count == 1 ? $0 : ($0.start, $0.end, "\(region.name): \($0.cause)")
            }
        }
        return IntensityHistory(timelines: timelines, detail: details.joined(separator: "; "), gaps: gaps)
    }

    /// The intensity history of a grid region, from the first provider of its chain that keeps one: the
    /// GB API's half-hours in 14-day requests, the site's intensity file, or the static value; the fallback where
    /// the history has nothing (listed as gaps). Electricity Maps and WattTime keep no history on their free
    /// tiers, so a chain of only those is charged the fallback, said in every gap.
    private func readIntensity(
        _ settings: Configuration.GridRegion, from: Double, to: Double
    ) -> (IntensityTimeline, String, [(start: Double, end: Double, cause: String)]) {
        let fallback = SampleValueText.string(settings.fallbackGramsPerKilowattHour)
        switch settings.providers.first(where: { $0 == .uk || $0 == .file || $0 == .static }) {
        case .static:
            return (
                IntensityTimeline(constant: GramsPerKilowattHour(settings.staticGramsPerKilowattHour)), "static value",
                []
            )
        case .file:
            let reader = IntensityFileReader(path: settings.file.path ?? "")
            var read: [IntensityPeriod] = []
            var failure: String?
            do {
                read = try reader.forecast(now: from).filter { $0.start < to }
            } catch {
                failure = "intensity file unreadable (\(Self.oneLine(error))); fallback \(fallback) g/kWh used"
            }
            let timeline = IntensityTimeline(
                periods: read, fallback: GramsPerKilowattHour(settings.fallbackGramsPerKilowattHour))
            let gaps = timeline.uncovered(from: from, to: to).map {
                (
                    start: $0.from, end: $0.to,
                    cause: failure ?? "intensity file has no value; fallback \(fallback) g/kWh used"
                )
            }
            return (
                timeline, "intensity file \(settings.file.path ?? ""), value of the period in which each interval ends",
                gaps
            )
        case .electricitymaps, .watttime, nil:
            let timeline = IntensityTimeline(
                periods: [], fallback: GramsPerKilowattHour(settings.fallbackGramsPerKilowattHour))
            let cause =
                "no provider of the chain (\(settings.providers.map(\.rawValue).joined(separator: ", "))) keeps history; fallback \(fallback) g/kWh used"
            return (
                timeline, "fallback value",
                timeline.uncovered(from: from, to: to).map { (start: $0.from, end: $0.to, cause: cause) }
            )
        case .uk:
            let region: UKCarbonIntensityReader.Region =
                if let id = settings.uk.regionID { .regionID(id) } else if let postcode = settings.uk.postcode {
                    .postcode(postcode)
                } else { .national }
            let periods = UKIntensityPeriods(
                baseURL: settings.uk.url, region: region,
                timeoutSeconds: max(configuration.carbonIntensity.timeout, 30), fetcher: fetcher)
            var read: [IntensityPeriod] = []
            var failures: [(start: Double, end: Double, cause: String)] = []
            var unusable = 0
            for piece in UKIntensityPeriods.pieces(from: from, to: to) {
                progress?("reading carbon intensity \(UTCDate.format(piece.from))")
                do {
                    let result = try periods.read(from: piece.from, to: piece.to)
                    read += result.periods
                    unusable += result.unusable.count
                } catch {
                    logger.warning("carbon intensity history failed; fallback used", metadata: ["err": "\(error)"])
                    failures.append(
                        (
                            piece.from, piece.to,
                            "carbon intensity request failed (\(Self.oneLine(error))); fallback \(SampleValueText.string(settings.fallbackGramsPerKilowattHour)) g/kWh used"
                        ))
                }
            }
            let timeline = IntensityTimeline(
                periods: read, fallback: GramsPerKilowattHour(settings.fallbackGramsPerKilowattHour))
            var gaps: [(start: Double, end: Double, cause: String)] = []
            for span in timeline.uncovered(from: from, to: to) {
                // A failed request explains its own stretch; the rest the API simply did not list.
                let explained = failures.first { $0.start <= span.from && span.from < $0.end }
                gaps.append(
                    (
                        span.from, span.to,
                        explained?.cause
                            ?? "carbon intensity API listed no value (\(unusable) unusable periods); fallback \(SampleValueText.string(settings.fallbackGramsPerKilowattHour)) g/kWh used"
                    ))
            }
            let path =
                switch region {
                case .national: "/intensity/{from}/{to}"
                case .regionID(let id): "/regional/intensity/{from}/{to}/regionid/\(id)"
                case .postcode(let postcode): "/regional/intensity/{from}/{to}/postcode/\(postcode)"
                }
            return (
                timeline,
                "GB Carbon Intensity API \(path), half-hourly, value of the half-hour in which each interval ends", gaps
            )
        }
    }
}

extension HistoryReader {
    /// An error's text without the line breaks upstream bodies may carry.
    public static func oneLine(_ error: any Error) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// A history could not be read at all.
public struct HistoryError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
