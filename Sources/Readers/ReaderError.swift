import HTTPClient

/// Why a reader could not produce data.
public struct ReaderError: Error, CustomStringConvertible, Equatable {
    enum Code: Equatable {
        case transport
        case badStatus(Int)
        case malformed
        case upstreamError
        case noData
        case outOfRange
    }

    let code: Code
    /// Human-readable detail, e.g. the URL and what was wrong.
    public let detail: String

    init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public static func transport(_ error: HTTPClientError) -> ReaderError {
        ReaderError(.transport, error.description)
    }
    public static func badStatus(_ status: Int, _ detail: String) -> ReaderError { ReaderError(.badStatus(status), detail) }
    public static func malformed(_ detail: String) -> ReaderError { ReaderError(.malformed, detail) }
    /// The upstream answered with an error of its own (e.g. Prometheus `status: error`).
    public static func upstreamError(_ detail: String) -> ReaderError { ReaderError(.upstreamError, detail) }
    /// No data is not a failure of the upstream: logged at debug, like node_exporter's ErrNoData.
    public static func noData(_ detail: String) -> ReaderError { ReaderError(.noData, detail) }
    public static func outOfRange(_ detail: String) -> ReaderError { ReaderError(.outOfRange, detail) }

    public var isNoData: Bool { code == .noData }
    public var isMalformed: Bool { code == .malformed }
    public var isTransport: Bool { code == .transport }
    public var isOutOfRange: Bool { code == .outOfRange }
    public var status: Int? {
        if case .badStatus(let status) = code { return status }
        return nil
    }

    public var description: String {
        switch code {
        case .transport: detail
        case .badStatus(let status): "HTTP status \(status): \(detail)"
        case .malformed: "malformed response: \(detail)"
        case .upstreamError: "upstream error: \(detail)"
        case .noData: "no data: \(detail)"
        case .outOfRange: "value out of range: \(detail)"
        }
    }
}
