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
        case rateLimited
        case unusable
    }

    let code: Code
    /// Human-readable detail, e.g. the URL and what was wrong.
    public let detail: String

    /// For `rateLimited`: when the upstream may be asked again (from `Retry-After`), Unix seconds.
    public let retryAt: Double?

    init(_ code: Code, _ detail: String, retryAt: Double? = nil) {
        self.code = code
        self.detail = detail
        self.retryAt = retryAt
    }

    public static func transport(_ error: HTTPClientError) -> ReaderError {
        ReaderError(.transport, error.description)
    }
    public static func badStatus(_ status: Int, _ detail: String) -> ReaderError {
        ReaderError(.badStatus(status), detail)
    }
    public static func malformed(_ detail: String) -> ReaderError { ReaderError(.malformed, detail) }
    /// The upstream answered with an error of its own (e.g. Prometheus `status: error`).
    public static func upstreamError(_ detail: String) -> ReaderError { ReaderError(.upstreamError, detail) }
    /// No data is not a failure of the upstream: logged at debug, like node_exporter's ErrNoData.
    public static func noData(_ detail: String) -> ReaderError { ReaderError(.noData, detail) }
    public static func outOfRange(_ detail: String) -> ReaderError { ReaderError(.outOfRange, detail) }
    /// HTTP 429; `retryAt` is nil when the answer named no time.
    public static func rateLimited(retryAt: Double?, _ detail: String) -> ReaderError {
        ReaderError(.rateLimited, detail, retryAt: retryAt)
    }
    /// The upstream answered, but with something that can never become the value wanted (e.g. a relative index
    /// where grams per kWh are needed): asking again will not help.
    public static func unusable(_ detail: String) -> ReaderError { ReaderError(.unusable, detail) }

    public var isNoData: Bool { code == .noData }
    public var isMalformed: Bool { code == .malformed }
    public var isTransport: Bool { code == .transport }
    public var isOutOfRange: Bool { code == .outOfRange }
    public var isRateLimited: Bool { code == .rateLimited }
    public var isUnusable: Bool { code == .unusable }
    public var status: Int? {
        if case .badStatus(let status) = code { return status }
        if code == .rateLimited { return 429 }
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
        case .rateLimited: "HTTP status 429 (rate limited): \(detail)"
        case .unusable: "unusable answer: \(detail)"
        }
    }
}
