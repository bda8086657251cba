import MetricsServer
import Synchronization
import TestSupport
import Testing

/// Requests that HTTP/1.1 forbids, which Go's server answers with 400 and a proxy in front might read
/// differently from us (request smuggling), get 400 here too; their well-formed neighbours still get 200.
@Suite struct ClientDisciplineTests {
    static let requests: [(name: String, request: String, status: Int)] = [
        (
            "differing duplicate Content-Length",
            "POST /r HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde", 400
        ),
        (
            "identical duplicate Content-Length",
            "POST /r HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc", 200
        ),
        (
            "Content-Length list in one field",
            "POST /r HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 5\r\n\r\nabcde", 400
        ),
        ("space before a header colon", "GET /r HTTP/1.1\r\nHost: x\r\nX-Probe : 1\r\n\r\n", 400),
        ("tab before a header colon", "GET /r HTTP/1.1\r\nHost: x\r\nX-Probe\t: 1\r\n\r\n", 400),
        ("HTTP/1.1 without Host", "GET /r HTTP/1.1\r\nX-Probe: 1\r\n\r\n", 400),
        ("HTTP/1.0 without Host", "GET /r HTTP/1.0\r\n\r\n", 200),
        ("HTTP/1.1 with Host", "GET /r HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 200),
    ]

    @Test(arguments: 0..<requests.count)
    func answersAsGoDoes(case index: Int) throws {
        let (name, request, status) = Self.requests[index]
        let server = try MetricsServer(listenAddress: .loopback(port: 0)) { _ in .text("ok") }
        let connection = try RawConnection(port: server.port)
        connection.send(request)
        #expect(connection.readStatus() == status, "\(name)")
    }
}

/// Routes that never read a body do not hold one in memory: it is read off the socket and dropped.
@Suite struct RequestBodyTests {
    @Test(arguments: [false, true])
    func bodyIsStoredOnlyForRoutesThatReadIt(reads: Bool) throws {
        let seen = Mutex<[UInt8]?>(nil)
        let server = try MetricsServer(
            listenAddress: .loopback(port: 0), readsBody: { request in reads && request.path == "/upload" },
            handler: { request in
                seen.withLock { $0 = request.body }
                return .text("ok")
            })
        let body = String(repeating: "b", count: 100_000)
        let connection = try RawConnection(port: server.port)
        connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)
        #expect(connection.readStatus() == 200)
        #expect(seen.withLock { $0 } == (reads ? Array(body.utf8) : []))
    }

    @Test func oversizedBodyIsRefusedEvenWhereItWouldBeDropped() throws {
        let limits = ServerLimits(maxBodyBytes: 1000)
        let server = try MetricsServer(
            listenAddress: .loopback(port: 0), limits: limits, readsBody: { _ in false }, handler: { _ in .text("ok") })
        let connection = try RawConnection(port: server.port)
        connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        connection.send("7d0\r\n" + String(repeating: "b", count: 2000) + "\r\n0\r\n\r\n")
        #expect(connection.readStatus() == 413)
    }
}
