/// An outgoing HTTP request and the limits to apply while performing it.
public struct HTTPRequest: Sendable {
    /// The body limit used when none is given: 32 MiB.
    public static let defaultMaxBodyBytes = 32 << 20

    /// An absolute `http` or `https` URL. Other schemes are refused by the client.
    public var url: String
    public var method: HTTPMethod
    /// Extra header fields. Names and values must not contain CR or LF.
    public var headers: [HTTPHeader]
    /// The request body, sent only for `.post`.
    public var body: [UInt8]?
    /// Limit for the whole transfer (connect, send, wait, receive), in seconds.
    public var timeoutSeconds: Double
    /// Limit for establishing the connection, in seconds; `nil` leaves only the total limit.
    public var connectTimeoutSeconds: Double?
    /// The largest decoded response body accepted, in bytes; larger bodies fail with `bodyTooLarge`.
    public var maxBodyBytes: Int

    public init(
        url: String,
        method: HTTPMethod = .get,
        headers: [HTTPHeader] = [],
        body: [UInt8]? = nil,
        timeoutSeconds: Double = 10,
        connectTimeoutSeconds: Double? = nil,
        maxBodyBytes: Int = HTTPRequest.defaultMaxBodyBytes
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeoutSeconds = timeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.maxBodyBytes = maxBodyBytes
    }
}
