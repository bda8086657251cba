import Foundation
import MetricsServer
import Testing

@testable import App

/// `--web.config.file` parsing: the exporter-toolkit keys, strictness, and messages with their lines.
@Suite struct WebConfigurationTests {
    /// A real bcrypt hash of `password` at cost 4 (fast), made by the same libcrypt the exporter uses.
    static func hash(_ password: String, cost: Int = 4) throws -> String {
        let random = try #require(BcryptHash.randomHash(cost: cost))
        // The random hash's setting (prefix, cost, salt) is its first 29 characters.
        return try #require(BcryptHash.crypt(password, setting: String(random.prefix(29))))
    }

    func parse(_ yaml: String, directory: String? = nil) throws(ConfigurationError) -> WebConfiguration {
        try ConfigurationLoader.parseWeb(yaml: yaml, file: "\(directory ?? "/nonexistent")/web.yml")
    }

    func problems(_ yaml: String, directory: String? = nil) -> [String] {
        do {
            _ = try parse(yaml, directory: directory)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func emptyFileChangesNothing() throws {
        #expect(try parse("").isEmpty)
        #expect(try parse("tls_server_config: {}\nbasic_auth_users: {}\n").isEmpty)
    }

    @Test func readsEveryKnownSection() throws {
        let directory = try TestCertificates.make()
        let hash = try Self.hash("secret")
        let web = try parse(
            """
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.crt
              min_version: TLS13
              prefer_server_cipher_suites: false
            http_server_config:
              http2: true
              headers:
                X-Frame-Options: deny
                Strict-Transport-Security: max-age=31536000
            basic_auth_users:
              alice: \(hash)
            rate_limit: {interval: 100ms, burst: 5}
            """, directory: directory)
        let tls = try #require(web.tls)
        #expect(tls.certificatePEM.contains("BEGIN CERTIFICATE"))
        #expect(tls.privateKeyPEM.contains("PRIVATE KEY"))
        #expect(tls.clientCAPEM?.contains("BEGIN CERTIFICATE") == true)
        #expect(tls.clientAuthentication == .requireAndVerifyClientCert)
        #expect(tls.minVersion == .tls13)
        #expect(!tls.preferServerCipherSuites)
        #expect(web.http2Requested)
        #expect(
            web.headers == [
                ServerHeader(name: "X-Frame-Options", value: "deny"),
                ServerHeader(name: "Strict-Transport-Security", value: "max-age=31536000"),
            ])
        #expect(web.basicAuthUsers == ["alice": hash])
        #expect(web.rateLimit == .init(interval: 0.1, burst: 5))
        // check-config's summary names users, never hashes or key material.
        #expect(web.summary.contains("alice"))
        #expect(!web.summary.contains(hash))
        #expect(!web.summary.contains("PRIVATE"))
    }

    @Test func inlinePEMAndTheOlderClientAuthName() throws {
        let directory = try TestCertificates.make()
        let certificate = try String(contentsOfFile: "\(directory)/server.crt", encoding: .utf8)
        let key = try String(contentsOfFile: "\(directory)/server.key", encoding: .utf8)
        let indent = { (text: String) in text.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") }
        let web = try parse(
            """
            tls_server_config:
              cert: |
            \(indent(certificate))
              key: |
            \(indent(key))
              client_auth_type: RequireClientCert
              client_ca_file: ca.crt
            """, directory: directory)
        #expect(web.tls?.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
        #expect(web.tls?.clientAuthentication == .requireAnyClientCert)
    }

    @Test(arguments: [
        (
            "tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  foo: 1\n",
            "web.yml:4: unknown key \"foo\" in tls_server_config"
        ),
        ("listen: :9100\n", "web.yml:1: unknown key \"listen\" in the web configuration"),
        (
            "tls_server_config:\n  cert_file: server.crt\n",
            "web.yml:2: tls_server_config: missing one of key or key_file"
        ),
        (
            "tls_server_config:\n  key_file: server.key\n",
            "web.yml:2: tls_server_config: missing one of cert or cert_file"
        ),
        (
            "tls_server_config:\n  cert_file: server.crt\n  cert: x\n  key_file: server.key\n",
            "tls_server_config: give cert or cert_file, not both"
        ),
        (
            "tls_server_config:\n  cert_file: missing.crt\n  key_file: server.key\n",
            "web.yml:2: tls_server_config.cert_file: cannot read"
        ),
        ("tls_server_config:\n  cert_file: notes.txt\n  key_file: server.key\n", "notes.txt holds no PEM block"),
        (
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: Sometimes\n",
            "web.yml:4: tls_server_config.client_auth_type must be one of NoClientCert"
        ),
        (
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt\n",
            "client CAs are configured but client_auth_type is NoClientCert"
        ),
        (
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n",
            "needs client_ca_file or client_ca"
        ),
        (
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS13\n  max_version: TLS12\n",
            "min_version is above max_version"
        ),
        (
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: SSL3\n",
            "web.yml:4: tls_server_config.min_version must be one of TLS10, TLS11, TLS12, TLS13"
        ),
        (
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n",
            "web.yml:4: tls_server_config.cipher_suites is not supported"
        ),
        (
            "tls_server_config:\n  client_ca_file: ca.crt\n",
            "client certificate settings need a server certificate and key"
        ),
        (
            "http_server_config:\n  headers:\n    Server: nginx\n",
            "web.yml:3: http_server_config.headers: header \"Server\" cannot be set"
        ),
        (
            "http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
            "web.yml:3: http_server_config.headers.X-Frame-Options must be deny or sameorigin"
        ),
        ("http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n", "must be nosniff"),
        ("http_server_config:\n  http2: maybe\n", "web.yml:2: http_server_config.http2 must be true or false"),
        ("http_server_config:\n  push: true\n", "web.yml:2: unknown key \"push\" in http_server_config"),
        ("rate_limit: {interval: 1s, burst: 0}\n", "rate_limit.burst must be at least 1"),
        ("rate_limit: {interval: 1s, burst: 2.5}\n", "rate_limit.burst must be a whole number"),
        ("rate_limit: {interval: soon, burst: 2}\n", "rate_limit.interval must be a duration"),
        ("basic_auth_users: [alice]\n", "web.yml:1: basic_auth_users must be a mapping"),
        ("tls_server_config: [\n", "web.yml:2: invalid YAML"),
    ])
    func rejectsWithFileAndLine(yaml: String, expected: String) throws {
        let directory = try TestCertificates.make()
        try "not a certificate\n".write(toFile: "\(directory)/notes.txt", atomically: true, encoding: .utf8)
        let found = problems(yaml, directory: directory)
        #expect(found.contains { $0.contains(expected) }, "\(found)")
        #expect(found.allSatisfy { $0.hasPrefix("\(directory)/web.yml:") })
    }

    @Test(arguments: [
        "hunter2", "$2y$10$tooShort", "$1$abcdefgh$abcdefghijklmnopqrstuv",
        "$2y$99$" + String(repeating: "a", count: 53),
    ])
    func plainTextAndForeignHashesAreRefusedWithoutEchoingThem(password: String) {
        let found = problems("basic_auth_users:\n  alice: '\(password)'\n")
        #expect(
            found == [
                "/nonexistent/web.yml:2: basic_auth_users.alice must be a bcrypt hash ($2y$, $2b$ or $2a$, 60 characters); plain-text passwords are not accepted"
            ])
    }

    @Test func duplicateUsersAndColonsAreRefused() {
        let duplicate = problems("basic_auth_users:\n  alice: x\n  alice: y\n")
        #expect(duplicate.count == 1 && duplicate[0].contains("duplicated key(s): 'alice'"), "\(duplicate)")
        let colon = problems("basic_auth_users:\n  'bo:b': z\n")
        #expect(colon == ["/nonexistent/web.yml:2: basic_auth_users: user name \"bo:b\" must not contain a colon"])
    }

    @Test func zeroIntervalDisablesTheRateLimit() throws {
        #expect(try parse("rate_limit: {interval: 0s, burst: 0}\n").rateLimit == nil)
    }

    @Test func tlsPriorityStringFollowsTheVersions() throws {
        var tls = ServerTLS(certificatePEM: "", privateKeyPEM: "", minVersion: .tls12, maxVersion: .tls13)
        #expect(try tls.priorities == "SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-RSA:%SERVER_PRECEDENCE")
        tls.minVersion = .tls13
        tls.preferServerCipherSuites = false
        #expect(try tls.priorities == "SECURE128:-VERS-ALL:+VERS-TLS1.3:-RSA")
    }
}

/// bcrypt through libcrypt and the authenticator's decisions.
@Suite struct BasicAuthenticatorTests {
    @Test func bcryptMatchesOnlyTheRightPassword() throws {
        let hash = try WebConfigurationTests.hash("correct horse")
        #expect(BcryptHash.isWellFormed(hash))
        #expect(BcryptHash.cost(of: hash) == 4)
        #expect(BcryptHash.matches("correct horse", hash: hash))
        #expect(!BcryptHash.matches("correct horsE", hash: hash))
        #expect(!BcryptHash.matches("", hash: hash))
        #expect(!BcryptHash.matches("correct horse\u{0}", hash: hash))
        // The $2y$ spelling other tools write is the same algorithm.
        let y = "$2y$" + hash.dropFirst(4)
        #expect(BcryptHash.matches("correct horse", hash: y))
    }

