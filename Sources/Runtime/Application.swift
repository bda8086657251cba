import Accounting
import Config
import Counters
import Exposition
import Foundation
import Grid
import HTTPClient
import Logging
import MetricsServer
import Model
import Readers
import StateStore
import Synchronization
import WebSecurity

/// The running exporter: the metrics server plus the collection and carbon-intensity loops.
///
/// Everything it uses arrives through the initialiser (configuration, logger, clock, HTTP fetcher), so tests
/// run the real thing with a manual clock and loopback upstreams. The configuration can be reloaded while it
/// runs; the listen address and telemetry path stay as started.
public final class Application: Sendable {
    /// What a configuration brings to life: the collector and its loops.
    private struct Runtime {
        var configuration: Configuration
        var collector: Collector
        var loops: [BackgroundLoop]
        /// Rendered answers of this collector; a reload starts with an empty one.
        var cache: ResponseCache
    }

    /// The reload outcome of this application's configuration file.
    public enum ReloadOutcome: Sendable, Equatable {
        case reloaded
        case unchanged
        case rejected(String)
    }

    private let runtime: Mutex<Runtime>
    private let reloadStatus: Mutex<ExporterStatus.Reload>
    /// Serialises reloads (SIGHUP and POST /-/reload may arrive together).
    private let reloading = Mutex(())
    private let server: MetricsServer
    private let logger: Logger
    private let clock: any WallClock
    private let fetcher: any HTTPBatchFetching
    private let configurationFile: String?
    private let webConfigurationFile: String?
    /// The web configuration in force and the guard built from it; swapped together on reload.
    private let web: Mutex<(configuration: WebConfiguration, guard: WebGuard)>
    private let store: StateStore?
    /// The analysis pages, with the history they share between requests.
    private let analysis: AnalysisRoutes
    /// Hosts left out by the source, counted across reloads.
    private let skips: SkippedHostTally
    /// Whether `POST /-/reload` is served (`--web.enable-lifecycle`); SIGHUP reloads either way.
    private let lifecycleEnabled: Bool
    /// Whether `/metrics` carries the exporter's own `process_*` families.
    private let exporterMetrics: Bool
    /// Logs certificate rotations and failed ones, when the server has certificate files to watch.
    private let certificateWatch: BackgroundLoop?
    /// The shard given on the command line (`--shard.count`, `--shard.index`); it replaces the file's on every
    /// load, reloads included.
    private let shardOverride: Shard?

    public init(
        configuration: Configuration,
        configurationFile: String? = nil,
        listenAddress: ListenAddress,
        telemetryPath: String = "/metrics",
        logger: Logger,
        clock: any WallClock = SystemClock(),
        fetcher: any HTTPBatchFetching,
        serverLimits: ServerLimits = ServerLimits(),
        web: WebConfiguration = WebConfiguration(),
        webConfigurationFile: String? = nil,
        store: StateStore? = nil,
        maxGap: Double = 6 * 3_600,
        enableLifecycle: Bool = false,
        exporterMetrics: Bool = true,
        shard: Shard? = nil
    ) throws {
        self.shardOverride = shard
        var configuration = configuration
        if let shard { configuration.shard = shard }
        self.lifecycleEnabled = enableLifecycle
        self.exporterMetrics = exporterMetrics
        self.logger = logger
        self.clock = clock
        self.fetcher = fetcher
        self.configurationFile = configurationFile
        self.webConfigurationFile = webConfigurationFile
        self.web = Mutex((web, WebGuard(web, clock: clock)))
        if web.http2Requested {
            logger.notice("http_server_config.http2 is set, but this server speaks HTTP/1.1 only")
        }
        self.store = store
        self.analysis = AnalysisRoutes(store: store)
        let skips = SkippedHostTally()
        self.skips = skips
        let restored = try Self.restore(
            from: store, configuration: configuration, maxGap: maxGap, now: clock.now(), logger: logger)
        // Fits saved by the previous run stay in force until new measurements refit them.
        let fits = try store?.loadPowerFits() ?? []
        let runtime = try Self.makeRuntime(
            configuration, ledger: restored, fits: fits, fetcher: fetcher, clock: clock, logger: logger, store: store,
            configurationFile: configurationFile, skips: skips)
        self.runtime = Mutex(runtime)
        let reloadStatus = Mutex(ExporterStatus.Reload(successful: true, lastSuccess: clock.now()))
        self.reloadStatus = reloadStatus
        // The routes reach the application weakly: the server lives inside it.
        let box = WeakApplication()
        // No route reads a request body: bodies are read off the socket and dropped, never stored.
        let server = try MetricsServer(
            listenAddress: listenAddress, limits: serverLimits, tls: web.tls, readsBody: { _ in false },
            immediate: { request in
                // Credentials cost a hash to check, which must not run on an event thread.
                guard let application = box.application else { return nil }
                let guarding = application.web.withLock { $0.guard }
                guard guarding.authenticator == nil,
                    let answer = application.routes(telemetryPath).immediateResponse(request)
                else { return nil }
                return guarding.handle(request) { _ in answer }
            },
            handler: { request in
                guard let application = box.application else { return .internalServerError }
                let guarding = application.web.withLock { $0.guard }
                return guarding.handle(request) { application.routes(telemetryPath).handle($0) }
            })
        self.server = server
        if let tls = web.tls, tls.certificateFile != nil, tls.privateKeyFile != nil {
            let watch = CertificateWatch(server: server, logger: logger)
            certificateWatch = BackgroundLoop(name: "certificates", interval: 5) { watch.check() }
        } else {
            certificateWatch = nil
        }
        box.set(self)
    }

