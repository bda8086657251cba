import Config
import MetricsServer
import Model

/// What the web configuration asks of every request before it reaches the routes: rate limit, basic
/// authentication, and extra response headers.
public struct WebGuard: Sendable {
    public let authenticator: BasicAuthenticator?
    public let rateLimiter: RequestRateLimiter?
    public let headers: [ServerHeader]
    public let clock: any WallClock

    public init(_ web: WebConfiguration, clock: any WallClock) {
        authenticator = web.basicAuthUsers.isEmpty ? nil : BasicAuthenticator(users: web.basicAuthUsers)
        rateLimiter = web.rateLimit.map { RequestRateLimiter(interval: $0.interval, burst: $0.burst, now: clock.now()) }
        headers = web.headers
        self.clock = clock
    }

    public func handle(_ request: ServerRequest, next: (ServerRequest) -> ServerResponse) -> ServerResponse {
        var response: ServerResponse
        if let rateLimiter, !rateLimiter.allows(now: clock.now()) {
            response = .text("Too Many Requests\n", status: 429)
        } else if let authenticator {
            switch authenticator.check(authorization: request.header("authorization")) {
            case .admitted:
                response = next(request)
            case .refused:
                response = .text("Unauthorized\n", status: 401)
                response.headers.append(ServerHeader(name: "WWW-Authenticate", value: "Basic"))
            case .busy:
                response = .text("Too Many Requests\n", status: 429)
                response.headers.append(ServerHeader(name: "Retry-After", value: "1"))
            }
        } else {
            response = next(request)
        }
        response.headers.append(contentsOf: headers)
        return response
    }
}
