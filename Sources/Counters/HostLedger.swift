import Model

/// The monotonic energy, emission and busy-time counters of every host, and the baselines they grow from.
///
/// Counters are kept per host and attribution: when a host's attribution labels change, energy from then on
/// goes to a new account and the old one keeps its final totals, so no project is charged for another's use
/// and nothing is counted twice. Accounts (and baselines) of hosts the source no longer lists are kept for
/// `graceSeconds`, so a host that comes back continues from its baseline; after that they are dropped.
///
/// A value type: the owner serialises access (the app keeps it behind a mutex).
public struct HostLedger: Sendable {
    /// Identity of one exported series set: the host, its attribution values and its grid region.
    public struct AccountKey: Hashable, Sendable, Comparable {
        public var host: String
        public var attribution: [String]
        public var gridRegion: String

        public init(host: String, attribution: [String], gridRegion: String) {
            self.host = host
            self.attribution = attribution
            self.gridRegion = gridRegion
        }

        public static func < (lhs: AccountKey, rhs: AccountKey) -> Bool {
            if lhs.host != rhs.host { return lhs.host < rhs.host }
            if lhs.attribution != rhs.attribution { return lhs.attribution.lexicographicallyPrecedes(rhs.attribution) }
            return lhs.gridRegion < rhs.gridRegion
        }
    }

    /// What recording one reading did, for logging and error counting.
    public enum Outcome: Sendable, Equatable {
        /// First reading of the host: a baseline, no energy yet.
        case baseline
        /// An interval was integrated.
        case integrated(Joules)
        /// The host restarted; the interval since its boot was integrated.
        case restarted(Joules)
        /// Nothing new since the last reading.
        case noProgress
        /// Counters or time went backwards; the reading became the new baseline without energy.
        case reset(reason: String)
        /// The reading had non-finite or impossible numbers and was skipped.
        case invalid
    }

    public let attributionLabels: [String]
    public var graceSeconds: Double
    private var accounts: [AccountKey: HostAccount] = [:]
    /// Restored accounts whose region was stored without one (or guessed at restore): the first reading of
    /// the host under the same attribution takes them over in whatever region it maps to.
    private var provisional: Set<AccountKey> = []
    private var baselines: [String: HostReading] = [:]
    private var hostsInLastCollection = 0
    private var lastCollection: Double?

    public init(attributionLabels: [String], graceSeconds: Double) {
        self.attributionLabels = attributionLabels
        self.graceSeconds = graceSeconds
    }

    /// Restores a ledger from saved accounts and baselines (the state store), so counters continue where a
    /// previous process left them and the gap since its last reading is integrated like any interval.
    ///
    /// - Parameter regionOfUnmapped: the region for an account saved without one (before regions existed):
    ///   the host's current mapping as far as its name and attribution tell. Such an account is provisional:
    ///   if the host's first reading maps it elsewhere (on a label that is not an attribution label), the
    ///   account moves there with its totals.
    public init(
        attributionLabels: [String], graceSeconds: Double, accounts: [HostAccount], baselines: [HostReading],
        regionOfUnmapped: (HostAccount) -> String = { _ in "" }
    ) {
        self.init(attributionLabels: attributionLabels, graceSeconds: graceSeconds)
        for var account in accounts {
            if account.gridRegion == nil {
                account.gridRegion = regionOfUnmapped(account)
                provisional.insert(Self.key(account))
            }
            self.accounts[Self.key(account)] = account
        }
        for baseline in baselines {
            self.baselines[baseline.host] = baseline
        }
    }

    /// Every account, sorted.
    public var allAccounts: [HostAccount] { Array(accountsInOrder) }

    /// Every baseline, sorted by host.
    public var allBaselines: [HostReading] { Array(baselinesInOrder) }

    /// Every account in key order, each read from the ledger as it is reached: saving a large fleet sorts its keys
    /// (40 bytes an account) instead of copying its accounts (over 200) once sorted and once again unwrapped.
    public var accountsInOrder: LazyMapSequence<[AccountKey], HostAccount> {
        let accounts = accounts
        return accounts.keys.sorted().lazy.map { accounts[$0]! }
    }

    /// Every baseline in host order, each read from the ledger as it is reached.
    public var baselinesInOrder: LazyMapSequence<[String], HostReading> {
        let baselines = baselines
        return baselines.keys.sorted().lazy.map { baselines[$0]! }
    }

