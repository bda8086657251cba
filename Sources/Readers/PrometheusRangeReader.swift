import HTTPClient
import Logging
import Model

/// Reads the history of every node_exporter host from Prometheus with the bridge's own queries, as range
/// queries (`/api/v1/query_range`).
///
/// Each evaluation step yields the readings an instant collection at that time would have produced: the same
/// seven PromQL expressions and the same assembly into `HostReading`s (`PrometheusReader.assemble`), so a
/// history fed through the counters gives what the live exporter would have counted.
public struct PrometheusRangeReader: Sendable {
    /// The readings of one evaluation step.
    public struct Step: Sendable {
        /// Evaluation time, Unix seconds.
        public var time: Double
        public var result: PrometheusReader.Result
    }

    /// One request's worth of evaluation steps: `start` through `end`, both included.
    public struct Chunk: Sendable, Equatable {
        public var start: Double
        public var end: Double

        public init(start: Double, end: Double) {
            self.start = start
            self.end = end
        }
    }

    /// Prometheus refuses more than 11,000 points per series in one request; stay well below it.
    public static let maxPointsPerRequest = 10_000

    public let reader: PrometheusReader
    private let fetcher: any HTTPFetching

    public init(settings: PrometheusReader.Settings, fetcher: any HTTPFetching) {
        self.reader = PrometheusReader(settings: settings, fetcher: fetcher)
        self.fetcher = fetcher
    }

    public var queries: PrometheusReader.Queries { reader.queries }

    /// Splits the evaluation times `start, start + resolution, …` up to `end` into requests that each stay
    /// within one UTC day and under `maxPointsPerRequest` points, so a year is read a day at a time.
    public static func chunks(start: Double, end: Double, resolution: Double) -> [Chunk] {
        guard resolution > 0, end >= start else { return [] }
        let total = Int(((end - start) / resolution).rounded(.down))
        var chunks: [Chunk] = []
        var index = 0
        while index <= total {
            let first = start + Double(index) * resolution
            let nextMidnight = ((first / 86_400).rounded(.down) + 1) * 86_400
            // The last step before the next midnight, but at least one step and at most the point limit.
            let stepsToMidnight = max(Int(((nextMidnight - first) / resolution).rounded(.up)), 1)
            let count = min(stepsToMidnight, maxPointsPerRequest, total - index + 1)
            chunks.append(Chunk(start: first, end: first + Double(count - 1) * resolution))
            index += count
        }
        return chunks
    }

    /// Evaluates the collection queries at every step of `chunk`. Any failed query fails the whole chunk, so a
    /// step never mixes fresh and missing data.
    public func read(_ chunk: Chunk, resolution: Double, logger: Logger) throws(ReaderError) -> [Step] {
        let queries = reader.queries
        let hostLabel = reader.settings.hostLabel
        // Sorted by host so that everything downstream runs in the same order on every run.
        var up = SeriesCursors(try queryRange(queries.up, chunk, resolution, logger), hostLabel: hostLabel)
        var perQuery: [SeriesCursors] = []
        for promQL in [
            queries.cpuIdleSeconds, queries.cpuTotalSeconds, queries.cores, queries.memoryActiveRatio, queries.bootTime,
            queries.sampleTime, queries.memoryTotalBytes,
        ] {
            perQuery.append(SeriesCursors(try queryRange(promQL, chunk, resolution, logger), hostLabel: hostLabel))
        }
        var steps: [Step] = []
        var index = 0
        var time = chunk.start
        while time <= chunk.end + resolution / 1_000 {
            let key = Self.key(time)
            var values = PrometheusReader.HostValues()
            values.cpuIdle = perQuery[0].values(at: key).mapValues(Self.wholeMilliseconds)
            values.cpuTotal = perQuery[1].values(at: key).mapValues(Self.wholeMilliseconds)
            values.cores = perQuery[2].values(at: key)
            values.memoryActiveRatio = perQuery[3].values(at: key)
            values.bootTime = perQuery[4].values(at: key)
            values.sampleTime = perQuery[5].values(at: key)
            values.memoryTotalBytes = perQuery[6].values(at: key)
            let targets = up.samples(at: key)
            let result = reader.assemble(up: PrometheusQueryResponse(samples: targets, warnings: []), values: values)
            steps.append(Step(time: time, result: result))
            index += 1
            time = chunk.start + Double(index) * resolution
        }
        return steps
    }

