/// Resource limits for `MetricsServer`, chosen so a misbehaving client cannot exhaust the exporter.
public struct ServerLimits: Sendable, Equatable {
    /// Concurrent connections; each one holds a thread while open. Further connections are refused.
    public var connectionLimit: Int
    /// Concurrent connections from one client address (0: no per-address limit), so that one client
    /// holding connections open (a slow-loris attack) cannot take every slot from Prometheus. A quarter of the
    /// total by default: a load generator with 64 connections is still served in full.
    public var perAddressConnectionLimit: Int
    /// Idle time after which a connection is closed, in whole seconds.
    public var connectionTimeoutSeconds: Int
    /// Memory per connection for the request line and headers, in bytes; larger requests get 431/414.
    public var maxRequestHeaderBytes: Int
    /// Largest accepted request body, in bytes; larger bodies get 413 without reaching the handler.
    public var maxBodyBytes: Int

    public init(
        connectionLimit: Int = 256,
        perAddressConnectionLimit: Int = 64,
        connectionTimeoutSeconds: Int = 30,
        maxRequestHeaderBytes: Int = 64 << 10,
        maxBodyBytes: Int = 1 << 20
    ) {
        self.connectionLimit = connectionLimit
        self.perAddressConnectionLimit = perAddressConnectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.maxRequestHeaderBytes = maxRequestHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }
}
