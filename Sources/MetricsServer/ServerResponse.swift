/// The handler's answer to one request.
public struct ServerResponse: Sendable {
    public var status: Int
    /// Header fields to send. `Content-Length` is computed by the server and ignored here.
    public var headers: [ServerHeader]
    public var body: [UInt8]
    /// A body produced while it is sent; when set, it is sent instead of `body`.
    public var streamedBody: StreamedBody?

    public init(status: Int = 200, headers: [ServerHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int = 200, headers: [ServerHeader] = [], streamedBody: StreamedBody) {
        self.init(status: status, headers: headers)
        self.streamedBody = streamedBody
    }

    /// A `text/plain` UTF-8 response.
    public static func text(_ text: String, status: Int = 200) -> ServerResponse {
        ServerResponse(
            status: status,
            headers: [ServerHeader(name: "Content-Type", value: "text/plain; charset=utf-8")],
            body: Array(text.utf8))
    }

    /// The request breaks HTTP/1.1's rules (e.g. differing `Content-Length` values).
    public static let badRequest = text("Bad Request\n", status: 400)
    public static let notFound = text("Not Found\n", status: 404)
    public static let methodNotAllowed = text("Method Not Allowed\n", status: 405)
    public static let payloadTooLarge = text("Payload Too Large\n", status: 413)
    /// The TLS client certificate is missing or not signed by a trusted client CA.
    public static let clientCertificateRequired = text(
        "Forbidden: a valid client certificate is required\n", status: 403)
    /// The server is stopping and no longer runs handlers.
    public static let serviceUnavailable = text("Service Unavailable\n", status: 503)
    public static let internalServerError = text("Internal Server Error\n", status: 500)

    /// The value of the first header field with this name, looked up case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// This response gzip-compressed when the request accepts gzip and the body is worth compressing.
    public func gzipped(for request: ServerRequest, minimumBytes: Int = 1024) -> ServerResponse {
        gzipped(accepted: ContentCoding.acceptsGzip(request.header("Accept-Encoding")), minimumBytes: minimumBytes)
    }

    /// This response gzip-compressed when `accepted` (the request's `Accept-Encoding` allows gzip, decided once
    /// by the caller) and the body is worth compressing.
    ///
    /// Adds `Vary: Accept-Encoding` either way, so caches keep the two forms apart. A body that
    /// already has a `Content-Encoding` is left as it is.
    /// - Parameter minimumBytes: Bodies shorter than this are sent as they are: compressing them
    ///   costs more than it saves.
    public func gzipped(accepted: Bool, minimumBytes: Int = 1024) -> ServerResponse {
        guard header("Content-Encoding") == nil else { return self }
        var response = self
        response.headers.append(ServerHeader(name: "Vary", value: "Accept-Encoding"))
        guard accepted, streamedBody == nil, body.count >= minimumBytes else { return response }
        response.body = Gzip.compress(body)
        response.headers.append(ServerHeader(name: "Content-Encoding", value: "gzip"))
        return response
    }
}
