import CMicroHTTPD
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An HTTP/1.1 server, built on libmicrohttpd, that passes every request to one handler.
///
/// A few event threads (epoll) watch every connection, so an idle or slow client costs a socket, not a
/// thread; a request's line and headers must arrive within `ServerLimits.requestHeaderTimeoutSeconds`.
/// Complete requests go to handler threads, so a slow handler call never delays other clients. The handler is
/// called on those threads, concurrently, and must be thread-safe. The server knows nothing of metrics:
/// routing is the handler's job.
public final class MetricsServer: Sendable {
    /// The address listened on, with the port the system chose when 0 was asked for.
    public let listenAddress: ListenAddress
    private let context: ServerContext
    private let daemon: Mutex<Daemon?>

    /// Whether connections use TLS.
    public var usesTLS: Bool { context.tls != nil }

    /// The bound TCP port.
    public var port: UInt16 { listenAddress.port }

    /// Starts listening and serving at once.
    ///
    /// - Parameter readsBody: Asked once a request's headers are in (its `body` still empty): whether the
    ///   handler will read the body. When not, the body is read off the socket and dropped, never stored.
    /// - Parameter immediate: Asked first, on the event thread, for each complete request: an answer that is
    ///   ready without blocking work (a cached body) is sent from there, saving the hand-off to a handler
    ///   thread and back; nil sends the request to `handler`. It must return at once: while it runs, the event
    ///   thread serves no other connection.
    ///
    /// - Throws: `MetricsServerError.cannotListen` (with errno) when the address cannot be bound,
    ///   `.startFailed` when libmicrohttpd refuses to start.
    public init(
        listenAddress: ListenAddress,
        limits: ServerLimits = .init(),
        tls: ServerTLS? = nil,
        readsBody: @escaping @Sendable (ServerRequest) -> Bool = { _ in true },
        immediate: (@Sendable (ServerRequest) -> ServerResponse?)? = nil,
        handler: @escaping @Sendable (ServerRequest) -> ServerResponse
    ) throws(MetricsServerError) {
        if tls != nil && cmhd_supports_tls() == 0 {
            throw .startFailed(listenAddress, "this libmicrohttpd was built without TLS support")
        }
        // Each connection holds a descriptor; a soft limit of 1024 would refuse connections long before ours.
        DescriptorLimit.raise(toAtLeast: limits.connectionLimit + reservedDescriptors)
        // Settings are checked before the socket is opened, so a refusal leaves nothing behind.
        let context = try ServerContext(
            handler: handler, immediate: immediate, readsBody: readsBody, limits: limits, tls: tls)
        let socket = try ListeningSocket.open(listenAddress)
        // The server owns the context and outlives the daemon (stop() joins its threads), so an
        // unretained pointer is enough.
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()
        var options = [
            MHD_OptionItem(option: .LISTEN_SOCKET, value: Int(socket.descriptor), ptr_value: nil),
            MHD_OptionItem(option: .CONNECTION_LIMIT, value: max(1, limits.connectionLimit), ptr_value: nil),
            MHD_OptionItem(
                option: .CONNECTION_TIMEOUT, value: max(1, limits.connectionTimeoutSeconds), ptr_value: nil),
            MHD_OptionItem(
                option: .CONNECTION_MEMORY_LIMIT, value: max(4096, limits.maxRequestHeaderBytes), ptr_value: nil),
            cmhd_option_uri_log(mhdStartRequest, contextPointer),
            cmhd_option_notify_completed(mhdFinishRequest, contextPointer),
            cmhd_option_notify_connection(mhdConnectionEvent, contextPointer),
            // HTTP/1.1 without Host is refused here; what libmicrohttpd still lets through (differing
            // Content-Length, whitespace before a colon) is refused in the access handler.
            cmhd_option_strict_parsing(),
        ]
        let eventDriven = cmhd_supports_epoll() != 0
        if eventDriven {
            options.append(
                MHD_OptionItem(option: .THREAD_POOL_SIZE, value: max(1, limits.eventThreads), ptr_value: nil))
        }
        if limits.perAddressConnectionLimit > 0 {
            options.append(
                MHD_OptionItem(
                    option: .PER_IP_CONNECTION_LIMIT, value: limits.perAddressConnectionLimit, ptr_value: nil))
        }
        if let material = context.tlsMaterial {
            // A callback rather than MHD_OPTION_HTTPS_MEM_CERT/KEY, so a rotated certificate takes effect.
            options.append(cmhd_option_certificate_callback(mhdRetrieveCertificate))
            options.append(MHD_OptionItem(option: .HTTPS_PRIORITIES, value: 0, ptr_value: material.priorities))
            if let clientCA = material.clientCA {
                // With a trust list, libmicrohttpd asks every client for a certificate; the request callback decides.
                options.append(MHD_OptionItem(option: .HTTPS_MEM_TRUST, value: 0, ptr_value: clientCA))
            }
        }
        options.append(MHD_OptionItem(option: .END, value: 0, ptr_value: nil))
        // epoll with a thread pool: idle sockets cost a descriptor, not a thread. Handlers run on their own
        // threads (suspend/resume), so a busy handler stalls no other connection. Error logging stays off
        // (no MHD_USE_ERROR_LOG): a library must not write to stderr.
        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
        flags |= eventDriven ? MHD_USE_EPOLL_INTERNAL_THREAD.rawValue : MHD_USE_AUTO.rawValue
        if tls != nil { flags |= MHD_USE_TLS.rawValue }
        let started = options.withUnsafeMutableBufferPointer { items in
            cmhd_start(flags, socket.address.port, mhdHandleRequest, contextPointer, items.baseAddress)
        }
        guard let started else {
            // libmicrohttpd closes a given socket on some failure paths and not on others.
            if fcntl(socket.descriptor, F_GETFD) != -1 {
                close(socket.descriptor)
            }
            let reason =
                tls == nil
                ? "libmicrohttpd refused to start (out of threads or memory?)"
                : "libmicrohttpd refused to start: check that the TLS certificate and key are valid PEM and belong together"
            throw .startFailed(socket.address, reason)
        }
        if let certificates = context.certificates, certificates.files != nil {
            guard context.certificateWatch.start(period: 1, { certificates.reloadIfChanged() }) else {
                context.deadlines.stop()
                MHD_stop_daemon(started)
                throw .startFailed(socket.address, "cannot start the certificate watch thread")
            }
        }
        guard context.deadlines.start() else {
            MHD_stop_daemon(started)
            throw .startFailed(socket.address, "cannot start the request header watchdog thread")
        }
        self.listenAddress = socket.address
        self.context = context
        self.daemon = Mutex(Daemon(raw: started))
    }