    private func routes(_ telemetryPath: String) -> WebRoutes {
        let (collector, cache) = runtime.withLock { ($0.collector, $0.cache) }
        let reload = reloadStatus.withLock { $0 }
        var routes = WebRoutes(
            telemetryPath: telemetryPath,
            collector: collector,
            reloadStatus: reload,
            lifecycleEnabled: lifecycleEnabled,
            reload: { [weak self] in self?.reload() ?? .rejected("exporter is stopping") },
            cache: cache
        )
        routes.exporterMetrics = exporterMetrics
        routes.history = store.map { UsageEndpoint(store: $0, clock: clock) }
        routes.analysis = analysis
        routes.clock = clock
        return routes
    }

    /// The counters a previous run saved, with baselines older than `maxGap` dropped (their gap is not
    /// integrated: too long to trust the model across it).
    private static func restore(
        from store: StateStore?, configuration: Configuration, maxGap: Double, now: Double, logger: Logger
    ) throws -> HostLedger? {
        guard let store, let saved = try store.load() else { return nil }
        guard saved.attributionLabels == configuration.attributionLabels else {
            logger.warning(
                "stored counters use other attribution labels; starting from zero",
                metadata: ["stored": "\(saved.attributionLabels)", "configured": "\(configuration.attributionLabels)"])
            return nil
        }
        // Accounts stored before hosts had regions take the region the host maps to now.
        let regions = RegionMapper(configuration: configuration)
        // Hosts another replica serves now (the shard count changed) leave this replica's counters at once: the new
        // owner starts them from its own, and no stale baseline here could integrate time the other one counted.
        let owned = ShardMembership(configuration: configuration)
        let accounts = saved.accounts.filter { owned.keeps($0.host) }
        let baselines = saved.baselines.filter { owned.keeps($0.host) }
        if accounts.count < saved.accounts.count {
            logger.notice(
                "stored hosts outside this replica's shard dropped",
                metadata: [
                    "hosts": "\(saved.accounts.count - accounts.count)",
                    "shard": "\(configuration.shard.map(\.description) ?? "")",
                ])
        }
        var ledger = HostLedger(
            attributionLabels: saved.attributionLabels, graceSeconds: configuration.hostGracePeriod,
            accounts: accounts, baselines: baselines,
            regionOfUnmapped: { account in
                regions.region(
                    host: account.host, labels: Dictionary(zip(saved.attributionLabels, account.attribution)) { $1 })
            })
        let skipped = ledger.dropBaselines(olderThan: maxGap, now: now)
        if !skipped.isEmpty {
            logger.warning(
                "gap since the last stored reading exceeds max_gap; not integrated",
                metadata: ["hosts": "\(skipped.count)", "max_gap_seconds": "\(maxGap)"])
        }
        logger.info(
            "counters restored",
            metadata: ["hosts": "\(saved.accounts.count)", "file": "\(store.path)", "saved_at": "\(saved.savedAt)"])
        return ledger
    }

