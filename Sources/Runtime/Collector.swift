import Config
import Counters
import Exposition
import Grid
import Logging
import Model
import PromText
import Readers
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One evaluation loop's worth of work: read the source, apply the power model, grow the counters; and
/// rendering of the latest state for `/metrics`.
///
/// Collection and rendering may run on different threads at once; all state sits behind one mutex and
/// rendering works on an immutable snapshot taken under it.
public final class Collector: Sendable {
    fileprivate struct State {
        var ledger: HostLedger
        /// The snapshot with its labels escaped, made once per collection for every scrape until the next.
        var prepared: SnapshotRenderer.Prepared
        var up = false
        var attempted = false
        var durationSeconds = 0.0
        var errors = 0.0
        var targets: [ExporterStatus.Target] = []
        /// Measured power and calibration across collections.
        var power: PowerCollection
        /// The rejection reason of each profile whose latest fit was rejected, to log changes once.
        var fitRejections: [String: String] = [:]
        /// Failed cycles per listed target, and the targets down in the last cycle (to log changes once).
        var targetErrors: [String: Double] = [:]
        var targetsDown: Set<String> = []
        /// Counts collections, so cached answers never outlive the data they were rendered from.
        var generation = 0
    }

    public let configuration: Configuration
    public let carbon: CarbonIntensityService
    private let regions: RegionMapper
    private let source: any NodeSource
    private let clock: any WallClock
    private let logger: Logger
    private let state: Mutex<State>
    private let equivalencies: [Equivalency]
    private let lastRenderSize = Mutex<Int?>(nil)
    /// Saves the counters and the fits in force after each successful collection (the state store), outside the
    /// lock.
    private let persist: (@Sendable (HostLedger, [ProfileFit], Double) -> Void)?
    /// The source's skipped-host totals, for `footprint_source_skipped_hosts_total`.
    private let skippedHosts: @Sendable () -> [ExporterStatus.SkippedHosts]

    /// - Parameters:
    ///   - ledger: counters handed over from the collector this one replaces (on reload), so a configuration
    ///     change never resets them.
    ///   - skippedHosts: the hosts the source left out so far, by reason (see `SkipCountingSource`).
    public init(
        configuration: Configuration,
        source: any NodeSource,
        carbon: CarbonIntensityService,
        clock: any WallClock,
        logger: Logger,
        ledger inherited: HostLedger? = nil,
        fits: [ProfileFit] = [],
        persist: (@Sendable (HostLedger, [ProfileFit], Double) -> Void)? = nil,
        skippedHosts: @escaping @Sendable () -> [ExporterStatus.SkippedHosts] = { [] }
    ) {
        self.persist = persist
        self.skippedHosts = skippedHosts
        self.configuration = configuration
        self.source = source
        self.carbon = carbon
        self.regions = RegionMapper(configuration: configuration)
        self.clock = clock
        self.logger = logger
        self.equivalencies = configuration.equivalencyTable
        var ledger =
            inherited
            ?? HostLedger(
                attributionLabels: configuration.attributionLabels, graceSeconds: configuration.hostGracePeriod)
        ledger.graceSeconds = configuration.hostGracePeriod
        let calibration = configuration.power.calibration
        let power = PowerCollection(
            calibration: CalibrationSettings(
                windowSeconds: calibration.window, minHosts: calibration.minHosts, apply: calibration.apply),
            restoredFits: fits)
        state = Mutex(
            State(ledger: ledger, prepared: SnapshotRenderer().prepare(ledger.snapshot()), power: power))
    }

    /// The number of successful collections so far.
    public var generation: Int { state.withLock { $0.generation } }

    /// The counters, for handing over to a replacement collector.
    public var ledger: HostLedger { state.withLock { $0.ledger } }

    /// The accepted profile fits in force, for handing over to a replacement collector.
    public var fitsInForce: [ProfileFit] { state.withLock { $0.power.fitsInForce } }

    /// Whether the first collection has finished, successfully or not.
    public var isReady: Bool { state.withLock { $0.attempted } }

