import Dispatch
import Foundation
import HTTPClient
import MetricsServer
import Synchronization
import Testing

/// Answers ready without blocking work are given on the event thread, never queued behind handler threads.
@Suite struct ImmediateAnswerTests {
    let client: CurlHTTPClient

    init() throws {
        client = try CurlHTTPClient(userAgent: "footprint_exporter/test")
    }

    @Test func readyAnswersSkipTheHandlerAndOthersReachIt() throws {
        let handled = Mutex<[String]>([])
        let server = try MetricsServer(
            listenAddress: .loopback(port: 0),
            immediate: { request in request.path == "/ready-made" ? .text("at once\n") : nil },
            handler: { request in
                handled.withLock { $0.append(request.path) }
                return .text("handled\n")
            })
        let base = "http://127.0.0.1:\(server.port)"

        let ready = try client.fetch(HTTPRequest(url: base + "/ready-made"))
        let other = try client.fetch(HTTPRequest(url: base + "/other"))

        #expect(ready.status == 200)
        #expect(ready.body == Array("at once\n".utf8))
        #expect(other.body == Array("handled\n".utf8))
        #expect(handled.withLock { $0 } == ["/other"])
    }

    @Test func readyAnswersDoNotWaitForABusyHandlerPool() throws {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let released = Mutex(false)
        // One handler thread, held by the first request until the test lets it go.
        let server = try MetricsServer(
            listenAddress: .loopback(port: 0), limits: ServerLimits(handlerThreads: 1),
            immediate: { request in request.path == "/ready-made" ? .text("at once\n") : nil },
            handler: { _ in
                entered.signal()
                release.wait()
                return .text("handled\n")
            })
        let base = "http://127.0.0.1:\(server.port)"
        let client = self.client
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            _ = try? client.fetch(HTTPRequest(url: base + "/blocked", timeoutSeconds: 30))
        }
        #expect(entered.wait(timeout: .now() + 10) == .success)

        let ready = try client.fetch(HTTPRequest(url: base + "/ready-made", timeoutSeconds: 10))

        #expect(ready.body == Array("at once\n".utf8))
        #expect(released.withLock { $0 } == false)
        released.withLock { $0 = true }
        release.signal()
        group.wait()
    }
}
