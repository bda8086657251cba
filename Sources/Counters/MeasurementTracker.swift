import Model

/// Turns successive `PowerSample`s of each host into the average measured power between them.
///
/// - Energy counters give `Δ joules / Δ t`, each over its own sample times. A counter that went down wrapped
///   when the source knows its range (`wrapJoules`: the energy is `range − previous + current`); otherwise it
///   restarted from zero (a driver reload, or a wrap the source passes on raw, as node_exporter's RAPL collector
///   does) and the energy is the current value, as Prometheus' `increase()` reads it. Either way the interval
///   counts; it is not dropped.
/// - A counter not sampled again since the last collection (same time) keeps its last power: the exporter
///   behind it scrapes less often than the collection runs.
/// - A gauge's latest value stands for the interval, so `power = node_watts × pue` holds for the value read
///   (a BMC's DCMI figure is itself an average over its own sampling period). Averaging the interval's two ends
///   instead would smear a load change into the interval before it and bias the calibration's pairing.
/// - A GPU with an energy counter uses it; its power gauge only stands in when it has none.
/// - A counter scraped with the host's node reading (`scrapedWithReading`) takes the reading's sample time.
/// - Time going backwards, or a gap longer than `maxGapSeconds`, makes a counter's value a new baseline.
///
/// A value type: the owner serialises access.
public struct MeasurementTracker: Sendable {
    public var maxGapSeconds: Double
    // One entry per host, its first baseline in place and any others in a short array: a host has a few zones
    // and GPUs. In an array by host slot (`HostSlots`), in the order hosts first came.
    var slots: [HostState] = []
    private var index = HostSlots()
    /// Counts collections (`startCollection()`), so that `retainUpdated` knows which hosts this one updated.
    private(set) var generation = 0
    /// Hosts stamped with this generation: when that is all of them, `retainUpdated` has nothing to look at.
    private var stamped = 0
    /// This collection's samples, which staged hosts point into (`startCollection(filing:)`).
    var samples = PowerSamples()

    public init(maxGapSeconds: Double = 900) {
        self.maxGapSeconds = maxGapSeconds
    }

    /// Takes a host's new sample and returns its measured power since the previous one; nil when nothing
    /// could be measured yet (a first sample of counters only).
    ///
    /// - Parameter readingTime: the sample time of the host's node reading, the time of counters scraped with
    ///   it (`scrapedWithReading`); without it those counters are left out.
    public mutating func update(_ sample: PowerSample, readingTime: Double? = nil) -> HostMeasurement? {
        let slot = slotAdding(sample.host)
        let generation = self.generation
        let maxGap = maxGapSeconds
        // In place: a copy out of the array would copy the host's baselines on every sample.
        let (measurement, fresh) = Self.update(
            &slots[slot], SampleValues(sample), readingTime: readingTime, maxGap: maxGap, generation: generation)
        if fresh { stamped += 1 }
        return measurement
    }

    /// Updates one host's state; `fresh` when this is the state's first stamp of the collection.
    static func update(
        _ state: inout HostState, _ sample: SampleValues, readingTime: Double?, maxGap: Double, generation: Int
    ) -> (HostMeasurement?, fresh: Bool) {
        let fresh = state.generation != generation
        return (state.update(sample, readingTime: readingTime, maxGap: maxGap, generation: generation), fresh)
    }

    /// The slot of a host, if it has one.
    mutating func slot(of host: String) -> Int? { index.slot(of: host) }

    /// The slot of a host, adding one at first sight.
    mutating func slotAdding(_ host: String) -> Int {
        let slot = index.slotAdding(host)
        if slot == slots.count { slots.append(HostState(host: host)) }
        return slot
    }

    /// The slot of a host without moving the cursor.
    func existingSlot(of host: String) -> Int? { index.existingSlot(of: host) }

    /// Counts a state stamped for the first time this collection.
    mutating func countStamp() { stamped += 1 }

    /// One host's baselines, whether it ever had a gauge, and its GPUs' latest utilisation; and what this
    /// collection filed for it (`MeasurementTracker+Collection.swift`).
    struct HostState {
        let host: String
        /// The first counter's baseline in place, any others after it: most hosts have one counter, whose
        /// baseline is then read with the rest of the state, not from an array of its own.
        var firstBaseline: CounterBaseline?
        var moreBaselines: [CounterBaseline] = []
        var gauged = false
        var utilisation: [String: Double]?
        /// The collection that last updated or filed the host.
        var generation = 0
        /// The collection that last read the host without a sample for it.
        var readGeneration = 0
        /// The position of this collection's sample in the tracker's `samples`, when it waits for the host's
        /// reading (and is not `pending`).
        var staged: Int?
        /// This collection's sample in place, when it is one counter waiting for the host's reading and gauges.
        var pending: PendingSample?
        /// This collection's measurement, once known.
        var current: HostMeasurement?

