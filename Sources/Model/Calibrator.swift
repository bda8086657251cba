/// Fits each power profile's coefficients to the whole-node measurements of its hosts over a rolling window.
///
/// Every paired interval (a host's CPU reading and its measured node watts over the same interval) is one
/// observation of `node_watts − ram_watts × memory_active = idle × cores × r + max × cores × (1 − r) + other`,
/// with `r` the idle share of CPU time, weighted by the interval's duration. The fit is ordinary weighted least
/// squares on those observations; only their sums are kept, per time slice, so memory does not grow with the
/// window or the fleet (beyond one entry per measured host). The memory term is taken as configured.
///
/// A meter is read at an instant (the end of the interval) while the CPU share is the interval's average, so an
/// interval across a load change pairs the old load with the new draw (or the reverse, one interval later). Such
/// pairs are not noise but bias: they flatten the fitted slope. An observation's weight is therefore its duration
/// divided by `1 + (change / steadyChange)²`, where `change` is how far the host's busy share or relative meter
/// reading moved since its previous observation: a steady interval counts fully, one across a step change of
/// half the cores almost not at all. Exact pairs fit exactly whatever their weights, so this costs nothing when
/// the load is steady.
///
/// The fit in force for a profile is its latest accepted one; a rejected attempt leaves it in place, so a
/// restart (which empties the window) keeps a fit restored from the state store.
///
/// A value type: the owner feeds it each collection and serialises access.
public struct Calibrator: Sendable {
    public let settings: CalibrationSettings
    // By profile, in the order profiles first came, with the last one used tried first: every interval of a
    // collection names a profile, nearly always the one before it, and that spares hashing its name each time.
    private var windows: [ProfileWindow] = []
    private var windowOfProfile: [String: Int] = [:]
    private var lastWindow: (profile: String, index: Int)?
    private var inForce: [String: ProfileFit] = [:]
    private var attempts: [String: ProfileFit] = [:]
    /// Each measured host's previous observation, which tells a steady interval from one across a load change;
    /// by host slot, which is how windows name hosts.
    private var observed: [(busyShare: Double, nodeWatts: Double, time: Double)?] = []
    private var slots = HostSlots()

    /// The change of busy share (or relative change of the meter reading) at which an interval weighs half.
    public static let steadyChange = 0.05

    /// - Parameter restored: accepted fits saved by an earlier run; they stay in force until replaced.
    public init(settings: CalibrationSettings, restored: [ProfileFit] = []) {
        self.settings = settings
        for fit in restored where fit.isAccepted { inForce[fit.profile] = fit }
    }

    /// Adds one paired interval of a whole-node-measured host. Invalid numbers are ignored.
    /// - Parameters:
    ///   - nodeWatts: the meter's average over the interval, before PUE.
    ///   - duration: the interval's length in seconds, its weight in the fit.
    ///   - time: the interval's end, Unix seconds, which places it in the window.
    public mutating func add(
        profile: PowerProfile, host: String, cores: Double, idleRatio: Double, memoryActiveRatio: Double,
        nodeWatts: Watts, duration: Double, at time: Double
    ) {
        // Summed, not listed: a non-finite number makes the sum non-finite, without an array per interval.
        let numbers = cores + idleRatio + memoryActiveRatio + nodeWatts.value + duration + time
        guard numbers.isFinite, cores > 0, duration > 0, nodeWatts.value >= 0 else { return }
        let idle = idleRatio.clampedToUnit
        let target = nodeWatts.value - profile.ramWatts * memoryActiveRatio.clampedToUnit
        let slice = Int((time / sliceSeconds).rounded(.down))
        let slot = slots.slotAdding(host)
        if slot == observed.count { observed.append(nil) }
        let change = Self.replace(&observed[slot], with: (1 - idle, nodeWatts.value, time))
        let steadiness = 1 / (1 + (change / Self.steadyChange) * (change / Self.steadyChange))
        windows[window(of: profile.name)].add(
            features: (cores * idle, cores * (1 - idle), 1), target: target, nodeWatts: nodeWatts.value,
            busyShare: 1 - idle, cores: cores, host: slot, weight: duration * steadiness, slice: slice, time: time)
    }

