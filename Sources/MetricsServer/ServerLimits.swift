/// Resource limits for `MetricsServer`, chosen so a misbehaving client cannot exhaust the exporter.
///
/// Idle and slow connections cost a file descriptor and a small buffer, not a thread: a few event threads
/// watch every socket, and handler threads are taken only by complete requests.
public struct ServerLimits: Sendable, Equatable {
    /// Concurrent connections. Further connections are refused. The server raises the process's soft
    /// descriptor limit to fit when the hard limit allows.
    public var connectionLimit: Int
    /// Concurrent connections from one client address (0: no per-address limit), so that one client
    /// holding connections open (a slow-loris attack) cannot take every slot from Prometheus. A load
    /// generator with 64 connections is still served in full.
    public var perAddressConnectionLimit: Int
    /// Idle time after which a connection is closed, in whole seconds.
    public var connectionTimeoutSeconds: Int
    /// Time a client has to send a request's line and headers, in seconds, however steadily bytes arrive;
    /// after a response, a kept-alive connection gets `connectionTimeoutSeconds` more for its next request.
    public var requestHeaderTimeoutSeconds: Double
    /// Memory per connection for the request line and headers, in bytes; larger requests get 431/414.
    public var maxRequestHeaderBytes: Int
    /// Largest accepted request body, in bytes; larger bodies get 413 without reaching the handler.
    public var maxBodyBytes: Int
    /// Threads that watch the sockets and move bytes (libmicrohttpd's epoll thread pool).
    public var eventThreads: Int
    /// Handler calls running at once; further complete requests wait for a free handler thread.
    public var handlerThreads: Int

    public init(
        connectionLimit: Int = 4096,
        perAddressConnectionLimit: Int = 64,
        connectionTimeoutSeconds: Int = 30,
        requestHeaderTimeoutSeconds: Double = 10,
        maxRequestHeaderBytes: Int = 64 << 10,
        maxBodyBytes: Int = 1 << 20,
        eventThreads: Int = 2,
        handlerThreads: Int = 64
    ) {
        self.connectionLimit = connectionLimit
        self.perAddressConnectionLimit = perAddressConnectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.requestHeaderTimeoutSeconds = requestHeaderTimeoutSeconds
        self.maxRequestHeaderBytes = maxRequestHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.eventThreads = eventThreads
        self.handlerThreads = handlerThreads
    }
}