    private static func makeRuntime(
        _ configuration: Configuration, ledger: HostLedger?, fits: [ProfileFit], fetcher: any HTTPBatchFetching,
        clock: any WallClock, logger: Logger, store: StateStore?, configurationFile: String?, skips: SkippedHostTally
    ) throws -> Runtime {
        let carbon = try CarbonIntensityService(
            configuration: configuration, fetcher: fetcher, clock: clock, logger: logger)
        let source = SkipCountingSource(
            wrapping: try makeSource(configuration, fetcher: fetcher, clock: clock, logger: logger), tally: skips)
        var persist: (@Sendable (HostLedger, [ProfileFit], Double) -> Void)?
        if let store {
            persist = { @Sendable ledger, fits, now in
                do {
                    try store.save(ledger, at: now, usageRetention: configuration.usageHistory.retention)
                    try store.savePowerFits(fits)
                } catch {
                    logger.error("cannot save counters", metadata: ["file": "\(store.path)", "err": "\(error)"])
                }
            }
        }
        let collector = Collector(
            configuration: configuration, source: source, carbon: carbon, clock: clock, logger: logger, ledger: ledger,
            fits: fits, persist: persist, skippedHosts: { source.skippedHosts })
        var loops = [
            BackgroundLoop(name: "collect", interval: configuration.collectInterval) { collector.collect() }
        ]
        if let auditor = configuration.auditor {
            if let store, configuration.source.kind == .prometheus {
                loops.append(
                    BackgroundLoop(name: "auditor", interval: auditor.pushInterval) {
                        Self.pushToAuditor(
                            configuration, configurationFile: configurationFile, store: store, fetcher: fetcher,
                            clock: clock, logger: logger)
                    })
            } else {
                logger.warning(
                    "auditor section ignored: pushing needs source.kind prometheus and a state store (--storage.path)")
            }
        }
        if carbon.needsRefresh {
            // The carbon loop runs first so the first intervals already use a provider value when it answers.
            loops.insert(
                BackgroundLoop(name: "carbon", interval: configuration.carbonIntensity.refresh) { carbon.refresh() },
                at: 0)
        }
        if configuration.carbonIntensity.forecast && carbon.hasForecasts {
            loops.append(
                BackgroundLoop(name: "forecast", interval: configuration.carbonIntensity.forecastRefresh) {
                    carbon.refreshForecasts()
                })
        }
        return Runtime(
            configuration: configuration, collector: collector, loops: loops, cache: ResponseCache(clock: clock))
    }

