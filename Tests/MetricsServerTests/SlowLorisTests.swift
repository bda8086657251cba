import Foundation
import MetricsServer
import Synchronization
import TestSupport
import Testing

/// Slow-loris: many connections that send a request's headers a byte at a time must not lock other clients
/// out, and each must be cut at the header deadline however steadily its bytes arrive.
@Suite(.serialized) struct SlowLorisTests {
    @Test func trickledHeadersAreCutAtTheDeadline() throws {
        let limits = ServerLimits(connectionTimeoutSeconds: 30, requestHeaderTimeoutSeconds: 1)
        let server = try MetricsServer(listenAddress: .loopback(port: 0), limits: limits) { _ in .text("ok") }
        let connection = try RawConnection(source: "127.0.0.2", port: server.port)
        connection.send("GET /metrics HTTP/1.1\r\n")
        let start = ContinuousClock.now
        var closedAfter: Duration?
        // One header byte every 100 ms keeps the 30 s idle timer from ever firing.
        while ContinuousClock.now - start < .seconds(6) {
            if !connection.send("X") || connection.isClosedByPeer() {
                closedAfter = ContinuousClock.now - start
                break
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let closed = try #require(closedAfter)
        #expect(closed < .seconds(3))
        #expect(server.headerTimeouts == 1)
    }

    @Test func keptAliveConnectionStillServesItsNextRequest() throws {
        let limits = ServerLimits(requestHeaderTimeoutSeconds: 1)
        let server = try MetricsServer(listenAddress: .loopback(port: 0), limits: limits) { _ in .text("ok") }
        let connection = try RawConnection(port: server.port)
        connection.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(connection.readStatus() == 200)
        _ = connection.readBody(length: 2)
        // Longer than the header timeout, shorter than the idle timeout: a scraper between two scrapes.
        Thread.sleep(forTimeInterval: 1.5)
        connection.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(connection.readStatus() == 200)
    }

    /// Six attacking addresses (127.0.0.2 to .7), 50 slow connections each, reconnecting whenever cut; a
    /// scraper from 127.0.0.8 must get every answer within 3 s throughout.
    @Test func scraperFromAnotherAddressIsAnsweredDuringTheAttack() throws {
        let limits = ServerLimits(requestHeaderTimeoutSeconds: 2)
        let server = try MetricsServer(listenAddress: .loopback(port: 0), limits: limits) { _ in
            .text("footprint_up 1\n")
        }
        let attack = SlowLorisAttack(port: server.port, sources: (2...7).map { "127.0.0.\($0)" }, perSource: 50)
        attack.start()
        defer { attack.stop() }
        Thread.sleep(forTimeInterval: 1)
        #expect(attack.openConnections >= 250)

        var answers: [Duration] = []
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(8) {
            let began = ContinuousClock.now
            let scraper = try RawConnection(source: "127.0.0.8", port: server.port, timeout: 3)
            scraper.send("GET /metrics HTTP/1.1\r\nHost: exporter\r\nConnection: close\r\n\r\n")
            let response = scraper.readAll()
            #expect(response.hasPrefix("HTTP/1.1 200"))
            #expect(response.hasSuffix("footprint_up 1\n"))
            answers.append(ContinuousClock.now - began)
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(answers.count >= 8)
        #expect(answers.allSatisfy { $0 < .seconds(3) })
        // The attack kept going: its connections were cut at the deadline and opened again.
        #expect(server.headerTimeouts >= 250)
        #expect(attack.reconnects >= 250)
    }
}

/// Connections that send a request line and then one header byte per second, reopened when the server
/// closes them.
final class SlowLorisAttack: @unchecked Sendable {
    private let port: UInt16
    private let sources: [String]
    private let perSource: Int
    private let running = Atomic<Bool>(false)
    private let open = Atomic<Int>(0)
    private let reopened = Atomic<Int>(0)
    private let finished = DispatchSemaphore(value: 0)

    init(port: UInt16, sources: [String], perSource: Int) {
        self.port = port
        self.sources = sources
        self.perSource = perSource
    }

    var openConnections: Int { open.load(ordering: .relaxed) }
    var reconnects: Int { reopened.load(ordering: .relaxed) }

    func start() {
        running.store(true, ordering: .relaxed)
        Thread.detachNewThread { [self] in
            var connections: [(source: String, connection: RawConnection?)] = []
            for source in sources {
                for _ in 0..<perSource { connections.append((source, openSlow(from: source))) }
            }
            open.store(connections.filter { $0.connection != nil }.count, ordering: .relaxed)
            while running.load(ordering: .relaxed) {
                for index in connections.indices {
                    let (source, connection) = connections[index]
                    if let connection, connection.send("X"), !connection.isClosedByPeer() { continue }
                    connections[index].connection = openSlow(from: source)
                    reopened.add(1, ordering: .relaxed)
                }
                Thread.sleep(forTimeInterval: 1)
            }
            connections.removeAll()
            finished.signal()
        }
    }

    func stop() {
        running.store(false, ordering: .relaxed)
        finished.wait()
    }

    private func openSlow(from source: String) -> RawConnection? {
        guard let connection = try? RawConnection(source: source, port: port, timeout: 1) else { return nil }
        connection.send("GET /metrics HTTP/1.1\r\nHost: exporter\r\n")
        return connection
    }
}

/// Idle connections cost a socket each, not a thread: the epoll event threads watch them all.
@Suite(.serialized) struct IdleConnectionTests {
    /// libmicrohttpd's threads in this process ("MHD-worker", or "MHD-connection" per connection in the
    /// thread-per-connection mode), by name from /proc; other tests' threads are not counted.
    private func threadCount() throws -> Int {
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
        return tasks.filter { task in
            let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
            return name?.hasPrefix("MHD-") ?? false
        }.count
    }

    @Test func threeHundredIdleConnectionsAddNoThreads() throws {
        let server = try MetricsServer(listenAddress: .loopback(port: 0)) { _ in .text("ok") }
        // The event threads name themselves once running, which a busy machine may delay.
        var before = try threadCount()
        for _ in 0..<50 where before < 2 {
            Thread.sleep(forTimeInterval: 0.05)
            before = try threadCount()
        }
        #expect(before >= 2) // this server's event threads at least: the count sees libmicrohttpd's threads
        var connections: [RawConnection] = []
        for source in 3...8 {
            for _ in 0..<50 { connections.append(try RawConnection(source: "127.0.0.\(source)", port: server.port)) }
        }
        for connection in connections { connection.send("GET / HTTP/1.1\r\n") }
        Thread.sleep(forTimeInterval: 0.5)
        // Other tests' servers come and go meanwhile, two event threads each, and a parallel run starts dozens at
        // once; a thread per connection would add 300 here, so half that still tells the two apart.
        #expect(try threadCount() - before < 150)
        let answered = try RawConnection(source: "127.0.0.9", port: server.port)
        answered.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(answered.readStatus() == 200)
        #expect(connections.allSatisfy { !$0.isClosedByPeer() })
    }
}
