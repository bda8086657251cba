import Foundation
import Model
import Yams

/// The configuration loader's sections for node sources: local procfs, Prometheus, direct scraping with its targets, TLS and credentials.
extension ConfigurationLoader {
    mutating func source(_ node: Node) -> Configuration.Source {
        var source = Configuration.Source()
        guard let entries = mapping(node, "source") else { return source }
        var kindLine = node.mark?.line ?? 0
        for (key, value, line) in entries {
            switch key {
            case "kind":
                kindLine = line
                if let text = string(value, "source.kind") {
                    if let kind = Configuration.SourceKind(rawValue: text) {
                        source.kind = kind
                    } else {
                        problem(value, "source.kind must be one of local, prometheus, scrape; got \"\(text)\"")
                    }
                }
            case "local": source.local = local(value)
            case "prometheus": source.prometheus = prometheus(value)
            case "scrape": source.scrape = scrape(value)
            default: unknown(key, line, in: "source")
            }
        }
        if source.kind == .scrape && source.scrape.fileSD.isEmpty && source.scrape.staticTargets.isEmpty {
            problem(line: kindLine, "source.kind scrape needs targets: source.scrape.static or source.scrape.file_sd")
        }
        return source
    }

    mutating func local(_ node: Node) -> Configuration.LocalSource {
        var local = Configuration.LocalSource()
        guard let entries = mapping(node, "source.local") else { return local }
        for (key, value, line) in entries {
            switch key {
            case "labels": local.labels = labels(value, "source.local.labels")
            case "host": if let text = nonEmptyString(value, "source.local.host") { local.host = text }
            case "proc_path": if let text = nonEmptyString(value, "source.local.proc_path") { local.procPath = text }
            default: unknown(key, line, in: "source.local")
            }
        }
        return local
    }

    mutating func prometheus(_ node: Node) -> Configuration.PrometheusSource {
        var prometheus = Configuration.PrometheusSource()
        guard let entries = mapping(node, "source.prometheus") else { return prometheus }
        for (key, value, line) in entries {
            let path = "source.prometheus.\(key)"
            switch key {
            case "url": if let url = httpURL(value, path) { prometheus.url = url }
            case "selector":
                if let text = string(value, path) {
                    let trimmed = text.trimmingCharacters(in: .whitespaces)
                    if trimmed.isEmpty || (trimmed.hasPrefix("{") && trimmed.hasSuffix("}")) {
                        prometheus.selector = trimmed
                    } else {
                        problem(value, "\(path) must be label matchers in braces, e.g. {job=\"node\"}; got \(text)")
                    }
                }
            case "host_label": if let name = labelName(value, path) { prometheus.hostLabel = name }
            case "attribution_labels": prometheus.attributionLabels = attributionLabels(value, path)
            case "timeout": positiveDuration(value, path) { prometheus.timeout = $0 }
            case "basic_auth": prometheus.basicAuth = basicAuth(value, path)
            case "bearer_token_file":
                if let text = nonEmptyString(value, path) { prometheus.bearerTokenFile = resolve(text) }
            case "bearer_token_env": prometheus.bearerTokenEnv = environmentName(value, path)
            case "shard_label":
                if let name = labelName(value, path) {
                    if name == "instance" || name == "job" {
                        problem(value, "\(path) must be a label of its own, not \"\(name)\"")
                    } else {
                        prometheus.shardLabel = name
                    }
                }
            default: unknown(key, line, in: "source.prometheus")
            }
        }
        if let shardLabel = prometheus.shardLabel, shardLabel == prometheus.hostLabel {
            problem(node, "source.prometheus.shard_label must differ from host_label (\(shardLabel))")
        }
        if prometheus.bearerTokenFile != nil && prometheus.bearerTokenEnv != nil {
            problem(node, "source.prometheus: give bearer_token_file or bearer_token_env, not both")
        }
        if prometheus.basicAuth != nil && (prometheus.bearerTokenFile != nil || prometheus.bearerTokenEnv != nil) {
            problem(node, "source.prometheus: give basic_auth or a bearer token, not both")
        }
        return prometheus
    }

