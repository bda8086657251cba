import Foundation
import MetricsServer
import Testing

/// `cipher_suites` and `curve_preferences` as exporter-toolkit has them, enforced by GnuTLS; by default no
/// static-RSA key exchange (no forward secrecy). Handshakes are tried with the curl program (OpenSSL names).
@Suite struct CipherSuiteTests {
    private func server(_ files: CertificateFiles, _ configure: (inout ServerTLS) -> Void) throws -> MetricsServer {
        var tls = ServerTLS(
            certificatePEM: try files.text("server-rsa.crt"), privateKeyPEM: try files.text("server-rsa.key"))
        configure(&tls)
        return try MetricsServer(listenAddress: .loopback(port: 0), tls: tls) { _ in .text("ok") }
    }

    /// curl's exit status for one request; 35 is a failed handshake.
    private func curl(_ server: MetricsServer, _ files: CertificateFiles, _ options: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments =
            ["-s", "-o", "/dev/null", "--max-time", "10", "--cacert", files.path("ca.crt")] + options
            + ["https://127.0.0.1:\(server.port)/metrics"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func staticRSAKeyExchangeIsOffByDefault() throws {
        let files = try CertificateFiles.make()
        let server = try server(files) { _ in }
        #expect(try curl(server, files, ["--tls-max", "1.2", "--ciphers", "AES128-GCM-SHA256"]) == 35)
        #expect(try curl(server, files, ["--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES128-GCM-SHA256"]) == 0)
        #expect(try curl(server, files, []) == 0)
    }

    @Test func listedSuitesAreTheOnlyOnes() throws {
        let files = try CertificateFiles.make()
        let server = try server(files) { tls in
            tls.maxVersion = .tls12
            tls.cipherSuites = [.rsaWithAES128GCMSHA256]
        }
        #expect(try curl(server, files, ["--ciphers", "AES128-GCM-SHA256"]) == 0)
        #expect(try curl(server, files, ["--ciphers", "ECDHE-RSA-AES128-GCM-SHA256"]) == 35)
        #expect(try curl(server, files, ["--ciphers", "AES256-GCM-SHA384"]) == 35)
    }

    @Test func curvePreferencesLimitTheKeyExchangeGroups() throws {
        let files = try CertificateFiles.make()
        let server = try server(files) { tls in tls.curvePreferences = [.p384] }
        #expect(try curl(server, files, ["--curves", "P-384"]) == 0)
        #expect(try curl(server, files, ["--curves", "X25519"]) == 35)
        #expect(try curl(server, files, ["--tls-max", "1.2", "--curves", "P-256"]) == 35)
    }

    @Test func everySuiteAndCurveMakesAPriorityStringGnuTLSAccepts() throws {
        let files = try CertificateFiles.make()
        for suite in TLSCipherSuite.allCases where suite.gnutlsParts != nil {
            _ = try server(files) { tls in tls.cipherSuites = [suite] }
        }
        for curve in TLSCurve.allCases {
            _ = try server(files) { tls in tls.curvePreferences = [curve] }
        }
    }

    @Test func goNamesMapToGnuTLSItems() throws {
        var tls = ServerTLS(certificatePEM: "", privateKeyPEM: "", preferServerCipherSuites: false)
        tls.cipherSuites = [.ecdheRSAWithAES128GCMSHA256, .ecdheRSAWithAES256GCMSHA384, .tls13AES128GCMSHA256]
        tls.curvePreferences = [.x25519, .p256]
        #expect(
            try tls.priorities
                == "SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-KX-ALL:+ECDHE-RSA:-CIPHER-ALL:+AES-128-GCM"
                + ":+AES-256-GCM:-MAC-ALL:+AEAD:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1")
        #expect(TLSCipherSuite(goName: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") == .ecdheRSAWithAES128GCMSHA256)
        #expect(TLSCipherSuite(goName: "TLS_RSA_WITH_RC4_128_SHA") == nil)
        #expect(TLSCurve(goName: "CurveP521") == .p521)
        #expect(!TLSCipherSuite.rsaWithAES128CBCSHA.isForwardSecret)
        #expect(TLSCipherSuite.ecdheECDSAWithAES128CBCSHA.isForwardSecret)
    }

    /// GnuTLS picks suites by key exchange × cipher × MAC; a list whose product holds suites it does not name
    /// is refused, naming them, instead of silently enabling more than asked.
    @Test func listsGnuTLSCannotEnforceExactlyAreRefused() throws {
        var tls = ServerTLS(certificatePEM: "", privateKeyPEM: "")
        tls.cipherSuites = [.ecdheRSAWithAES128GCMSHA256, .ecdheECDSAWithAES256GCMSHA384]
        #expect {
            _ = try tls.priorities
        } throws: { error in
            let text = "\(error)"
            return text.contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
                && text.contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
        }
        tls.cipherSuites = [.tls13AES128GCMSHA256]
        #expect(throws: MetricsServerError.invalidTLS) { _ = try tls.priorities }
        tls.cipherSuites = nil
        tls.curvePreferences = []
        #expect(throws: MetricsServerError.invalidTLS) { _ = try tls.priorities }
    }
}