    /// Reads the source once and integrates what it returned.
    public func collect() {
        // Start-up is over when the first collection begins: the code it ran once goes back to the kernel.
        if !state.withLock({ $0.attempted }) { ReleaseMemory.reclaimCodePages() }
        let started = clock.now()
        var result = Result { () throws(ReaderError) in try source.read(now: started, logger: logger) }
        let finished = clock.now()
        // Each host is charged its own region's intensity, looked up once per region per collection.
        var intensities: [String: GramsPerKilowattHour] = [:]
        for inForce in carbon.current() { intensities[inForce.region] = inForce.value }
        var tally = (integrated: 0, baseline: 0, noProgress: 0, skipped: 0)
        let wasUp = state.withLock { state -> Bool? in
            let previous = state.attempted ? state.up : nil
            state.attempted = true
            state.durationSeconds = max(finished - started, 0)
            switch result {
            case .success(let read):
                state.up = true
                state.errors += Double(read.failures)
                state.recordTargets(read.targets, logger: logger)
                state.power.begin(samples: read.samples)
                for reading in read.readings {
                    let profile = configuration.power.profile(for: reading.labels)
                    let region = regions.region(host: reading.host, labels: reading.labels)
                    let intensity = intensities[region] ?? carbon.current(region: region).value
                    let outcome = state.power.record(
                        reading, joinKey: HostJoin.nodeKey(of: reading), profile: profile, intensity: intensity,
                        region: region, into: &state.ledger, at: finished)
                    switch outcome {
                    case .integrated, .restarted: tally.integrated += 1
                    case .baseline: tally.baseline += 1
                    case .noProgress: tally.noProgress += 1
                    case .reset(let reason):
                        tally.skipped += 1
                        logger.info(
                            "host counters reset; interval skipped",
                            metadata: ["host": "\(reading.host)", "reason": "\(reason)"])
                    case .invalid:
                        tally.skipped += 1
                        logger.warning("host reading invalid; skipped", metadata: ["host": "\(reading.host)"])
                    }
                }
                state.ledger.finishCollection(hostsSeen: read.readings.count, at: finished)
                let profiles = [configuration.power.defaultProfile] + configuration.power.profiles.map(\.profile)
                state.recordFits(state.power.finish(configured: profiles, at: finished), logger: logger)
            case .failure:
                state.up = false
                state.errors += 1
            }
            return previous
        }
        // The readings are in the ledger now; held through the save, their labels would add to its peak.
        let hostsRead = (try? result.get())?.readings.count ?? 0
        if case .success(var read) = result {
            read.readings = []
            read.samples = []
            result = .success(read)
        }
        // Freed decode buffers go back to the system before the save allocates, so the two peaks do not add up.
        ReleaseMemory.now()
        if let persist, case .success = result {
            let (ledger, fits) = state.withLock { ($0.ledger, $0.power.fitsInForce) }
            persist(ledger, fits, finished)
            ReleaseMemory.now()
        }
        // Published after the save, so what `/metrics` shows is never ahead of the stored counters and their
        // usage history. Taken after it too: the snapshot and its escaped labels copy the fleet, and beside the
        // previous one (still serving scrapes) they would add to the save's peak. Only a collection changes the
        // ledger and collections run one at a time, so this is the state just saved.
        if case .success = result {
            let profiles = [configuration.power.defaultProfile] + configuration.power.profiles.map(\.profile)
            let snapshot = state.withLock { state in
                var snapshot = state.ledger.snapshot()
                snapshot.calibrations = state.power.calibrations(configured: profiles)
                return snapshot
            }
            let published = SnapshotRenderer().prepare(snapshot)
            state.withLock { state in
                state.prepared = published
                state.generation += 1
            }
        }
        switch result {
        case .success(let read):
            for skipped in read.skipped {
                logger.debug("host left out", metadata: ["host": "\(skipped.host)", "reason": "\(skipped.reason)"])
            }
            if wasUp == false { logger.notice("source recovered", metadata: ["source": "\(source.name)"]) }
            logger.debug(
                "collection finished",
                metadata: [
                    "source": "\(source.name)", "hosts": "\(hostsRead)", "integrated": "\(tally.integrated)",
                    "baseline": "\(tally.baseline)", "unchanged": "\(tally.noProgress)", "skipped": "\(tally.skipped)",
                    "duration_seconds": "\(finished - started)",
                ]
            )
        case .failure(let error):
            if wasUp != false {
                logger.error(
                    "source failed; serving the last state", metadata: ["source": "\(source.name)", "err": "\(error)"])
            } else {
                logger.debug("source still failing", metadata: ["source": "\(source.name)", "err": "\(error)"])
            }
        }
    }

    /// The latest state as an exposition.
    public func render(format: ExpositionFormat, reload: ExporterStatus.Reload? = nil) -> [UInt8] {
        let (prepared, status) = latest(reload: reload)
        let bytes = SnapshotRenderer().render(
            prepared, status: status, format: format, capacityHint: lastRenderSize.withLock { $0 })
        lastRenderSize.withLock { $0 = bytes.count }
        return bytes
    }