    /// CPU seconds summed by the query engine, to the millisecond. Each engine adds a host's series in its own
    /// order (Prometheus, VictoriaMetrics and Thanos differ), so the sums differ in their last bits and a report
    /// would differ in its last digits; node_exporter's counters are whole ticks (10 ms on Linux), so the
    /// millisecond drops only that noise and every engine's answer gives the same report.
    static func wholeMilliseconds(_ seconds: Double) -> Double {
        seconds.isFinite ? (seconds * 1_000).rounded() / 1_000 : seconds
    }

    /// Milliseconds: the resolution of Prometheus' evaluation times, so keys match whatever the float text.
    public static func key(_ time: Double) -> Int64 { Int64((time * 1_000).rounded()) }

    /// Walks the series of one answer step by step. Each series keeps a position in its time-ordered points,
    /// so a day of a large fleet is read without building a table per step and host.
    struct SeriesCursors {
        private var series: [PrometheusMatrixResponse.Series]
        private var hosts: [String]
        private var positions: [Int]

        init(_ response: PrometheusMatrixResponse, hostLabel: String) {
            let kept = response.series.filter { $0.labels[hostLabel] != nil }.sorted {
                ($0.labels[hostLabel] ?? "") < ($1.labels[hostLabel] ?? "")
            }
            series = kept
            hosts = kept.map { $0.labels[hostLabel] ?? "" }
            positions = Array(repeating: 0, count: kept.count)
        }

        /// The value of every series with a point at `key`, by host (steps must be asked in increasing order).
        mutating func values(at key: Int64) -> [String: Double] {
            var values: [String: Double] = [:]
            for index in advance(to: key) { values[hosts[index]] = series[index].points[positions[index]].value }
            return values
        }

        /// Every series with a point at `key` as an instant sample (for `up`), in host order.
        mutating func samples(at key: Int64) -> [PrometheusQueryResponse.VectorSample] {
            advance(to: key).map { index in
                let point = series[index].points[positions[index]]
                return PrometheusQueryResponse.VectorSample(
                    labels: series[index].labels, timestamp: point.time, value: point.value)
            }
        }

        /// Moves every series to its first point at or after `key`; returns the series whose point is at `key`.
        private mutating func advance(to key: Int64) -> [Int] {
            var matching: [Int] = []
            for index in series.indices {
                var position = positions[index]
                let count = series[index].points.count
                while position < count, PrometheusRangeReader.key(series[index].points[position].time) < key {
                    position += 1
                }
                positions[index] = position
                if position < count, PrometheusRangeReader.key(series[index].points[position].time) == key {
                    matching.append(index)
                }
            }
            return matching
        }
    }

    func queryRange(
        _ promQL: String, _ chunk: Chunk, _ resolution: Double, _ logger: Logger
    ) throws(ReaderError)
        -> PrometheusMatrixResponse
    {
        let settings = reader.settings
        let url =
            "\(settings.baseURL.trimmingTrailingSlash)/api/v1/query_range?query=\(promQL.urlQueryEscaped)"
            + "&start=\(PrometheusReader.formatTime(chunk.start))&end=\(PrometheusReader.formatTime(chunk.end))"
            + "&step=\(PrometheusReader.formatTime(resolution))"
        return try reader.fetchAPI(url, promQL: promQL, logger: logger) { body throws(ReaderError) in
            try PrometheusMatrixResponse.decode(body)
        }
    }
}
