import HTTPClient
import Logging
import Model

/// Reads the measured power of every host from a Prometheus server (bridge mode): one instant query per
/// measured metric family per collection, whatever the host count.
///
/// Counter families ask for their values and, in the same query, each series' own sample time (`timestamp()` on
/// the selector, tagged with the label `footprint_sample="timestamp"`), so a counter's delta is divided by the
/// time between the scrapes it came from, not between two collections. Gauges take the evaluation time.
/// Series are joined to hosts by `HostJoin`; a series without a join key is skipped and counted.
public struct MeasuredPowerReader: Sendable {
    public struct Settings: Sendable, Equatable {
        /// The Prometheus server, its timeout, headers and body limit; its `selector` applies to every measured
        /// series (e.g. `{cluster="a"}`), its `hostLabel` is unused (the join decides).
        public var prometheus: PrometheusReader.Settings
        public var families: MeasuredPowerFamilies
        public var join: HostJoin
        /// The families asked for; the default is all.
        public var enabled: Set<MeasuredPowerFamilies.Family>

        public init(
            prometheus: PrometheusReader.Settings, families: MeasuredPowerFamilies = MeasuredPowerFamilies(),
            join: HostJoin = .instanceHost,
            enabled: Set<MeasuredPowerFamilies.Family> = Set(
                MeasuredPowerFamilies.Family.allCases)
        ) {
            self.prometheus = prometheus
            self.families = families
            self.join = join
            self.enabled = enabled
        }
    }

    /// The outcome of one read: a sample per joined host, sorted by host, and how many series were skipped.
    public struct Result: Sendable, Equatable {
        public var samples: [PowerSample]
        /// Series with no join key (label missing, pattern not matching).
        public var unjoinedSeries: Int
        /// Series whose value was not finite or negative.
        public var invalidSeries: Int
    }

    /// The label that tags a counter's sample-time series in the answer.
    static let sampleLabel = "footprint_sample"

    public let settings: Settings
    /// The PromQL of one collection, by family, in `Family.allCases` order.
    public let queries: [(family: MeasuredPowerFamilies.Family, promQL: String)]
    private let prometheus: PrometheusReader

    public init(settings: Settings, fetcher: any HTTPFetching) {
        self.settings = settings
        self.prometheus = PrometheusReader(settings: settings.prometheus, fetcher: fetcher)
        self.queries = MeasuredPowerFamilies.Family.allCases.filter { settings.enabled.contains($0) }.map {
            (
                $0,
                Self.query(
                    settings.families.metricName($0), isCounter: $0.isCounter, selector: settings.prometheus.selector)
            )
        }
    }

    static func query(_ metric: String, isCounter: Bool, selector: String) -> String {
        var inner = selector.trimmingSpaces
        if inner.hasPrefix("{") && inner.hasSuffix("}") { inner = String(inner.dropFirst().dropLast()).trimmingSpaces }
        let series = inner.isEmpty ? metric : "\(metric){\(inner)}"
        guard isCounter else { return series }
        return #"\#(series) or label_replace(timestamp(\#(series)), "\#(sampleLabel)", "timestamp", "", "")"#
    }

    /// Reads every family as of `time` (Unix seconds). A failed query fails the read, so a collection never
    /// mixes fresh and missing measurements; an absent family is simply an empty answer.
    public func read(at time: Double, logger: Logger) throws(ReaderError) -> Result {
        var assembler = Assembler(join: settings.join, time: time)
        for (family, promQL) in queries {
            let answer = try prometheus.query(promQL, at: time, logger: logger)
            assembler.add(family, answer)
        }
        return assembler.result
    }

    /// Folds decoded answers into per-host samples; public so that tests and benchmarks can feed answers directly.
    public struct Assembler: Sendable {
        let join: HostJoin
        let time: Double
        private var samples: [String: PowerSample] = [:]
        private var unjoined = 0
        private var invalid = 0

        public init(join: HostJoin, time: Double) {
            self.join = join
            self.time = time
        }

        public mutating func add(_ family: MeasuredPowerFamilies.Family, _ answer: PrometheusQueryResponse) {
            // A counter's sample time is the series of the same host and zone or GPU tagged footprint_sample.
            var sampleTimes: [MeasuredPowerFamilies.SeriesKey: Double] = [:]
            if family.isCounter {
                for sample in answer.samples where sample.labels[MeasuredPowerReader.sampleLabel] != nil {
                    guard let host = join.key(sample.labels) else { continue }
                    sampleTimes[MeasuredPowerFamilies.seriesKey(family, host: host, labels: sample.labels)] =
                        sample.value
                }
            }
            let now = time
            for sample in answer.samples where sample.labels[MeasuredPowerReader.sampleLabel] == nil {
                let labels = sample.labels
                guard let host = join.key(labels) else {
                    unjoined += 1
                    continue
                }
                let sampleTime =
                    family.isCounter
                    ? sampleTimes[MeasuredPowerFamilies.seriesKey(family, host: host, labels: labels)] : nil
                // In place: a copy out of the dictionary would copy the host's arrays for every series.
                if !MeasuredPowerFamilies.add(
                    family, value: sample.value, labels: labels, sampleTime: sampleTime,
                    to: &samples[host, default: PowerSample(host: host, timestamp: now)])
                {
                    invalid += 1
                }
            }
        }

        public var result: Result {
            Result(
                samples: samples.values.filter { !$0.isEmpty || !$0.gpuUtilisation.isEmpty }.sorted {
                    $0.host < $1.host
                },
                unjoinedSeries: unjoined, invalidSeries: invalid)
        }
    }
}
