import Foundation
import TestSupport

/// Certificates made with openssl for one test, in a folder of their own: a CA, a server certificate for
/// 127.0.0.1 (`server.crt`, an RSA one in `server-rsa.crt`, a successor with its own key and the common name
/// "rotated" in `server-next.crt`), and client certificates from one key
/// (`client.key`) that differ only in what they allow or when they are valid.
struct CertificateFiles {
    let directory: String

    static func make() throws -> CertificateFiles {
        let directory = try TemporaryDirectory.make("certificates")
        let ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        let sign = "-CA ca.crt -CAkey ca.key -CAcreateserial"
        let clients: [(name: String, extensions: String, days: Int)] = [
            ("client-auth", "extendedKeyUsage=clientAuth", 2),
            ("server-only", "extendedKeyUsage=serverAuth", 2),
            ("any-usage", "extendedKeyUsage=anyExtendedKeyUsage", 2),
            ("no-usage", "basicConstraints=CA:FALSE", 2),
            // A validity that ends before it starts: expired from the first second.
            ("expired", "extendedKeyUsage=clientAuth", -1),
        ]
        var commands = [
            "openssl req -x509 \(ec) -days 2 -subj /CN=test-ca -keyout ca.key -out ca.crt",
            "printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext",
            "openssl req -new \(ec) -subj /CN=localhost -keyout server.key -out server.csr",
            "openssl x509 -req -in server.csr \(sign) -days 2 -extfile server.ext -out server.crt",
            "openssl req -new -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server-rsa.key -out server-rsa.csr",
            "openssl x509 -req -in server-rsa.csr \(sign) -days 2 -extfile server.ext -out server-rsa.crt",
            "openssl req -new \(ec) -subj /CN=rotated -keyout server-next.key -out server-next.csr",
            "openssl x509 -req -in server-next.csr \(sign) -days 2 -extfile server.ext -out server-next.crt",
            "openssl req -new \(ec) -subj /CN=prometheus -keyout client.key -out client.csr",
        ]
        for client in clients {
            commands.append("printf '\(client.extensions)\\n' > \(client.name).ext")
            commands.append(
                "openssl x509 -req -in client.csr \(sign) -days \(client.days) -extfile \(client.name).ext "
                    + "-out \(client.name).crt")
        }
        try run(commands, in: directory)
        return CertificateFiles(directory: directory)
    }

    /// Runs shell commands in `directory`, failing on the first that fails.
    static func run(_ commands: [String], in directory: String) throws {
        try ShellScript.run(
            commands, in: directory, failure: "openssl could not make test certificates (is openssl installed?)")
    }

    func path(_ name: String) -> String { "\(directory)/\(name)" }

    func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
}
