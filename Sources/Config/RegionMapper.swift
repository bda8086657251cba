import Foundation

/// Assigns each host to its grid region: the first configured region whose `match` labels and `host_pattern`
/// both hold, else the default region.
public struct RegionMapper: Sendable {
    private struct Rule: Sendable {
        var name: String
        var match: [String: String]
        var pattern: Pattern?
    }

    /// A compiled pattern. @unchecked: NSRegularExpression is immutable and documented as thread-safe.
    private struct Pattern: @unchecked Sendable {
        let expression: NSRegularExpression
    }

    private let rules: [Rule]
    public let defaultRegion: String

    public init(configuration: Configuration) {
        rules = configuration.carbonIntensity.regions.map { region in
            Rule(
                name: region.name, match: region.match,
                pattern: region.hostPattern.flatMap(Self.compile).map(Pattern.init))
        }
        defaultRegion = configuration.gridRegion
    }

    /// Compiles a host pattern anchored at both ends, as Prometheus anchors relabelling expressions.
    public static func compile(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: "^(?:\(pattern))$")
    }

    public func region(host: String, labels: [String: String]) -> String {
        for rule in rules {
            guard rule.match.allSatisfy({ labels[$0.key] == $0.value }) else { continue }
            if let pattern = rule.pattern {
                let range = NSRange(host.startIndex..., in: host)
                guard pattern.expression.firstMatch(in: host, range: range) != nil else { continue }
            }
            return rule.name
        }
        return defaultRegion
    }
}
