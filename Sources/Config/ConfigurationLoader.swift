import Foundation
import Model
import Yams

/// Reads a YAML configuration file into a validated `Configuration`, collecting every problem with its line.
///
/// The YAML is walked as a node tree rather than decoded, so unknown keys are reported and each message can
/// name the line it comes from.
public struct ConfigurationLoader {
    public let file: String
    private(set) var problems: [ConfigurationError.Problem] = []
    /// The file's last line: libyaml places some marks (an empty document, an error at the end of input) on
    /// the line after a last line without a newline, and a problem should still name a line of the file.
    public var lastLine = 1

    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        try parse(contents: read(path), file: path)
    }

    /// The bytes of a file, or a problem at line 0 (the file as a whole) when it cannot be read.
    public static func read(_ path: String) throws(ConfigurationError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ConfigurationError(problems: [
                .init(file: path, line: 0, message: "cannot read file: \(error.localizedDescription)")
            ])
        }
    }

    /// Parses a configuration file's bytes, which must be UTF-8.
    public static func parse(contents: [UInt8], file: String) throws(ConfigurationError) -> Configuration {
        try parse(yaml: text(contents, file: file), file: file)
    }

    public static func parse(yaml: String, file: String) throws(ConfigurationError) -> Configuration {
        var loader = ConfigurationLoader(file: file)
        let configuration = loader.configuration(from: yaml)
        if !loader.problems.isEmpty { throw ConfigurationError(problems: loader.problems) }
        return configuration
    }

    /// The bytes as text; invalid UTF-8 is reported at the line it is on rather than as an unreadable file.
    public static func text(_ contents: [UInt8], file: String) throws(ConfigurationError) -> String {
        if let text = String(validating: contents, as: UTF8.self) { return text }
        var iterator = contents.makeIterator()
        var decoder = UTF8()
        var valid: [Unicode.Scalar] = []
        while case .scalarValue(let scalar) = decoder.decode(&iterator) { valid.append(scalar) }
        let offset = valid.reduce(0) { $0 + UTF8.width($1) }
        throw ConfigurationError(problems: [
            .init(file: file, line: lineCount(valid), message: "not valid UTF-8 at byte \(offset)")
        ])
    }

    /// Lines as YAML counts them: CR, LF and CRLF each end one, and so do NEL, LS and PS (YAML 1.1, which
    /// libyaml reads).
    public static func lineCount(_ scalars: some Sequence<Unicode.Scalar>) -> Int {
        var lines = 1
        var afterCR = false
        for scalar in scalars {
            switch scalar {
            case "\n": if !afterCR { lines += 1 }
            case "\r", "\u{85}", "\u{2028}", "\u{2029}": lines += 1
            default: break
            }
            afterCR = scalar == "\r"
        }
        return lines
    }

    /// Reads a Prometheus file_sd file (JSON or YAML): a list of `{targets: [...], labels: {...}}`.
    public static func targetGroups(
        contents: [UInt8], file: String
    ) throws(ConfigurationError) -> [Configuration.TargetGroup] {
        try targetGroups(text: text(contents, file: file), file: file)
    }

    public static func targetGroups(
        text: String, file: String
    ) throws(ConfigurationError) -> [Configuration.TargetGroup] {
        var loader = ConfigurationLoader(file: file)
        loader.lastLine = lineCount(text.unicodeScalars)
        var groups: [Configuration.TargetGroup] = []
        do {
            if let root = try Yams.compose(yaml: text), let items = loader.sequence(root, "the file") {
                for (index, item) in items.enumerated() {
                    if let group = loader.targetGroup(item, "[\(index)]") { groups.append(group) }
                }
            }
        } catch let error as YamlError {
            loader.problem(line: line(of: error), "invalid YAML or JSON: \(describe(error))")
        } catch {
            loader.problem(line: 1, "invalid YAML or JSON: \(error)")
        }
        if !loader.problems.isEmpty { throw ConfigurationError(problems: loader.problems) }
        return groups
    }

    // MARK: - Document

    private mutating func configuration(from yaml: String) -> Configuration {
        var configuration = Configuration()
        lastLine = Self.lineCount(yaml.unicodeScalars)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            problem(line: Self.line(of: error), "invalid YAML: \(Self.describe(error))")
            return configuration
        } catch {
            problem(line: 1, "invalid YAML: \(error)")
            return configuration
        }
        guard let root else { return configuration } // an empty file means all defaults
        guard let top = mapping(root, "the configuration") else { return configuration }
        for (key, value, line) in top {
            switch key {
            case "collect_interval": positiveDuration(value, key) { configuration.collectInterval = $0 }
            case "host_grace_period": duration(value, key, allowZero: true) { configuration.hostGracePeriod = $0 }
            case "source": configuration.source = source(value)
            case "carbon_intensity": configuration.carbonIntensity = carbonIntensity(value)
            case "power": configuration.power = power(value)
            case "equivalencies": configuration.equivalencies = equivalencies(value)
            case "workspaces": configuration.workspaces = workspaces(value)
            case "auditor": configuration.auditor = auditor(value)
            default: unknown(key, line, in: "the configuration")
            }
        }
        return configuration
    }

    // MARK: - Sections

    private mutating func source(_ node: Node) -> Configuration.Source {
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

    private mutating func local(_ node: Node) -> Configuration.LocalSource {
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

    private mutating func prometheus(_ node: Node) -> Configuration.PrometheusSource {
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
            default: unknown(key, line, in: "source.prometheus")
            }
        }
        if prometheus.bearerTokenFile != nil && prometheus.bearerTokenEnv != nil {
            problem(node, "source.prometheus: give bearer_token_file or bearer_token_env, not both")
        }
        if prometheus.basicAuth != nil && (prometheus.bearerTokenFile != nil || prometheus.bearerTokenEnv != nil) {
            problem(node, "source.prometheus: give basic_auth or a bearer token, not both")
        }
        return prometheus
    }

    private mutating func scrape(_ node: Node) -> Configuration.ScrapeSource {
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
    public mutating func targetGroup(_ node: Node, _ path: String) -> Configuration.TargetGroup? {
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

    private mutating func tls(_ node: Node, _ path: String) -> Configuration.TLS? {
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
    public func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        let directory = (file as NSString).deletingLastPathComponent
        return directory.isEmpty ? path : "\(directory)/\(path)"
    }

    private mutating func basicAuth(_ node: Node, _ path: String) -> Configuration.BasicAuth? {
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
    public mutating func environmentName(_ node: Node, _ path: String) -> String? {
        guard let text = nonEmptyString(node, path) else { return nil }
        guard text.first.map({ $0 == "_" || ($0.isASCII && $0.isLetter) }) == true,
            text.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
        else {
            problem(node, "\(path) must be an environment variable name such as PROMETHEUS_PASSWORD; got \"\(text)\"")
            return nil
        }
        return text
    }

    private mutating func carbonIntensity(_ node: Node) -> Configuration.CarbonIntensity {
        var carbon = Configuration.CarbonIntensity()
        guard let entries = mapping(node, "carbon_intensity") else { return carbon }
        var regionsNode: Node?
        var providerNode: Node?
        var providersNode: Node?
        for (key, value, line) in entries {
            let path = "carbon_intensity.\(key)"
            switch key {
            case "provider":
                providerNode = value
                if let provider = carbonProvider(value, path) { carbon.provider = provider }
            case "providers":
                providersNode = value
                carbon.providers = providerChain(value, path)
            case "uk": carbon.uk = ukProvider(value, base: carbon.uk, path: path)
            case "electricitymaps":
                carbon.electricityMaps = electricityMaps(value, base: carbon.electricityMaps, path: path)
            case "watttime": carbon.wattTime = wattTime(value, base: carbon.wattTime, path: path)
            case "file": carbon.file = fileProvider(value, base: carbon.file, path: path)
            case "static_grams_per_kwh": intensity(value, path) { carbon.staticGramsPerKilowattHour = $0 }
            case "fallback_grams_per_kwh": intensity(value, path) { carbon.fallbackGramsPerKilowattHour = $0 }
            case "refresh": positiveDuration(value, path) { carbon.refresh = $0 }
            case "max_age": positiveDuration(value, path) { carbon.maxAge = $0 }
            case "timeout": positiveDuration(value, path) { carbon.timeout = $0 }
            case "grid_region": if let text = nonEmptyString(value, path) { carbon.gridRegion = text }
            case "forecast": if let flag = bool(value, path) { carbon.forecast = flag }
            case "forecast_refresh": positiveDuration(value, path) { carbon.forecastRefresh = $0 }
            case "regions": regionsNode = value
            default: unknown(key, line, in: "carbon_intensity")
            }
        }
        if let providerNode, providersNode != nil {
            problem(providerNode, "carbon_intensity: give provider or providers, not both")
        }
        let defaultNode = providersNode ?? providerNode ?? node
        checkChain(
            carbon.chain, uk: carbon.uk, electricityMaps: carbon.electricityMaps, wattTime: carbon.wattTime,
            file: carbon.file,
            node: defaultNode, path: "carbon_intensity")
        // Regions inherit from the top level, so they are read after it whatever the key order.
        if let regionsNode, let items = sequence(regionsNode, "carbon_intensity.regions") {
            var names: Set<String> = []
            for (index, item) in items.enumerated() {
                let path = "carbon_intensity.regions[\(index)]"
                guard let region = gridRegion(item, carbon: carbon, path: path) else { continue }
                if !names.insert(region.name).inserted {
                    problem(item, "\(path).name \"\(region.name)\" is used by an earlier region")
                }
                carbon.regions.append(region)
            }
            var configuration = Configuration()
            configuration.carbonIntensity = carbon
            let defaultName = configuration.gridRegion
            if names.contains(defaultName) {
                problem(
                    regionsNode,
                    "carbon_intensity.regions: \"\(defaultName)\" is the default region's name (set carbon_intensity.grid_region to tell them apart)"
                )
            }
        }
        return carbon
    }

    private mutating func gridRegion(
        _ node: Node, carbon: Configuration.CarbonIntensity, path: String
    ) -> Configuration.GridRegion? {
        guard let entries = mapping(node, path) else { return nil }
        var region = Configuration.GridRegion(
            name: "", providers: carbon.chain, uk: carbon.uk, electricityMaps: carbon.electricityMaps,
            wattTime: carbon.wattTime,
            file: carbon.file, staticGramsPerKilowattHour: carbon.staticGramsPerKilowattHour,
            fallbackGramsPerKilowattHour: carbon.fallbackGramsPerKilowattHour)
        var chainNode: Node?
        for (key, value, line) in entries {
            let field = "\(path).\(key)"
            switch key {
            case "name": region.name = nonEmptyString(value, field) ?? ""
            case "match": region.match = labels(value, field)
            case "host_pattern":
                if let text = nonEmptyString(value, field) {
                    if RegionMapper.compile(text) != nil {
                        region.hostPattern = text
                    } else {
                        problem(value, "\(field) is not a valid regular expression: \(text)")
                    }
                }
            case "provider":
                chainNode = value
                if let provider = carbonProvider(value, field) { region.providers = [provider] }
            case "providers":
                chainNode = value
                if let chain = providerChain(value, field) { region.providers = chain }
            case "uk": region.uk = ukProvider(value, base: region.uk, path: field)
            case "electricitymaps":
                region.electricityMaps = electricityMaps(value, base: region.electricityMaps, path: field)
            case "watttime": region.wattTime = wattTime(value, base: region.wattTime, path: field)
            case "file": region.file = fileProvider(value, base: region.file, path: field)
            case "static_grams_per_kwh": intensity(value, field) { region.staticGramsPerKilowattHour = $0 }
            case "fallback_grams_per_kwh": intensity(value, field) { region.fallbackGramsPerKilowattHour = $0 }
            default: unknown(key, line, in: path)
            }
        }
        if region.name.isEmpty { problem(node, "\(path).name is required") }
        if region.match.isEmpty && region.hostPattern == nil {
            problem(node, "\(path) needs match or host_pattern (hosts matching neither go to the default region)")
        }
        checkChain(
            region.providers, uk: region.uk, electricityMaps: region.electricityMaps, wattTime: region.wattTime,
            file: region.file,
            node: chainNode ?? node, path: path)
        return region
    }

    private mutating func carbonProvider(_ node: Node, _ path: String) -> Configuration.CarbonProvider? {
        guard let text = string(node, path) else { return nil }
        guard let provider = Configuration.CarbonProvider(rawValue: text) else {
            let names = Configuration.CarbonProvider.allCases.map(\.rawValue).joined(separator: ", ")
            problem(node, "\(path) must be one of \(names); got \"\(text)\"")
            return nil
        }
        return provider
    }

    private mutating func providerChain(_ node: Node, _ path: String) -> [Configuration.CarbonProvider]? {
        guard let items = sequence(node, path) else { return nil }
        var chain: [Configuration.CarbonProvider] = []
        for item in items {
            guard let provider = carbonProvider(item, path) else { continue }
            if chain.contains(provider) {
                problem(item, "\(path): \(provider.rawValue) is listed twice")
            } else {
                chain.append(provider)
            }
        }
        if items.isEmpty { problem(node, "\(path) must name at least one provider") }
        return chain.isEmpty ? nil : chain
    }

    /// Each provider of a chain needs its own settings; say which are missing, at the chain's line.
    private mutating func checkChain(
        _ chain: [Configuration.CarbonProvider], uk: Configuration.UKProvider,
        electricityMaps: Configuration.ElectricityMapsProvider,
        wattTime: Configuration.WattTimeProvider, file: Configuration.FileProvider, node: Node, path: String
    ) {
        for provider in chain {
            switch provider {
            case .uk, .static: break
            case .electricitymaps:
                if electricityMaps.zone == nil {
                    problem(node, "\(path): provider electricitymaps needs electricitymaps.zone")
                }
                if electricityMaps.tokenFile == nil && electricityMaps.tokenEnv == nil {
                    problem(node, "\(path): provider electricitymaps needs electricitymaps.token_file or token_env")
                }
            case .watttime:
                if wattTime.region == nil { problem(node, "\(path): provider watttime needs watttime.region") }
                if wattTime.username == nil || (wattTime.passwordFile == nil && wattTime.passwordEnv == nil) {
                    problem(
                        node, "\(path): provider watttime needs watttime.username and password_file or password_env")
                }
            case .file:
                if file.path == nil { problem(node, "\(path): provider file needs file.path") }
            }
        }
    }

    private mutating func ukProvider(
        _ node: Node, base: Configuration.UKProvider, path: String
    ) -> Configuration.UKProvider {
        var uk = base
        guard let entries = mapping(node, path) else { return uk }
        var regionGiven = false
        for (key, value, line) in entries {
            let field = "\(path).\(key)"
            switch key {
            case "url": if let url = httpURL(value, field) { uk.url = url }
            case "region_id":
                if !regionGiven { uk.postcode = nil }
                regionGiven = true
                if let number = number(value, field) {
                    if number == number.rounded(), (1...17).contains(number) {
                        uk.regionID = Int(number)
                    } else {
                        problem(value, "\(field) must be a GB region id from 1 to 17; got \(value.string ?? "")")
                    }
                }
            case "postcode":
                if !regionGiven { uk.regionID = nil }
                regionGiven = true
                if let text = string(value, field) {
                    let outward = text.uppercased()
                    if outward.range(of: "^[A-Z]{1,2}[0-9][A-Z0-9]?$", options: .regularExpression) != nil {
                        uk.postcode = outward
                    } else {
                        problem(value, "\(field) must be an outward postcode such as RG10 or SW1; got \"\(text)\"")
                    }
                }
            case "national":
                // A region may need the national value while the top level names a GB region.
                if bool(value, field) == true {
                    uk.regionID = nil
                    uk.postcode = nil
                }
            default: unknown(key, line, in: path)
            }
        }
        if uk.regionID != nil && uk.postcode != nil {
            problem(node, "\(path): give region_id or postcode, not both")
        }
        return uk
    }

    private mutating func electricityMaps(
        _ node: Node, base: Configuration.ElectricityMapsProvider, path: String
    ) -> Configuration.ElectricityMapsProvider {
        var settings = base
        guard let entries = mapping(node, path) else { return settings }
        for (key, value, line) in entries {
            let field = "\(path).\(key)"
            switch key {
            case "url": if let url = httpURL(value, field) { settings.url = url }
            case "zone": if let text = nonEmptyString(value, field) { settings.zone = text }
            case "endpoint":
                if let endpoint: Configuration.ElectricityMapsProvider.Endpoint = choice(value, field) {
                    settings.endpoint = endpoint
                }
            // One replaces the other, so a region can switch from the inherited file to a variable.
            case "token_file":
                if let text = nonEmptyString(value, field) {
                    (settings.tokenFile, settings.tokenEnv) = (resolve(text), nil)
                }
            case "token_env":
                if let name = environmentName(value, field) { (settings.tokenFile, settings.tokenEnv) = (nil, name) }
            default: unknown(key, line, in: path)
            }
        }
        exclusive("token_file", "token_env", in: entries, node: node, path: path)
        return settings
    }

    private mutating func wattTime(
        _ node: Node, base: Configuration.WattTimeProvider, path: String
    ) -> Configuration.WattTimeProvider {
        var settings = base
        guard let entries = mapping(node, path) else { return settings }
        for (key, value, line) in entries {
            let field = "\(path).\(key)"
            switch key {
            case "url": if let url = httpURL(value, field) { settings.url = url }
            case "region": if let text = nonEmptyString(value, field) { settings.region = text }
            case "endpoint":
                if let endpoint: Configuration.WattTimeProvider.Endpoint = choice(value, field) {
                    settings.endpoint = endpoint
                }
            case "username": if let text = nonEmptyString(value, field) { settings.username = text }
            case "password_file":
                if let text = nonEmptyString(value, field) {
                    (settings.passwordFile, settings.passwordEnv) = (resolve(text), nil)
                }
            case "password_env":
                if let name = environmentName(value, field) {
                    (settings.passwordFile, settings.passwordEnv) = (nil, name)
                }
            default: unknown(key, line, in: path)
            }
        }
        exclusive("password_file", "password_env", in: entries, node: node, path: path)
        return settings
    }

    /// One of a closed set of names (an enum's raw values), or a problem listing them.
    private mutating func choice<Choice: RawRepresentable & CaseIterable>(_ node: Node, _ path: String) -> Choice?
    where Choice.RawValue == String {
        guard let text = string(node, path) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            problem(
                node, "\(path) must be \(Choice.allCases.map(\.rawValue).joined(separator: " or ")); got \"\(text)\"")
            return nil
        }
        return choice
    }

    /// Two keys of a mapping that must not be given together.
    private mutating func exclusive(
        _ first: String, _ second: String, in entries: [(key: String, value: Node, line: Int)], node: Node, path: String
    ) {
        if entries.contains(where: { $0.key == first }) && entries.contains(where: { $0.key == second }) {
            problem(node, "\(path): give \(first) or \(second), not both")
        }
    }

    private mutating func fileProvider(
        _ node: Node, base: Configuration.FileProvider, path: String
    ) -> Configuration.FileProvider {
        var settings = base
        guard let entries = mapping(node, path) else { return settings }
        for (key, value, line) in entries {
            switch key {
            case "path": if let text = nonEmptyString(value, "\(path).path") { settings.path = resolve(text) }
            default: unknown(key, line, in: path)
            }
        }
        return settings
    }

    public mutating func bool(_ node: Node, _ path: String) -> Bool? {
        switch string(node, path) {
        case "true": return true
        case "false": return false
        case nil: return nil
        default:
            problem(node, "\(path) must be true or false")
            return nil
        }
    }

    private mutating func power(_ node: Node) -> Configuration.Power {
        var power = Configuration.Power()
        guard let entries = mapping(node, "power") else { return power }
        var profilesNode: Node?
        for (key, value, line) in entries {
            switch key {
            case "default":
                power.defaultProfile = profile(value, base: PowerProfile(), path: "power.default", named: false)
            case "profiles": profilesNode = value
            default: unknown(key, line, in: "power")
            }
        }
        // Profiles inherit from the default, so they are read after it whatever the key order.
        if let profilesNode, let items = sequence(profilesNode, "power.profiles") {
            var names = Set<String>()
            for (index, item) in items.enumerated() {
                let path = "power.profiles[\(index)]"
                let profile = profile(item, base: power.defaultProfile, path: path, named: true)
                if !names.insert(profile.name).inserted {
                    problem(item, "\(path).name \"\(profile.name)\" is used by an earlier profile")
                }
                var match: [String: String] = [:]
                if let matchNode = item.mapping?.first(where: { $0.key.string == "match" })?.value {
                    match = labels(matchNode, "\(path).match")
                }
                if match.isEmpty { problem(item, "\(path).match must name at least one label") }
                power.profiles.append(.init(profile: profile, match: match))
            }
        }
        return power
    }

    private mutating func profile(_ node: Node, base: PowerProfile, path: String, named: Bool) -> PowerProfile {
        var profile = base
        guard let entries = mapping(node, path) else { return profile }
        if named { profile.name = "" }
        for (key, value, line) in entries {
            let field = "\(path).\(key)"
            switch key {
            case "name" where named: profile.name = nonEmptyString(value, field) ?? ""
            case "match" where named: break // read by the caller
            case "cpu_watts_per_core": watts(value, field, positive: true) { profile.cpuWattsPerCore = $0 }
            case "cpu_idle_watts_per_core": watts(value, field) { profile.cpuIdleWattsPerCore = $0 }
            case "ram_watts": watts(value, field) { profile.ramWatts = $0 }
            case "other_watts": watts(value, field) { profile.otherWatts = $0 }
            case "pue":
                if let number = number(value, field) {
                    if (1...10).contains(number) {
                        profile.pue = number
                    } else {
                        problem(value, "\(field) must be between 1 and 10; got \(value.string ?? "")")
                    }
                }
            default: unknown(key, line, in: path)
            }
        }
        if named && profile.name.isEmpty { problem(node, "\(path).name is required") }
        if profile.cpuIdleWattsPerCore > profile.cpuWattsPerCore {
            problem(
                node,
                "\(path): cpu_idle_watts_per_core (\(profile.cpuIdleWattsPerCore)) must not exceed cpu_watts_per_core (\(profile.cpuWattsPerCore))"
            )
        }
        return profile
    }

    private mutating func workspaces(_ node: Node) -> Configuration.Workspaces {
        var workspaces = Configuration.Workspaces()
        guard let fields = mapping(node, "workspaces") else { return workspaces }
        for (key, value, line) in fields {
            switch key {
            case "owner_label":
                if let name = labelName(value, "workspaces.owner_label") { workspaces.ownerLabel = name }
            case "user_directory":
                if let path = nonEmptyString(value, "workspaces.user_directory") {
                    guard path.hasSuffix(".csv") || path.hasSuffix(".yml") || path.hasSuffix(".yaml") else {
                        problem(value, "workspaces.user_directory must be a .csv, .yml or .yaml file")
                        continue
                    }
                    workspaces.userDirectory = resolve(path)
                }
            default: unknown(key, line, in: "workspaces")
            }
        }
        return workspaces
    }

    private mutating func auditor(_ node: Node) -> Configuration.Auditor? {
        var auditor = Configuration.Auditor()
        guard let fields = mapping(node, "auditor") else { return nil }
        for (key, value, line) in fields {
            let path = "auditor.\(key)"
            switch key {
            case "url": if let url = httpURL(value, path) { auditor.url = url }
            case "site_id": if let text = nonEmptyString(value, path) { auditor.siteID = text }
            case "group_label": if let name = labelName(value, path) { auditor.groupLabel = name }
            case "score":
                guard let scoreFields = mapping(value, path) else { continue }
                for (scoreKey, scoreValue, scoreLine) in scoreFields {
                    switch scoreKey {
                    case "name": if let text = nonEmptyString(scoreValue, "\(path).name") { auditor.scoreName = text }
                    case "value":
                        if let number = number(scoreValue, "\(path).value") {
                            if number >= 0 {
                                auditor.scoreValue = number
                            } else {
                                problem(scoreValue, "\(path).value must not be negative")
                            }
                        }
                    default: unknown(scoreKey, scoreLine, in: path)
                    }
                }
            case "timeout": positiveDuration(value, path) { auditor.timeout = $0 }
            case "lookback": positiveDuration(value, path) { auditor.lookback = $0 }
            case "push_interval": positiveDuration(value, path) { auditor.pushInterval = $0 }
            case "backoff":
                guard let backoffFields = mapping(value, path) else { continue }
                for (backoffKey, backoffValue, backoffLine) in backoffFields {
                    switch backoffKey {
                    case "initial": positiveDuration(backoffValue, "\(path).initial") { auditor.initialBackoff = $0 }
                    case "max": positiveDuration(backoffValue, "\(path).max") { auditor.maxBackoff = $0 }
                    case "attempts":
                        if let number = number(backoffValue, "\(path).attempts") {
                            if number >= 1, number == number.rounded(), number <= 100 {
                                auditor.attempts = Int(number)
                            } else {
                                problem(backoffValue, "\(path).attempts must be a whole number from 1 to 100")
                            }
                        }
                    default: unknown(backoffKey, backoffLine, in: path)
                    }
                }
            default: unknown(key, line, in: "auditor")
            }
        }
        if auditor.url.isEmpty { problem(node, "auditor.url is required") }
        if auditor.siteID.isEmpty { problem(node, "auditor.site_id is required") }
        return auditor
    }

    private mutating func equivalencies(_ node: Node) -> [Equivalency] {
        guard let items = sequence(node, "equivalencies") else { return [] }
        var entries: [Equivalency] = []
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            let path = "equivalencies[\(index)]"
            guard let fields = mapping(item, path) else { continue }
            var entry = Equivalency(
                name: "", unit: "", basis: .emissions, perUnit: 0, description: "", source: "", vintage: "")
            var factors = 0
            for (key, value, line) in fields {
                let field = "\(path).\(key)"
                switch key {
                case "equivalency": entry.name = labelValueName(value, field) ?? ""
                case "unit": entry.unit = labelValueName(value, field) ?? ""
                case "grams_per_unit", "joules_per_unit":
                    factors += 1
                    entry.basis = key == "grams_per_unit" ? .emissions : .energy
                    if let number = number(value, field) {
                        if number > 0 { entry.perUnit = number } else { problem(value, "\(field) must be positive") }
                    }
                case "description": entry.description = string(value, field) ?? ""
                case "source": entry.source = string(value, field) ?? ""
                case "vintage": entry.vintage = string(value, field) ?? ""
                default: unknown(key, line, in: path)
                }
            }
            if entry.name.isEmpty || entry.unit.isEmpty { problem(item, "\(path) needs equivalency and unit") }
            if factors != 1 { problem(item, "\(path) needs exactly one of grams_per_unit and joules_per_unit") }
            if !seen.insert("\(entry.name)/\(entry.unit)").inserted {
                problem(item, "\(path): \(entry.name) in \(entry.unit) is listed twice")
            }
            entries.append(entry)
        }
        return entries
    }

    /// Equivalency names and units become label values; keep them to a tidy identifier alphabet.
    private mutating func labelValueName(_ node: Node, _ path: String) -> String? {
        guard let text = nonEmptyString(node, path) else { return nil }
        guard text.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            problem(node, "\(path) must use lower-case letters, digits and _; got \"\(text)\"")
            return nil
        }
        return text
    }

    // MARK: - Values

    private mutating func labels(_ node: Node, _ path: String) -> [String: String] {
        guard let entries = mapping(node, path) else { return [:] }
        var labels: [String: String] = [:]
        for (key, value, _) in entries {
            guard Self.isLabelName(key) else {
                problem(value, "\(path): \"\(key)\" is not a valid label name")
                continue
            }
            if let text = string(value, "\(path).\(key)") { labels[key] = text }
        }
        return labels
    }

    /// Names that would clash with labels the exporter or Prometheus sets.
    public static let reservedLabelNames: Set<String> = [
        "host", "state", "instance", "job", "grid_region", "provider", "source",
    ]

    private mutating func attributionLabels(_ node: Node, _ path: String) -> [String] {
        guard let items = sequence(node, path) else { return Configuration.defaultAttributionLabels }
        var names: [String] = []
        for item in items {
            guard let name = labelName(item, path) else { continue }
            if Self.reservedLabelNames.contains(name) {
                problem(item, "\(path): \"\(name)\" is reserved and cannot be an attribution label")
            } else if names.contains(name) {
                problem(item, "\(path): \"\(name)\" is listed twice")
            } else {
                names.append(name)
            }
        }
        return names
    }

    private mutating func labelName(_ node: Node, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        guard Self.isLabelName(text) else {
            problem(node, "\(path): \"\(text)\" is not a valid label name")
            return nil
        }
        return text
    }

    public static func isLabelName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !text.hasPrefix("__") else { return false }
        let isStart = { (c: Unicode.Scalar) in c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
        return isStart(first) && text.unicodeScalars.allSatisfy { isStart($0) || ("0"..."9").contains($0) }
    }

    private mutating func httpURL(_ node: Node, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            problem(node, "\(path) must be an http or https URL with a host; got \"\(text)\"")
            return nil
        }
        return text
    }

    private mutating func intensity(_ node: Node, _ path: String, _ assign: (Double) -> Void) {
        guard let number = number(node, path) else { return }
        guard CarbonIntensity.plausibleRange.contains(number) else {
            problem(node, "\(path) must be between 0 and 2000 g/kWh; got \(node.string ?? "")")
            return
        }
        assign(number)
    }

    private mutating func watts(_ node: Node, _ path: String, positive: Bool = false, _ assign: (Double) -> Void) {
        guard let number = number(node, path) else { return }
        guard positive ? number > 0 : number >= 0, number < 1_000_000 else {
            problem(
                node,
                "\(path) must be \(positive ? "a positive" : "a non-negative") number of watts; got \(node.string ?? "")"
            )
            return
        }
        assign(number)
    }

    private mutating func positiveDuration(_ node: Node, _ path: String, _ assign: (Double) -> Void) {
        duration(node, path, allowZero: false, assign)
    }

    public mutating func duration(_ node: Node, _ path: String, allowZero: Bool, _ assign: (Double) -> Void) {
        guard let text = string(node, path) else { return }
        guard let seconds = PrometheusDuration.parse(text), allowZero || seconds > 0 else {
            problem(
                node, "\(path) must be a \(allowZero ? "" : "positive ")duration such as 30s, 5m or 2h; got \"\(text)\""
            )
            return
        }
        assign(seconds)
    }

    public mutating func number(_ node: Node, _ path: String) -> Double? {
        guard let text = string(node, path) else { return nil }
        guard let number = Double(text), number.isFinite, !text.lowercased().contains("x") else {
            problem(node, "\(path) must be a number; got \"\(text)\"")
            return nil
        }
        return number
    }

    public mutating func nonEmptyString(_ node: Node, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        guard !text.isEmpty else {
            problem(node, "\(path) must not be empty")
            return nil
        }
        return text
    }

    public mutating func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            problem(node, "\(path) must be a single value")
            return nil
        }
        return scalar.string
    }

    public mutating func sequence(_ node: Node, _ path: String) -> [Node]? {
        guard case .sequence(let items) = node else {
            problem(node, "\(path) must be a list")
            return nil
        }
        return Array(items)
    }

    public mutating func mapping(_ node: Node, _ path: String) -> [(key: String, value: Node, line: Int)]? {
        guard case .mapping(let mapping) = node else {
            if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" || scalar.string == "~"
            {
                return [] // `key:` with nothing under it
            }
            problem(node, "\(path) must be a mapping of keys to values")
            return nil
        }
        var seen = Set<String>()
        var entries: [(key: String, value: Node, line: Int)] = []
        for (key, value) in mapping {
            let line = key.mark?.line ?? 0
            guard let name = key.string else {
                problem(line: line, "\(path): keys must be plain strings")
                continue
            }
            if !seen.insert(name).inserted {
                problem(line: line, "\(path): key \"\(name)\" appears twice")
                continue
            }
            entries.append((name, value, line))
        }
        return entries
    }

    public mutating func unknown(_ key: String, _ line: Int, in path: String) {
        problem(line: line, "unknown key \"\(key)\" in \(path)")
    }

    public mutating func problem(_ node: Node, _ message: String) {
        problem(line: node.mark?.line ?? 0, message)
    }

    public mutating func problem(line: Int, _ message: String) {
        problems.append(.init(file: file, line: min(max(line, 1), lastLine), message: message))
    }

    public static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return 1
        }
    }

    public static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return String(describing: error)
        }
    }
}

extension Configuration {
    /// Reads and validates a YAML configuration file.
    public static func load(file: String) throws(ConfigurationError) -> Configuration {
        try ConfigurationLoader.load(path: file)
    }
}
