/// What a `# TYPE` word means for the family: its type, the suffixes its samples may carry, and the suffix
/// added to the declared name to get the name it is returned under.
struct DeclaredType {
    var type: MetricType
    /// The type as OpenMetrics names it, which the strict checks need (several map onto one `MetricType`).
    var kind: OpenMetricsKind = .unknown
    var suffixes: UInt16 = 0
    var nameSuffix: SampleSuffix = .none

    static let untyped = DeclaredType(type: .untyped)

    static func of(_ word: UnsafePointer<UInt8>, _ length: Int, openMetrics: Bool) -> DeclaredType? {
        func equals(_ candidate: StaticString) -> Bool {
            length == candidate.utf8CodeUnitCount && bytesEqual(word, candidate.utf8Start, length)
        }
        let histogram: UInt16 =
            SampleSuffix.bucket.bit | SampleSuffix.sum.bit | SampleSuffix.count.bit | SampleSuffix.created.bit
        let summary: UInt16 = SampleSuffix.sum.bit | SampleSuffix.count.bit | SampleSuffix.created.bit
        if equals("gauge") { return DeclaredType(type: .gauge, kind: .gauge) }
        if equals("histogram") { return DeclaredType(type: .histogram, kind: .histogram, suffixes: histogram) }
        if equals("summary") { return DeclaredType(type: .summary, kind: .summary, suffixes: summary) }
        if !openMetrics {
            if equals("counter") { return DeclaredType(type: .counter, kind: .counter) }
            if equals("untyped") { return DeclaredType(type: .untyped) }
            return nil
        }
        return openMetricsOnly(equals)
    }

    private static func openMetricsOnly(_ equals: (StaticString) -> Bool) -> DeclaredType? {
        if equals("counter") {
            let suffixes = SampleSuffix.total.bit | SampleSuffix.created.bit
            return DeclaredType(type: .counter, kind: .counter, suffixes: suffixes, nameSuffix: .total)
        }
        if equals("unknown") { return DeclaredType(type: .untyped) }
        if equals("info") {
            return DeclaredType(type: .gauge, kind: .info, suffixes: SampleSuffix.info.bit, nameSuffix: .info)
        }
        if equals("stateset") { return DeclaredType(type: .gauge, kind: .stateset) }
        if equals("gaugehistogram") {
            // OpenMetrics 1.0 gives a gauge histogram no `_created`.
            let suffixes = SampleSuffix.bucket.bit | SampleSuffix.gsum.bit | SampleSuffix.gcount.bit
            return DeclaredType(type: .gauge, kind: .gaugeHistogram, suffixes: suffixes)
        }
        return nil
    }
}

/// The metric types of OpenMetrics 1.0, as the strict checks tell them apart.
enum OpenMetricsKind {
    case counter, gauge, histogram, gaugeHistogram, summary, info, stateset, unknown
}
