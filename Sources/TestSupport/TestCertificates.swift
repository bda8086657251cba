import Foundation

/// Certificates made with openssl for one test: a CA, a server certificate for 127.0.0.1, a client certificate
/// signed by the CA, and one signed by a stranger CA.
public enum TestCertificates {
    public static func make() throws -> String {
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
        try ShellScript.run(
            commands, in: directory, failure: "openssl could not make test certificates (is openssl installed?)")
        return directory
    }
}
