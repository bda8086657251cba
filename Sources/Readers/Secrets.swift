import Config
import Foundation
import HTTPClient

/// Credentials read from files or the environment at start-up; never logged or printed.
public enum Secrets {
    public struct SecretError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func authorizationHeaders(for prometheus: Configuration.PrometheusSource) throws -> [HTTPHeader] {
        if let auth = prometheus.basicAuth {
            return [try basicAuthorization(auth)]
        }
        if let file = prometheus.bearerTokenFile {
            return [HTTPHeader(name: "Authorization", value: "Bearer \(try read(file))")]
        }
        if let name = prometheus.bearerTokenEnv {
            return [HTTPHeader(name: "Authorization", value: "Bearer \(try environment(name))")]
        }
        return []
    }

    /// `Authorization: Basic ...` with the password from its file, environment variable or the configuration.
    public static func basicAuthorization(_ auth: Configuration.BasicAuth) throws -> HTTPHeader {
        let password =
            try auth.passwordFile.map { try read($0) } ?? auth.passwordEnv.map { try environment($0) } ?? auth.password
            ?? ""
        return HTTPHeader(
            name: "Authorization", value: "Basic \(Data("\(auth.username):\(password)".utf8).base64EncodedString())")
    }

    /// A secret from the environment; unset or empty is an error, so a typo does not become an empty password.
    public static func environment(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw SecretError(description: "environment variable \(name) is not set or empty")
        }
        return value
    }

    /// A secret file's content without the trailing newline editors add.
    public static func read(_ path: String) throws -> String {
        do {
            var text = try String(contentsOfFile: path, encoding: .utf8)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            return text
        } catch {
            throw SecretError(description: "cannot read secret file \(path): \(error.localizedDescription)")
        }
    }
}
