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
        let up = try queryRange(queries.up, chunk, resolution, logger)
        var perQuery: [[Int64: [String: Double]]] = []
        for promQL in [
            queries.cpuIdleSeconds, queries.cpuTotalSeconds, queries.cores, queries.memoryActiveRatio, queries.bootTime,
            queries.sampleTime,
        ] {
            perQuery.append(byTimeAndHost(try queryRange(promQL, chunk, resolution, logger)))
        }
        var upByTime: [Int64: [PrometheusQueryResponse.VectorSample]] = [:]
        for series in up.series {
            for point in series.points {
                upByTime[Self.key(point.time), default: []].append(
                    PrometheusQueryResponse.VectorSample(labels: series.labels, timestamp: point.time, value: point.value))
            }
        }
        var steps: [Step] = []
        var time = chunk.start
        var index = 0
        while time <= chunk.end + resolution / 1_000 {
            let key = Self.key(time)
            var values = PrometheusReader.HostValues()
            values.cpuIdle = perQuery[0][key] ?? [:]
            values.cpuTotal = perQuery[1][key] ?? [:]
            values.cores = perQuery[2][key] ?? [:]
            values.memoryActiveRatio = perQuery[3][key] ?? [:]
            values.bootTime = perQuery[4][key] ?? [:]
            values.sampleTime = perQuery[5][key] ?? [:]
            // Sorted by host so that everything downstream runs in the same order on every run.
            let targets = (upByTime[key] ?? []).sorted { ($0.labels[reader.settings.hostLabel] ?? "") < ($1.labels[reader.settings.hostLabel] ?? "") }
            let result = reader.assemble(up: PrometheusQueryResponse(samples: targets, warnings: []), values: values)
            steps.append(Step(time: time, result: result))
            index += 1
            time = chunk.start + Double(index) * resolution
        }
        return steps
    }

    /// Milliseconds: the resolution of Prometheus' evaluation times, so keys match whatever the float text.
    static func key(_ time: Double) -> Int64 { Int64((time * 1_000).rounded()) }

    private func byTimeAndHost(_ response: PrometheusMatrixResponse) -> [Int64: [String: Double]] {
        var values: [Int64: [String: Double]] = [:]
        for series in response.series {
            guard let host = series.labels[reader.settings.hostLabel] else { continue }
            for point in series.points { values[Self.key(point.time), default: [:]][host] = point.value }
        }
        return values
    }

    func queryRange(_ promQL: String, _ chunk: Chunk, _ resolution: Double, _ logger: Logger) throws(ReaderError)
        -> PrometheusMatrixResponse
    {
        let settings = reader.settings
        let url =
            "\(settings.baseURL.trimmingTrailingSlash)/api/v1/query_range?query=\(promQL.urlQueryEscaped)"
            + "&start=\(PrometheusReader.formatTime(chunk.start))&end=\(PrometheusReader.formatTime(chunk.end))"
            + "&step=\(PrometheusReader.formatTime(resolution))"
        let request = HTTPRequest(
            url: url,
            headers: settings.headers + [HTTPHeader(name: "Accept", value: "application/json")],
            timeoutSeconds: settings.timeoutSeconds,
            maxBodyBytes: settings.maxBodyBytes
        )
        logger.trace("querying Prometheus range", metadata: ["promql": "\(promQL)"])
        let response: HTTPResponse
        do {
            response = try fetcher.fetch(request)
        } catch {
            throw .transport(error)
        }
        if !response.isSuccess {
            var detail = String(decoding: response.body.prefix(200), as: UTF8.self)
            do {
                _ = try PrometheusMatrixResponse.decode(response.body)
            } catch where error.code == .upstreamError {
                detail = error.detail
            } catch {}
            throw .badStatus(response.status, "\(promQL): \(detail)")
        }
        do {
            return try PrometheusMatrixResponse.decode(response.body)
        } catch {
            throw ReaderError(error.code, "\(promQL): \(error.detail)")
        }
    }
}
