import Foundation

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
    public static func decode(_ body: [UInt8]) throws(ReaderError) -> PrometheusQueryResponse {
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: Data(body))
        } catch {
            throw .malformed("not a Prometheus API response: \(Self.describe(error))")
        }
        if envelope.status != "success" {
            throw .upstreamError("\(envelope.errorType ?? "unknown"): \(envelope.error ?? "no error message")")
        }
        guard let data = envelope.data else { throw .malformed("success without data") }
        guard data.resultType == "vector" else {
            throw .malformed("expected a vector result, got \(data.resultType)")
        }
        return PrometheusQueryResponse(samples: data.result.map(\.sample), warnings: envelope.warnings ?? [])
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): context.debugDescription
        case DecodingError.keyNotFound(let key, _): "missing key \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context):
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.valueNotFound(_, let context):
            "null at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: String(describing: error)
        }
    }

    private struct Envelope: Decodable {
        var status: String
        var data: VectorData?
        var errorType: String?
        var error: String?
        var warnings: [String]?
    }

    private struct VectorData: Decodable {
        var resultType: String
        var result: [Series]

        enum CodingKeys: String, CodingKey { case resultType, result }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            resultType = try container.decode(String.self, forKey: .resultType)
            // Only vectors are read; other result shapes are reported by resultType, not as decoding noise.
            result = resultType == "vector" ? try container.decode([Series].self, forKey: .result) : []
        }
    }

    private struct Series: Decodable {
        var metric: [String: String]
        var value: Point

        var sample: VectorSample { VectorSample(labels: metric, timestamp: value.time, value: value.value) }
    }

    private struct Point: Decodable {
        var time: Double
        var value: Double

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            time = try container.decode(Double.self)
            let text = try container.decode(String.self)
            guard let parsed = Self.parseFloat(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "sample value \"\(text.prefix(40))\" is not a number"
                )
            }
            value = parsed
        }

        /// Go's ParseFloat syntax, without the hexadecimal floats Swift would also accept.
        static func parseFloat(_ text: String) -> Double? {
            if text.contains(where: { $0 == "x" || $0 == "X" || $0 == "p" || $0 == "P" || $0 == "_" }) {
                return nil
            }
            return Double(text)
        }
    }
}
