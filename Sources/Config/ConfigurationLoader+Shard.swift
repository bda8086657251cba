import Model
import Yams

/// The configuration loader's section for sharding: `shard: {count, index}`.
extension ConfigurationLoader {
    mutating func shard(_ node: Node) -> Shard? {
        guard let fields = mapping(node, "shard") else { return nil }
        var count: Int?
        var index: Int?
        let problemsBefore = problems.count
        for (key, value, line) in fields {
            switch key {
            case "count": count = wholeNumber(value, "shard.count")
            case "index": index = wholeNumber(value, "shard.index")
            default: unknown(key, line, in: "shard")
            }
        }
        guard let count, let index else {
            // A value already reported is not reported again as missing.
            if fields.isEmpty || problems.count > problemsBefore { return nil }
            problem(node, "shard needs both count and index")
            return nil
        }
        do {
            return try Shard(count: count, index: index)
        } catch {
            problem(node, error.description)
            return nil
        }
    }

    /// A whole number that fits a replica count or index (a million replicas is far beyond any fleet).
    private mutating func wholeNumber(_ node: Node, _ path: String) -> Int? {
        guard let number = number(node, path) else { return nil }
        guard number == number.rounded(), number >= -1_000_000, number <= 1_000_000 else {
            problem(node, "\(path) must be a whole number; got \(node.string ?? "")")
            return nil
        }
        return Int(number)
    }
}
