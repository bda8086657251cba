import Model

/// The exporter's view of its inputs at render time, beside the host counters.
public struct ExporterStatus: Sendable, Equatable {
    /// Outcome of the latest attempt to read one input.
    public struct Source: Sendable, Equatable {
        public var name: String
        public var up: Bool
        public var durationSeconds: Double
        public var errors: Double

        public init(name: String, up: Bool, durationSeconds: Double, errors: Double) {
            self.name = name
            self.up = up
            self.durationSeconds = durationSeconds
            self.errors = errors
        }
    }

    /// The carbon intensity in force for one grid region.
    public struct Grid: Sendable, Equatable {
        public var provider: String
        public var region: String
        public var gramsPerKilowattHour: Double
        public var ageSeconds: Double
        public var fallback: Bool

        public init(provider: String, region: String, gramsPerKilowattHour: Double, ageSeconds: Double, fallback: Bool)
        {
            self.provider = provider
            self.region = region
            self.gramsPerKilowattHour = gramsPerKilowattHour
            self.ageSeconds = ageSeconds
            self.fallback = fallback
        }
    }

    /// A grid region's forecast over the next 24 hours.
    public struct Forecast: Sendable, Equatable {
        public var provider: String
        public var region: String
        public var minimumGramsPerKilowattHour: Double
        /// Start of the lowest half-hour, Unix seconds.
        public var minimumStart: Double
        public var meanGramsPerKilowattHour: Double

        public init(
            provider: String, region: String, minimumGramsPerKilowattHour: Double, minimumStart: Double,
            meanGramsPerKilowattHour: Double
        ) {
            self.provider = provider
            self.region = region
            self.minimumGramsPerKilowattHour = minimumGramsPerKilowattHour
            self.minimumStart = minimumStart
            self.meanGramsPerKilowattHour = meanGramsPerKilowattHour
        }
    }

    /// Outcome of the latest scrape of one target (direct scraping only).
    public struct Target: Sendable, Equatable {
        public var host: String
        public var up: Bool
        public var durationSeconds: Double
        /// Cycles in which the target failed or its answer did not parse, since it was first listed.
        public var errors: Double

        public init(host: String, up: Bool, durationSeconds: Double, errors: Double = 0) {
            self.host = host
            self.up = up
            self.durationSeconds = durationSeconds
            self.errors = errors
        }
    }

    /// Hosts a source left out of its collections for one reason, counted since the exporter started.
    public struct SkippedHosts: Sendable, Equatable {
        public var source: String
        /// A `HostSkipReason` label value, such as `invalid_values`.
        public var reason: String
        public var count: Double

        public init(source: String, reason: String, count: Double) {
            self.source = source
            self.reason = reason
            self.count = count
        }
    }

    /// Outcome of the latest configuration reload.
    public struct Reload: Sendable, Equatable {
        public var successful: Bool
        /// Time of the last successful load (the start counts as one), Unix seconds.
        public var lastSuccess: Double

        public init(successful: Bool, lastSuccess: Double) {
            self.successful = successful
            self.lastSuccess = lastSuccess
        }
    }

    public var sources: [Source]
    public var reload: Reload?
    public var targets: [Target] = []
    public var skippedHosts: [SkippedHosts] = []
    public var grids: [Grid]
    public var forecasts: [Forecast] = []
    public var version: String
    public var revision: String
    /// The equivalency table in force, exported as per-unit factors.
    public var equivalencies: [Equivalency]
    /// This replica's shard; nil when the exporter is not sharded (no `footprint_shard_info` then).
    public var shard: Shard?

    public init(sources: [Source], grids: [Grid], version: String, revision: String, equivalencies: [Equivalency] = [])
    {
        self.sources = sources
        self.grids = grids
        self.version = version
        self.revision = revision
        self.equivalencies = equivalencies
    }
}
