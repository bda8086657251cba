import Yams

/// The configuration loader's sections for sites and the usage history.
extension ConfigurationLoader {
    mutating func sites(_ node: Node) -> [Configuration.Site] {
        guard let items = sequence(node, "sites") else { return [] }
        var sites: [Configuration.Site] = []
        for (index, item) in items.enumerated() {
            let path = "sites[\(index)]"
            guard let fields = mapping(item, path) else { continue }
            var name: String?
            var match: [String: [String]] = [:]
            for (key, value, line) in fields {
                switch key {
                case "name":
                    guard let text = nonEmptyString(value, "\(path).name") else { continue }
                    guard Self.isSiteName(text) else {
                        problem(
                            value,
                            "\(path).name must be letters, digits, '.', '_' or '-' (it is a path segment); got \"\(text)\""
                        )
                        continue
                    }
                    if sites.contains(where: { $0.name == text }) {
                        problem(value, "\(path).name: \"\(text)\" is used by another site")
                        continue
                    }
                    name = text
                case "match": match = siteMatch(value, "\(path).match")
                default: unknown(key, line, in: path)
                }
            }
            if name == nil, !fields.contains(where: { $0.key == "name" }) { problem(item, "\(path).name is required") }
            if match.isEmpty { problem(item, "\(path).match must name at least one label") }
            if let name {
                sites.append(Configuration.Site(name: name, match: match))
                siteLines.append(item.mark?.line ?? 0)
            }
        }
        return sites
    }

    /// `label: value` or `label: [value, ...]` per entry.
    private mutating func siteMatch(_ node: Node, _ path: String) -> [String: [String]] {
        guard let entries = mapping(node, path) else { return [:] }
        var match: [String: [String]] = [:]
        for (key, value, _) in entries {
            guard Self.isLabelName(key) else {
                problem(value, "\(path): \"\(key)\" is not a valid label name")
                continue
            }
            if case .sequence = value {
                let values = (sequence(value, "\(path).\(key)") ?? []).compactMap { string($0, "\(path).\(key)[]") }
                if values.isEmpty { problem(value, "\(path).\(key) must list at least one value") }
                match[key] = values
            } else if let text = string(value, "\(path).\(key)") {
                match[key] = [text]
            }
        }
        return match
    }

    mutating func usageHistory(_ node: Node) -> Configuration.UsageHistory {
        var history = Configuration.UsageHistory()
        guard let fields = mapping(node, "usage_history") else { return history }
        for (key, value, line) in fields {
            switch key {
            case "retention":
                var parsed: Double?
                positiveDuration(value, "usage_history.retention") { parsed = $0 }
                guard let parsed else { continue }
                if parsed >= 3_600 {
                    history.retention = parsed
                } else {
                    problem(value, "usage_history.retention must be at least 1h")
                }
            case "machine_label":
                if let name = labelName(value, "usage_history.machine_label") { history.machineLabel = name }
            default: unknown(key, line, in: "usage_history")
            }
        }
        return history
    }

    /// Sites match on attribution labels only: other target labels are not kept with a host's counters.
    mutating func checkSiteLabels(_ configuration: Configuration) {
        let known = Set(configuration.attributionLabels)
        for (index, site) in configuration.sites.enumerated() {
            for label in site.match.keys.sorted() where !known.contains(label) {
                problem(
                    line: index < siteLines.count ? siteLines[index] : 0,
                    "sites: site \"\(site.name)\" matches on \"\(label)\", which is not an attribution label "
                        + "(\(configuration.attributionLabels.joined(separator: ", ")))")
            }
        }
    }

    /// A site name fits in a URL path segment as it is.
    static func isSiteName(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "." || scalar == "_" || scalar == "-"
        } && text != "." && text != ".."
    }
}
