import Foundation
import HTTPClient
import Logging
import Model
import PromText
import Readers
import Report

/// Reads a span of history (node metrics from Prometheus, carbon intensity from the provider) and feeds it,
/// step by step, through the live counters; shared by `report` and `workspaces`.
///
/// Prometheus is asked one day (or 10,000 steps) at a time, so a year never becomes one huge request. A chunk
/// whose queries fail is reported to `failure` and no interval spans it (the baselines are forgotten).
struct HistoryReader {
    /// What was read, for provenance.
    struct Outcome {
        var queries: [String]
        var requests: Int
        var failedChunks: Int
        var chunks: Int
        var intensityDetail: String
        /// Stretches without a provider intensity, with why.
        var intensityGaps: [(start: Double, end: Double, cause: String)]
    }

    let configuration: Configuration
    let fetcher: any HTTPFetching
    let logger: Logger
    /// Where progress goes; nil for none (standard error is not a terminal, or in tests).
    let progress: ((String) -> Void)?

    /// Evaluates `from, from + resolution, …` up to one step past `to` (so the last interval ending after `to`
    /// is read and clipped), calling `step` with each step's readings and integrated intervals in time order.
    func read(
        from: Double,
        to: Double,
        resolution: Double,
        step: (_ time: Double, _ result: PrometheusReader.Result, _ intervals: [IntervalUsage]) -> Void,
        failure: (_ start: Double, _ end: Double, _ cause: String) -> Void
    ) throws -> Outcome {
        guard configuration.source.kind == .prometheus else {
            throw HistoryError(
                "history needs source.kind prometheus (the history lives in Prometheus); the configuration has \(configuration.source.kind.rawValue)"
            )
        }
        let prometheus = configuration.source.prometheus
        let settings = PrometheusReader.Settings(
            baseURL: prometheus.url, selector: prometheus.selector, hostLabel: prometheus.hostLabel,
            // A day of range answers is far larger than an instant one: allow at least 30 s.
            timeoutSeconds: max(prometheus.timeout, 30), headers: try Secrets.authorizationHeaders(for: prometheus))
        let reader = PrometheusRangeReader(settings: settings, fetcher: fetcher)
        // One history per grid region; hosts are charged in the region the live exporter maps them to.
        var timelines: [String: IntensityTimeline] = [:]
        var details: [String] = []
        var intensityGaps: [(start: Double, end: Double, cause: String)] = []
        let regions = configuration.gridRegions
        for region in regions {
            let (timeline, regionDetail, regionGaps) = readIntensity(region, from: from, to: to + resolution)
            timelines[region.name] = timeline
            details.append(regions.count == 1 ? regionDetail : "\(region.name): \(regionDetail)")
            intensityGaps += regionGaps.map {
                regions.count == 1 ? $0 : ($0.start, $0.end, "\(region.name): \($0.cause)")
            }
        }
        let detail = details.joined(separator: "; ")
        let power = configuration.power
        let mapper = RegionMapper(configuration: configuration)
        var integrator = HistoryIntegrator(
            attributionLabels: configuration.attributionLabels, graceSeconds: configuration.hostGracePeriod,
            intensities: timelines,
            region: { mapper.region(host: $0.host, labels: $0.labels) }, profile: { power.profile(for: $0) })
        let chunks = PrometheusRangeReader.chunks(start: from, end: to + resolution, resolution: resolution)
        var failed = 0
        for (index, chunk) in chunks.enumerated() {
            progress?("reading \(UTCDate.format(chunk.start)) (\(index + 1)/\(chunks.count))")
            do {
                for evaluated in try reader.read(chunk, resolution: resolution, logger: logger) {
                    let intervals = integrator.add(time: evaluated.time, readings: evaluated.result.readings)
                    step(evaluated.time, evaluated.result, intervals)
                }
            } catch {
                failed += 1
                logger.warning(
                    "range read failed; marked as a gap",
                    metadata: ["start": "\(UTCDate.format(chunk.start))", "err": "\(error)"])
                integrator.forgetBaselines()
                failure(chunk.start, chunk.end + resolution, "Prometheus range query failed: \(Self.oneLine(error))")
            }
        }
        progress?("")
        return Outcome(
            queries: reader.queries.history, requests: chunks.count * reader.queries.history.count,
            failedChunks: failed, chunks: chunks.count,
            intensityDetail: detail, intensityGaps: intensityGaps)
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
    static func oneLine(_ error: any Error) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// A history could not be read at all.
struct HistoryError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