    /// The index of a profile's window, adding an empty one at first sight.
    private mutating func window(of profile: String) -> Int {
        if let lastWindow, lastWindow.profile == profile { return lastWindow.index }
        let index: Int
        if let known = windowOfProfile[profile] {
            index = known
        } else {
            index = windows.count
            windows.append(ProfileWindow(profile: profile))
            windowOfProfile[profile] = index
        }
        lastWindow = (profile, index)
        return index
    }

    /// The window of a profile, if it has observations.
    private func window(named profile: String) -> ProfileWindow? {
        windowOfProfile[profile].map { windows[$0] }
    }

    /// Forgets hosts with neither a previous observation nor a place in a window, renumbering the others.
    private mutating func compact() {
        guard observed.contains(where: { $0 == nil }) else { return }
        let kept = observed.indices.filter { slot in
            observed[slot] != nil || windows.contains { $0.hasHost(slot) }
        }
        guard kept.count < observed.count else { return }
        observed = kept.map { observed[$0] }
        slots.keep(kept)
        for index in windows.indices { windows[index].keepHosts(kept) }
    }

    /// How far a host's busy share or relative meter reading moved since its previous observation (0 without
    /// one), which `observation` then replaces: one lookup per interval.
    private static func replace(
        _ last: inout (busyShare: Double, nodeWatts: Double, time: Double)?,
        with observation: (busyShare: Double, nodeWatts: Double, time: Double)
    ) -> Double {
        var change = 0.0
        if let last, last.time < observation.time {
            let meterChange = abs(observation.nodeWatts - last.nodeWatts) / max(last.nodeWatts, 1)
            change = max(abs(observation.busyShare - last.busyShare), meterChange)
        }
        last = observation
        return change
    }

    /// Drops what fell out of the window and fits every profile that has observations (or a fit in force).
    ///
    /// - Parameter configured: the configured profiles, by which fits are named and whose idle coefficient is
    ///   kept when it cannot be fitted.
    /// - Returns: this attempt's outcome per profile, sorted by profile name, for logging.
    @discardableResult
    public mutating func refit(configured: [PowerProfile], at now: Double) -> [ProfileFit] {
        let oldestSlice = Int(((now - settings.windowSeconds) / sliceSeconds).rounded(.down))
        for index in windows.indices {
            windows[index].prune(olderThanSlice: oldestSlice, time: now - settings.windowSeconds)
        }
        if windows.contains(where: \.isEmpty) {
            windows.removeAll(where: \.isEmpty)
            windowOfProfile = Dictionary(uniqueKeysWithValues: windows.indices.map { (windows[$0].profile, $0) })
        }
        lastWindow = nil
        for slot in observed.indices where (observed[slot]?.time ?? .infinity) < now - settings.windowSeconds {
            observed[slot] = nil
        }
        compact()
        var outcomes: [ProfileFit] = []
        for profile in configured {
            guard let window = window(named: profile.name) else {
                attempts[profile.name] = nil
                continue
            }
            let fit = Self.fit(window, profile: profile, settings: settings, at: now)
            attempts[profile.name] = fit
            if fit.isAccepted { inForce[profile.name] = fit }
            outcomes.append(fit)
        }
        return outcomes.sorted { $0.profile < $1.profile }
    }

    /// The profile an unmeasured host of `configured` uses: the fit in force when calibration applies, else nil
    /// (the configured profile stays).
    public func calibratedProfile(for configured: PowerProfile) -> PowerProfile? {
        guard settings.apply, let fit = inForce[configured.name] else { return nil }
        return fit.applied(to: configured)
    }