    /// One AUDITOR push from the serving exporter; failures are logged and retried by the next push (the outbox
    /// is in the state store).
    private static func pushToAuditor(
        _ configuration: Configuration, configurationFile: String?, store: StateStore, fetcher: any HTTPBatchFetching,
        clock: any WallClock, logger: Logger
    ) {
        do {
            let bytes = try configurationFile.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) } ?? []
            // Retries within a push wait on this loop's own thread, never on a scrape.
            let summary = try AuditorPush.push(
                configuration: configuration, configBytes: bytes, store: store, now: clock.now(), fetcher: fetcher,
                logger: logger, sleep: { Thread.sleep(forTimeInterval: $0) })
            logger.info("auditor push finished", metadata: ["summary": "\(summary.description)"])
        } catch {
            logger.error("auditor push failed; the outbox keeps what was not delivered", metadata: ["err": "\(error)"])
        }
    }

    /// The bound port (useful with port 0).
    public var port: UInt16 { server.port }

    /// The configuration in force.
    public var configuration: Configuration { runtime.withLock { $0.configuration } }

    /// The background loops a configuration can have, each a service of its own when serving.
    public static let loopNames = ["carbon", "forecast", "collect", "auditor"]

    /// Starts the background loops; the server already listens.
    public func start() {
        announceStart()
        startCertificateWatch()
        for loop in runtime.withLock({ $0.loops }) { loop.start() }
    }

    /// Starts re-reading the TLS certificate files when they change (only with TLS from files).
    public func startCertificateWatch() { certificateWatch?.start() }

    /// Starts the loop of that name, if the configuration in force has one.
    public func startLoop(named name: String) {
        for loop in runtime.withLock({ $0.loops }) where loop.name == name { loop.start() }
    }

    /// Stops the loop of that name, waiting for a running iteration.
    public func stopLoop(named name: String) {
        for loop in runtime.withLock({ $0.loops }) where loop.name == name { loop.stop() }
    }

    /// Logs the start with what is served and from where.
    public func announceStart() {
        let configuration = runtime.withLock { $0.configuration }
        logger.info(
            "footprint_exporter started",
            metadata: [
                "version": "\(BuildInfo.version)", "revision": "\(BuildInfo.revision)",
                "listen": "\(server.listenAddress)", "tls": "\(server.usesTLS)",
                "basic_auth": "\(web.withLock { $0.guard.authenticator != nil })",
                "source": "\(configuration.source.kind.rawValue)",
                "carbon_providers":
                    "\(configuration.gridRegions.map { "\($0.name)=\($0.providers.map(\.rawValue).joined(separator: ","))" }.joined(separator: " "))",
            ]
        )
    }

    /// Stops the loops (waiting for a running iteration) and the server.
    public func stop() {
        stopLoops()
        stopServer()
    }

    /// Stops the background loops, waiting for a running iteration (a collection ends and is saved).
    public func stopLoops() {
        for loop in runtime.withLock({ $0.loops }) { loop.stop() }
    }

    /// Stops the server: the last part to go, so scrapes are answered until the loops have stopped.
    public func stopServer() {
        certificateWatch?.stop()
        server.stop()
        logger.info("footprint_exporter stopped")
    }

    /// Re-reads the configuration file and the web configuration file. A valid new configuration replaces the
    /// running one, keeping every counter; an invalid one (either file) is rejected and the old ones keep
    /// running. Changing the attribution label names is refused: existing series could not keep their counters
    /// under other label names. TLS settings take effect at the next start; users, headers and the rate limit
    /// at once.
    @discardableResult
    public func reload() -> ReloadOutcome {
        reloading.withLock { _ in
            guard configurationFile != nil || webConfigurationFile != nil else {
                return finishReload(.unchanged)
            }
            let loaded: Configuration?
            let newWeb: WebConfiguration?
            do {
                loaded = try configurationFile.map { path throws(ConfigurationError) in
                    try ConfigurationLoader.load(path: path)
                }
                newWeb = try webConfigurationFile.map { path throws(ConfigurationError) in
                    try ConfigurationLoader.loadWeb(path: path)
                }
            } catch {
                logger.error(
                    "configuration reload rejected; keeping the running configuration", metadata: ["err": "\(error)"])
                return finishReload(.rejected("\(error)"))
            }
            let current = runtime.withLock { $0 }
            var new = loaded ?? current.configuration
            if let shardOverride { new.shard = shardOverride }
            guard new != current.configuration else {
                return finishReload(applyWeb(newWeb) ? .reloaded : .unchanged)
            }
            guard new.attributionLabels == current.configuration.attributionLabels else {
                let message =
                    "changing the attribution labels (\(current.configuration.attributionLabels) to \(new.attributionLabels)) needs a restart"
                logger.error(
                    "configuration reload rejected; keeping the running configuration", metadata: ["err": "\(message)"])
                return finishReload(.rejected(message))
            }
            guard new.shard == current.configuration.shard else {
                // Hosts would move between replicas while the others still count them: a restart of every
                // replica (README, "Large fleets") moves them without counting any twice.
                let message =
                    "changing the shard (\(Self.describe(current.configuration.shard)) to \(Self.describe(new.shard))) needs a restart"
                logger.error(
                    "configuration reload rejected; keeping the running configuration", metadata: ["err": "\(message)"])
                return finishReload(.rejected(message))
            }
            for loop in current.loops { loop.stop() }
            do {
                let replacement = try Self.makeRuntime(
                    new, ledger: current.collector.ledger, fits: current.collector.fitsInForce, fetcher: fetcher,
                    clock: clock, logger: logger, store: store, configurationFile: configurationFile, skips: skips)
                runtime.withLock { $0 = replacement }
                for loop in replacement.loops { loop.start() }
                applyWeb(newWeb)
                logger.info("configuration reloaded", metadata: ["file": "\(configurationFile ?? "")"])
                return finishReload(.reloaded)
            } catch {
                // The new configuration validated but could not start (e.g. an unreadable secret): resume the old one.
                let resumed = try? Self.makeRuntime(
                    current.configuration, ledger: current.collector.ledger, fits: current.collector.fitsInForce,
                    fetcher: fetcher, clock: clock, logger: logger, store: store, configurationFile: configurationFile,
                    skips: skips)
                if let resumed {
                    runtime.withLock { $0 = resumed }
                    for loop in resumed.loops { loop.start() }
                }
                logger.error(
                    "configuration reload failed to start; keeping the running configuration",
                    metadata: ["err": "\(error)"])
                return finishReload(.rejected("\(error)"))
            }
        }
    }

    private static func describe(_ shard: Shard?) -> String { shard.map(\.description) ?? "unsharded" }

    /// Puts a re-read web configuration in force; returns whether it differs from the running one.
    @discardableResult
    private func applyWeb(_ new: WebConfiguration?) -> Bool {
        guard let new else { return false }
        let old = web.withLock { $0.configuration }
        guard new != old else { return false }
        if new.tls != old.tls {
            logger.warning("tls_server_config changed; the new TLS settings take effect at the next start")
        }
        web.withLock { $0 = (new, WebGuard(new, clock: clock)) }
        logger.info("web configuration reloaded", metadata: ["file": "\(webConfigurationFile ?? "")"])
        return true
    }

    private func finishReload(_ outcome: ReloadOutcome) -> ReloadOutcome {
        let now = clock.now()
        reloadStatus.withLock { status in
            switch outcome {
            case .reloaded, .unchanged: status = .init(successful: true, lastSuccess: now)
            case .rejected: status.successful = false
            }
        }
        return outcome
    }

    /// Runs one collection now, outside the loop (for tests and tools).
    public func collectNow() { runtime.withLock { $0.collector }.collect() }

    /// Refreshes the carbon intensity now, outside the loop (for tests and tools).
    public func refreshCarbonIntensityNow() { runtime.withLock { $0.collector }.carbon.refresh() }

    /// Refreshes the carbon intensity forecasts now, outside the loop (for tests and tools).
    public func refreshForecastsNow() { runtime.withLock { $0.collector }.carbon.refreshForecasts() }

    public static func makeSource(
        _ configuration: Configuration, fetcher: any HTTPBatchFetching, clock: any WallClock, logger: Logger
    ) throws -> any NodeSource {
        let measured = configuration.power.measured
        switch configuration.source.kind {
        case .local:
            let local = configuration.source.local
            let reader = LocalHostReader(procRoot: local.procPath, host: local.host, labels: local.labels)
            return LocalNodeSource(
                reader: reader,
                powercap: measured.enabled ? PowercapReader(root: measured.powercapPath, host: reader.host) : nil)
        case .prometheus:
            let prometheus = configuration.source.prometheus
            let headers = try Secrets.authorizationHeaders(for: prometheus)
            let settings = PrometheusReader.Settings(
                baseURL: prometheus.url,
                selector: prometheus.selector,
                hostLabel: prometheus.hostLabel,
                timeoutSeconds: prometheus.timeout,
                headers: headers,
                shard: configuration.shard,
                shardLabel: prometheus.shardLabel,
                keptLabels: configuration.labelsInUse
            )
            var measuredReader: MeasuredPowerReader?
            if measured.enabled {
                let measuredSettings = MeasuredPowerReader.Settings(
                    prometheus: PrometheusReader.Settings(
                        baseURL: prometheus.url, selector: measured.selector, timeoutSeconds: prometheus.timeout,
                        headers: headers),
                    families: MeasuredPowerFamilies(nodePowerMetric: measured.nodeMetric),
                    join: try HostJoin(
                        label: measured.joinLabel, pattern: measured.joinRegex, replacement: measured.joinReplacement))
                measuredReader = MeasuredPowerReader(settings: measuredSettings, fetcher: fetcher)
            }
            return PrometheusNodeSource(
                reader: PrometheusReader(settings: settings, fetcher: fetcher), measured: measuredReader)
        case .scrape:
            return try ScrapeNodeSource(
                settings: configuration.source.scrape, client: fetcher, clock: clock, logger: logger,
                measuredFamilies: measured.enabled ? MeasuredPowerFamilies(nodePowerMetric: measured.nodeMetric) : nil,
                measuredTargets: measured.targets, shard: configuration.shard)
        }
    }
}

