import Foundation
import MetricsServer
import TestSupport
import Testing
import WebSecurity

@testable import Config

/// `--web.config.file` parsing: the exporter-toolkit keys, strictness, and messages with their lines.
@Suite struct WebConfigurationTests {
    /// A real bcrypt hash of `password` at cost 4 (fast), made by the same libcrypt the exporter uses.
    static func hash(_ password: String) throws -> String { try #require(BcryptHash.hash(password, cost: 4)) }

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

    @Test func cipherSuitesCurvesAndCertificateFilesAreTakenUp() throws {
        let directory = try TestCertificates.make()
        let web = try parse(
            """
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
              max_version: TLS12
              cipher_suites:
                - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
                - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
              curve_preferences: [X25519, CurveP256]
            """, directory: directory)
        let tls = try #require(web.tls)
        #expect(
            tls.cipherSuites?.map(\.rawValue) == [
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            ])
        #expect(tls.curvePreferences == [.x25519, .p256])
        // The resolved paths, so the server re-reads the pair when it is replaced.
        #expect(tls.certificateFile == "\(directory)/server.crt")
        #expect(tls.privateKeyFile == "\(directory)/server.key")
        #expect(web.summary.contains("cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
        #expect(web.summary.contains("curve_preferences: [X25519, CurveP256]"))
        #expect(web.summary.contains("reloaded when changed"))
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
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites:\n    - TLS_RSA_WITH_RC4_128_SHA\n",
            "web.yml:5: tls_server_config.cipher_suites: unknown cipher suite \"TLS_RSA_WITH_RC4_128_SHA\""
        ),
        (
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  curve_preferences: [CurveP256, X25519MLKEM768]\n",
            "web.yml:4: tls_server_config.curve_preferences: unknown curve \"X25519MLKEM768\""
        ),
        (
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites: TLS_RSA_WITH_AES_128_CBC_SHA\n",
            "web.yml:4: tls_server_config.cipher_suites must be a list of cipher suite names"
        ),
        (
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  curve_preferences: []\n",
            "web.yml:2: tls_server_config: invalid TLS settings"
        ),
        (
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_allowed_sans: [a]\n",
            "web.yml:4: tls_server_config.client_allowed_sans is not supported"
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