    /// Certificate rotations taken up so far (see `ServerTLS.certificateFile`).
    public var certificateReloads: Int { context.certificates?.reloads ?? 0 }

    /// Changed certificate files that could not be loaded (the previous pair stayed in use), and why the
    /// last one failed; for the caller to log.
    public var certificateReloadFailures: (count: Int, last: String?) {
        context.certificates?.failures ?? (0, nil)
    }

    /// Connections closed so far because their request line and headers did not arrive in time.
    public var headerTimeouts: Int { context.deadlines.expired }

    deinit {
        stop()
    }

    /// Stops accepting connections, waits for requests in progress, and closes the socket.
    ///
    /// Idempotent, and safe from any thread except a handler call of this server, which it would
    /// wait for forever.
    public func stop() {
        daemon.withLock { daemon in
            guard let running = daemon else { return }
            daemon = nil
            // libmicrohttpd must not be stopped with suspended connections: every handler call finishes (and
            // resumes its connection) first; requests arriving meanwhile get 503.
            context.handlers.drain()
            context.deadlines.stop()
            context.certificateWatch.stop()
            // Also closes the listening socket, even though it was passed in.
            MHD_stop_daemon(running.raw)
        }
    }

    /// Whether `stop()` has been called.
    public var isStopped: Bool { daemon.withLock { $0 == nil } }
}

/// Descriptors kept free for everything else the process opens: the listening socket, epoll, the state
/// store, outgoing fetches.
private let reservedDescriptors = 256

/// The running libmicrohttpd daemon.
// Unchecked because it is a C pointer; it is only used under the server's mutex.
private struct Daemon: @unchecked Sendable {
    let raw: OpaquePointer
}
