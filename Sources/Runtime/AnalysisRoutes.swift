import Config
import Counters
import MetricsServer
import Model
import Pages
import Report
import StateStore
import Synchronization

/// The analysis pages under `/analysis/`: the sites, a site, a user, the ticker's JSON and the two assets.
///
/// Pages are rendered from the collector's snapshot on each request; the history's last 30 days are read and
/// digested once per collection (they change only when the counters are saved), in the background, and shared
/// by every page until the next.
public final class AnalysisRoutes: Sendable {
    private let store: StateStore?
    /// Reading 30 days of 1,000 hosts takes about half a second: only the first page waits for it. Later pages
    /// get the digest in hand while the next collection's is made in the background, so the history's periods may
    /// lag the counters by one collection (the headline figures come from the counters and never lag).
    private let recent = BackgroundRefreshed<DigestKey, HistoryDigest>(label: "analysis-history")

    private struct DigestKey: Equatable, Sendable {
        var generation: Int
        var hour: Int
    }

    public init(store: StateStore?) {
        self.store = store
    }

    static let prefix = "/analysis"

    func handle(_ request: ServerRequest, collector: Collector, now: Double) -> ServerResponse? {
        let path = request.path
        guard path == Self.prefix || path.hasPrefix(Self.prefix + "/") else { return nil }
        switch path {
        case Self.prefix:
            return ServerResponse(status: 301, headers: [ServerHeader(name: "Location", value: "/analysis/")])
        case PageAssets.stylesheetPath:
            return asset(PageAssets.stylesheet, type: "text/css; charset=utf-8", request)
        case PageAssets.iconPath:
            return asset(PageAssets.icon, type: "image/svg+xml", request)
        case PageAssets.scriptPath:
            return asset(PageAssets.script, type: "text/javascript; charset=utf-8", request)
        default: break
        }
        let data = builder(collector, now: now)
        var parts = path.dropFirst(Self.prefix.count + 1).split(separator: "/", omittingEmptySubsequences: false)
            .map(String.init)
        if path.hasSuffix("/") { parts.removeLast() }
        if parts.isEmpty {
            return html(
                AnalysisPages.index(data.siteEntries(collector.configuration.sites.map(\.name)), generatedAt: now),
                request)
        }
        let site = parts[0]
        guard collector.configuration.sites.contains(where: { $0.name == site }) else {
            return html(AnalysisPages.notFound("No site is named \"\(site)\".", generatedAt: now), request, status: 404)
        }
        let rest = Array(parts.dropFirst())
        if rest.isEmpty, path.hasSuffix("/") {
            return html(AnalysisPages.site(data.site(site), generatedAt: now), request)
        }
        if rest.isEmpty {
            return ServerResponse(
                status: 301, headers: [ServerHeader(name: "Location", value: "/analysis/\(HTML.pathSegment(site))/")])
        }
        if rest == ["live.json"] {
            let figures = PageBuilder.figures(data.accounts(ofSite: site))
            return json(Self.live(figures, collectedAt: data.snapshot.lastCollection, now: now))
        }
        if rest.count >= 2, rest[0] == "user" {
            // A user name may hold any character, slashes included: it is everything up to the page's own ending.
            var segments = Array(rest.dropFirst())
            let isLive = segments.last == "live.json"
            if isLive { segments.removeLast() }
            let user = segments.joined(separator: "/")
            guard isLive || path.hasSuffix("/"), !user.isEmpty, let page = data.user(user, site: site) else {
                return html(
                    AnalysisPages.notFound("No workspaces of \"\(user)\" at site \"\(site)\".", generatedAt: now),
                    request, status: 404)
            }
            if isLive { return json(Self.live(page.figures, collectedAt: page.collectedAt, now: now)) }
            return html(AnalysisPages.user(page, generatedAt: now), request)
        }
        return html(AnalysisPages.notFound("There is no such page.", generatedAt: now), request, status: 404)
    }

    /// The window length the greenest-window figure looks for.
    static let windowHours = 3.0

