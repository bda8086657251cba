import Foundation
import MetricsServer
import Yams

/// Reads `--web.config.file` strictly, as the exporter-toolkit does: unknown keys are errors, and every problem
/// is reported as `file:line: message` like the main configuration's.
extension ConfigurationLoader {
    public static func loadWeb(path: String) throws(ConfigurationError) -> WebConfiguration {
        try parseWeb(yaml: text(read(path), file: path), file: path)
    }

    public static func parseWeb(yaml: String, file: String) throws(ConfigurationError) -> WebConfiguration {
        var loader = ConfigurationLoader(file: file)
        loader.lastLine = lineCount(yaml.unicodeScalars)
        let web = loader.webConfiguration(from: yaml)
        if !loader.problems.isEmpty { throw ConfigurationError(problems: loader.problems) }
        return web
    }

    private mutating func webConfiguration(from yaml: String) -> WebConfiguration {
        var web = WebConfiguration()
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            problem(line: Self.line(of: error), "invalid YAML: \(Self.describe(error))")
            return web
        } catch {
            problem(line: 1, "invalid YAML: \(error)")
            return web
        }
        guard let root, let top = mapping(root, "the web configuration") else { return web }
        for (key, value, line) in top {
            switch key {
            case "tls_server_config": web.tls = serverTLS(value)
            case "http_server_config": httpServer(value, into: &web)
            case "basic_auth_users": web.basicAuthUsers = basicAuthUsers(value)
            case "rate_limit": web.rateLimit = rateLimit(value)
            default: unknown(key, line, in: "the web configuration")
            }
        }
        return web
    }

    // MARK: - tls_server_config

    /// The PEM material from either the inline key or the file key, with the exporter-toolkit's messages.
    private struct PEMSource {
        var inline: String?
        var file: String?
        var line = 0
    }

    private mutating func serverTLS(_ node: Node) -> ServerTLS? {
        let path = "tls_server_config"
        guard let entries = mapping(node, path) else { return nil }
        var certificate = PEMSource()
        var key = PEMSource()
        var clientCA = PEMSource()
        var clientAuthentication = ServerTLS.ClientAuthentication.noClientCert
        var minVersion = ServerTLS.Version.tls12
        var maxVersion = ServerTLS.Version.tls13
        var preferServer = true
        var cipherSuites: [TLSCipherSuite]?
        var curves: [TLSCurve]?
        for (name, value, line) in entries {
            let keyPath = "\(path).\(name)"
            switch name {
            case "cert":
                certificate.inline = nonEmptyString(value, keyPath)
                certificate.line = line
            case "cert_file":
                certificate.file = nonEmptyString(value, keyPath).map(resolve)
                certificate.line = line
            case "key":
                key.inline = nonEmptyString(value, keyPath)
                key.line = line
            case "key_file":
                key.file = nonEmptyString(value, keyPath).map(resolve)
                key.line = line
            case "client_ca":
                clientCA.inline = nonEmptyString(value, keyPath)
                clientCA.line = line
            case "client_ca_file":
                clientCA.file = nonEmptyString(value, keyPath).map(resolve)
                clientCA.line = line
            case "client_auth_type":
                guard let text = string(value, keyPath) else { continue }
                // The exporter-toolkit accepts this older name for RequireAnyClientCert.
                let canonical =
                    text == "RequireClientCert" ? ServerTLS.ClientAuthentication.requireAnyClientCert.rawValue : text
                guard let parsed = ServerTLS.ClientAuthentication(rawValue: canonical) else {
                    let names = ServerTLS.ClientAuthentication.allCases.map(\.rawValue).joined(separator: ", ")
                    problem(value, "\(keyPath) must be one of \(names); got \"\(text)\"")
                    continue
                }
                clientAuthentication = parsed
            case "min_version": tlsVersion(value, keyPath).map { minVersion = $0 }
            case "max_version": tlsVersion(value, keyPath).map { maxVersion = $0 }
            case "prefer_server_cipher_suites": bool(value, keyPath).map { preferServer = $0 }
            case "cipher_suites":
                cipherSuites = goNames(value, keyPath, what: "cipher suite") { TLSCipherSuite(goName: $0) }
            case "curve_preferences":
                curves = goNames(value, keyPath, what: "curve") { TLSCurve(goName: $0) }
            case "client_allowed_sans":
                // No faithful GnuTLS counterpart: refusing beats silently ignoring a security setting.
                if case .sequence(let items) = value, items.isEmpty { continue }
                problem(
                    value,
                    "\(keyPath) is not supported by footprint_exporter (TLS uses the system's secure GnuTLS defaults)")
            default: unknown(name, line, in: path)
            }
        }
        // Neither certificate nor key: like the exporter-toolkit, TLS stays off.
        if certificate.inline == nil && certificate.file == nil && key.inline == nil && key.file == nil {
            if clientCA.inline != nil || clientCA.file != nil || clientAuthentication != .noClientCert {
                problem(node, "\(path): client certificate settings need a server certificate and key")
            }
            return nil
        }
        let certificatePEM = pem(certificate, what: "cert", path: path, node: node)
        let keyPEM = pem(key, what: "key", path: path, node: node)
        var clientCAPEM: String?
        if clientCA.inline != nil || clientCA.file != nil {
            clientCAPEM = pem(clientCA, what: "client_ca", path: path, node: node)
            if clientAuthentication == .noClientCert {
                problem(node, "\(path): client CAs are configured but client_auth_type is NoClientCert")
            }
        } else if clientAuthentication != .noClientCert {
            // libmicrohttpd asks clients for a certificate only when it has CAs to check them against.
            problem(
                node, "\(path): client_auth_type \(clientAuthentication.rawValue) needs client_ca_file or client_ca")
        }
        if minVersion > maxVersion { problem(node, "\(path): min_version is above max_version") }
        guard let certificatePEM, let keyPEM else { return nil }
        // With both files named, the server re-reads them when they change, so certificates rotate in place.
        let tls = ServerTLS(
            certificatePEM: certificatePEM, privateKeyPEM: keyPEM, clientCAPEM: clientCAPEM,
            clientAuthentication: clientAuthentication, minVersion: minVersion, maxVersion: maxVersion,
            preferServerCipherSuites: preferServer, cipherSuites: cipherSuites, curvePreferences: curves,
            certificateFile: certificate.file, privateKeyFile: key.file)
        // A suite list GnuTLS cannot enforce exactly, or an empty curve list, fails here rather than at start.
        do {
            _ = try tls.priorities
        } catch {
            problem(node, "\(path): \(error)")
            return nil
        }
        return tls
    }

    /// A list of Go names (cipher suites, curves), each mapped by `make`; an unknown name is a problem naming it.
    private mutating func goNames<Value>(
        _ node: Node, _ path: String, what: String, _ make: (String) -> Value?
    ) -> [Value]? {
        guard case .sequence(let items) = node else {
            problem(node, "\(path) must be a list of \(what) names")
            return nil
        }
        var values: [Value] = []
        for item in items {
            guard let name = string(item, path) else { continue }
            guard let value = make(name) else {
                problem(item, "\(path): unknown \(what) \"\(name)\"")
                continue
            }
            values.append(value)
        }
        return values
    }

    private mutating func pem(_ source: PEMSource, what: String, path: String, node: Node) -> String? {
        switch (source.inline, source.file) {
        case (nil, nil):
            problem(node, "\(path): missing one of \(what) or \(what)_file")
            return nil
        case (.some, .some):
            problem(line: source.line, "\(path): give \(what) or \(what)_file, not both")
            return nil
        case (.some(let inline), nil):
            return inline
        case (nil, .some(let file)):
            // Certificates and keys are small regular files; anything else (a device, a directory) is refused unread.
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            if let attributes,
                attributes[.type] as? FileAttributeType != .typeRegular
                    || (attributes[.size] as? NSNumber)?.intValue ?? 0 > 1 << 20
            {
                problem(line: source.line, "\(path).\(what)_file: \(file) is not a regular file of at most 1 MiB")
                return nil
            }
            do {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                guard text.contains("-----BEGIN ") else {
                    problem(line: source.line, "\(path).\(what)_file: \(file) holds no PEM block")
                    return nil
                }
                return text
            } catch {
                problem(line: source.line, "\(path).\(what)_file: cannot read \(file): \(error.localizedDescription)")
                return nil
            }
        }
    }

    private mutating func tlsVersion(_ node: Node, _ path: String) -> ServerTLS.Version? {
        guard let text = string(node, path) else { return nil }
        guard let version = ServerTLS.Version(rawValue: text) else {
            problem(node, "\(path) must be one of TLS10, TLS11, TLS12, TLS13; got \"\(text)\"")
            return nil
        }
        return version
    }

    // MARK: - http_server_config

    private mutating func httpServer(_ node: Node, into web: inout WebConfiguration) {
        let path = "http_server_config"
        guard let entries = mapping(node, path) else { return }
        for (name, value, line) in entries {
            switch name {
            case "http2": bool(value, "\(path).http2").map { web.http2Requested = $0 }
            case "headers": web.headers = headers(value, "\(path).headers")
            default: unknown(name, line, in: path)
            }
        }
    }

    private mutating func headers(_ node: Node, _ path: String) -> [ServerHeader] {
        guard let entries = mapping(node, path) else { return [] }
        var headers: [ServerHeader] = []
        for (name, value, line) in entries {
            guard let canonical = WebConfiguration.allowedHeaders.first(where: { $0.lowercased() == name.lowercased() })
            else {
                problem(
                    line: line,
                    "\(path): header \"\(name)\" cannot be set; allowed: \(WebConfiguration.allowedHeaders.joined(separator: ", "))"
                )
                continue
            }
            guard let text = string(value, "\(path).\(name)") else { continue }
            guard !text.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                problem(value, "\(path).\(name) must be one line")
                continue
            }
            switch canonical.lowercased() {
            case "x-frame-options" where !["deny", "sameorigin"].contains(text.lowercased()):
                problem(value, "\(path).\(name) must be deny or sameorigin; got \"\(text)\"")
            case "x-content-type-options" where text.lowercased() != "nosniff":
                problem(value, "\(path).\(name) must be nosniff; got \"\(text)\"")
            default:
                headers.append(ServerHeader(name: canonical, value: text))
            }
        }
        return headers
    }

    // MARK: - basic_auth_users and rate_limit

    private mutating func basicAuthUsers(_ node: Node) -> [String: String] {
        let path = "basic_auth_users"
        guard let entries = mapping(node, path) else { return [:] }
        var users: [String: String] = [:]
        for (name, value, _) in entries {
            guard !name.contains(":") else {
                problem(value, "\(path): user name \"\(name)\" must not contain a colon")
                continue
            }
            guard let hash = string(value, "\(path).\(name)") else { continue }
            // The value is a secret: messages name the user, never the text.
            guard BcryptHashShape.isWellFormed(hash) else {
                problem(
                    value,
                    "\(path).\(name) must be a bcrypt hash ($2y$, $2b$ or $2a$, 60 characters); plain-text passwords are not accepted"
                )
                continue
            }
            users[name] = hash
        }
        return users
    }

    private mutating func rateLimit(_ node: Node) -> WebConfiguration.RateLimit? {
        let path = "rate_limit"
        guard let entries = mapping(node, path) else { return nil }
        var interval = 0.0
        var burst = 0
        for (name, value, line) in entries {
            switch name {
            case "interval": duration(value, "\(path).interval", allowZero: true) { interval = $0 }
            case "burst":
                guard let number = number(value, "\(path).burst") else { continue }
                guard number >= 0, number <= 1_000_000, number == number.rounded() else {
                    problem(value, "\(path).burst must be a whole number from 0 to 1000000")
                    continue
                }
                burst = Int(number)
            default: unknown(name, line, in: path)
            }
        }
        // An interval of 0 disables the limit, as in the exporter-toolkit.
        guard interval > 0 else { return nil }
        if burst == 0 { problem(node, "\(path).burst must be at least 1 when an interval is set") }
        return .init(interval: interval, burst: max(burst, 1))
    }
}
