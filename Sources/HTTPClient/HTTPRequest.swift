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
    /// TLS settings for https URLs; nil uses the system's trust store and no client certificate.
    public var tls: TLSOptions?

    public init(
        url: String,
        method: HTTPMethod = .get,
        headers: [HTTPHeader] = [],
        body: [UInt8]? = nil,
        timeoutSeconds: Double = 10,
        connectTimeoutSeconds: Double? = nil,
        maxBodyBytes: Int = HTTPRequest.defaultMaxBodyBytes,
        tls: TLSOptions? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeoutSeconds = timeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.maxBodyBytes = maxBodyBytes
        self.tls = tls
    }
}

/// How an https request verifies the server and identifies itself.
public struct TLSOptions: Sendable, Equatable {
    /// PEM file of CA certificates to trust instead of the system's.
    public var caFile: String?
    /// PEM client certificate and key, for servers that require one.
    public var certFile: String?
    public var keyFile: String?
    /// Skip verifying the server's certificate and name; for tests and broken setups only.
    public var insecureSkipVerify: Bool

    public init(
        caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, insecureSkipVerify: Bool = false
    ) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.insecureSkipVerify = insecureSkipVerify
    }
}
