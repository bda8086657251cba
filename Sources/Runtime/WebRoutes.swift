import Config
import Exposition
import MetricsServer
import Model
import PromText
import Readers

/// The exporter's HTTP endpoints: landing page, metrics, health and readiness.
public struct WebRoutes: Sendable {
    public let telemetryPath: String
    public let collector: Collector
    public let reloadStatus: ExporterStatus.Reload
    /// `--web.enable-lifecycle`: without it, `/-/reload` answers as Prometheus does (403 for POST and PUT).
    public let lifecycleEnabled: Bool
    /// Whether `/metrics` carries the exporter's own `process_*` families (off: `--web.disable-exporter-metrics`).
    public var exporterMetrics = true
    public let reload: @Sendable () -> Application.ReloadOutcome
    public let cache: ResponseCache
    /// The usage history of the state store; nil when the exporter keeps no store.
    public var history: UsageEndpoint?
    /// The analysis pages; nil leaves `/analysis/` unserved.
    public var analysis: AnalysisRoutes?
    public var clock: any WallClock = SystemClock()

    public func handle(_ request: ServerRequest) -> ServerResponse {
        if request.path == "/-/reload" {
            guard request.method == "POST" || request.method == "PUT" else {
                return .text("Only POST or PUT requests allowed.\n", status: 405)
            }
            guard lifecycleEnabled else { return .text("Lifecycle API is not enabled.\n", status: 403) }
            switch reload() {
            case .reloaded: return .text("Configuration reloaded.\n")
            case .unchanged: return .text("Configuration unchanged.\n")
            case .rejected:
                // The problem can quote a value (a URL with a password) and names the file: it goes to the log only.
                return .text(
                    "Configuration rejected; the previous one keeps running. The exporter's log says why.\n",
                    status: 500)
            }
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return request.path == telemetryPath || request.path == "/" ? .methodNotAllowed : .notFound
        }
        if let analysis, let response = analysis.handle(request, collector: collector, now: clock.now()) {
            return response
        }
        switch request.path {
        case telemetryPath:
            let key = cacheKey(request)
            return cache.response(for: key, generation: collector.generation) {
                var trailer: [UInt8] = []
                if exporterMetrics, let statistics = ProcessSelfReader().read() {
                    trailer = ProcessMetricsRenderer().render(statistics, format: key.format)
                }
                let blocks = collector.renderBlocks(format: key.format, reload: reloadStatus, trailer: trailer)
                return MetricsResponse.make(blocks, contentType: key.format.contentType, gzip: key.gzip)
            }
        case "/":
            return ServerResponse(
                status: 200,
                headers: [ServerHeader(name: "Content-Type", value: "text/html; charset=utf-8")],
                body: Array(landingPage.utf8)
            )
        case "/api/v1/usage":
            return UsageEndpoint.respond(request, history: history, configuration: collector.configuration)
        case "/-/healthy":
            return .text("Healthy.\n")
        case "/-/ready":
            return collector.isReady
                ? .text("Ready.\n") : .text("Not ready: first collection still running.\n", status: 503)
        default:
            return .notFound
        }
    }

    /// The answer to `request` when it is ready without blocking work (a scrape the cache holds, a health
    /// check), for the server to give on its event thread; nil sends the request to `handle` on a handler thread.
    public func immediateResponse(_ request: ServerRequest) -> ServerResponse? {
        guard request.method == "GET" || request.method == "HEAD" else { return nil }
        switch request.path {
        case telemetryPath: return cache.cached(for: cacheKey(request), generation: collector.generation)
        case "/-/healthy": return handle(request)
        default: return nil
        }
    }

    private func cacheKey(_ request: ServerRequest) -> ResponseCache.Key {
        ResponseCache.Key(
            format: AcceptNegotiation.format(forAccept: request.header("accept")),
            gzip: ContentCoding.acceptsGzip(request.header("accept-encoding")),
            reloadSuccessful: reloadStatus.successful, reloadTime: reloadStatus.lastSuccess)
    }

    private var landingPage: String {
        let path = telemetryPath.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(
            of: "\"", with: "&quot;"
        )
        .replacingOccurrences(of: "<", with: "&lt;")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>footprint_exporter</title></head>
            <body>
            <h1>footprint_exporter</h1>
            <p>Energy and carbon footprint of hosts, attributed to projects and users.</p>
            <ul>
            <li><a href="\(path)">Metrics</a></li>
            <li><a href="/-/healthy">Health</a></li>
            <li><a href="/-/ready">Readiness</a></li>
            <li><a href="/analysis/">Analysis by site</a></li>
            </ul>
            <p>Version \(BuildInfo.version) (revision \(BuildInfo.revision)).</p>
            </body>
            </html>

            """
    }
}