    /// The latest state as an exposition in blocks, with `trailer` before OpenMetrics' `# EOF`: for answers too
    /// large to hold whole.
    public func renderBlocks(
        format: ExpositionFormat, reload: ExporterStatus.Reload? = nil, trailer: [UInt8] = []
    ) -> ExpositionBlocks {
        let (prepared, status) = latest(reload: reload)
        return ExpositionBlocks(prepared, status: status, format: format, trailer: trailer)
    }

    /// The prepared snapshot and the exporter's status as they are now.
    private func latest(reload: ExporterStatus.Reload?) -> (SnapshotRenderer.Prepared, ExporterStatus) {
        let (prepared, sourceStatus, targets) = state.withLock { state in
            (
                state.prepared,
                ExporterStatus.Source(
                    name: source.name, up: state.up, durationSeconds: state.durationSeconds, errors: state.errors),
                state.targets
            )
        }
        let carbonStatus = carbon.sourceStatus()
        var sources = [sourceStatus]
        sources.append(
            ExporterStatus.Source(
                name: "carbon_intensity",
                up: carbonStatus.up,
                durationSeconds: carbonStatus.durationSeconds,
                errors: carbonStatus.errors
            )
        )
        var status = ExporterStatus(
            sources: sources,
            grids: carbon.current().map { inForce in
                ExporterStatus.Grid(
                    provider: inForce.provider,
                    region: inForce.region,
                    gramsPerKilowattHour: inForce.value.value,
                    ageSeconds: inForce.ageSeconds,
                    fallback: inForce.fallback
                )
            },
            version: BuildInfo.version,
            revision: BuildInfo.revision,
            equivalencies: equivalencies
        )
        status.targets = targets
        status.skippedHosts = skippedHosts()
        status.forecasts = carbon.forecastSummaries().map { summary in
            ExporterStatus.Forecast(
                provider: summary.provider, region: summary.region,
                minimumGramsPerKilowattHour: summary.minimum.value.value,
                minimumStart: summary.minimum.start, meanGramsPerKilowattHour: summary.mean.value)
        }
        status.reload = reload
        status.shard = configuration.shard
        return (prepared, status)
    }

    /// The latest snapshot, for tests and diagnostics.
    public var snapshot: Snapshot { state.withLock { $0.prepared.snapshot } }
}

extension Collector.State {
    /// Takes a cycle's target outcomes: counts each failure, and logs a target going down (with the reason, such
    /// as the broken rule and line of its exposition) or coming back once, not every cycle.
    mutating func recordTargets(_ outcomes: [TargetOutcome], logger: Logger) {
        var errors: [String: Double] = [:]
        var down: Set<String> = []
        for outcome in outcomes {
            errors[outcome.host] = (targetErrors[outcome.host] ?? 0) + (outcome.up ? 0 : 1)
            if outcome.up {
                if targetsDown.contains(outcome.host) {
                    logger.notice("target recovered", metadata: ["host": "\(outcome.host)"])
                }
            } else {
                down.insert(outcome.host)
                if !targetsDown.contains(outcome.host) {
                    logger.warning(
                        "target down", metadata: ["host": "\(outcome.host)", "reason": "\(outcome.error ?? "")"])
                }
            }
        }
        targetErrors = errors
        targetsDown = down
        targets = outcomes.map { outcome in
            ExporterStatus.Target(
                host: outcome.host, up: outcome.up, durationSeconds: outcome.durationSeconds,
                errors: errors[outcome.host] ?? 0)
        }
    }
}

extension Collector.State {
    /// Logs a profile's fit being rejected (with the reason and detail) or accepted again once per change, and each
    /// accepted fit at debug.
    mutating func recordFits(_ attempts: [ProfileFit], logger: Logger) {
        for fit in attempts {
            if let rejection = fit.rejection {
                let reason = "\(rejection)"
                if fitRejections[fit.profile] != reason {
                    logger.warning(
                        "power profile fit rejected; the fit in force, if any, stays",
                        metadata: ["profile": "\(fit.profile)", "reason": "\(reason)", "detail": "\(fit.detail)"])
                }
                fitRejections[fit.profile] = reason
            } else {
                let metadata: Logger.Metadata = [
                    "profile": "\(fit.profile)", "hosts": "\(fit.hosts)",
                    "error_ratio": "\(fit.errorRatio.map { "\($0)" } ?? "")",
                ]
                // The change back from a rejection is said once; each collection's fit is detail.
                if fitRejections.removeValue(forKey: fit.profile) != nil {
                    logger.notice("power profile fit accepted again", metadata: metadata)
                } else {
                    logger.debug("power profile fitted", metadata: metadata)
                }
            }
        }
    }
}