    /// Forgets baselines older than `maxGap` before `now`: the next reading of such a host becomes a new
    /// baseline instead of integrating an interval that long.
    public mutating func dropBaselines(olderThan maxGap: Double, now: Double) -> [String] {
        let stale = baselines.filter { now - $0.value.timestamp > maxGap }.map(\.key).sorted()
        for host in stale { baselines[host] = nil }
        return stale
    }

    /// Integrates one reading into its host's counters.
    ///
    /// - Parameters:
    ///   - intensity: the grid intensity in force for the interval that ends with this reading.
    ///   - now: wall-clock time of the collection, for the grace period.
    @discardableResult
    public mutating func record(
        _ reading: HostReading,
        profile: PowerProfile,
        intensity: GramsPerKilowattHour,
        region: String = "",
        at now: Double
    ) -> Outcome {
        recordInterval(reading, profile: profile, intensity: intensity, region: region, at: now).outcome
    }

    /// Integrates one reading with measured power where the host has it (see `PowerFormula` for the
    /// precedence), and says what the interval was, so the caller can feed a `Calibrator`.
    ///
    /// Energy only ever grows: a host that gains or loses a measurement source between intervals changes its
    /// method, never its totals.
    /// - Parameters:
    ///   - measurement: the host's measured power over (about) the interval; nil when it has none.
    ///   - calibrated: the profile with fitted coefficients, when calibration applies to the host.
    @discardableResult
    public mutating func recordInterval(
        _ reading: HostReading,
        profile: PowerProfile,
        intensity: GramsPerKilowattHour,
        region: String = "",
        measurement: HostMeasurement? = nil,
        calibrated: PowerProfile? = nil,
        at now: Double
    ) -> (outcome: Outcome, interval: IntervalPower?) {
        guard reading.isValid else { return (.invalid, nil) }
        let key = accountKey(for: reading, region: region)
        if !provisional.isEmpty {
            let stored = provisional.filter { $0.host == key.host && $0.attribution == key.attribution }
            if accounts[key] == nil, let first = stored.first {
                // A restored account without a stored region continues in the region the host maps to now.
                accounts[key] = accounts.removeValue(forKey: first)
                accounts[key]?.gridRegion = region
            }
            provisional.subtract(stored)
        }
        var account =
            accounts[key]
            ?? HostAccount(
                host: reading.host,
                attribution: key.attribution,
                gridRegion: region,
                profileName: profile.name,
                cores: reading.cores,
                lastSeen: now
            )
        account.profileName = profile.name
        account.cores = reading.cores
        account.memoryActiveRatio = reading.memoryActiveRatio
        account.bootTime = reading.bootTime
        account.lastSeen = now

        // Integration needs only the numbers; dropping the labels keeps a large fleet's baselines small.
        var baseline = reading
        baseline.labels = [:]
        let outcome: Outcome
        var interval: IntervalPower?
        func integrate(_ duration: Double, _ idleRatio: Double) -> Joules {
            let estimate = PowerFormula.estimate(
                configured: profile, calibrated: calibrated, cores: reading.cores, idleRatio: idleRatio.clampedToUnit,
                memoryActiveRatio: reading.memoryActiveRatio ?? 0, measurement: measurement)
            interval = IntervalPower(duration: duration, idleRatio: idleRatio.clampedToUnit, estimate: estimate)
            return Self.add(duration, idleRatio, estimate, intensity, to: &account)
        }
        if let previous = baselines[reading.host] {
            switch Integration.step(from: previous, to: reading) {
            case .interval(let duration, let idleRatio):
                let energy = integrate(duration, idleRatio)
                let idle = max(reading.cpuIdleSeconds - previous.cpuIdleSeconds, 0)
                let total = max(reading.cpuTotalSeconds - previous.cpuTotalSeconds, idle)
                Self.addCPU(busy: total - idle, idle: idle, to: &account)
                baselines[reading.host] = baseline
                outcome = .integrated(energy)
            case .restarted(let duration, let idleRatio):
                let energy = integrate(duration, idleRatio)
                // The counters restarted from zero at boot: their values are the interval's deltas.
                let idle = max(reading.cpuIdleSeconds, 0)
                Self.addCPU(busy: max(reading.cpuTotalSeconds - idle, 0), idle: idle, to: &account)
                baselines[reading.host] = baseline
                outcome = .restarted(energy)
            case .noProgress:
                outcome = .noProgress
            case .reset(let reason):
                baselines[reading.host] = baseline
                outcome = .reset(reason: reason)
            }
        } else {
            baselines[reading.host] = baseline
            outcome = .baseline
        }
        accounts[key] = account
        return (outcome, interval)
    }

