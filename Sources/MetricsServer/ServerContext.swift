import CMicroHTTPD

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What the libmicrohttpd callbacks need from the server, reached through their `cls` pointer.
final class ServerContext: Sendable {
    let handler: @Sendable (ServerRequest) -> ServerResponse
    let readsBody: @Sendable (ServerRequest) -> Bool
    let limits: ServerLimits
    let tls: ServerTLS?
    /// C copies of the TLS settings; libmicrohttpd keeps pointers to them for the daemon's lifetime.
    let tlsMaterial: TLSMaterial?
    let deadlines: HeaderDeadlines
    let handlers: HandlerPool

    init(
        handler: @escaping @Sendable (ServerRequest) -> ServerResponse,
        readsBody: @escaping @Sendable (ServerRequest) -> Bool, limits: ServerLimits, tls: ServerTLS?
    ) throws(MetricsServerError) {
        self.handler = handler
        self.readsBody = readsBody
        self.limits = limits
        self.tls = tls
        self.tlsMaterial = try tls.map { tls throws(MetricsServerError) in try TLSMaterial(tls) }
        deadlines = HeaderDeadlines(
            headerTimeout: max(0.01, limits.requestHeaderTimeoutSeconds),
            idleTimeout: Double(max(1, limits.connectionTimeoutSeconds)))
        // A few threads stay warm for the steady trickle of scrapes; bursts get more, briefly.
        handlers = HandlerPool(maximum: limits.handlerThreads, idleKept: 4)
    }
}

/// NUL-terminated copies of the PEM texts and priority string, freed (key wiped first) with the server.
// Unchecked because it holds C pointers; they are written once in init and only read by libmicrohttpd after.
final class TLSMaterial: @unchecked Sendable {
    let certificate: UnsafeMutablePointer<CChar>
    let privateKey: UnsafeMutablePointer<CChar>
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
        certificate = strdup(tls.certificatePEM)
        privateKey = strdup(tls.privateKeyPEM)
        clientCA = tls.clientCAPEM.map { strdup($0) }
        priorities = strdup(priorityText)
    }

    deinit {
        explicit_bzero(privateKey, strlen(privateKey))
        free(certificate)
        free(privateKey)
        free(clientCA)
        free(priorities)
    }
}
