/// A complete HTTP response, whatever its status.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields keyed by lowercased name; repeated fields are joined with ", ".
    public var headers: [String: String]
    /// The body after any `Content-Encoding` has been decoded.
    public var body: [UInt8]
    /// Wall time of the whole transfer, in seconds.
    public var durationSeconds: Double

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], durationSeconds: Double = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.durationSeconds = durationSeconds
    }

    /// The `Content-Type` header, if present.
    public var contentType: String? { headers["content-type"] }

    /// Whether the status is in the 2xx range.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The value of a header field, looked up case-insensitively.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}
