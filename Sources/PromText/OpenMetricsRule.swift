/// The rules of OpenMetrics 1.0 that the parser enforces in `format: .openMetrics`, one case per rule a
/// `ParseError` can name. The raw value is the stable name used in messages, logs and counters.
public enum OpenMetricsRule: String, Sendable, CaseIterable {
    /// The exposition is UTF-8.
    case utf8 = "utf-8"
    /// Lines end with a line feed alone, never with a carriage return.
    case lineEnding = "line-ending"
    /// No line is empty.
    case noBlankLines = "no-blank-lines"
    /// Tokens are separated by exactly one space, with none at the start or end of a line.
    case singleSpace = "single-space"
    /// A line starting with `#` is a TYPE, UNIT, HELP or EOF line.
    case commentLine = "comment-line"
    /// `# EOF` ends the exposition, followed by at most one line feed.
    case eofLast = "eof-last"
    /// Metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    case metricName = "metric-name"
    /// Labels are `{name="value",...}`: no blanks, no trailing comma.
    case labelSyntax = "label-syntax"
    /// Label names match `[a-zA-Z_][a-zA-Z0-9_]*` and are unique within a sample.
    case labelName = "label-name"
    /// Label values and HELP text are escaped strings: no raw line feed, double quote or lone backslash.
    case escapedString = "escaped-string"
    /// Sample values are numbers: a real number, `[+-]Inf`/`Infinity` or `NaN`.
    case number = "number"
    /// Timestamps are real numbers of seconds.
    case timestamp = "timestamp"
    /// The TYPE word is one of the eight OpenMetrics types.
    case metricType = "metric-type"
    /// A family has at most one TYPE, one UNIT and one HELP line.
    case metadataOnce = "metadata-once"
    /// A family's TYPE, UNIT and HELP lines come before its samples.
    case metadataBeforeSamples = "metadata-before-samples"
    /// The lines of one family are contiguous: a family does not come back after another one.
    case familiesContiguous = "families-contiguous"
    /// No family's name equals a sample name another family owns (`foo_total` beside counter `foo`).
    case nameClash = "name-clash"
    /// Sample names are the family name plus a suffix its type allows.
    case sampleName = "sample-name"
    /// A unit is a suffix of the family name, and info and stateset families have none.
    case unit = "unit"
    /// Counter-like values (`_total`, `_count`, `_sum`, `_bucket`, `_gcount`, `_gsum`) are not NaN, and
    /// not negative except a gauge histogram's `_gsum`.
    case counterValue = "counter-value"
    /// An info sample's value is 1.
    case infoValue = "info-value"
    /// A stateset sample has a label named like the family, and its value is 0 or 1.
    case stateset = "stateset"
    /// A bucket has an `le` label holding a number other than NaN, with `+Inf` spelled so.
    case bucketLabel = "histogram-le"
    /// The buckets of one point have ascending `le`, cumulative values and end with the `+Inf` bucket.
    case buckets = "histogram-buckets"
    /// A histogram point has `_count` (equal to the `+Inf` bucket) if and only if it has `_sum`; likewise
    /// `_gcount` and `_gsum`; no `_sum` beside negative buckets.
    case histogramCount = "histogram-count-sum"
    /// A summary quantile has a `quantile` label between 0 and 1 and a value that is not negative.
    case quantile = "summary-quantile"
    /// A summary point has `_count` if and only if it has `_sum`.
    case summaryCount = "summary-count-sum"
    /// The samples of one metric (label set) are contiguous within their family.
    case metricGrouping = "metric-grouping"
    /// Within one metric, either every sample has a timestamp or none has, and they do not go backwards.
    case timestampOrder = "timestamp-order"
    /// An exemplar is ` # {labels} value [timestamp]`.
    case exemplarSyntax = "exemplar-syntax"
    /// Exemplars appear only on counter `_total` and histogram or gauge histogram `_bucket` samples.
    case exemplarPlacement = "exemplar-placement"
    /// An exemplar's label names and values hold at most 128 characters together.
    case exemplarLength = "exemplar-length"
}
