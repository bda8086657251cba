import Dispatch
import HTTPClient
import MetricsServer
import Synchronization
import TestSupport
import Testing

@Suite struct CurlHTTPClientTests {
    let upstream: FakeUpstream
    let client: CurlHTTPClient

    init() throws {
        upstream = try FakeUpstream()
        client = try CurlHTTPClient(userAgent: "footprint_exporter/test")
    }

    @Test func returnsStatusHeadersAndBody() throws {
        upstream.route(
            "/hello",
            .response(
                ServerResponse(
                    status: 200,
                    headers: [
                        ServerHeader(name: "Content-Type", value: "application/json"),
                        ServerHeader(name: "X-Upstream", value: "one"),
                        ServerHeader(name: "X-Upstream", value: "two"),
                    ],
                    body: Array(#"{"ok":true}"#.utf8))))
        let request = HTTPRequest(
            url: upstream.url("/hello?query=up%7Bjob%3D%22node%22%7D&step=10"),
            headers: [HTTPHeader(name: "Accept", value: "application/json"), HTTPHeader(name: "X-Empty", value: "")])

        let response = try client.fetch(request)

        #expect(response.status == 200)
        #expect(response.isSuccess)
        #expect(response.body == Array(#"{"ok":true}"#.utf8))
        #expect(response.contentType == "application/json")
        #expect(response.header("X-Upstream") == "one, two")
        #expect(response.headers["content-length"] == "11")
        #expect(response.durationSeconds >= 0 && response.durationSeconds < 5)

        let seen = try #require(upstream.requests(to: "/hello").first)
        #expect(seen.method == "GET")
        #expect(seen.query["query"] == #"up{job="node"}"#)
        #expect(seen.rawQuery == "query=up%7Bjob%3D%22node%22%7D&step=10")
        #expect(seen.headers["user-agent"] == "footprint_exporter/test")
        #expect(seen.headers["accept"] == "application/json")
        #expect(seen.headers["x-empty"] == "")
    }

    @Test func errorStatusesAreResponsesNotErrors() throws {
        upstream.route("/broken", .status(500, "boom\n"))

        let missing = try client.fetch(HTTPRequest(url: upstream.url("/nowhere")))
        let broken = try client.fetch(HTTPRequest(url: upstream.url("/broken")))

        #expect(missing.status == 404)
        #expect(!missing.isSuccess)
        #expect(broken.status == 500)
        #expect(broken.body == Array("boom\n".utf8))
    }

    @Test func redirectsAreNotFollowedByDefault() throws {
        upstream.route(
            "/moved",
            .response(ServerResponse(status: 302, headers: [ServerHeader(name: "Location", value: "/target")])))
        upstream.route("/target", .ok("here"))

        let direct = try client.fetch(HTTPRequest(url: upstream.url("/moved")))
        #expect(direct.status == 302)
        #expect(direct.header("location") == "/target")

        let following = try CurlHTTPClient(userAgent: "test", maxRedirects: 3)
        let followed = try following.fetch(HTTPRequest(url: upstream.url("/moved")))
        #expect(followed.status == 200)
        #expect(followed.body == Array("here".utf8))
        #expect(followed.header("location") == nil)
    }

    @Test func decodesGzipResponses() throws {
        let text = String(repeating: "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 12345.67\n", count: 200)
        upstream.route(
            "/metrics",
            .handler { request in
                ServerResponse.text(text).gzipped(for: request, minimumBytes: 0)
            })

        let response = try client.fetch(HTTPRequest(url: upstream.url("/metrics")))

        #expect(response.header("content-encoding") == "gzip")
        #expect(response.body == Array(text.utf8))
        let asked = try #require(upstream.requests(to: "/metrics").first)
        #expect(ContentCoding.acceptsGzip(asked.header("accept-encoding")))
    }

    @Test func timesOutOnSlowUpstream() throws {
        upstream.route("/slow", .delay(2, then: .ok("late")))
        let clock = ContinuousClock()
        let start = clock.now

        let error = #expect(throws: HTTPClientError.self) {
            try client.fetch(HTTPRequest(url: upstream.url("/slow"), timeoutSeconds: 0.3))
        }

        #expect(clock.now - start < .seconds(1.5))
        #expect(error?.isTimeout == true)
        #expect(error == .timeout)
        #expect(error?.description.hasPrefix("GET \(upstream.url("/slow")): timed out: ") == true)
    }

    @Test func reportsConnectionRefused() throws {
        let closed = try FakeUpstream()
        let url = closed.url("/x")
        closed.stop()

        let error = #expect(throws: HTTPClientError.self) {
            try client.fetch(HTTPRequest(url: url, timeoutSeconds: 2))
        }

        #expect(error?.isConnectionFailed == true)
        #expect(error?.url == url)
        #expect(error?.description.hasPrefix("GET \(url): connection failed: Couldn't connect to server (") == true)
    }

    @Test func refusesOversizedBodies() throws {
        upstream.route("/big", .ok(body: [UInt8](repeating: 65, count: 100_000)))
        upstream.route("/fits", .ok(body: [UInt8](repeating: 65, count: 1000)))

        let error = #expect(throws: HTTPClientError.self) {
            try client.fetch(HTTPRequest(url: upstream.url("/big"), maxBodyBytes: 1000))
        }
        let fits = try client.fetch(HTTPRequest(url: upstream.url("/fits"), maxBodyBytes: 1000))

        #expect(error == .bodyTooLarge(limit: 1000))
        #expect(error?.isBodyTooLarge == true)
        #expect(fits.body.count == 1000)
    }

    @Test func servesFixtureFiles() throws {
        upstream.route("/api/v1/query", .fixture("prometheus-api/up.json"))
        upstream.route("/gone", .file(path: Fixture.sharedURL("no/such/file.json"), contentType: "application/json"))

        let response = try client.fetch(HTTPRequest(url: upstream.url("/api/v1/query")))
        let gone = try client.fetch(HTTPRequest(url: upstream.url("/gone")))

        #expect(response.status == 200)
        #expect(response.contentType == "application/json")
        #expect(response.body == (try Fixture.data("prometheus-api/up.json")))
        #expect(gone.status == 500)
        #expect(throws: FixtureError.self) { try Fixture.data("no/such/file.json") }
    }

    @Test func postsBodiesAndHeaders() throws {
        upstream.route(
            "/echo",
            .handler { request in
                ServerResponse(
                    status: 201,
                    headers: [ServerHeader(name: "Content-Type", value: request.header("content-type") ?? "none")],
                    body: Array(request.method.utf8) + [0x20] + request.body)
            })
        let payload: [UInt8] = Array("query=sum(rate(x[5m]))&a=".utf8) + [0, 1, 2, 255]

        let response = try client.fetch(
            HTTPRequest(
                url: upstream.url("/echo"), method: .post,
                headers: [HTTPHeader(name: "Content-Type", value: "application/x-www-form-urlencoded")],
                body: payload))
        let empty = try client.fetch(HTTPRequest(url: upstream.url("/echo"), method: .post))

        #expect(response.status == 201)
        #expect(response.body == Array("POST ".utf8) + payload)
        #expect(response.contentType == "application/x-www-form-urlencoded")
        #expect(empty.body == Array("POST ".utf8))
    }

    @Test func headRequestsGetNoBody() throws {
        upstream.route("/page", .ok("some text"))

        let response = try client.fetch(HTTPRequest(url: upstream.url("/page"), method: .head))

        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.headers["content-length"] == "9")
        #expect(upstream.requests(to: "/page").first?.method == "HEAD")
    }

