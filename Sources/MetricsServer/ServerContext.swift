/// What the libmicrohttpd callbacks need from the server, reached through their `cls` pointer.
final class ServerContext: Sendable {
    let handler: @Sendable (ServerRequest) -> ServerResponse
    let limits: ServerLimits

    init(handler: @escaping @Sendable (ServerRequest) -> ServerResponse, limits: ServerLimits) {
        self.handler = handler
        self.limits = limits
    }
}
