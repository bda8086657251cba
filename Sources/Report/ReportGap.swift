/// A stretch of a report's span whose data is absent or estimated, with why.
public struct ReportGap: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// Reading from Prometheus failed: the stretch has no values (never zero).
        case failed
        /// Prometheus answered but listed no host: nothing was measured.
        case missing
        /// The carbon provider had no value; the configured fallback intensity was used.
        case intensityFallback = "intensity_fallback"
    }

    public var start: Double
    public var end: Double
    public var kind: Kind
    public var cause: String

    public init(start: Double, end: Double, kind: Kind, cause: String) {
        self.start = start
        self.end = end
        self.kind = kind
        self.cause = cause
    }

    /// Whether the stretch lacks node data (as opposed to using a fallback intensity).
    public var lacksData: Bool { kind != .intensityFallback }
}