/// Logs the server's certificate rotations: info for each reload taken up, warning when failed reloads rise
/// (the previous pair stays in use, so nothing else would tell the operator that the new files are broken).
private final class CertificateWatch: Sendable {
    private let server: MetricsServer
    private let logger: Logger
    private let seen = Mutex((reloads: 0, failures: 0))

    init(server: MetricsServer, logger: Logger) {
        self.server = server
        self.logger = logger
    }

    func check() {
        let reloads = server.certificateReloads
        let failures = server.certificateReloadFailures
        let previous = seen.withLock { seen in
            defer { seen = (reloads, failures.count) }
            return seen
        }
        if reloads > previous.reloads {
            logger.info("server certificate reloaded", metadata: ["reloads": "\(reloads)"])
        }
        if failures.count > previous.failures {
            logger.warning(
                "server certificate files changed but do not load; the previous certificate stays in use",
                metadata: ["failures": "\(failures.count)", "err": "\(failures.last ?? "unknown")"])
        }
    }
}

/// A weak reference the server's handler can hold without keeping the application alive.
private final class WeakApplication: Sendable {
    private let reference = Mutex<WeakReference?>(nil)

    private struct WeakReference: @unchecked Sendable {
        // @unchecked: a weak reference to a Sendable class, only read and written under the mutex.
        weak var application: Application?
    }

    var application: Application? { reference.withLock { $0?.application } }

    func set(_ application: Application) {
        reference.withLock { $0 = WeakReference(application: application) }
    }
}
