/// The type of a metric family, as written on a `# TYPE` line.
public enum MetricType: String, Sendable, CaseIterable {
    case counter
    case gauge
    case histogram
    case summary
    case untyped

    /// The type word OpenMetrics uses (`untyped` is called `unknown` there).
    var openMetricsWord: String { self == .untyped ? "unknown" : rawValue }
}
