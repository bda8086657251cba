import Foundation
import Model
import Yams

/// The configuration loader's sections for power profiles.
extension ConfigurationLoader {
    mutating func power(_ node: Node) -> Configuration.Power {
        var power = Configuration.Power()
        guard let entries = mapping(node, "power") else { return power }
        var profilesNode: Node?
        for (key, value, line) in entries {
            switch key {
            case "default":
                power.defaultProfile = profile(value, base: PowerProfile(), path: "power.default", named: false)
            case "profiles": profilesNode = value
            case "measured": power.measured = measured(value)
            case "calibration": power.calibration = calibration(value)
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

    mutating func profile(_ node: Node, base: PowerProfile, path: String, named: Bool) -> PowerProfile {
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

    mutating func measured(_ node: Node) -> Configuration.Power.MeasuredPower {
        let path = "power.measured"
        var measured = Configuration.Power.MeasuredPower()
        guard let entries = mapping(node, path) else { return measured }
        for (key, value, line) in entries {
            switch key {
            case "enabled": if let flag = bool(value, "\(path).enabled") { measured.enabled = flag }
            case "node_metric":
                if let name = nonEmptyString(value, "\(path).node_metric") {
                    if Self.isMetricName(name) {
                        measured.nodeMetric = name
                    } else {
                        problem(value, "\(path).node_metric \"\(name)\" is not a metric name")
                    }
                }
            case "selector":
                if let selector = string(value, "\(path).selector") {
                    let trimmed = selector.trimmingCharacters(in: .whitespaces)
                    if trimmed.isEmpty || (trimmed.hasPrefix("{") && trimmed.hasSuffix("}")) {
                        measured.selector = trimmed
                    } else {
                        problem(value, "\(path).selector must be label matchers in braces, e.g. {job=\"ipmi\"}")
                    }
                }
            case "join": join(value, "\(path).join", into: &measured)
            case "powercap": if let root = nonEmptyString(value, "\(path).powercap") { measured.powercapPath = root }
            case "targets": measured.targets = extraTargets(value, "\(path).targets")
            default: unknown(key, line, in: path)
            }
        }
        return measured
    }

    private mutating func join(_ node: Node, _ path: String, into measured: inout Configuration.Power.MeasuredPower) {
        guard let entries = mapping(node, path) else { return }
        for (key, value, line) in entries {
            switch key {
            case "label": if let label = labelName(value, "\(path).label") { measured.joinLabel = label }
            case "regex":
                guard let pattern = nonEmptyString(value, "\(path).regex") else { continue }
                if (try? NSRegularExpression(pattern: "^(?:\(pattern))$")) == nil {
                    problem(value, "\(path).regex is not a valid regular expression")
                } else {
                    measured.joinRegex = pattern
                }
            case "replacement":
                if let replacement = string(value, "\(path).replacement") { measured.joinReplacement = replacement }
            default: unknown(key, line, in: path)
            }
        }
    }

    mutating func calibration(_ node: Node) -> Configuration.Power.Calibration {
        let path = "power.calibration"
        var calibration = Configuration.Power.Calibration()
        guard let entries = mapping(node, path) else { return calibration }
        for (key, value, line) in entries {
            switch key {
            case "window":
                var window: Double?
                duration(value, "\(path).window", allowZero: false) { window = $0 }
                if let window, window < 600 {
                    problem(value, "\(path).window must be at least 10m: a fit needs several intervals")
                } else if let window {
                    calibration.window = window
                }
            case "min_hosts":
                if let number = number(value, "\(path).min_hosts") {
                    if number >= 1, number <= 100_000, number == number.rounded() {
                        calibration.minHosts = Int(number)
                    } else {
                        problem(value, "\(path).min_hosts must be a whole number of at least 1")
                    }
                }
            case "apply": if let flag = bool(value, "\(path).apply") { calibration.apply = flag }
            default: unknown(key, line, in: path)
            }
        }
        return calibration
    }

    static func isMetricName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || first == ":" || first.properties.isAlphabetic,
            first.isASCII
        else { return false }
        return text.unicodeScalars.allSatisfy {
            $0.isASCII
                && ($0 == "_" || $0 == ":" || $0.properties.isAlphabetic
                    || ("0"..."9").contains($0))
        }
    }

    private mutating func extraTargets(_ node: Node, _ path: String) -> [Configuration.Power.ExtraTarget] {
        guard let items = sequence(node, path) else { return [] }
        var targets: [Configuration.Power.ExtraTarget] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let entries = mapping(item, itemPath) else { continue }
            var port: Int?
            var target = Configuration.Power.ExtraTarget(port: 0)
            for (key, value, line) in entries {
                switch key {
                case "port":
                    if let number = number(value, "\(itemPath).port") {
                        if number >= 1, number <= 65_535, number == number.rounded() {
                            port = Int(number)
                        } else {
                            problem(value, "\(itemPath).port must be a port number from 1 to 65535")
                        }
                    }
                case "path":
                    if let text = nonEmptyString(value, "\(itemPath).path") {
                        if text.hasPrefix("/") {
                            target.path = text
                        } else {
                            problem(value, "\(itemPath).path must start with /")
                        }
                    }
                case "scheme":
                    if let text = nonEmptyString(value, "\(itemPath).scheme") {
                        if text == "http" || text == "https" {
                            target.scheme = text
                        } else {
                            problem(value, "\(itemPath).scheme must be http or https")
                        }
                    }
                default: unknown(key, line, in: itemPath)
                }
            }
            guard let port else {
                problem(item, "\(itemPath) needs a port")
                continue
            }
            target.port = port
            targets.append(target)
        }
        return targets
    }
}
