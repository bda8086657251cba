/// Reads a Prometheus text exposition (0.0.4) or OpenMetrics 1.0 text into metric families.
///
/// One pass over the bytes: names are compared and looked up as bytes, label names are interned, and a label
/// equal to the one at the same position in the previous sample reuses that sample's strings. Only the
/// families asked for are built; in the text format the other families' sample lines are recognised by their
/// name and skipped up to the next line feed without being checked further.
///
/// Result: families in order of first appearance (HELP, TYPE or sample), each with its samples in input
/// order. Families without samples are left out, as the Go parser does. Histogram and summary families
/// collect their `_bucket`, `_sum`, `_count` and `_created` samples.
///
/// OpenMetrics (`format: .openMetrics`): the input is checked against the OpenMetrics 1.0 ABNF and every
/// rule of the specification that one exposition can show (`OpenMetricsRule` lists them); the first one
/// broken is a `ParseError` whose message and `rule` name it. All families are checked, asked for or not.
/// Escapes other than `\\`, `\"` and `\n` are kept as written; exemplars are checked, not kept; timestamps
/// in seconds become milliseconds, rounded to the nearest one (and held at the Int64 limits beyond them).
/// `# UNIT` is checked and otherwise dropped. Counters are returned under their sample name with `_total`
/// (`# TYPE foo counter` gives the family `foo_total` holding `foo_total` and `foo_created`), the way this
/// package models them. Types without an equivalent here: `unknown` is `untyped`; `info` becomes a `gauge`
/// named `<name>_info`; `stateset` becomes a `gauge`; `gaugehistogram` becomes a `gauge` holding its
/// `_bucket`, `_gcount` and `_gsum` samples, because it has no `_count`/`_sum` that a histogram reader
/// would expect. docs/exposition-formats.md tables what each format accepts.
///
/// `families`: the names wanted, as returned (for OpenMetrics counters, with `_total`); nil for all.
public struct TextParser: Sendable {
    public static func parse(
        _ bytes: UnsafeRawBufferPointer,
        families wanted: Set<String>? = nil,
        format: ExpositionFormat = .text
    ) throws(ParseError) -> [MetricFamily] {
        guard let baseAddress = bytes.baseAddress, bytes.count > 0 else {
            if format == .openMetrics {
                let rule = OpenMetricsRule.eofLast
                throw ParseError(
                    line: 1, message: "expected \"# EOF\" at end of input (rule \(rule.rawValue))", rule: rule)
            }
            return []
        }
        var parser = Parser(
            base: baseAddress.assumingMemoryBound(to: UInt8.self),
            count: bytes.count,
            wanted: wanted,
            format: format
        )
        try parser.run()
        return parser.materialize()
    }

    public static func parse(
        _ bytes: [UInt8],
        families wanted: Set<String>? = nil,
        format: ExpositionFormat = .text
    ) throws(ParseError) -> [MetricFamily] {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(ParseError) in try parse(buffer, families: wanted, format: format) }
        }
        return try result.get()
    }

    public static func parse(
        _ text: String,
        families wanted: Set<String>? = nil,
        format: ExpositionFormat = .text
    ) throws(ParseError) -> [MetricFamily] {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(ParseError) in
                try parse(UnsafeRawBufferPointer(buffer), families: wanted, format: format)
            }
        }
        return try result.get()
    }
}