    /// The accepted fit in force per profile, sorted by profile, for saving and exposition.
    public var fitsInForce: [ProfileFit] { inForce.values.sorted { $0.profile < $1.profile } }

    /// The latest attempt of a profile, accepted or not; nil when its window is empty.
    public func latestAttempt(of profile: String) -> ProfileFit? { attempts[profile] }

    /// Each configured profile's coefficients, fit in force and latest attempt, for exposition.
    public func calibrations(configured: [PowerProfile]) -> [ProfileCalibration] {
        configured.sorted { $0.name < $1.name }.map {
            ProfileCalibration(configured: $0, fitInForce: inForce[$0.name], latestAttempt: attempts[$0.name])
        }
    }

    private var sliceSeconds: Double { max(settings.windowSeconds / Double(max(settings.slices, 1)), 1) }

    static func fit(
        _ window: ProfileWindow, profile: PowerProfile, settings: CalibrationSettings, at now: Double
    ) -> ProfileFit {
        let sums = window.total
        var fit = ProfileFit(
            profile: profile.name, cpuIdleWattsPerCore: profile.cpuIdleWattsPerCore,
            cpuWattsPerCore: profile.cpuWattsPerCore, otherWatts: profile.otherWatts, idleFitted: false,
            hosts: window.hostCount, intervals: sums.count, errorRatio: nil, fittedAt: now)
        guard window.hostCount >= settings.minHosts else {
            fit.rejection = .tooFewHosts
            fit.detail = "\(window.hostCount) measured hosts, at least \(settings.minHosts) needed"
            return fit
        }
        let loadSpread = sums.standardDeviation(sum: sums.busyShare, squares: sums.busyShareSquares)
        guard loadSpread >= settings.minLoadSpread else {
            fit.rejection = .tooLittleLoadSpread
            fit.detail = "busy share varies by \(loadSpread), at least \(settings.minLoadSpread) needed"
            return fit
        }
        let meanCores = sums.cores / sums.equations.weight
        let coreSpread = sums.standardDeviation(sum: sums.cores, squares: sums.coresSquares)
        // With one core count, idle watts per core and other watts are the same column: keep the former.
        let fitIdle = coreSpread > 0.01 * meanCores
        let fixed = fitIdle ? [:] : [0: profile.cpuIdleWattsPerCore]
        guard let beta = sums.equations.solve(fixed: fixed) else {
            fit.rejection = .tooLittleLoadSpread
            fit.detail = "the intervals do not determine the coefficients"
            return fit
        }
        fit.cpuIdleWattsPerCore = beta[0]
        fit.cpuWattsPerCore = beta[1]
        fit.otherWatts = beta[2]
        fit.idleFitted = fitIdle
        let meanNode = sums.nodeWatts / sums.equations.weight
        let rms = (sums.equations.residualSquares(beta) / sums.equations.weight).squareRoot()
        fit.errorRatio = meanNode > 0 ? rms / meanNode : nil
        let physical =
            beta.allSatisfy(\.isFinite) && beta[0] >= 0 && beta[1] >= beta[0] && beta[2] >= 0
            && beta[1] <= settings.maxWattsPerCore
        if !physical {
            fit.rejection = .nonPhysical
            fit.detail =
                "cpu_idle_watts_per_core \(beta[0]), cpu_watts_per_core \(beta[1]), other_watts \(beta[2])"
        }
        return fit
    }
}

/// One configured profile with its calibration state, as exposed.
public struct ProfileCalibration: Sendable, Equatable {
    public var configured: PowerProfile
    /// The accepted fit unmeasured hosts use (when calibration applies).
    public var fitInForce: ProfileFit?
    /// The latest attempt, accepted or rejected.
    public var latestAttempt: ProfileFit?

    public init(configured: PowerProfile, fitInForce: ProfileFit?, latestAttempt: ProfileFit?) {
        self.configured = configured
        self.fitInForce = fitInForce
        self.latestAttempt = latestAttempt
    }
}