    @Test func constantTimeComparisonIsStillAComparison() {
        #expect(BcryptHash.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!BcryptHash.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!BcryptHash.constantTimeEqual([1, 2, 3], [1, 2]))
    }

    @Test func decidesOnCredentials() throws {
        let authenticator = BasicAuthenticator(users: ["alice": try WebConfigurationTests.hash("s3cret")])
        func basic(_ text: String) -> String { "Basic " + Data(text.utf8).base64EncodedString() }
        #expect(authenticator.admits(authorization: basic("alice:s3cret")))
        #expect(authenticator.admits(authorization: basic("alice:s3cret"))) // remembered
        #expect(!authenticator.admits(authorization: basic("alice:s3cret ")))
        #expect(!authenticator.admits(authorization: basic("alice:s3cre")))
        #expect(!authenticator.admits(authorization: basic("alice:s3cret\u{0}x")))
        #expect(!authenticator.admits(authorization: basic("bob:s3cret")))
        #expect(!authenticator.admits(authorization: basic("alice")))
        #expect(!authenticator.admits(authorization: "Bearer " + Data("alice:s3cret".utf8).base64EncodedString()))
        #expect(!authenticator.admits(authorization: "Basic not-base64!"))
        #expect(!authenticator.admits(authorization: nil))
        // A password may contain colons; only the first separates the user.
        let colon = BasicAuthenticator(users: ["bob": try WebConfigurationTests.hash("a:b:c")])
        #expect(colon.admits(authorization: basic("bob:a:b:c")))
    }

