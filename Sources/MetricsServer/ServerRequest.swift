/// An HTTP request as the server hands it to the handler.
public struct ServerRequest: Sendable {
    /// The method as sent, e.g. `GET`. For `HEAD` the server drops any body the handler returns.
    public var method: String
    /// The percent-decoded path, without the query string.
    public var path: String
    /// Percent-decoded query parameters; for a repeated name, the first value.
    public var query: [String: String]
    /// The query string exactly as sent, without the `?`; keeps order and repeated names.
    public var rawQuery: String
    /// Header fields keyed by lowercased name; repeated fields are joined with ", ".
    public var headers: [String: String]
    /// The request body, at most `ServerLimits.maxBodyBytes` long.
    public var body: [UInt8]

    public init(
        method: String = "GET",
        path: String,
        query: [String: String] = [:],
        rawQuery: String = "",
        headers: [String: String] = [:],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
    }

    /// The value of a header field, looked up case-insensitively.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}
