/// The JSON envelope of Prometheus' `/api/v1/query_range`, decoded into plain values.
///
/// Decoded by the same single-pass reader as instant answers, so values and times follow the same rules
/// (string values such as `"NaN"`, times with up to three decimals).
public struct PrometheusMatrixResponse: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        /// Evaluation time, Unix seconds.
        public var time: Double
        public var value: Double

        public init(time: Double, value: Double) {
            self.time = time
            self.value = value
        }

        public static func == (lhs: Point, rhs: Point) -> Bool {
            lhs.time == rhs.time && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN))
        }
    }

    public struct Series: Sendable, Equatable {
        public var labels: [String: String]
        /// Points in time order, one per evaluation step at which the series existed.
        public var points: [Point]

        public init(labels: [String: String], points: [Point]) {
            self.labels = labels
            self.points = points
        }
    }

    public var series: [Series]
    public var warnings: [String]

    /// Decodes a response body; a `status: error` body or a non-matrix result is an error.
    public static func decode(_ body: [UInt8]) throws(ReaderError) -> PrometheusMatrixResponse {
        try body.withUnsafeBufferPointer { (bytes) throws(ReaderError) -> PrometheusMatrixResponse in
            var parser = PrometheusJSONParser(bytes)
            return try parser.parseMatrixResponse()
        }
    }
}
