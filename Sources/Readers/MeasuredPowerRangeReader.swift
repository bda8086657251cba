import HTTPClient
import Logging
import Model

/// Reads the history of measured power from Prometheus with the bridge's own queries, as range queries.
///
/// Each evaluation step yields the samples an instant read at that time would have produced (the same PromQL and
/// the same join), so history fed through `PowerCollection` beside `PrometheusRangeReader`'s readings fits what
/// the live exporter would have fitted (the `calibrate` command). Use the same chunks as the node history.
public struct MeasuredPowerRangeReader: Sendable {
    /// The samples of one evaluation step.
    public struct Step: Sendable {
        /// Evaluation time, Unix seconds.
        public var time: Double
        public var result: MeasuredPowerReader.Result
    }

    public let reader: MeasuredPowerReader
    private let range: PrometheusRangeReader

    public init(settings: MeasuredPowerReader.Settings, fetcher: any HTTPFetching) {
        reader = MeasuredPowerReader(settings: settings, fetcher: fetcher)
        range = PrometheusRangeReader(settings: settings.prometheus, fetcher: fetcher)
    }

    /// Evaluates every family's query at every step of `chunk`; any failed query fails the chunk.
    public func read(
        _ chunk: PrometheusRangeReader.Chunk, resolution: Double, logger: Logger
    ) throws(ReaderError) -> [Step] {
        var answers: [(family: MeasuredPowerFamilies.Family, cursor: StepCursor)] = []
        for (family, promQL) in reader.queries {
            answers.append((family, StepCursor(try range.queryRange(promQL, chunk, resolution, logger))))
        }
        var steps: [Step] = []
        var index = 0
        var time = chunk.start
        var cache = MeasuredPowerReader.JoinCache()
        while time <= chunk.end + resolution / 1_000 {
            var assembler = MeasuredPowerReader.Assembler(join: reader.settings.join, time: time, cache: cache)
            for position in answers.indices {
                assembler.add(
                    answers[position].family, answers[position].cursor.samples(at: PrometheusRangeReader.key(time)))
            }
            steps.append(Step(time: time, result: assembler.result))
            cache = assembler.joinCache
            index += 1
            time = chunk.start + Double(index) * resolution
        }
        return steps
    }

    /// Walks the series of one range answer step by step, as an instant answer per step.
    struct StepCursor {
        private let series: [PrometheusMatrixResponse.Series]
        private var positions: [Int]

        init(_ response: PrometheusMatrixResponse) {
            series = response.series
            positions = Array(repeating: 0, count: response.series.count)
        }

        /// Every series with a point at `key` (steps must be asked in increasing order).
        mutating func samples(at key: Int64) -> PrometheusQueryResponse {
            var samples: [PrometheusQueryResponse.VectorSample] = []
            for index in series.indices {
                let points = series[index].points
                var position = positions[index]
                while position < points.count, PrometheusRangeReader.key(points[position].time) < key { position += 1 }
                positions[index] = position
                if position < points.count, PrometheusRangeReader.key(points[position].time) == key {
                    samples.append(
                        PrometheusQueryResponse.VectorSample(
                            labels: series[index].labels, timestamp: points[position].time,
                            value: points[position].value))
                }
            }
            return PrometheusQueryResponse(samples: samples, warnings: [])
        }
    }
}