    @Test func fetchesConcurrentlyFromManyThreads() throws {
        for index in 0..<8 {
            upstream.route("/item/\(index)", .ok("item \(index)"))
        }
        let failures = Mutex<[String]>([])

        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for round in 0..<5 {
                let index = (thread + round) % 8
                do {
                    let response = try client.fetch(HTTPRequest(url: upstream.url("/item/\(index)")))
                    if response.body != Array("item \(index)".utf8) {
                        failures.withLock { $0.append("wrong body for \(index)") }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }

        #expect(failures.withLock { $0 } == [])
        #expect(upstream.requests.count == 40)
    }

    @Test(arguments: ["ftp://127.0.0.1/x", "file:///etc/hostname", "not a url", "http://"])
    func refusesUnusableURLs(url: String) throws {
        let error = #expect(throws: HTTPClientError.self) {
            try client.fetch(HTTPRequest(url: url, timeoutSeconds: 2))
        }
        #expect(error?.isInvalidURL == true)
    }

    @Test func refusesInvalidRequests() throws {
        let injected = HTTPRequest(url: upstream.url("/"), headers: [HTTPHeader(name: "X", value: "a\r\nEvil: 1")])
        let noTimeout = HTTPRequest(url: upstream.url("/"), timeoutSeconds: 0)

        #expect(throws: HTTPClientError.invalidRequest) { try client.fetch(injected) }
        #expect(throws: HTTPClientError.invalidRequest) { try client.fetch(noTimeout) }
        #expect(upstream.requests.isEmpty)
    }

    @Test func keepsPasswordsOutOfErrors() throws {
        let closed = try FakeUpstream()
        let url = "http://user:secret@127.0.0.1:\(closed.port)/x"
        closed.stop()

        let error = #expect(throws: HTTPClientError.self) {
            try client.fetch(HTTPRequest(url: url, timeoutSeconds: 2))
        }

        #expect(error?.url == "http://user:***@127.0.0.1:\(closed.port)/x")
        #expect(error?.description.contains("secret") == false)
    }

    @Test func fetchAllKeepsOrderAndPerRequestLimits() throws {
        upstream.route("/a", .ok("a"))
        upstream.route("/b", .delay(0.2, then: .ok("b")))
        upstream.route("/slow", .delay(2, then: .ok("late")))
        upstream.route("/big", .ok(body: [UInt8](repeating: 1, count: 5000)))
        let requests = [
            HTTPRequest(url: upstream.url("/a")),
            HTTPRequest(url: upstream.url("/slow"), timeoutSeconds: 0.3),
            HTTPRequest(url: upstream.url("/b")),
            HTTPRequest(url: upstream.url("/missing")),
            HTTPRequest(url: upstream.url("/big"), maxBodyBytes: 100),
            HTTPRequest(url: "ftp://127.0.0.1/"),
            HTTPRequest(url: upstream.url("/a"), method: .post, body: [1, 2, 3]),
        ]
        let clock = ContinuousClock()
        let start = clock.now

        let results = client.fetchAll(requests, maxConcurrent: 3)

        #expect(clock.now - start < .seconds(1.5))
        #expect(results.count == requests.count)
        #expect((try? results[0].get())?.body == Array("a".utf8))
        #expect(throws: HTTPClientError.timeout) { try results[1].get() }
        #expect((try? results[2].get())?.body == Array("b".utf8))
        #expect((try? results[3].get())?.status == 404)
        #expect(throws: HTTPClientError.bodyTooLarge(limit: 100)) { try results[4].get() }
        #expect(throws: HTTPClientError.invalidURL) { try results[5].get() }
        #expect((try? results[6].get())?.status == 200)
        #expect(upstream.requests(to: "/a").last?.body == [1, 2, 3])
        #expect(client.fetchAll([], maxConcurrent: 4).isEmpty)
    }
}