        mutating func update(
            _ sample: SampleValues, readingTime: Double?, maxGap: Double, generation: Int
        ) -> HostMeasurement? {
            self.generation = generation
            pending = nil
            // Fixed slots per domain, not dictionaries: this runs for every measured host of every collection.
            var counted = DomainSums()
            var gpuWatts: [String: Double] = [:]
            for counter in sample.counters {
                let time = counter.scrapedWithReading ? readingTime : counter.timestamp ?? sample.timestamp
                guard let time, time.isFinite, counter.joules.isFinite, counter.joules >= 0,
                    let watts = advanceBaseline(of: counter, at: time, maxGap: maxGap)
                else { continue }
                if counter.domain == .gpu {
                    gpuWatts[counter.id, default: 0] += watts
                } else {
                    counted.add(watts, to: counter.domain)
                }
            }

            var gauged = DomainSums()
            if !sample.gauges.isEmpty { self.gauged = true }
            for gauge in sample.gauges where gauge.watts.isFinite && gauge.watts >= 0 {
                if gauge.domain == .gpu {
                    // A counter of the same GPU is exact over the interval: the gauge only stands in for it.
                    if gpuWatts[gauge.id] == nil { gpuWatts[gauge.id] = gauge.watts }
                } else {
                    gauged.add(gauge.watts, to: gauge.domain)
                }
            }
            var measurement = Self.measurement(counted: counted, gauged: gauged)
            if !gpuWatts.isEmpty || !sample.gpuUtilisation.isEmpty || utilisation != nil {
                let usage = sample.gpuUtilisation.filter { $0.value.isFinite }
                if !gpuWatts.isEmpty {
                    measurement.gpuWatts = Watts(gpuWatts.values.reduce(0, +))
                    measurement.gpuBusyRatio = MeasurementTracker.busyRatio(gpuWatts, usage, utilisation ?? [:])
                }
                utilisation = usage.isEmpty ? nil : usage
            }
            return measurement.isEmpty ? nil : measurement
        }

        /// A domain with a counter uses it; its gauges only stand in where it has none.
        static func measurement(counted: DomainSums, gauged: DomainSums) -> HostMeasurement {
            func watts(_ domain: PowerSample.Domain) -> Watts? {
                (counted[domain] ?? gauged[domain]).map(Watts.init)
            }
            return HostMeasurement(
                nodeWatts: watts(.node), packageWatts: watts(.raplPackage), dramWatts: watts(.raplDram),
                psysWatts: watts(.raplPsys))
        }

        /// Moves the baseline of a counter (its domain and id) to its new value, adding it at first sight;
        /// returns the counter's power over the interval, if known.
        mutating func advanceBaseline(of counter: PowerSample.Counter, at time: Double, maxGap: Double) -> Double? {
            if firstBaseline?.domain == counter.domain && firstBaseline?.id == counter.id {
                return MeasurementTracker.advance(
                    &firstBaseline!, joules: counter.joules, wrap: counter.wrapJoules, at: time, maxGap: maxGap)
            }
            if let slot = moreBaselines.firstIndex(where: { $0.domain == counter.domain && $0.id == counter.id }) {
                return MeasurementTracker.advance(
                    &moreBaselines[slot], joules: counter.joules, wrap: counter.wrapJoules, at: time, maxGap: maxGap)
            }
            let baseline = CounterBaseline(domain: counter.domain, id: counter.id, joules: counter.joules, time: time)
            if firstBaseline == nil { firstBaseline = baseline } else { moreBaselines.append(baseline) }
            return nil
        }

        /// Whether the host has a baseline (a counter or a gauge seen).
        var hasBaseline: Bool { firstBaseline != nil || gauged }
    }

    /// One host's values of a sample, read where they are kept (a `PowerSample`, or a host's ranges in
    /// `PowerSamples`) without copying them out.
    struct SampleValues {
        var timestamp: Double
        var counters: ArraySlice<PowerSample.Counter>
        var gauges: ArraySlice<PowerSample.Gauge>
        var gpuUtilisation: [String: Double]

