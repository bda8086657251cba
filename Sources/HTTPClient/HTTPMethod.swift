/// The request methods the exporter needs from upstream APIs.
public enum HTTPMethod: String, Sendable, Hashable, CustomStringConvertible {
    case get = "GET"
    case post = "POST"
    /// Like `get`, but the server sends no body.
    case head = "HEAD"
    /// Like `post` (a body), for APIs that update with PUT (AUDITOR's `PUT /record`).
    case put = "PUT"

    public var description: String { rawValue }
}
