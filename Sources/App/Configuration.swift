import Model

/// The exporter's effective configuration: immutable, validated, with every default filled in.
public struct Configuration: Sendable, Equatable {
    public enum SourceKind: String, Sendable, Equatable, CaseIterable {
        case local
        case prometheus
        case scrape
    }

    public struct LocalSource: Sendable, Equatable {
        /// Attribution labels of this host, e.g. `cloud_project_name: dev`.
        public var labels: [String: String] = [:]
        /// The host name to export; the system host name when nil.
        public var host: String?
        /// Where procfs is mounted (a container may mount the host's elsewhere).
        public var procPath = "/proc"
    }

    public struct PrometheusSource: Sendable, Equatable {
        public var url = "http://127.0.0.1:9090"
        public var selector = #"{job="node"}"#
        public var hostLabel = "instance"
        public var attributionLabels = Configuration.defaultAttributionLabels
        public var timeout = 10.0
        public var basicAuth: BasicAuth?
        public var bearerTokenFile: String?
    }

    public struct BasicAuth: Sendable, Equatable {
        public var username: String
        public var password: String?
        public var passwordFile: String?
    }

    /// A group of scrape targets sharing labels, as in Prometheus' static_configs and file_sd files.
    public struct TargetGroup: Sendable, Equatable {
        public var targets: [String]
        public var labels: [String: String]
    }

    public struct TLS: Sendable, Equatable {
        public var caFile: String?
        public var certFile: String?
        public var keyFile: String?
        public var insecureSkipVerify = false
    }

    public struct ScrapeSource: Sendable, Equatable {
        /// File patterns (globs) of Prometheus file_sd files, relative to the configuration file.
        public var fileSD: [String] = []
        public var staticTargets: [TargetGroup] = []
        public var scheme = "http"
        public var metricsPath = "/metrics"
        public var timeout = 5.0
        public var attributionLabels = Configuration.defaultAttributionLabels
        public var tls: TLS?
        public var basicAuth: BasicAuth?
        /// Targets scraped at the same time at most.
        public var maxConcurrency = 64
        /// The largest (decoded) scrape body accepted.
        public var bodySizeLimit = 32 << 20
    }

    public struct Source: Sendable, Equatable {
        public var kind = SourceKind.local
        public var local = LocalSource()
        public var prometheus = PrometheusSource()
        public var scrape = ScrapeSource()
    }

    public enum CarbonProvider: String, Sendable, Equatable, CaseIterable {
        case uk
        case `static`
    }

    public struct UKProvider: Sendable, Equatable {
        public var url = "https://api.carbonintensity.org.uk"
        public var regionID: Int?
        public var postcode: String?
    }

    public struct CarbonIntensity: Sendable, Equatable {
        public var provider = CarbonProvider.uk
        public var uk = UKProvider()
        public var staticGramsPerKilowattHour = 200.0
        public var refresh = 300.0
        public var maxAge = 7_200.0
        public var fallbackGramsPerKilowattHour = 250.0
        public var timeout = 10.0
        /// Overrides the `grid_region` label derived from the provider settings.
        public var gridRegion: String?
    }

    /// A power profile and the host labels it applies to.
    public struct PowerProfileRule: Sendable, Equatable {
        public var profile: PowerProfile
        /// Label equality on the host's labels; every pair must match.
        public var match: [String: String]
    }

    public struct Power: Sendable, Equatable {
        public var defaultProfile = PowerProfile()
        public var profiles: [PowerProfileRule] = []

        /// The first profile whose `match` holds for the labels, else the default.
        public func profile(for labels: [String: String]) -> PowerProfile {
            profiles.first { rule in rule.match.allSatisfy { labels[$0.key] == $0.value } }?.profile ?? defaultProfile
        }
    }

    public static let defaultAttributionLabels = ["cloud_project_name", "user"]

    /// How `footprint_exporter workspaces` names owners and finds their details.
    public struct Workspaces: Sendable, Equatable {
        /// The target label naming a workspace's owner (a platform user name).
        public var ownerLabel = "user"
        /// A CSV or YAML file mapping platform user names to name, email and uid; none when nil.
        public var userDirectory: String?
    }

    public var collectInterval = 60.0
    /// How long a host the source no longer lists keeps being exported with its final totals.
    public var hostGracePeriod = 900.0
    public var source = Source()
    public var carbonIntensity = CarbonIntensity()
    public var power = Power()
    /// Equivalency entries that replace built-in ones (same equivalency and unit) or add to them.
    public var equivalencies: [Equivalency] = []
    public var workspaces = Workspaces()
    /// Where finished and running workspaces are accounted; none when nil.
    public var auditor: Auditor?

    /// An AUDITOR accounting server receiving one record per workspace (`footprint_exporter auditor-push`).
    public struct Auditor: Sendable, Equatable {
        public var url = ""
        /// `meta.site_id` of every record.
        public var siteID = ""
        /// The target label whose value becomes `meta.group_id`.
        public var groupLabel = "cloud_project_name"
        /// Score attached to the NumCPUs component (e.g. HEPSPEC06 per core); none when `scoreValue` is nil.
        public var scoreName = "HEPSPEC06"
        public var scoreValue: Double?
        public var timeout = 10.0
        /// How far back each push looks for workspaces.
        public var lookback = 30 * 86_400.0
        /// First retry delay; doubled per failed attempt up to `maxBackoff`.
        public var initialBackoff = 1.0
        public var maxBackoff = 300.0
        /// Attempts per record within one push; what still fails stays queued for the next push.
        public var attempts = 5
    }

    public init() {}

    /// The equivalency table in force.
    public var equivalencyTable: [Equivalency] { EquivalencyTable.merged(with: equivalencies) }

    /// The attribution label names of the configured source, in export order.
    public var attributionLabels: [String] {
        switch source.kind {
        case .prometheus:
            return source.prometheus.attributionLabels
        case .scrape:
            return source.scrape.attributionLabels
        case .local:
            let extra = source.local.labels.keys.filter { !Self.defaultAttributionLabels.contains($0) }.sorted()
            return Self.defaultAttributionLabels + extra
        }
    }

    /// The `grid_region` label value of the configured provider.
    public var gridRegion: String {
        if let region = carbonIntensity.gridRegion { return region }
        switch carbonIntensity.provider {
        case .static: return "default"
        case .uk:
            if let id = carbonIntensity.uk.regionID { return "GB-\(id)" }
            if let postcode = carbonIntensity.uk.postcode { return "GB-\(postcode)" }
            return "GB"
        }
    }
}
