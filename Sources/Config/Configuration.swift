import HTTPClient
import Model
import PromText

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
        /// Name of an environment variable holding the bearer token.
        public var bearerTokenEnv: String?
        /// A target label Prometheus sets to each host's shard (a `hashmod` relabel rule); when sharded, the
        /// queries select `shard_label="<index>"` so each replica is sent only its own hosts.
        public var shardLabel: String?
    }

    public struct BasicAuth: Sendable, Equatable {
        public var username: String
        public var password: String?
        public var passwordFile: String?
        /// Name of an environment variable holding the password.
        public var passwordEnv: String?
    }

    /// Keys whose secret is written in the file itself rather than read from a file or the environment: accepted,
    /// but worth a warning, since the file is then a secret too.
    public var inlineSecretKeys: [String] {
        var keys: [String] = []
        if source.prometheus.basicAuth?.password != nil { keys.append("source.prometheus.basic_auth.password") }
        if source.scrape.basicAuth?.password != nil { keys.append("source.scrape.basic_auth.password") }
        if history?.basicAuth?.password != nil { keys.append("history.basic_auth.password") }
        return keys
    }

    /// A group of scrape targets sharing labels, as in Prometheus' static_configs and file_sd files.
    public struct TargetGroup: Sendable, Equatable {
        public var targets: [String]
        public var labels: [String: String]
    }

    /// How a scrape verifies targets and identifies itself: the HTTP client's own options, so the settings reach
    /// curl unchanged.
    public typealias TLS = TLSOptions

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
        case electricitymaps
        case watttime
        case `static`
        case file
    }

    public struct UKProvider: Sendable, Equatable {
        public var url = "https://api.carbonintensity.org.uk"
        public var regionID: Int?
        public var postcode: String?
    }

    public struct ElectricityMapsProvider: Sendable, Equatable {
        public enum Endpoint: String, Sendable, Equatable, CaseIterable {
            case latest
            case history
        }

        public var url = "https://api.electricitymap.org/v3"
        public var zone: String?
        public var endpoint = Endpoint.latest
        /// File holding the `auth-token` value.
        public var tokenFile: String?
        /// Name of the environment variable holding the `auth-token` value.
        public var tokenEnv: String?
    }

    public struct WattTimeProvider: Sendable, Equatable {
        public enum Endpoint: String, Sendable, Equatable, CaseIterable {
            case forecast
            case signalIndex = "signal-index"

            public var path: String { "/v3/\(rawValue)" }
        }

        public var url = "https://api.watttime.org"
        public var region: String?
        public var endpoint = Endpoint.forecast
        public var username: String?
        public var passwordFile: String?
        public var passwordEnv: String?
    }

    public struct FileProvider: Sendable, Equatable {
        /// A CSV or JSON time series, resolved relative to the configuration file.
        public var path: String?
    }

    /// One grid region: its providers, tried in order, and the hosts it feeds.
    public struct GridRegion: Sendable, Equatable {
        /// The `grid_region` label value.
        public var name: String
        /// Label equality on the host's labels; every pair must hold.
        public var match: [String: String] = [:]
        /// A regular expression the whole host name must match.
        public var hostPattern: String?
        /// The failover chain: the first provider with a fresh value supplies the intensity.
        public var providers: [CarbonProvider]
        public var uk = UKProvider()
        public var electricityMaps = ElectricityMapsProvider()
        public var wattTime = WattTimeProvider()
        public var file = FileProvider()
        public var staticGramsPerKilowattHour = 200.0
        public var fallbackGramsPerKilowattHour = 250.0
    }

    public struct CarbonIntensity: Sendable, Equatable {
        /// The default region's single provider; `providers` replaces it with a chain.
        public var provider = CarbonProvider.uk
        public var providers: [CarbonProvider]?
        public var uk = UKProvider()
        public var electricityMaps = ElectricityMapsProvider()
        public var wattTime = WattTimeProvider()
        public var file = FileProvider()
        public var staticGramsPerKilowattHour = 200.0
        public var refresh = 300.0
        public var maxAge = 7_200.0
        public var fallbackGramsPerKilowattHour = 250.0
        public var timeout = 10.0
        /// Overrides the default region's `grid_region` label derived from the provider settings.
        public var gridRegion: String?
        /// Whether forecasts are fetched (for regions whose chain has a provider that publishes one).
        public var forecast = true
        public var forecastRefresh = 1_800.0
        /// Regions besides the default one, matched in order; settings not given come from the top level.
        public var regions: [GridRegion] = []

        /// The default region's failover chain.
        public var chain: [CarbonProvider] { providers ?? [provider] }
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
        public var measured = MeasuredPower()
        public var calibration = Calibration()

        /// Where measured power comes from (docs/power.md): series sites already collect.
        public struct MeasuredPower: Sendable, Equatable {
            /// Read measured series at all: in bridge mode one query per family, in scrape mode the families of
            /// each node_exporter answer, locally the powercap tree.
            public var enabled = true
            /// The whole-node gauge in watts (ipmi_exporter's DCMI reading; a Redfish or PDU exporter's name).
            public var nodeMetric = "ipmi_dcmi_power_consumption_watts"
            /// Bridge mode: matchers added to every measured query, e.g. `{job=~"node|dcgm|ipmi"}`.
            public var selector = ""
            /// How a measured series finds its host: the label, and an optional regex (anchored) with a
            /// replacement; by default the host part of `instance`.
            public var joinLabel = "instance"
            public var joinRegex: String?
            public var joinReplacement = "$1"
            /// The local source's powercap tree.
            public var powercapPath = "/sys/class/powercap"
            /// Scrape mode: exporters of measured power on every target's host (dcgm-exporter, ipmi_exporter,
            /// nvidia_gpu_exporter), scraped with the node_exporter targets and filed under the same host.
            public var targets: [ExtraTarget] = []
        }

        /// An exporter on each scraped host: same host, its own port and path.
        public struct ExtraTarget: Sendable, Equatable {
            public var port: Int
            public var path = "/metrics"
            public var scheme = "http"
        }

        /// Fitting each profile's coefficients on whole-node measurements of its hosts.
        public struct Calibration: Sendable, Equatable {
            public var window = 21_600.0
            public var minHosts = 3
            public var apply = true
        }

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
    /// Named groups of hosts for the analysis pages, in configuration order (a host belongs to the first match).
    public var sites: [Site] = []
    /// The hourly usage history kept in the state store.
    public var usageHistory = UsageHistory()
    /// This replica's share of the hosts; nil serves every host (no sharding).
    public var shard: Shard?
    /// Where history commands read the past: a long-term store; nil reads the bridge's own Prometheus.
    public var history: HistoryStore?

    /// A Prometheus-compatible query endpoint keeping the history (VictoriaMetrics, Thanos Query, Mimir's
    /// `/prometheus` prefix, or a Prometheus with long retention). The queries are the bridge's: its selector,
    /// host label and attribution labels apply to the series found there.
    public struct HistoryStore: Sendable, Equatable {
        public var url = ""
        public var timeout = 30.0
        public var basicAuth: BasicAuth?
        public var bearerTokenFile: String?
        public var bearerTokenEnv: String?
        /// Extra request headers, such as a tenant (`X-Scope-OrgID` for Mimir); not secrets, so printed as given.
        public var headers: [String: String] = [:]

        public init(url: String) { self.url = url }
    }

    /// The Prometheus API history is read from: `history`'s endpoint and credentials with the bridge's selector and
    /// labels, or the bridge's own Prometheus.
    public var historySource: PrometheusSource {
        guard let history else { return source.prometheus }
        var prometheus = source.prometheus
        prometheus.url = history.url
        prometheus.timeout = history.timeout
        prometheus.basicAuth = history.basicAuth
        prometheus.bearerTokenFile = history.bearerTokenFile
        prometheus.bearerTokenEnv = history.bearerTokenEnv
        return prometheus
    }

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
        /// How often the serving exporter pushes (with a state store and the Prometheus source); `auditor-push` does
        /// one push whenever it is run.
        public var pushInterval = 3_600.0
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
    /// The target labels this configuration reads of a host: its attribution labels (sites match on these too)
    /// and those power profiles and grid regions match on. A bridge keeps only these of each target, so the other
    /// labels of a large fleet (job, cluster, rack names) are not held for every host through a collection.
    public var labelsInUse: Set<String> {
        Set(attributionLabels).union(power.profiles.flatMap(\.match.keys))
            .union(carbonIntensity.regions.flatMap(\.match.keys))
    }

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

    /// The `grid_region` label value of the default region.
    public var gridRegion: String {
        let carbon = carbonIntensity
        if let region = carbon.gridRegion { return region }
        switch carbon.chain.first ?? .static {
        case .uk:
            if let id = carbon.uk.regionID { return "GB-\(id)" }
            if let postcode = carbon.uk.postcode { return "GB-\(postcode)" }
            return "GB"
        case .electricitymaps: return carbon.electricityMaps.zone ?? "default"
        case .watttime: return carbon.wattTime.region ?? "default"
        case .static, .file: return "default"
        }
    }

    /// Every grid region: the configured ones in order, then the default region (which matches every host).
    public var gridRegions: [GridRegion] {
        let carbon = carbonIntensity
        let fallbackRegion = GridRegion(
            name: gridRegion, providers: carbon.chain, uk: carbon.uk, electricityMaps: carbon.electricityMaps,
            wattTime: carbon.wattTime, file: carbon.file, staticGramsPerKilowattHour: carbon.staticGramsPerKilowattHour,
            fallbackGramsPerKilowattHour: carbon.fallbackGramsPerKilowattHour)
        return carbon.regions + [fallbackRegion]
    }
}
