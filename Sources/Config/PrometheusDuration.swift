import Model

/// Durations written the Prometheus way: `30s`, `5m`, `1h30m`, `500ms`, `2d`, `1w`, `1y`.
public enum PrometheusDuration {
    /// Largest first; a duration names each unit at most once, in this order. `ms` precedes `m` so that the
    /// longer suffix is tried first.
    private static let units: [(suffix: String, milliseconds: Int, rank: Int)] = [
        ("y", 31_536_000_000, 0), ("w", 604_800_000, 1), ("d", 86_400_000, 2), ("h", 3_600_000, 3), ("ms", 1, 6),
        ("m", 60_000, 4), ("s", 1_000, 5),
    ]

    /// The longest duration accepted, in milliseconds: Prometheus' own limit (a signed 64-bit count of
    /// nanoseconds, about 292 years). Beyond it a duration is an error rather than an overflow.
    public static let maximumMilliseconds = Int(Int64.max / 1_000_000)

    /// The longest duration accepted, in seconds.
    public static var maximum: Double { Double(maximumMilliseconds) / 1_000 }

    /// Seconds, or nil when the text is not a duration or is longer than `maximum`.
    ///
    /// Summed in whole milliseconds, so the same duration gives the same seconds however it is spelled
    /// (`1s500ms` and `1500ms`), and `format` gives it back exactly.
    public static func parse(_ text: String) -> Double? {
        var rest = Substring(text)
        var total = 0
        var lastRank = -1
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }), unit.rank > lastRank else {
                return nil
            }
            lastRank = unit.rank
            let (part, overflow) = number.multipliedReportingOverflow(by: unit.milliseconds)
            guard !overflow, part <= maximumMilliseconds - total else { return nil }
            total += part
            rest = rest.dropFirst(unit.suffix.count)
        }
        return Double(total) / 1_000
    }

    /// The Prometheus spelling of a number of seconds, to the millisecond, e.g. `1h30m` or `1s500ms`.
    /// Values outside 0...`maximum` (which `parse` never gives) are written as the nearest bound.
    public static func format(_ seconds: Double) -> String {
        let clamped = seconds.isNaN ? 0 : min(max(seconds, 0), maximum)
        var remaining = Int((clamped * 1_000).rounded())
        if remaining == 0 { return "0s" }
        var text = ""
        for (suffix, size) in [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)]
        where remaining >= size {
            text += "\(remaining / size)\(suffix)"
            remaining %= size
        }
        return text
    }
}