    /// Closes a collection: records how many hosts it listed and drops hosts unseen for longer than the grace.
    public mutating func finishCollection(hostsSeen: Int, at now: Double) {
        hostsInLastCollection = hostsSeen
        lastCollection = now
        let cutoff = now - graceSeconds
        // Removed in place: a filtered copy would hold a second fleet's worth of accounts beside the first.
        for key in accounts.compactMap({ $0.value.lastSeen < cutoff ? $0.key : nil }) { accounts[key] = nil }
        if !provisional.isEmpty { provisional = provisional.filter { accounts[$0] != nil } }
        let liveHosts = Set(accounts.keys.map(\.host))
        for host in baselines.keys.filter({ !liveHosts.contains($0) }) { baselines[host] = nil }
    }

    /// The counters as they stand. A failed collection calls neither `record` nor `finishCollection`: nothing
    /// is integrated and nothing expires, so an outage of the source neither loses energy (the next good
    /// reading covers the gap) nor drops hosts.
    public func snapshot() -> Snapshot {
        Snapshot(
            attributionLabels: attributionLabels,
            accounts: allAccounts,
            hostsInLastCollection: hostsInLastCollection,
            lastCollection: lastCollection
        )
    }

    private static func key(_ account: HostAccount) -> AccountKey {
        AccountKey(host: account.host, attribution: account.attribution, gridRegion: account.gridRegion ?? "")
    }

    /// The key of the account a reading is counted in.
    public func accountKey(for reading: HostReading, region: String = "") -> AccountKey {
        AccountKey(
            host: reading.host, attribution: attributionLabels.map { reading.labels[$0] ?? "" }, gridRegion: region)
    }

    /// One account's counters as they stand; nil before its first reading or after it expired.
    public func account(_ key: AccountKey) -> HostAccount? { accounts[key] }

    /// The current baseline of a host, for tests and diagnostics.
    public func baseline(of host: String) -> HostReading? { baselines[host] }

    private static func addCPU(busy: Double, idle: Double, to account: inout HostAccount) {
        account.cpuBusySeconds = account.cpuBusySeconds + Seconds(busy)
        account.cpuIdleSeconds = account.cpuIdleSeconds + Seconds(idle)
    }

    private static func add(
        _ duration: Double,
        _ idleRatio: Double,
        _ estimate: PowerEstimate,
        _ intensity: GramsPerKilowattHour,
        to account: inout HostAccount
    ) -> Joules {
        let idle = idleRatio.clampedToUnit
        let power = estimate.total
        let energy = power * Seconds(duration)
        precondition(energy.value >= 0 && energy.value.isFinite, "energy increments must be finite and non-negative")
        // The GPUs' part is split by their own utilisation; the rest (and GPUs without one) by the CPU's.
        let gpuEnergy = min(estimate.gpu, power) * Seconds(duration)
        let gpuBusyShare = estimate.gpuBusyRatio?.clampedToUnit ?? (1 - idle)
        let gpuBusy = gpuEnergy * gpuBusyShare
        let gpuIdle = gpuEnergy - gpuBusy
        let rest = energy - gpuEnergy
        let busyEnergy = rest * (1 - idle) + gpuBusy
        let idleEnergy = rest * idle + gpuIdle
        account.busyEnergy = account.busyEnergy + busyEnergy
        account.idleEnergy = account.idleEnergy + idleEnergy
        account.gpuBusyEnergy = account.gpuBusyEnergy + gpuBusy
        account.gpuIdleEnergy = account.gpuIdleEnergy + gpuIdle
        account.busyEmissions = account.busyEmissions + intensity * busyEnergy
        account.idleEmissions = account.idleEmissions + intensity * idleEnergy
        account.busySeconds = account.busySeconds + Seconds(duration * (1 - idle))
        account.power = power
        account.gpuPower = estimate.gpu > .zero || account.gpuPower != nil ? estimate.gpu : nil
        account.powerMethod = estimate.method
        account.idleRatio = idle
        return energy
    }
}
