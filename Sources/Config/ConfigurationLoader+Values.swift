import Foundation
import Model
import Yams

/// The configuration loader's typed values, each with its checks, and how problems are recorded.
extension ConfigurationLoader {
    mutating func labels(_ node: Node, _ path: String) -> [String: String] {
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

    mutating func attributionLabels(_ node: Node, _ path: String) -> [String] {
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

    mutating func labelName(_ node: Node, _ path: String) -> String? {
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

    mutating func httpURL(_ node: Node, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            problem(node, "\(path) must be an http or https URL with a host; got \"\(text)\"")
            return nil
        }
        return text
    }

    mutating func intensity(_ node: Node, _ path: String, _ assign: (Double) -> Void) {
        guard let number = number(node, path) else { return }
        guard CarbonIntensity.plausibleRange.contains(number) else {
            problem(node, "\(path) must be between 0 and 2000 g/kWh; got \(node.string ?? "")")
            return
        }
        assign(number)
    }

    mutating func watts(_ node: Node, _ path: String, positive: Bool = false, _ assign: (Double) -> Void) {
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

    mutating func positiveDuration(_ node: Node, _ path: String, _ assign: (Double) -> Void) {
        duration(node, path, allowZero: false, assign)
    }

    /// The shortest interval for loops that write (the state store, the AUDITOR outbox) or ask providers: a
    /// millisecond interval writes hundreds of megabytes a minute.
    public static let minimumInterval = 1.0

    /// A duration of at least `minimumInterval`, for the intervals that drive work.
    mutating func interval(_ node: Node, _ path: String, _ assign: (Double) -> Void) {
        var parsed: Double?
        positiveDuration(node, path) { parsed = $0 }
        guard let parsed else { return }
        guard parsed >= Self.minimumInterval else {
            problem(node, "\(path) must be at least 1s; got \"\(node.string ?? "")\"")
            return
        }
        assign(parsed)
    }

    mutating func duration(_ node: Node, _ path: String, allowZero: Bool, _ assign: (Double) -> Void) {
        guard let text = string(node, path) else { return }
        guard let seconds = PrometheusDuration.parse(text), allowZero || seconds > 0 else {
            problem(
                node, "\(path) must be a \(allowZero ? "" : "positive ")duration such as 30s, 5m or 2h; got \"\(text)\""
            )
            return
        }
        assign(seconds)
    }

    mutating func number(_ node: Node, _ path: String) -> Double? {
        guard let text = string(node, path) else { return nil }
        guard let number = Double(text), number.isFinite, !text.lowercased().contains("x") else {
            problem(node, "\(path) must be a number; got \"\(text)\"")
            return nil
        }
        return number
    }

    mutating func nonEmptyString(_ node: Node, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        guard !text.isEmpty else {
            problem(node, "\(path) must not be empty")
            return nil
        }
        return text
    }

    mutating func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            problem(node, "\(path) must be a single value")
            return nil
        }
        return scalar.string
    }

    mutating func sequence(_ node: Node, _ path: String) -> [Node]? {
        guard case .sequence(let items) = node else {
            problem(node, "\(path) must be a list")
            return nil
        }
        return Array(items)
    }

    mutating func mapping(_ node: Node, _ path: String) -> [(key: String, value: Node, line: Int)]? {
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

    mutating func unknown(_ key: String, _ line: Int, in path: String) {
        problem(line: line, "unknown key \"\(key)\" in \(path)")
    }

    mutating func problem(_ node: Node, _ message: String) {
        problem(line: node.mark?.line ?? 0, message)
    }

    mutating func problem(line: Int, _ message: String) {
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
