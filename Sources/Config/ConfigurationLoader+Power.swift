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
}