        init(_ sample: PowerSample) {
            timestamp = sample.timestamp
            counters = sample.counters[...]
            gauges = sample.gauges[...]
            gpuUtilisation = sample.gpuUtilisation
        }

        init(_ samples: PowerSamples, at position: Int) {
            timestamp = samples.timestamps[position]
            counters = samples.counters(at: position)
            gauges = samples.gauges(at: position)
            gpuUtilisation = samples.gpuUtilisation(at: position)
        }
    }

    /// Watts per measured domain other than GPUs; nil for a domain nothing reported.
    struct DomainSums {
        private var node: Double?
        private var package: Double?
        private var dram: Double?
        private var psys: Double?

        mutating func add(_ watts: Double, to domain: PowerSample.Domain) {
            switch domain {
            case .node: node = (node ?? 0) + watts
            case .raplPackage: package = (package ?? 0) + watts
            case .raplDram: dram = (dram ?? 0) + watts
            case .raplPsys: psys = (psys ?? 0) + watts
            case .gpu: break
            }
        }

        subscript(domain: PowerSample.Domain) -> Double? {
            switch domain {
            case .node: node
            case .raplPackage: package
            case .raplDram: dram
            case .raplPsys: psys
            case .gpu: nil
            }
        }
    }

    /// Forgets hosts not in `hosts` (gone from the fleet), so memory follows the fleet.
    public mutating func retain(hosts: Set<String>) {
        forget { !hosts.contains($0.host) }
    }

    /// Starts a collection: hosts updated from now on count as seen by `retainUpdated()`.
    public mutating func startCollection() {
        generation &+= 1
        stamped = 0
    }

    /// Forgets hosts neither updated nor read since `startCollection()`: a host read but not measured this time
    /// keeps its baselines.
    public mutating func retainUpdated() {
        guard stamped < slots.count else { return }
        let generation = self.generation
        forget { $0.generation != generation && $0.readGeneration != generation }
    }

    private mutating func forget(where gone: (HostState) -> Bool) {
        let generation = self.generation
        let leaving = slots.filter(gone)
        guard !leaving.isEmpty else { return }
        stamped -= leaving.count { $0.generation == generation }
        let kept = slots.indices.filter { !gone(slots[$0]) }
        slots = kept.map { slots[$0] }
        index.keep(kept)
    }

    /// Hosts with a baseline.
    public var hosts: [String] { slots.filter(\.hasBaseline).map(\.host).sorted() }

    /// Moves one counter's baseline to its new value; returns its power over the interval, if known.
    static func advance(
        _ baseline: inout CounterBaseline, joules value: Double, wrap: Double?, at time: Double, maxGap: Double
    ) -> Double? {
        let old = baseline
        if time == old.time { return old.watts }
        guard time > old.time, time - old.time <= maxGap else {
            baseline.joules = value
            baseline.time = time
            baseline.watts = nil
            return nil
        }
        let joules = Self.energy(from: old.joules, to: value, wrap: wrap)
        let watts = joules / (time - old.time)
        baseline.joules = value
        baseline.time = time
        baseline.watts = watts
        return watts
    }

    /// Joules between two values of one counter (both finite and non-negative).
    static func energy(from old: Double, to new: Double, wrap: Double?) -> Double {
        if new >= old { return new - old }
        if let wrap, wrap.isFinite, wrap >= old { return wrap - old + new }
        return new
    }

    /// The GPUs' busy share weighted by their power (plain mean where they drew nothing); nil without any
    /// utilisation.
    static func busyRatio(_ watts: [String: Double], _ now: [String: Double], _ before: [String: Double]) -> Double? {
        var weighted = 0.0
        var weights = 0.0
        var plain: [Double] = []
        for (id, power) in watts {
            guard let current = now[id] else { continue }
            let utilisation = (before[id].map { ($0 + current) / 2 } ?? current).clampedToUnit
            weighted += power * utilisation
            weights += power
            plain.append(utilisation)
        }
        if plain.isEmpty { return nil }
        return weights > 0 ? weighted / weights : plain.reduce(0, +) / Double(plain.count)
    }

    /// The last value of one counter of a host (its domain and id), when it was sampled, and its last power.
    struct CounterBaseline {
        var domain: PowerSample.Domain
        var id: String
        var joules: Double
        var time: Double
        var watts: Double? = nil
    }
}
