import Model
import PromText

extension Configuration {
    /// The effective configuration as YAML, every default filled in and secrets redacted.
    public var yamlDescription: String {
        var lines: [String] = []
        func quote(_ text: String) -> String { Self.yamlQuoted(text) }
        func number(_ value: Double) -> String { SampleValueText.string(value) }
        func labels(_ labels: [String: String]) -> String {
            "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key): \(quote($0.value))" }.joined(separator: ", ")
                + "}"
        }
        func profileFields(_ profile: PowerProfile, indent: String) {
            lines.append("\(indent)cpu_watts_per_core: \(number(profile.cpuWattsPerCore))")
            lines.append("\(indent)cpu_idle_watts_per_core: \(number(profile.cpuIdleWattsPerCore))")
            lines.append("\(indent)ram_watts: \(number(profile.ramWatts))")
            lines.append("\(indent)other_watts: \(number(profile.otherWatts))")
            lines.append("\(indent)pue: \(number(profile.pue))")
        }

        lines.append("collect_interval: \(PrometheusDuration.format(collectInterval))")
        lines.append("host_grace_period: \(PrometheusDuration.format(hostGracePeriod))")
        lines.append("source:")
        lines.append("  kind: \(source.kind.rawValue)")
        lines.append("  local:")
        lines.append("    labels: \(labels(source.local.labels))")
        if let host = source.local.host { lines.append("    host: \(quote(host))") }
        lines.append("    proc_path: \(quote(source.local.procPath))")
        let prometheus = source.prometheus
        lines.append("  prometheus:")
        lines.append("    url: \(quote(URLRedaction.redactingPassword(prometheus.url)))")
        lines.append("    selector: \(quote(prometheus.selector))")
        lines.append("    host_label: \(prometheus.hostLabel)")
        lines.append("    attribution_labels: [\(prometheus.attributionLabels.joined(separator: ", "))]")
        lines.append("    timeout: \(PrometheusDuration.format(prometheus.timeout))")
        if let auth = prometheus.basicAuth {
            lines.append("    basic_auth:")
            lines.append("      username: \(quote(auth.username))")
            if auth.password != nil { lines.append("      password: <secret>") }
            if let file = auth.passwordFile { lines.append("      password_file: \(quote(file))") }
            if let name = auth.passwordEnv { lines.append("      password_env: \(name)") }
        }
        if let file = prometheus.bearerTokenFile { lines.append("    bearer_token_file: \(quote(file))") }
        if let name = prometheus.bearerTokenEnv { lines.append("    bearer_token_env: \(name)") }
        if let label = prometheus.shardLabel { lines.append("    shard_label: \(label)") }
        let scrape = source.scrape
        lines.append("  scrape:")
        lines.append("    file_sd: [\(scrape.fileSD.map(quote).joined(separator: ", "))]")
        lines.append(scrape.staticTargets.isEmpty ? "    static: []" : "    static:")
        for group in scrape.staticTargets {
            lines.append(
                "      - {targets: [\(group.targets.map(quote).joined(separator: ", "))], labels: \(labels(group.labels))}"
            )
        }
        lines.append("    scheme: \(scrape.scheme)")
        lines.append("    metrics_path: \(quote(scrape.metricsPath))")
        lines.append("    timeout: \(PrometheusDuration.format(scrape.timeout))")
        lines.append("    attribution_labels: [\(scrape.attributionLabels.joined(separator: ", "))]")
        lines.append("    max_concurrency: \(scrape.maxConcurrency)")
        lines.append("    body_size_limit: \(scrape.bodySizeLimit)")
        if let tls = scrape.tls {
            var fields: [String] = []
            if let file = tls.caFile { fields.append("ca_file: \(quote(file))") }
            if let file = tls.certFile { fields.append("cert_file: \(quote(file))") }
            if let file = tls.keyFile { fields.append("key_file: \(quote(file))") }
            fields.append("insecure_skip_verify: \(tls.insecureSkipVerify)")
            lines.append("    tls: {\(fields.joined(separator: ", "))}")
        }
        if let auth = scrape.basicAuth {
            lines.append("    basic_auth:")
            lines.append("      username: \(quote(auth.username))")
            if auth.password != nil { lines.append("      password: <secret>") }
            if let file = auth.passwordFile { lines.append("      password_file: \(quote(file))") }
            if let name = auth.passwordEnv { lines.append("      password_env: \(name)") }
        }
        let carbon = carbonIntensity
        func providerLines(
            uk: UKProvider, electricityMaps: ElectricityMapsProvider, wattTime: WattTimeProvider, file: FileProvider,
            indent: String
        ) {
            var ukLine = "\(indent)uk: {url: \(quote(URLRedaction.redactingPassword(uk.url)))"
            if let id = uk.regionID { ukLine += ", region_id: \(id)" }
            if let postcode = uk.postcode { ukLine += ", postcode: \(postcode)" }
            if uk.regionID == nil && uk.postcode == nil { ukLine += ", national: true" }
            lines.append(ukLine + "}")
            var maps =
                "\(indent)electricitymaps: {url: \(quote(URLRedaction.redactingPassword(electricityMaps.url))), endpoint: \(electricityMaps.endpoint.rawValue)"
            if let zone = electricityMaps.zone { maps += ", zone: \(quote(zone))" }
            if let file = electricityMaps.tokenFile { maps += ", token_file: \(quote(file))" }
            if let name = electricityMaps.tokenEnv { maps += ", token_env: \(name)" }
            lines.append(maps + "}")
            var watt =
                "\(indent)watttime: {url: \(quote(URLRedaction.redactingPassword(wattTime.url))), endpoint: \(wattTime.endpoint.rawValue)"
            if let region = wattTime.region { watt += ", region: \(quote(region))" }
            if let username = wattTime.username { watt += ", username: \(quote(username))" }
            if let file = wattTime.passwordFile { watt += ", password_file: \(quote(file))" }
            if let name = wattTime.passwordEnv { watt += ", password_env: \(name)" }
            lines.append(watt + "}")
            lines.append("\(indent)file: {\(file.path.map { "path: \(quote($0))" } ?? "")}")
        }
        lines.append("carbon_intensity:")
        if let chain = carbon.providers {
            lines.append("  providers: [\(chain.map(\.rawValue).joined(separator: ", "))]")
        } else {
            lines.append("  provider: \(carbon.provider.rawValue)")
        }
        providerLines(
            uk: carbon.uk, electricityMaps: carbon.electricityMaps, wattTime: carbon.wattTime, file: carbon.file,
            indent: "  ")
        lines.append("  static_grams_per_kwh: \(number(carbon.staticGramsPerKilowattHour))")
        lines.append("  refresh: \(PrometheusDuration.format(carbon.refresh))")
        lines.append("  max_age: \(PrometheusDuration.format(carbon.maxAge))")
        lines.append("  fallback_grams_per_kwh: \(number(carbon.fallbackGramsPerKilowattHour))")
        lines.append("  timeout: \(PrometheusDuration.format(carbon.timeout))")
        if let region = carbon.gridRegion {
            lines.append("  grid_region: \(quote(region))")
        } else {
            lines.append("  # grid_region (derived): \(gridRegion)")
        }
        lines.append("  forecast: \(carbon.forecast)")
        lines.append("  forecast_refresh: \(PrometheusDuration.format(carbon.forecastRefresh))")
        lines.append(carbon.regions.isEmpty ? "  regions: []" : "  regions:")
        for region in carbon.regions {
            lines.append("    - name: \(quote(region.name))")
            if !region.match.isEmpty { lines.append("      match: \(labels(region.match))") }
            if let pattern = region.hostPattern {
                lines.append("      host_pattern: '\(pattern.replacingOccurrences(of: "'", with: "''"))'")
            }
            lines.append("      providers: [\(region.providers.map(\.rawValue).joined(separator: ", "))]")
            providerLines(
                uk: region.uk, electricityMaps: region.electricityMaps, wattTime: region.wattTime, file: region.file,
                indent: "      ")
            lines.append("      static_grams_per_kwh: \(number(region.staticGramsPerKilowattHour))")
            lines.append("      fallback_grams_per_kwh: \(number(region.fallbackGramsPerKilowattHour))")
        }
        lines.append("power:")
        lines.append("  default:")
        profileFields(power.defaultProfile, indent: "    ")
        lines.append(power.profiles.isEmpty ? "  profiles: []" : "  profiles:")
        for rule in power.profiles {
            lines.append("    - name: \(quote(rule.profile.name))")
            lines.append("      match: \(labels(rule.match))")
            profileFields(rule.profile, indent: "      ")
        }
        let measured = power.measured
        lines.append("  measured:")
        lines.append("    enabled: \(measured.enabled)")
        lines.append("    node_metric: \(measured.nodeMetric)")
        lines.append("    selector: \(quote(measured.selector))")
        let regex = measured.joinRegex.map { ", regex: \(quote($0))" } ?? ""
        lines.append(
            "    join: {label: \(measured.joinLabel)\(regex), replacement: \(quote(measured.joinReplacement))}")
        lines.append("    powercap: \(quote(measured.powercapPath))")
        lines.append(
            measured.targets.isEmpty
                ? "    targets: []"
                : "    targets: ["
                    + measured.targets.map { "{port: \($0.port), path: \(quote($0.path)), scheme: \($0.scheme)}" }
                    .joined(separator: ", ") + "]")
        lines.append(
            "  calibration: {window: \(PrometheusDuration.format(power.calibration.window)), "
                + "min_hosts: \(power.calibration.minHosts), apply: \(power.calibration.apply)}")
        lines.append(equivalencies.isEmpty ? "equivalencies: []" : "equivalencies:")
        for entry in equivalencies {
            let factor = entry.basis == .emissions ? "grams_per_unit" : "joules_per_unit"
            lines.append(
                "  - {equivalency: \(entry.name), unit: \(entry.unit), \(factor): \(number(entry.perUnit)), "
                    + "description: \(quote(entry.description)), source: \(quote(entry.source)), vintage: \(quote(entry.vintage))}"
            )
        }
        lines.append("workspaces:")
        lines.append("  owner_label: \(workspaces.ownerLabel)")
        if let directory = workspaces.userDirectory { lines.append("  user_directory: \(quote(directory))") }
        if let shard {
            lines.append("shard: {count: \(shard.count), index: \(shard.index)}")
        }
        if let history {
            lines.append("history:")
            lines.append("  url: \(quote(URLRedaction.redactingPassword(history.url)))")
            lines.append("  timeout: \(PrometheusDuration.format(history.timeout))")
            if let auth = history.basicAuth {
                lines.append("  basic_auth:")
                lines.append("    username: \(quote(auth.username))")
                if auth.password != nil { lines.append("    password: <secret>") }
                if let file = auth.passwordFile { lines.append("    password_file: \(quote(file))") }
                if let name = auth.passwordEnv { lines.append("    password_env: \(name)") }
            }
            if let file = history.bearerTokenFile { lines.append("  bearer_token_file: \(quote(file))") }
            if let name = history.bearerTokenEnv { lines.append("  bearer_token_env: \(name)") }
            if !history.headers.isEmpty { lines.append("  headers: \(labels(history.headers))") }
        }
        if let auditor {
            lines.append("auditor:")
            lines.append("  url: \(quote(URLRedaction.redactingPassword(auditor.url)))")
            lines.append("  site_id: \(quote(auditor.siteID))")
            lines.append("  group_label: \(auditor.groupLabel)")
            if let value = auditor.scoreValue {
                lines.append("  score: {name: \(quote(auditor.scoreName)), value: \(number(value))}")
            }
            lines.append("  timeout: \(PrometheusDuration.format(auditor.timeout))")
            lines.append("  lookback: \(PrometheusDuration.format(auditor.lookback))")
            lines.append("  push_interval: \(PrometheusDuration.format(auditor.pushInterval))")
            lines.append(
                "  backoff: {initial: \(PrometheusDuration.format(auditor.initialBackoff)), max: \(PrometheusDuration.format(auditor.maxBackoff)), attempts: \(auditor.attempts)}"
            )
        }
        lines.append(sites.isEmpty ? "sites: []" : "sites:")
        for site in sites {
            let match = site.match.sorted { $0.key < $1.key }.map { label, values in
                "\(label): [" + values.map(quote).joined(separator: ", ") + "]"
            }
            lines.append("  - {name: \(quote(site.name)), match: {\(match.joined(separator: ", "))}}")
        }
        lines.append(
            "usage_history: {retention: \(PrometheusDuration.format(usageHistory.retention)), "
                + "machine_label: \(usageHistory.machineLabel)}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar that reads back as exactly `text`. Line breaks (including NEL, LS and PS)
    /// would be folded into spaces and control characters are refused by YAML readers, so both are escaped.
    public static func yamlQuoted(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case " "..."~", "\u{A0}"..."\u{2027}", "\u{202A}"..."\u{D7FF}", "\u{E000}"..."\u{FEFE}",
                "\u{FF00}"..."\u{FFFD}",
                "\u{10000}"...:
                quoted.unicodeScalars.append(scalar)
            default:
                // Everything left is below U+10000.
                let hex = String(scalar.value, radix: 16, uppercase: true)
                quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return quoted + "\""
    }
}
