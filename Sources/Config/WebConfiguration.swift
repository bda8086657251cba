import MetricsServer
import Model

/// The endpoint's security settings from `--web.config.file`, in the Prometheus exporter-toolkit format:
/// TLS, basic authentication with bcrypt hashes, extra response headers and a request rate limit.
public struct WebConfiguration: Sendable, Equatable {
    /// TLS with its PEM material already read (files are resolved against the web configuration's directory).
    public var tls: ServerTLS?
    /// User name to bcrypt hash. Empty: no authentication.
    public var basicAuthUsers: [String: String] = [:]
    /// Headers added to every response, in the order given.
    public var headers: [ServerHeader] = []
    public var rateLimit: RateLimit?
    /// Asked for in the file; this server speaks HTTP/1.1 only, so it is noted and not served.
    public var http2Requested = false

    public struct RateLimit: Sendable, Equatable {
        /// Seconds per request on average (the refill interval of the token bucket).
        public var interval: Double
        public var burst: Int
    }

    public init() {}

    /// Whether anything in it changes how requests are served.
    public var isEmpty: Bool { self == WebConfiguration() }

    /// The response headers a web configuration may set, as the exporter-toolkit accepts them.
    public static let allowedHeaders = [
        "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "X-XSS-Protection",
        "Strict-Transport-Security",
    ]

    /// What check-config prints: the settings in force, never the key, a PEM text or a password hash.
    public var summary: String {
        var lines = ["# web configuration"]
        if let tls {
            lines.append(
                "tls: {min_version: \(tls.minVersion.rawValue), max_version: \(tls.maxVersion.rawValue), client_auth_type: \(tls.clientAuthentication.rawValue), client_ca: \(tls.clientCAPEM != nil)}"
            )
            let suites = tls.cipherSuites.map { "[\($0.map(\.rawValue).joined(separator: ", "))]" }
            lines.append("  cipher_suites: \(suites ?? "default  # forward-secret suites only")")
            let curves = tls.curvePreferences.map { "[\($0.map(\.rawValue).joined(separator: ", "))]" }
            lines.append("  curve_preferences: \(curves ?? "default")")
            let rotates = tls.certificateFile != nil && tls.privateKeyFile != nil
            lines.append(
                "  certificate: \(rotates ? "cert_file and key_file, reloaded when changed" : "inline, read once")")
        } else {
            lines.append("tls: off")
        }
        let users = basicAuthUsers.keys.sorted()
        lines.append(
            "basic_auth_users: [\(users.joined(separator: ", "))]\(users.isEmpty ? "  # no authentication" : "  # hashes <secret>")"
        )
        lines.append("headers: [\(headers.map(\.name).joined(separator: ", "))]")
        if let rateLimit {
            lines.append("rate_limit: {interval: \(rateLimit.interval)s, burst: \(rateLimit.burst)}")
        }
        if http2Requested { lines.append("http2: requested, not served (HTTP/1.1 only)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