/// The observations of one profile in the window, as sums per time slice.
struct ProfileWindow: Sendable {
    struct Sums: Sendable {
        var equations = NormalEquations()
        var count = 0
        var busyShare = 0.0
        var busyShareSquares = 0.0
        var cores = 0.0
        var coresSquares = 0.0
        var nodeWatts = 0.0

        mutating func add(
            _ features: NormalEquations.Features, _ target: Double, nodeWatts: Double, busyShare: Double, cores: Double,
            weight: Double
        ) {
            equations.add(features, target, weight: weight)
            count += 1
            self.busyShare += weight * busyShare
            busyShareSquares += weight * busyShare * busyShare
            self.cores += weight * cores
            coresSquares += weight * cores * cores
            self.nodeWatts += weight * nodeWatts
        }

        mutating func merge(_ other: Sums) {
            equations.merge(other.equations)
            count += other.count
            busyShare += other.busyShare
            busyShareSquares += other.busyShareSquares
            cores += other.cores
            coresSquares += other.coresSquares
            nodeWatts += other.nodeWatts
        }

        /// Weighted standard deviation from a weighted sum and sum of squares.
        func standardDeviation(sum: Double, squares: Double) -> Double {
            guard equations.weight > 0 else { return 0 }
            let mean = sum / equations.weight
            return max(squares / equations.weight - mean * mean, 0).squareRoot()
        }
    }

    let profile: String
    /// Sums per time slice, oldest first. Intervals come in time order, so theirs is nearly always the last slice
    /// or the one before (hosts read either side of a slice's end): looked for from the end, not hashed.
    private(set) var slices: [(slice: Int, sums: Sums)] = []
    /// Each host's latest observation time, by its slot in the calibrator; −∞ for a host with none in the window.
    private var latest: [Double] = []
    /// Hosts with an observation in the window.
    private(set) var hostCount = 0

    init(profile: String) { self.profile = profile }

    var isEmpty: Bool { slices.isEmpty }

    var total: Sums { slices.reduce(into: Sums()) { $0.merge($1.sums) } }

    /// Whether the host in `slot` has an observation in the window.
    func hasHost(_ slot: Int) -> Bool { slot < latest.count && latest[slot] > -.infinity }

    mutating func add(
        features: NormalEquations.Features, target: Double, nodeWatts: Double, busyShare: Double, cores: Double,
        host: Int,
        weight: Double, slice: Int, time: Double
    ) {
        // Mutated in place: a copy out of the array would copy the sums' arrays on every observation.
        slices[position(of: slice)].sums.add(
            features, target, nodeWatts: nodeWatts, busyShare: busyShare, cores: cores, weight: weight)
        if host >= latest.count { latest.append(contentsOf: repeatElement(-.infinity, count: host + 1 - latest.count)) }
        if latest[host] == -.infinity { hostCount += 1 }
        latest[host] = max(latest[host], time)
    }

    /// The position of a slice's sums, inserted in order at first sight.
    private mutating func position(of slice: Int) -> Int {
        var position = slices.count
        while position > 0, slices[position - 1].slice > slice { position -= 1 }
        if position > 0, slices[position - 1].slice == slice { return position - 1 }
        slices.insert((slice, Sums()), at: position)
        return position
    }

    /// Keeps only the hosts in `slots` (ascending), numbered again from 0 in that order, as the calibrator does.
    mutating func keepHosts(_ slots: [Int]) {
        latest = slots.map { $0 < latest.count ? latest[$0] : -.infinity }
        hostCount = latest.count { $0 > -.infinity }
    }

    mutating func prune(olderThanSlice oldest: Int, time: Double) {
        slices.removeAll { $0.slice < oldest }
        for slot in latest.indices where latest[slot] > -.infinity && latest[slot] < time {
            latest[slot] = -.infinity
            hostCount -= 1
        }
    }
}
