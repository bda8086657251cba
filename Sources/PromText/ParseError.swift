/// A syntax error in an exposition, with the 1-based line it was found on.
public struct ParseError: Error, CustomStringConvertible, Equatable, Sendable {
    public var line: Int
    public var message: String
    /// The OpenMetrics rule the input breaks, for every error found in `format: .openMetrics` (the message
    /// names it too); nil for the Prometheus text format, whose errors read as expfmt's.
    public var rule: OpenMetricsRule?

    public init(line: Int, message: String, rule: OpenMetricsRule? = nil) {
        self.line = line
        self.message = message
        self.rule = rule
    }

    /// Worded like the Go parser's errors, so a scrape failure reads the same as it would in `promtool`.
    public var description: String { "text format parsing error in line \(line): \(message)" }
}
