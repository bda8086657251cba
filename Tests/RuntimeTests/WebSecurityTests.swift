import Foundation
import HTTPClient
import Logging
import MetricsServer
import TestSupport
import Testing
import WebSecurity

@testable import Config
@testable import Runtime

/// TLS, client certificates, basic authentication, headers, rate limits and connection limits on a running
/// exporter, over real sockets with libcurl and the curl program as clients.
@Suite(.serialized) struct WebSecurityTests {
    let client: CurlHTTPClient

    init() throws {
        client = try CurlHTTPClient(userAgent: "footprint_exporter/test")
    }

    func start(
        web yaml: String, directory: String, limits: ServerLimits = ServerLimits()
    ) throws -> (Application, String) {
        let file = "\(directory)/web.yml"
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        var configuration = Configuration()
        configuration.carbonIntensity.provider = .static
        let application = try Application(
            configuration: configuration, listenAddress: .loopback(port: 0), logger: Logger(label: "test"),
            clock: ManualClock(), fetcher: client, serverLimits: limits,
            web: try ConfigurationLoader.loadWeb(path: file), webConfigurationFile: file, enableLifecycle: true)
        return (application, file)
    }

    func basic(_ user: String, _ password: String) -> HTTPHeader {
        HTTPHeader(name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
    }

    @Test func basicAuthOverTLS() throws {
        let directory = try TestCertificates.make()
        let hash = try #require(BcryptHash.hash("s3cret", cost: 6))
        let (application, file) = try start(
            web: """
                tls_server_config: {cert_file: server.crt, key_file: server.key}
                basic_auth_users: {alice: '\(hash)'}
                http_server_config: {headers: {X-Content-Type-Options: nosniff}}
                """, directory: directory)
        defer { application.stop() }
        let url = "https://127.0.0.1:\(application.port)/metrics"
        let tls = TLSOptions(caFile: "\(directory)/ca.crt")
        func get(_ headers: [HTTPHeader], path: String = "/metrics") throws -> HTTPResponse {
            try client.fetch(
                HTTPRequest(
                    url: "https://127.0.0.1:\(application.port)\(path)", headers: headers, timeoutSeconds: 10, tls: tls)
            )
        }

        let missing = try get([])
        #expect(missing.status == 401)
        #expect(missing.header("www-authenticate") == "Basic")
        #expect(missing.header("x-content-type-options") == "nosniff")
        #expect(try get([basic("alice", "wrong")]).status == 401)
        #expect(try get([basic("mallory", "s3cret")]).status == 401)
        #expect(try get([basic("alice", "s3cret")], path: "/-/healthy").status == 200)
        let granted = try get([basic("alice", "s3cret")])
        #expect(granted.status == 200)
        #expect(String(decoding: granted.body, as: UTF8.self).contains("footprint_exporter_build_info"))
        #expect(granted.header("x-content-type-options") == "nosniff")
        // The answer is cached now; a cached answer is never handed out without credentials.
        #expect(try get([]).status == 401)
        #expect(try get([basic("alice", "wrong")]).status == 401)

        // Plain HTTP on the TLS port gets no answer; a client that does not trust the CA is refused by curl.
        #expect(throws: (any Error).self) {
            try client.fetch(HTTPRequest(url: url.replacingOccurrences(of: "https", with: "http"), timeoutSeconds: 5))
        }
        #expect(throws: (any Error).self) { try client.fetch(HTTPRequest(url: url, timeoutSeconds: 5)) }

        // A reload swaps the users at once; the reload endpoint itself needs credentials.
        let newHash = try #require(BcryptHash.hash("n3w", cost: 6))
        try """
        tls_server_config: {cert_file: server.crt, key_file: server.key}
        basic_auth_users: {alice: '\(newHash)'}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let reloadURL = "https://127.0.0.1:\(application.port)/-/reload"
        #expect(
            try client.fetch(HTTPRequest(url: reloadURL, method: .post, timeoutSeconds: 10, tls: tls)).status == 401)
        let reloaded = try client.fetch(
            HTTPRequest(
                url: reloadURL, method: .post, headers: [basic("alice", "s3cret")], timeoutSeconds: 10, tls: tls))
        #expect(reloaded.status == 200)
        #expect(try get([basic("alice", "s3cret")]).status == 401)
        #expect(try get([basic("alice", "n3w")]).status == 200)

        // A broken web configuration is rejected and the running one stays.
        try "basic_auth_users: {alice: plaintext}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let rejected = try client.fetch(
            HTTPRequest(url: reloadURL, method: .post, headers: [basic("alice", "n3w")], timeoutSeconds: 10, tls: tls))
        #expect(rejected.status == 500)
        #expect(!String(decoding: rejected.body, as: UTF8.self).contains("plaintext"))
        #expect(try get([basic("alice", "n3w")]).status == 200)
    }

    /// An unknown user and a known user with a wrong password cost the same bcrypt work, so the answer time does
    /// not reveal which user names exist.
    @Test func wrongPasswordAndUnknownUserTakeTheSameTime() throws {
        let directory = try TestStack.temporaryDirectory()
        let hash = try #require(BcryptHash.hash("s3cret", cost: 8))
        let (application, _) = try start(web: "basic_auth_users: {alice: '\(hash)'}\n", directory: directory)
        defer { application.stop() }
        let url = "http://127.0.0.1:\(application.port)/-/healthy"
        func seconds(_ header: HTTPHeader) throws -> Double {
            let started = Date()
            let response = try client.fetch(HTTPRequest(url: url, headers: [header], timeoutSeconds: 10))
            #expect(response.status == 401)
            return Date().timeIntervalSince(started)
        }
        var known: [Double] = []
        var unknown: [Double] = []
        for round in 0..<9 {
            known.append(try seconds(basic("alice", "guess\(round)")))
            unknown.append(try seconds(basic("user\(round)", "guess\(round)")))
        }
        let medianKnown = known.sorted()[4]
        let medianUnknown = unknown.sorted()[4]
        // Without the dummy hash an unknown user would answer in well under a millisecond against ~15 ms.
        #expect(
            medianUnknown > medianKnown * 0.6 && medianUnknown < medianKnown * 1.6, "known \(known), unknown \(unknown)"
        )
        #expect(medianUnknown > 0.003)
    }

    @Test func clientCertificatesAreVerifiedAgainstTheClientCA() throws {
        let directory = try TestCertificates.make()
        let (application, _) = try start(
            web: """
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                  client_auth_type: RequireAndVerifyClientCert
                  client_ca_file: ca.crt
                """, directory: directory)
        defer { application.stop() }
        let url = "https://127.0.0.1:\(application.port)/metrics"
        func status(cert: String?) throws -> Int {
            let tls = TLSOptions(
                caFile: "\(directory)/ca.crt", certFile: cert.map { "\(directory)/\($0)" },
                keyFile: cert.map { _ in "\(directory)/client.key" })
            return try client.fetch(HTTPRequest(url: url, timeoutSeconds: 10, tls: tls)).status
        }
        #expect(try status(cert: "client.crt") == 200)
        #expect(try status(cert: nil) == 403)
        #expect(try status(cert: "intruder.crt") == 403)
    }

    @Test func minimumTLSVersionIsEnforced() throws {
        let directory = try TestCertificates.make()
        let (application, _) = try start(
            web: "tls_server_config: {cert_file: server.crt, key_file: server.key, min_version: TLS13}\n",
            directory: directory)
        defer { application.stop() }
        func curl(_ extra: [String]) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments =
                ["-s", "-o", "/dev/null", "--cacert", "\(directory)/ca.crt", "--max-time", "10"] + extra
                + ["https://127.0.0.1:\(application.port)/-/healthy"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(try curl(["--tlsv1.3"]) == 0)
        // curl exits 35 when the handshake fails.
        #expect(try curl(["--tlsv1.2", "--tls-max", "1.2"]) == 35)
    }

    @Test func rateLimitAnswers429() throws {
        let directory = try TestStack.temporaryDirectory()
        let (application, _) = try start(web: "rate_limit: {interval: 1h, burst: 3}\n", directory: directory)
        defer { application.stop() }
        // A rendered scrape, the same scrape from the cache (answered on the event thread) and a health check
        // draw from the same bucket.
        let paths = ["/metrics", "/metrics", "/-/healthy", "/metrics", "/-/healthy"]
        let statuses = try paths.map { path in
            try client.fetch(HTTPRequest(url: "http://127.0.0.1:\(application.port)\(path)", timeoutSeconds: 10)).status
        }
        #expect(statuses == [200, 200, 200, 429, 429])
    }

    /// Slow-loris clients from one address fill only that address's share of connections: a scrape from another
    /// address is still answered at once, and an idle connection is closed after the timeout.
    @Test func slowClientsCannotStarveTheScrape() throws {
        let directory = try TestStack.temporaryDirectory()
        let limits = ServerLimits(
            connectionLimit: 24, perAddressConnectionLimit: 8, connectionTimeoutSeconds: 2, maxRequestHeaderBytes: 8192)
        let (application, _) = try start(web: "", directory: directory, limits: limits)
        defer { application.stop() }
        let port = application.port

        // 40 connections from 127.0.0.2, each sending a request line and then one header byte at a time.
        var slow: [RawConnection] = []
        for _ in 0..<40 {
            let connection = try RawConnection(source: "127.0.0.2", port: port)
            connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            slow.append(connection)
        }
        let started = Date()
        let scrape = try client.fetch(HTTPRequest(url: "http://127.0.0.1:\(port)/metrics", timeoutSeconds: 5))
        #expect(scrape.status == 200)
        #expect(Date().timeIntervalSince(started) < 2)
        // Only 8 of the 40 were accepted; the rest were closed by the server.
        usleep(200_000)
        let open = slow.filter { $0.send("a") && !$0.isClosed(wait: 0) }
        #expect(open.count <= 8, "\(open.count) slow connections still open")

        // An idle connection is dropped after the timeout instead of holding a slot forever.
        let idle = try RawConnection(port: port)
        let idleStart = Date()
        while !idle.isClosed(wait: 0.2) && Date().timeIntervalSince(idleStart) < 10 {}
        let closedAfter = Date().timeIntervalSince(idleStart)
        #expect(closedAfter >= 1.5 && closedAfter < 6, "closed after \(closedAfter) s")

        // Headers beyond the limit are refused, not buffered.
        let big = try RawConnection(port: port, timeout: 3)
        big.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 20_000))\r\n\r\n")
        let answer = big.readAll()
        #expect(
            answer.hasPrefix("HTTP/1.1 431") || answer.hasPrefix("HTTP/1.1 413") || answer.isEmpty,
            "\(answer.prefix(40))")
        #expect(!answer.hasPrefix("HTTP/1.1 200"))
    }
    /// The default limits serve a load generator's 64 connections from one address in full.
    @Test func defaultLimitsServeSixtyFourConnectionsFromOneClient() throws {
        let directory = try TestStack.temporaryDirectory()
        let (application, _) = try start(web: "", directory: directory)
        defer { application.stop() }
        var connections: [RawConnection] = []
        for _ in 0..<64 { connections.append(try RawConnection(port: application.port, timeout: 3)) }
        // All open at once before any asks, so each holds its own connection slot.
        for connection in connections {
            connection.send("GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        }
        let answers = connections.map { $0.readAll() }
        #expect(answers.filter { $0.hasPrefix("HTTP/1.1 200") }.count == 64)
    }
}
