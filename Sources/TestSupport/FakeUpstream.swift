import Foundation
import MetricsServer
import Synchronization

/// A loopback HTTP server standing in for an upstream API, scripted per path at run time.
///
/// Listens on a free port of a loopback address (127.0.0.1 by default). Unrouted paths answer 404. Every request is logged,
/// query string included, for assertions. Safe to use from concurrent tests.
public final class FakeUpstream: Sendable {
    /// How the server answers one path.
    public indirect enum Reply: Sendable {
        /// 200 with this body.
        case ok(body: [UInt8], contentType: String = "text/plain; charset=utf-8")
        /// 200 with the file's current contents, read on each request; 500 if it cannot be read.
        case file(path: String, contentType: String)
        /// Any status with a plain-text body.
        case status(Int, body: [UInt8] = [])
        /// Waits, on the connection's own thread, then answers as `then`; cut short with 503 by `stop()`.
        case delay(Double, then: Reply)
        /// Computed per request.
        case handler(@Sendable (ServerRequest) -> ServerResponse)
        /// A fixed response, headers included.
        case response(ServerResponse)

        /// 200 with a UTF-8 text body.
        public static func ok(_ text: String, contentType: String = "text/plain; charset=utf-8") -> Reply {
            .ok(body: Array(text.utf8), contentType: contentType)
        }

        /// Any status with a UTF-8 text body.
        public static func status(_ status: Int, _ text: String) -> Reply {
            .status(status, body: Array(text.utf8))
        }

        /// 200 with a file of the shared fixtures folder.
        public static func fixture(_ relative: String, contentType: String = "application/json") -> Reply {
            .file(path: Fixture.sharedURL(relative), contentType: contentType)
        }
    }

    private let script = Script()
    private let server: MetricsServer

    /// The loopback address listened on.
    public let address: String

    /// Starts listening on `port` (0: a free one) of `address`, 127.0.0.1 unless told otherwise: on Linux every
    /// 127.0.0.N is loopback, so fake hosts can each have an address of their own, and their exporters the same
    /// port on each, as on real hosts.
    public init(address: String = "127.0.0.1", port: UInt16 = 0) throws(MetricsServerError) {
        let script = self.script
        self.address = address
        server = try MetricsServer(listenAddress: ListenAddress(parsing: "\(address):\(port)")) { request in
            script.answer(request)
        }
    }

    /// `http://ADDRESS:PORT`, without a trailing slash.
    public var baseURL: String { "http://\(address):\(server.port)" }

    public var port: UInt16 { server.port }

    /// `baseURL` followed by `pathAndQuery`, which should start with "/".
    public func url(_ pathAndQuery: String) -> String { baseURL + pathAndQuery }

    /// Sets, or replaces, the reply for requests whose path is exactly `path`.
    public func route(_ path: String, _ reply: Reply) {
        script.routes.withLock { $0[path] = reply }
    }

    /// Every request received so far, oldest first.
    public var requests: [ServerRequest] { script.log.withLock { $0 } }

    /// The requests received so far for one path.
    public func requests(to path: String) -> [ServerRequest] {
        requests.filter { $0.path == path }
    }

    public func clearRequests() {
        script.log.withLock { $0.removeAll() }
    }

    /// Stops the server; later connections are refused. Delayed replies in progress end at once.
    public func stop() {
        script.isStopping.withLock { $0 = true }
        server.stop()
    }

    deinit {
        stop()
    }
}

/// The routes and request log, shared by the upstream and its server's handler.
private final class Script: Sendable {
    let routes = Mutex<[String: FakeUpstream.Reply]>([:])
    let log = Mutex<[ServerRequest]>([])
    let isStopping = Mutex(false)

    func answer(_ request: ServerRequest) -> ServerResponse {
        log.withLock { $0.append(request) }
        guard let reply = routes.withLock({ $0[request.path] }) else { return .notFound }
        return respond(reply, to: request)
    }

    private func respond(_ reply: FakeUpstream.Reply, to request: ServerRequest) -> ServerResponse {
        switch reply {
        case .ok(let body, let contentType):
            return ServerResponse(
                status: 200, headers: [ServerHeader(name: "Content-Type", value: contentType)], body: body)
        case .file(let path, let contentType):
            guard let body = try? Fixture.read(path: path) else {
                return .text("cannot read \(path)\n", status: 500)
            }
            return ServerResponse(
                status: 200, headers: [ServerHeader(name: "Content-Type", value: contentType)], body: body)
        case .status(let status, let body):
            return ServerResponse(
                status: status, headers: [ServerHeader(name: "Content-Type", value: "text/plain; charset=utf-8")],
                body: body)
        case .delay(let seconds, let then):
            // Sleeps in slices so stopping the upstream does not wait out long delays.
            let clock = ContinuousClock()
            let end = clock.now + .seconds(seconds)
            while clock.now < end {
                if isStopping.withLock({ $0 }) {
                    return .text("stopping\n", status: 503)
                }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return respond(then, to: request)
        case .handler(let handler):
            return handler(request)
        case .response(let response):
            return response
        }
    }
}
