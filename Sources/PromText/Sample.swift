/// One sample line: the full sample name (for counters including `_total`), labels, value and optional timestamp.
public struct Sample: Sendable, Equatable {
    public var name: String
    public var labels: LabelSet
    public var value: Double
    /// Milliseconds since the Unix epoch; exporters should leave it nil and let the scraper stamp the sample.
    public var timestampMilliseconds: Int64?

    public init(name: String, labels: LabelSet = LabelSet(), value: Double, timestampMilliseconds: Int64? = nil) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestampMilliseconds = timestampMilliseconds
    }

    public static func == (lhs: Sample, rhs: Sample) -> Bool {
        // NaN == NaN here: a parsed NaN must equal the NaN that was written.
        let sameValue = lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN)
        return lhs.name == rhs.name && lhs.labels == rhs.labels && sameValue
            && lhs.timestampMilliseconds == rhs.timestampMilliseconds
    }
}
