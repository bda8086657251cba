import HTTPClient
import Logging
import Model
import Synchronization

/// Reads the measured power of every host from a Prometheus server (bridge mode): one instant query per
/// measured metric family per collection, whatever the host count.
///
/// Each query aggregates in Prometheus down to the labels the reader uses, so an answer carries no label it would
/// throw away: a whole-node meter is summed per join label value (`sum by (instance) (…)`, as the meters of one
/// host are added up anyway), a RAPL zone or a GPU keeps the join label and the labels that identify it
/// (`max by (instance, path, rapl_zone, index) (…)`, `max by (instance, UUID, uuid, gpu) (…)`; `max` only
/// collapses copies of one series that differ in other labels).
///
/// Counter families ask, in the same query, for their sample time (`timestamp()` on the selector, tagged with
/// the label `footprint_sample="timestamp"`), so a counter's delta is divided by the time between the scrapes it
/// came from, not between two collections. The time is taken per join label value (`max by (instance)`): the
/// counters of one target come from one scrape and share its time. Gauges take the evaluation time.
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
        public var samples: PowerSamples
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
    /// The join label values met so far (`JoinCache`), shared by copies of the reader: a cache, so a
    /// read that finds it taken by another starts from an empty one and is only slower.
    private let joinCache = SharedJoinCache()

    public init(settings: Settings, fetcher: any HTTPFetching) {
        self.settings = settings
        self.prometheus = PrometheusReader(settings: settings.prometheus, fetcher: fetcher)
        self.queries = MeasuredPowerFamilies.Family.allCases.filter { settings.enabled.contains($0) }.map {
            (
                $0,
                Self.query(
                    settings.families.metricName($0), family: $0, selector: settings.prometheus.selector,
                    joinLabel: settings.join.label)
            )
        }
    }

    static func query(
        _ metric: String, family: MeasuredPowerFamilies.Family, selector: String, joinLabel: String
    ) -> String {
        var inner = selector.trimmingSpaces
        if inner.hasPrefix("{") && inner.hasSuffix("}") { inner = String(inner.dropFirst().dropLast()).trimmingSpaces }
        let series = inner.isEmpty ? metric : "\(metric){\(inner)}"
        let grouping = ([joinLabel] + MeasuredPowerFamilies.idLabels(family).filter { $0 != joinLabel }).joined(
            separator: ", ")
        let values = family == .node ? "sum by (\(grouping)) (\(series))" : "max by (\(grouping)) (\(series))"
        guard family.isCounter else { return values }
        var times = "max by (\(joinLabel)) (timestamp(\(series)))"
        if family.isNodeExporter {
            // Only targets without node_cpu_seconds_total: the others' zones came with the host's node reading.
            let target = ([joinLabel] + ["instance", "job"].filter { $0 != joinLabel }).joined(separator: ", ")
            let cpu = "node_cpu_seconds_total{\(inner.isEmpty ? "" : inner + ",")mode=\"idle\"}"
            times =
                "max by (\(target)) (timestamp(\(series))) unless on (instance, job) count by (instance, job) (\(cpu))"
        }
        return #"\#(values) or label_replace(\#(times), "\#(sampleLabel)", "timestamp", "", "")"#
    }

    /// Reads every family as of `time` (Unix seconds). A failed query fails the read, so a collection never
    /// mixes fresh and missing measurements; an absent family is simply an empty answer.
    public func read(at time: Double, logger: Logger) throws(ReaderError) -> Result {
        // Taken out for the read, not held: the queries take as long as Prometheus does.
        let cache = joinCache.value.withLock { cache in
            defer { cache = JoinCache() }
            return cache
        }
        var assembler = Assembler(join: settings.join, time: time, cache: cache)
        do throws(ReaderError) {
            for (family, promQL) in queries {
                let labels = Assembler.columnLabels(family, join: settings.join)
                // An answer decoded down to the labels the family uses.
                let url = prometheus.queryURL(promQL, at: time)
                let answer = try prometheus.fetchAPI(url, promQL: promQL, logger: logger) {
                    body throws(ReaderError) in
                    try PrometheusQueryResponse.decodeColumns(
                        body, labels: labels, expecting: assembler.previousAnswer(family))
                }
                assembler.add(family, answer)
            }
        } catch {
            joinCache.value.withLock { $0 = cache }
            throw error
        }
        let learnt = assembler.joinCache
        joinCache.value.withLock { $0 = learnt }
        return assembler.result
    }
}

/// The reader's join cache, one per reader and its copies.
private final class SharedJoinCache: Sendable {
    let value = Mutex(MeasuredPowerReader.JoinCache())
}
