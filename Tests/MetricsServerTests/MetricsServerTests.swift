import Dispatch
import Foundation
import HTTPClient
import MetricsServer
import Synchronization
import TestSupport
import Testing

@Suite struct MetricsServerTests {
    let client: CurlHTTPClient

    init() throws {
        client = try CurlHTTPClient(userAgent: "footprint_exporter/test")
    }

    private func url(_ server: MetricsServer, _ path: String) -> String {
        "http://127.0.0.1:\(server.port)\(path)"
    }

    @Test func bindsAFreePortWhenAskedForZero() throws {
        let server = try MetricsServer(listenAddress: .loopback(port: 0)) { _ in .text("ok\n") }

        #expect(server.port != 0)
        #expect(server.listenAddress.description == "127.0.0.1:\(server.port)")
        #expect(try client.fetch(HTTPRequest(url: url(server, "/"))).body == Array("ok\n".utf8))
    }

    @Test(arguments: [256 * 1024, 256 * 1024 + 1, 3_000_017])
    func largeBodiesAreStreamedIntact(size: Int) throws {
        // Bodies above the streaming threshold are handed out in blocks rather than copied.
        let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let server = try MetricsServer(listenAddress: .loopback(port: 0)) { _ in ServerResponse(status: 200, body: body)
        }
        for _ in 0..<3 {
            let response = try client.fetch(HTTPRequest(url: url(server, "/big")))
            #expect(response.status == 200)
            #expect(response.header("content-length") == "\(size)")
            #expect(response.body == body)
        }
        let head = try client.fetch(HTTPRequest(url: url(server, "/big"), method: .head))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
    }

    @Test func unroutedPathsAreNotFound() throws {
        let upstream = try FakeUpstream()

        let response = try client.fetch(HTTPRequest(url: upstream.url("/nothing/here")))

        #expect(response.status == 404)
        #expect(response.body == Array("Not Found\n".utf8))
    }

    @Test func handlerSeesMethodPathQueryAndHeaders() throws {
        let seen = Mutex<ServerRequest?>(nil)
        let server = try MetricsServer(listenAddress: .loopback(port: 0)) { request in
            seen.withLock { $0 = request }
            return ServerResponse(status: 204)
        }

        let response = try client.fetch(
            HTTPRequest(
                url: url(server, "/api/v1/query?match[]=a&match[]=b&q=x%20y"),
                headers: [HTTPHeader(name: "X-Custom", value: "Value"), HTTPHeader(name: "x-custom", value: "second")]))

        #expect(response.status == 204)
        #expect(response.body.isEmpty)
        let request = try #require(seen.withLock { $0 })
        #expect(request.method == "GET")
        #expect(request.path == "/api/v1/query")
        #expect(request.query["match[]"] == "a")
        #expect(request.query["q"] == "x y")
        #expect(request.rawQuery == "match[]=a&match[]=b&q=x%20y")
        #expect(request.headers["x-custom"] == "Value, second")
        #expect(request.header("X-CUSTOM") == "Value, second")
        #expect(request.headers["host"] == "127.0.0.1:\(server.port)")
    }

    @Test func refusesOversizedRequestBodies() throws {
        let limits = ServerLimits(maxBodyBytes: 100)
        let server = try MetricsServer(listenAddress: .loopback(port: 0), limits: limits) { request in
            .text("got \(request.body.count)\n")
        }

        let small = try client.fetch(
            HTTPRequest(url: url(server, "/"), method: .post, body: [UInt8](repeating: 7, count: 100)))
        let large = try client.fetch(
            HTTPRequest(url: url(server, "/"), method: .post, body: [UInt8](repeating: 7, count: 5000)))

        #expect(small.body == Array("got 100\n".utf8))
        #expect(large.status == 413)
    }

    @Test func invalidResponsesBecomeServerErrors() throws {
        let server = try MetricsServer(listenAddress: .loopback(port: 0)) { request in
            request.path == "/header"
                ? ServerResponse(status: 200, headers: [ServerHeader(name: "X-Bad", value: "a\r\nb")])
                : ServerResponse(status: 42)
        }

        #expect(try client.fetch(HTTPRequest(url: url(server, "/header"))).status == 500)
        #expect(try client.fetch(HTTPRequest(url: url(server, "/status"))).status == 500)
    }

    @Test func stopRefusesFurtherConnectionsAndIsIdempotent() throws {
        let server = try MetricsServer(listenAddress: .loopback(port: 0)) { _ in .text("ok\n") }
        let target = url(server, "/")
        #expect(try client.fetch(HTTPRequest(url: target)).status == 200)

        server.stop()
        server.stop()

        #expect(server.isStopped)
        let error = #expect(throws: HTTPClientError.self) {
            try client.fetch(HTTPRequest(url: target, timeoutSeconds: 2))
        }
        #expect(error?.isConnectionFailed == true)
    }

    @Test func slowHandlerDoesNotBlockOtherRequests() throws {
        let server = try MetricsServer(listenAddress: .loopback(port: 0)) { request in
            if request.path == "/slow" {
                Thread.sleep(forTimeInterval: 1.5)
            }
            return .text(request.path)
        }
        let slowDone = Mutex(false)
        let group = DispatchGroup()
        let client = self.client
        let slowURL = url(server, "/slow")
        DispatchQueue.global().async(group: group) {
            _ = try? client.fetch(HTTPRequest(url: slowURL))
            slowDone.withLock { $0 = true }
        }
        Thread.sleep(forTimeInterval: 0.2) // lets the slow request reach the handler first
        let clock = ContinuousClock()
        let start = clock.now

        let fast = try client.fetch(HTTPRequest(url: url(server, "/fast"), timeoutSeconds: 5))

        #expect(clock.now - start < .seconds(1))
        #expect(fast.body == Array("/fast".utf8))
        #expect(slowDone.withLock { $0 } == false)
        group.wait()
    }

    @Test func reportsAddressInUse() throws {
        let first = try MetricsServer(listenAddress: .loopback(port: 0)) { _ in .notFound }

        let error = #expect(throws: MetricsServerError.cannotListen) {
            try MetricsServer(listenAddress: .loopback(port: first.port)) { _ in .notFound }
        }

        #expect(error?.isAddressInUse == true)
        #expect(
            error?.description.hasPrefix("cannot listen on 127.0.0.1:\(first.port): address already in use") == true)
    }

    @Test func anyInterfaceServesIPv4Loopback() throws {
        let server = try MetricsServer(listenAddress: ListenAddress(parsing: ":0")) { _ in .text("any\n") }

        #expect(server.listenAddress.description == ":\(server.port)")
        #expect(try client.fetch(HTTPRequest(url: url(server, "/"))).body == Array("any\n".utf8))
    }

    @Test func servesIPv6LoopbackWhereAvailable() throws {
        let started = Result { () throws(MetricsServerError) in
            try MetricsServer(listenAddress: ListenAddress(parsing: "[::1]:0")) { _ in .text("six\n") }
        }
        guard case .success(let server) = started else {
            return // no IPv6 on this host
        }

        #expect(server.listenAddress.description == "[::1]:\(server.port)")
        #expect(try client.fetch(HTTPRequest(url: "http://[::1]:\(server.port)/")).body == Array("six\n".utf8))
    }
}