    mutating func scrape(_ node: Node) -> Configuration.ScrapeSource {
        var scrape = Configuration.ScrapeSource()
        guard let entries = mapping(node, "source.scrape") else { return scrape }
        for (key, value, line) in entries {
            let path = "source.scrape.\(key)"
            switch key {
            case "file_sd":
                for item in sequence(value, path) ?? [] {
                    if let pattern = nonEmptyString(item, path) { scrape.fileSD.append(resolve(pattern)) }
                }
            case "static":
                for (index, item) in (sequence(value, path) ?? []).enumerated() {
                    if let group = targetGroup(item, "\(path)[\(index)]") { scrape.staticTargets.append(group) }
                }
            case "scheme":
                if let text = string(value, path) {
                    if text == "http" || text == "https" {
                        scrape.scheme = text
                    } else {
                        problem(value, "\(path) must be http or https; got \"\(text)\"")
                    }
                }
            case "metrics_path":
                if let text = string(value, path) {
                    if text.hasPrefix("/") {
                        scrape.metricsPath = text
                    } else {
                        problem(value, "\(path) must start with /")
                    }
                }
            case "timeout": positiveDuration(value, path) { scrape.timeout = $0 }
            case "attribution_labels": scrape.attributionLabels = attributionLabels(value, path)
            case "tls": scrape.tls = tls(value, path)
            case "basic_auth": scrape.basicAuth = basicAuth(value, path)
            case "max_concurrency":
                if let number = number(value, path) {
                    if number >= 1, number <= 1024, number == number.rounded() {
                        scrape.maxConcurrency = Int(number)
                    } else {
                        problem(value, "\(path) must be a whole number from 1 to 1024")
                    }
                }
            case "body_size_limit":
                if let number = number(value, path) {
                    if number >= 1024, number <= Double(1 << 30), number == number.rounded() {
                        scrape.bodySizeLimit = Int(number)
                    } else {
                        problem(value, "\(path) must be a number of bytes from 1024 to 1 GiB")
                    }
                }
            default: unknown(key, line, in: "source.scrape")
            }
        }
        return scrape
    }

    /// One `{targets: [...], labels: {...}}` group.
    mutating func targetGroup(_ node: Node, _ path: String) -> Configuration.TargetGroup? {
        guard let entries = mapping(node, path) else { return nil }
        var group = Configuration.TargetGroup(targets: [], labels: [:])
        for (key, value, line) in entries {
            switch key {
            case "targets":
                for item in sequence(value, "\(path).targets") ?? [] {
                    guard let target = nonEmptyString(item, "\(path).targets") else { continue }
                    if Self.isHostPort(target) {
                        group.targets.append(target)
                    } else {
                        problem(item, "\(path).targets: \"\(target)\" is not HOST:PORT")
                    }
                }
            case "labels": group.labels = labels(value, "\(path).labels")
            default: unknown(key, line, in: path)
            }
        }
        return group
    }

    public static func isHostPort(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else {
            return false
        }
        let host = text[..<colon]
        return !host.isEmpty && !host.contains("/") && !host.contains(" ")
    }

    mutating func tls(_ node: Node, _ path: String) -> Configuration.TLS? {
        guard let entries = mapping(node, path) else { return nil }
        var tls = Configuration.TLS()
        for (key, value, line) in entries {
            switch key {
            case "ca_file": tls.caFile = nonEmptyString(value, "\(path).ca_file").map(resolve)
            case "cert_file": tls.certFile = nonEmptyString(value, "\(path).cert_file").map(resolve)
            case "key_file": tls.keyFile = nonEmptyString(value, "\(path).key_file").map(resolve)
            case "insecure_skip_verify":
                switch string(value, "\(path).insecure_skip_verify") {
                case "true": tls.insecureSkipVerify = true
                case "false": tls.insecureSkipVerify = false
                default: problem(value, "\(path).insecure_skip_verify must be true or false")
                }
            default: unknown(key, line, in: path)
            }
        }
        if (tls.certFile == nil) != (tls.keyFile == nil) {
            problem(node, "\(path): cert_file and key_file go together")
        }
        return tls
    }

    /// Relative file names are taken relative to the configuration file, as Prometheus does.
    func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        let directory = (file as NSString).deletingLastPathComponent
        return directory.isEmpty ? path : "\(directory)/\(path)"
    }

    mutating func basicAuth(_ node: Node, _ path: String) -> Configuration.BasicAuth? {
        guard let entries = mapping(node, path) else { return nil }
        var auth = Configuration.BasicAuth(username: "")
        for (key, value, line) in entries {
            switch key {
            case "username": auth.username = string(value, "\(path).username") ?? ""
            case "password": auth.password = string(value, "\(path).password")
            case "password_file": auth.passwordFile = nonEmptyString(value, "\(path).password_file").map(resolve)
            case "password_env": auth.passwordEnv = environmentName(value, "\(path).password_env")
            default: unknown(key, line, in: path)
            }
        }
        if auth.username.isEmpty { problem(node, "\(path).username is required") }
        if [auth.password != nil, auth.passwordFile != nil, auth.passwordEnv != nil].filter({ $0 }).count > 1 {
            problem(node, "\(path): give one of password, password_file and password_env")
        }
        return auth
    }

    /// The name of an environment variable holding a secret; its value is only read at start.
    mutating func environmentName(_ node: Node, _ path: String) -> String? {
        guard let text = nonEmptyString(node, path) else { return nil }
        guard text.first.map({ $0 == "_" || ($0.isASCII && $0.isLetter) }) == true,
            text.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
        else {
            problem(node, "\(path) must be an environment variable name such as PROMETHEUS_PASSWORD; got \"\(text)\"")
            return nil
        }
        return text
    }
}