    @Test func tokenBucketAllowsBurstThenRefills() {
        let limiter = RequestRateLimiter(interval: 1, burst: 2, now: 100)
        #expect(limiter.allows(now: 100))
        #expect(limiter.allows(now: 100))
        #expect(!limiter.allows(now: 100.5))
        #expect(limiter.allows(now: 101.5))
        #expect(!limiter.allows(now: 101.6))
        #expect(limiter.allows(now: 110))
        #expect(limiter.allows(now: 110))
        #expect(!limiter.allows(now: 110))
    }
}

/// Certificates made with openssl for one test: a CA, a server certificate for 127.0.0.1, a client certificate
/// signed by the CA, and one signed by a stranger CA.
enum TestCertificates {
    static func make() throws -> String {
        let directory = try TestStack.temporaryDirectory()
        let commands = [
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=test-ca -keyout ca.key -out ca.crt",
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=stranger-ca -keyout stranger.key -out stranger.crt",
            "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost -keyout server.key -out server.csr",
            "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > server.ext",
            "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.crt",
            "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=prometheus -keyout client.key -out client.csr",
            "printf 'extendedKeyUsage=clientAuth\\n' > client.ext",
            "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext -out client.crt",
            "openssl x509 -req -in client.csr -CA stranger.crt -CAkey stranger.key -CAcreateserial -days 2 -extfile client.ext -out intruder.crt",
        ]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-ec", commands.joined(separator: "\n")]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ExternalProcessFailure(
                description: "openssl could not make test certificates (is openssl installed?)")
        }
        return directory
    }

    struct ExternalProcessFailure: Error, CustomStringConvertible {
        var description: String
    }
}

/// `check-config --web.config.file`: valid files pass, invalid ones fail with exit status 1.
@Suite struct CheckWebConfigTests {
    @Test func validatesTheWebConfigurationFile() throws {
        let directory = try TestStack.temporaryDirectory()
        let good = "\(directory)/good.yml"
        try "basic_auth_users: {alice: '\(try WebConfigurationTests.hash("x"))'}\n".write(
            toFile: good, atomically: true, encoding: .utf8)
        let bad = "\(directory)/bad.yml"
        try "basic_auth_users: {alice: plaintext}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        try CheckConfig.parse(["--web.config.file", good]).run()
        #expect(throws: (any Error).self) { try CheckConfig.parse(["--web.config.file", bad]).run() }
        // Neither file given is a usage error.
        #expect(throws: (any Error).self) { try CheckConfig.parse([]) }
    }
}
