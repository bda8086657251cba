/// Durations written the Prometheus way: `30s`, `5m`, `1h30m`, `500ms`, `2d`, `1w`, `1y`.
enum PrometheusDuration {
    /// Largest first; a duration names each unit at most once, in this order. `ms` precedes `m` so that the
    /// longer suffix is tried first.
    private static let units: [(suffix: String, seconds: Double, rank: Int)] = [
        ("y", 31_536_000, 0), ("w", 604_800, 1), ("d", 86_400, 2), ("h", 3_600, 3), ("ms", 0.001, 6),
        ("m", 60, 4), ("s", 1, 5),
    ]

    /// Seconds, or nil when the text is not a duration.
    static func parse(_ text: String) -> Double? {
        var rest = Substring(text)
        var total = 0.0
        var lastRank = -1
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }), unit.rank > lastRank else {
                return nil
            }
            lastRank = unit.rank
            total += number * unit.seconds
            rest = rest.dropFirst(unit.suffix.count)
        }
        return total
    }

    /// The Prometheus spelling of a number of seconds, e.g. `1h30m`.
    static func format(_ seconds: Double) -> String {
        if seconds == 0 { return "0s" }
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        var remaining = Int(seconds.rounded())
        var text = ""
        for (suffix, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] where remaining >= size {
            text += "\(remaining / size)\(suffix)"
            remaining %= size
        }
        return text
    }
}