    /// What the pages are built from: the collector's snapshot, configuration and grid, and the history digest.
    func builder(_ collector: Collector, now: Double) -> PageBuilder {
        let configuration = collector.configuration
        let carbon = collector.carbon
        let snapshot = collector.snapshot
        let siteOf: @Sendable ([String: String]) -> String? = { configuration.site(of: $0)?.name }
        return PageBuilder(
            snapshot: snapshot, siteOf: siteOf, ownerLabel: configuration.workspaces.ownerLabel,
            machineLabel: configuration.usageHistory.machineLabel, equivalencies: configuration.equivalencyTable,
            intensity: { carbon.current(region: $0).value.value },
            grids: { regions in
                let known = Set(carbon.current().map(\.region))
                return regions.sorted().filter { known.contains($0) }.map { region in
                    let inForce = carbon.current(region: region)
                    let window = carbon.forecast(region: region)?.forecast.bestWindow(
                        length: Self.windowHours * 3_600, from: now)
                    return PageData.Grid(
                        region: region, provider: inForce.provider, gramsPerKWh: inForce.value.value,
                        fallback: inForce.fallback, window: window.map { ($0.start, $0.end, $0.mean.value) },
                        windowHours: Self.windowHours)
                }
            },
            history: digest(
                generation: collector.generation, now: now, attributionLabels: snapshot.attributionLabels,
                ownerLabel: configuration.workspaces.ownerLabel, siteOf: siteOf),
            now: now)
    }

    /// The last 30 days of the history, read and digested again after each collection (see `recent`).
    private func digest(
        generation: Int, now: Double, attributionLabels: [String], ownerLabel: String,
        siteOf: @escaping @Sendable ([String: String]) -> String?
    ) -> HistoryDigest {
        guard let store else { return HistoryDigest() }
        let hour = UsageHour.index(of: now)
        return recent.value(for: DigestKey(generation: generation, hour: hour)) {
            let rows = (try? store.usageHours(fromHour: hour - 30 * 24 + 1, toHour: hour + 1)) ?? []
            return HistoryDigest(
                rows: rows, attributionLabels: attributionLabels,
                ownerIndex: attributionLabels.firstIndex(of: ownerLabel), site: siteOf)
        }
    }

    /// What the ticker resynchronises from.
    static func live(_ figures: PageData.Figures, collectedAt: Double?, now: Double) -> JSONText {
        .object([
            ("idle_energy_kwh", .number(figures.idleEnergyKWh)),
            ("idle_power_watts", .number(figures.idlePowerWatts)),
            ("energy_kwh", .number(figures.energyKWh)),
            ("emissions_kg", .number(figures.emissionsKg)),
            ("power_watts", .number(figures.powerWatts)),
            ("hosts", .number(Double(figures.hosts))),
            ("collected_at", .optional(collectedAt)),
            ("now", .number(now)),
        ])
    }

    private static let pageHeaders = [
        ServerHeader(name: "Content-Security-Policy", value: PageAssets.contentSecurityPolicy),
        ServerHeader(name: "X-Content-Type-Options", value: "nosniff"),
        ServerHeader(name: "Referrer-Policy", value: "no-referrer"),
    ]

    private func html(_ text: String, _ request: ServerRequest, status: Int = 200) -> ServerResponse {
        ServerResponse(
            status: status,
            headers: [
                ServerHeader(name: "Content-Type", value: "text/html; charset=utf-8"),
                ServerHeader(name: "Cache-Control", value: "no-store"),
            ] + Self.pageHeaders,
            body: Array(text.utf8)
        ).gzipped(for: request)
    }

    private func asset(_ text: String, type: String, _ request: ServerRequest) -> ServerResponse {
        ServerResponse(
            status: 200,
            headers: [
                ServerHeader(name: "Content-Type", value: type),
                ServerHeader(name: "Cache-Control", value: "max-age=300"),
            ] + Self.pageHeaders,
            body: Array(text.utf8)
        ).gzipped(for: request)
    }

    private func json(_ document: JSONText) -> ServerResponse {
        var response = UsageEndpoint.json(document, status: 200)
        response.headers += Self.pageHeaders
        return response
    }
}
