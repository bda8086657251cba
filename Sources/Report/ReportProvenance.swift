import Model

/// Everything a report was computed from, so its numbers can be traced and reproduced.
public struct ReportProvenance: Sendable, Equatable {
    /// SHA-256 of the configuration file's bytes.
    public var configSHA256: String
    public var toolVersion: String
    public var from: Double
    public var to: Double
    /// Report bucket length, seconds.
    public var step: Double
    /// Spacing of the evaluation steps read from Prometheus, seconds.
    public var resolution: Double
    public var groupBy: [String]
    /// The PromQL evaluated as range queries.
    public var queries: [String]
    /// Range requests sent (one per query per chunk).
    public var chunks: Int
    /// `uk` or `static`, the region label, and how the intensity history was obtained.
    public var intensityProvider: String
    public var intensityRegion: String
    public var intensityDetail: String
    public var fallbackIntensity: Double
    public var attributionLabels: [String]
    public var hostGracePeriod: Double
    public var defaultProfile: PowerProfile
    /// Profiles with their match rules, in matching order.
    public var profiles: [(profile: PowerProfile, match: [String: String])]
    public var equivalencyTableVersion: String
    /// Entries of the configuration that replace or add to the built-in equivalency table.
    public var equivalencyOverrides: Int
    /// The query endpoint the history was read from (Prometheus or a long-term store), any password redacted.
    public var sourceURL = ""

    public init(
        configSHA256: String, toolVersion: String, from: Double, to: Double, step: Double, resolution: Double,
        groupBy: [String], queries: [String], chunks: Int, intensityProvider: String, intensityRegion: String,
        intensityDetail: String, fallbackIntensity: Double, attributionLabels: [String], hostGracePeriod: Double,
        defaultProfile: PowerProfile, profiles: [(profile: PowerProfile, match: [String: String])],
        equivalencyTableVersion: String, equivalencyOverrides: Int
    ) {
        self.configSHA256 = configSHA256
        self.toolVersion = toolVersion
        self.from = from
        self.to = to
        self.step = step
        self.resolution = resolution
        self.groupBy = groupBy
        self.queries = queries
        self.chunks = chunks
        self.intensityProvider = intensityProvider
        self.intensityRegion = intensityRegion
        self.intensityDetail = intensityDetail
        self.fallbackIntensity = fallbackIntensity
        self.attributionLabels = attributionLabels
        self.hostGracePeriod = hostGracePeriod
        self.defaultProfile = defaultProfile
        self.profiles = profiles
        self.equivalencyTableVersion = equivalencyTableVersion
        self.equivalencyOverrides = equivalencyOverrides
    }

    public static func == (lhs: ReportProvenance, rhs: ReportProvenance) -> Bool {
        lhs.configSHA256 == rhs.configSHA256 && lhs.from == rhs.from && lhs.to == rhs.to && lhs.step == rhs.step
            && lhs.resolution == rhs.resolution && lhs.groupBy == rhs.groupBy && lhs.queries == rhs.queries
    }
}
