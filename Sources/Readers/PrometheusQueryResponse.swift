/// The JSON envelope of Prometheus' `/api/v1/query` for instant vectors, decoded into plain values.
///
/// Sample values arrive as strings (`"1.5"`, `"NaN"`, `"+Inf"`) and times as numbers with up to three
/// decimals; both are parsed as general floats, whatever style the server version writes.
public struct PrometheusQueryResponse: Sendable, Equatable {
    public struct VectorSample: Sendable, Equatable {
        public var labels: [String: String]
        public var timestamp: Double
        public var value: Double

        public static func == (lhs: VectorSample, rhs: VectorSample) -> Bool {
            lhs.labels == rhs.labels && lhs.timestamp == rhs.timestamp
                && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN))
        }
    }

    public var samples: [VectorSample]
    public var warnings: [String]

    /// Decodes a response body; a `status: error` body or a non-vector result is an error.
    ///
    /// Keys may come in any order and unknown ones are skipped. Native-histogram series (`histogram`
    /// instead of `value`) carry no float sample and are left out. Anything else that is not a well-formed
    /// response is `.malformed`, with the byte offset where reading stopped.
    public static func decode(_ body: [UInt8]) throws(ReaderError) -> PrometheusQueryResponse {
        try body.withUnsafeBufferPointer { (bytes) throws(ReaderError) -> PrometheusQueryResponse in
            var parser = PrometheusJSONParser(bytes)
            return try parser.parseResponse()
        }
    }

    /// Decodes a response body keeping only the labels named in `labels` of each series, in columns; the same
    /// checks and errors as `decode`. Labels not kept are checked as JSON strings but not as UTF-8.
    ///
    /// - Parameter expected: the previous answer to the same query, decoded with the same `labels`, which names
    ///   the same hosts in the same order. A value with the bytes of the one expected is that String, with no
    ///   String of its own to make, check and free (and compares with it in no time); the result is the same.
    public static func decodeColumns(
        _ body: [UInt8], labels: [String], expecting expected: PrometheusVectorColumns? = nil
    ) throws(ReaderError) -> PrometheusVectorColumns {
        try body.withUnsafeBufferPointer { (bytes) throws(ReaderError) -> PrometheusVectorColumns in
            var parser = PrometheusJSONParser(bytes, keepingOnly: labels, expecting: expected)
            return try parser.parseColumnsResponse()
        }
    }
}
