import Foundation
import HTTPClient
import MetricsServer
import Testing

/// Under RequireAndVerifyClientCert a client certificate must chain to the client CA, be within its validity
/// dates and allow TLS client authentication, as Go's crypto/tls checks for exporter-toolkit.
@Suite struct ClientCertificateTests {
    static let cases: [(certificate: String, status: Int)] = [
        ("client-auth.crt", 200),
        ("any-usage.crt", 200),
        // No extended key usage at all allows every usage, in Go as in RFC 5280.
        ("no-usage.crt", 200),
        ("server-only.crt", 403),
        ("expired.crt", 403),
    ]

    @Test(arguments: 0..<cases.count)
    func certificatePurposeAndDatesAreChecked(case index: Int) throws {
        let (certificate, expected) = Self.cases[index]
        let files = try CertificateFiles.make()
        let tls = ServerTLS(
            certificatePEM: try files.text("server.crt"), privateKeyPEM: try files.text("server.key"),
            clientCAPEM: try files.text("ca.crt"), clientAuthentication: .requireAndVerifyClientCert)
        let server = try MetricsServer(listenAddress: .loopback(port: 0), tls: tls) { _ in .text("ok") }
        let client = try CurlHTTPClient(userAgent: "footprint_exporter/test")
        let options = TLSOptions(
            caFile: files.path("ca.crt"), certFile: files.path(certificate), keyFile: files.path("client.key"))
        let response = try client.fetch(
            HTTPRequest(url: "https://127.0.0.1:\(server.port)/metrics", timeoutSeconds: 10, tls: options))
        #expect(response.status == expected, "\(certificate)")
    }
}
