import Foundation
import HTTPClient

/// Credentials read from files or the environment at start-up; never logged or printed.
enum Secrets {
    struct SecretError: Error, CustomStringConvertible {
        var description: String
    }

    static func authorizationHeaders(for prometheus: Configuration.PrometheusSource) throws -> [HTTPHeader] {
        if let auth = prometheus.basicAuth {
            let password = try auth.passwordFile.map { try read($0) } ?? auth.password ?? ""
            let token = Data("\(auth.username):\(password)".utf8).base64EncodedString()
            return [HTTPHeader(name: "Authorization", value: "Basic \(token)")]
        }
        if let file = prometheus.bearerTokenFile {
            return [HTTPHeader(name: "Authorization", value: "Bearer \(try read(file))")]
        }
        return []
    }

    /// A secret file's content without the trailing newline editors add.
    static func read(_ path: String) throws -> String {
        do {
            var text = try String(contentsOfFile: path, encoding: .utf8)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            return text
        } catch {
            throw SecretError(description: "cannot read secret file \(path): \(error.localizedDescription)")
        }
    }
}

extension Secrets {
    /// A secret from an environment variable, which must be set and not empty.
    static func environment(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw SecretError(description: "environment variable \(name) is not set")
        }
        return value
    }
}
