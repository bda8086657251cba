import CMicroHTTPD

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What the libmicrohttpd callbacks need from the server, reached through their `cls` pointer.
final class ServerContext: Sendable {
    let handler: @Sendable (ServerRequest) -> ServerResponse
    /// Asked on the event thread before a request goes to the handler pool (see `MetricsServer.init`).
    let immediate: (@Sendable (ServerRequest) -> ServerResponse?)?
    let readsBody: @Sendable (ServerRequest) -> Bool
    let limits: ServerLimits
    let tls: ServerTLS?
    /// C copies of the TLS settings; libmicrohttpd keeps pointers to them for the daemon's lifetime.
    let tlsMaterial: TLSMaterial?
    let deadlines: HeaderDeadlines
    let handlers: HandlerPool
    /// The server certificate in force, for the handshake callback; nil without TLS.
    let certificates: ServerCertificates?
    /// Re-reads certificate files that changed; idle without TLS files.
    let certificateWatch = PeriodicTask()

    init(
        handler: @escaping @Sendable (ServerRequest) -> ServerResponse,
        immediate: (@Sendable (ServerRequest) -> ServerResponse?)? = nil,
        readsBody: @escaping @Sendable (ServerRequest) -> Bool, limits: ServerLimits, tls: ServerTLS?
    ) throws(MetricsServerError) {
        self.handler = handler
        self.immediate = immediate
        self.readsBody = readsBody
        self.limits = limits
        self.tls = tls
        self.tlsMaterial = try tls.map { tls throws(MetricsServerError) in try TLSMaterial(tls) }
        self.certificates = try tls.map { tls throws(MetricsServerError) in try ServerCertificates(tls) }
        deadlines = HeaderDeadlines(
            headerTimeout: max(0.01, limits.requestHeaderTimeoutSeconds),
            idleTimeout: Double(max(1, limits.connectionTimeoutSeconds)))
        // A few threads stay warm for the steady trickle of scrapes; bursts get more, briefly.
        handlers = HandlerPool(maximum: limits.handlerThreads, idleKept: 4)
    }
}

/// NUL-terminated copies of the client CA text and priority string, freed with the server. The certificate and
/// key are not among them: `ServerCertificates` hands them to each handshake.
// Unchecked because it holds C pointers; they are written once in init and only read by libmicrohttpd after.
final class TLSMaterial: @unchecked Sendable {
    let clientCA: UnsafeMutablePointer<CChar>?
    let priorities: UnsafeMutablePointer<CChar>

    init(_ tls: ServerTLS) throws(MetricsServerError) {
        let priorityText = try tls.priorities
        let offset = cmhd_priority_error_offset(priorityText)
        if offset >= 0 {
            let rest = priorityText.utf8.dropFirst(offset)
            throw .invalidTLS(
                "GnuTLS rejects the priority string \"\(priorityText)\" at \"\(String(decoding: rest, as: UTF8.self))\""
            )
        }
        clientCA = tls.clientCAPEM.map { strdup($0) }
        priorities = strdup(priorityText)
    }

    deinit {
        free(clientCA)
        free(priorities)
    }
}
