import Foundation
import Model
import Yams

/// The configuration loader's sections for workspaces, AUDITOR and equivalencies.
extension ConfigurationLoader {
    mutating func workspaces(_ node: Node) -> Configuration.Workspaces {
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

    mutating func auditor(_ node: Node) -> Configuration.Auditor? {
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
            case "push_interval": interval(value, path) { auditor.pushInterval = $0 }
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

    mutating func equivalencies(_ node: Node) -> [Equivalency] {
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
    mutating func labelValueName(_ node: Node, _ path: String) -> String? {
        guard let text = nonEmptyString(node, path) else { return nil }
        guard text.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            problem(node, "\(path) must use lower-case letters, digits and _; got \"\(text)\"")
            return nil
        }
        return text
    }
}
