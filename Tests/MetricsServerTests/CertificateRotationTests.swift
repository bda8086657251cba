import Foundation
import MetricsServer
import Testing

/// A certificate replaced on disk is served from the next handshake on, without a restart; a broken
/// replacement leaves the last good one in use.
@Suite struct CertificateRotationTests {
    /// The subject of the certificate the server presents, as openssl s_client sees it.
    private func servedSubject(_ server: MetricsServer) throws -> String {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c",
            "openssl s_client -connect 127.0.0.1:\(server.port) </dev/null 2>/dev/null | openssl x509 -noout -subject",
        ]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func eventually(_ condition: () throws -> Bool) rethrows -> Bool {
        for _ in 0..<50 {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    @Test func rotatedCertificateIsServedWithoutARestart() throws {
        let files = try CertificateFiles.make()
        let certificate = files.path("live.crt")
        let key = files.path("live.key")
        try files.text("server.crt").write(toFile: certificate, atomically: false, encoding: .utf8)
        try files.text("server.key").write(toFile: key, atomically: false, encoding: .utf8)
        let tls = ServerTLS(
            certificatePEM: try files.text("server.crt"), privateKeyPEM: try files.text("server.key"),
            certificateFile: certificate, privateKeyFile: key)
        let server = try MetricsServer(listenAddress: .loopback(port: 0), tls: tls) { _ in .text("ok") }
        #expect(try servedSubject(server).contains("CN = localhost"))

        // Key first, then certificate, as a careless renewal script would: the pair mismatches in between.
        try files.text("server-next.key").write(toFile: key, atomically: false, encoding: .utf8)
        Thread.sleep(forTimeInterval: 1.5)
        try files.text("server-next.crt").write(toFile: certificate, atomically: true, encoding: .utf8)
        #expect(try eventually { try servedSubject(server).contains("CN = rotated") })
        #expect(server.certificateReloads == 1)

        try "not a certificate\n".write(toFile: certificate, atomically: true, encoding: .utf8)
        #expect(eventually { server.certificateReloadFailures.count >= 2 })
        #expect(server.certificateReloadFailures.last?.contains(certificate) == true)
        #expect(try servedSubject(server).contains("CN = rotated"))
    }

    @Test func certificateWithAnotherKeyIsRefusedAtStart() throws {
        let files = try CertificateFiles.make()
        let tls = ServerTLS(
            certificatePEM: try files.text("server.crt"), privateKeyPEM: try files.text("server-next.key"))
        #expect(throws: MetricsServerError.invalidTLS) {
            _ = try MetricsServer(listenAddress: .loopback(port: 0), tls: tls) { _ in .text("ok") }
        }
    }
}
