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
/// - Time going backwards, or a gap longer than `maxGapSeconds`, makes a counter's value a new baseline.
///
/// A value type: the owner serialises access.
public struct MeasurementTracker: Sendable {
    public var maxGapSeconds: Double
    private var counters: [String: [Key: CounterBaseline]] = [:]
    private var gauged: Set<String> = []
    private var utilisation: [String: [String: Double]] = [:]

    public init(maxGapSeconds: Double = 900) {
        self.maxGapSeconds = maxGapSeconds
    }

    /// Takes a host's new sample and returns its measured power since the previous one; nil when nothing
    /// could be measured yet (a first sample of counters only).
    public mutating func update(_ sample: PowerSample) -> HostMeasurement? {
        // Fixed slots per domain, not dictionaries: this runs for every measured host of every collection.
        var counted = DomainSums()
        var gpuWatts: [String: Double] = [:]
        for counter in sample.counters {
            let key = Key(domain: counter.domain, id: counter.id)
            let time = counter.timestamp ?? sample.timestamp
            guard time.isFinite, counter.joules.isFinite, counter.joules >= 0 else { continue }
            // In place: copying a host's baselines out of the dictionary would copy them on every sample.
            let watts = Self.advance(
                &counters[sample.host, default: [:]][key], to: counter, at: time, maxGap: maxGapSeconds)
            guard let watts else { continue }
            if counter.domain == .gpu {
                gpuWatts[counter.id, default: 0] += watts
            } else {
                counted.add(watts, to: counter.domain)
            }
        }

        var gauged = DomainSums()
        if !sample.gauges.isEmpty { self.gauged.insert(sample.host) }
        for gauge in sample.gauges where gauge.watts.isFinite && gauge.watts >= 0 {
            if gauge.domain == .gpu {
                // A counter of the same GPU is exact over the interval: the gauge only stands in for it.
                if gpuWatts[gauge.id] == nil { gpuWatts[gauge.id] = gauge.watts }
            } else {
                gauged.add(gauge.watts, to: gauge.domain)
            }
        }
        // A domain with a counter uses it; its gauges only stand in where it has none.
        func watts(_ domain: PowerSample.Domain) -> Watts? { (counted[domain] ?? gauged[domain]).map(Watts.init) }
        var measurement = HostMeasurement(
            nodeWatts: watts(.node), packageWatts: watts(.raplPackage), dramWatts: watts(.raplDram),
            psysWatts: watts(.raplPsys))
        if !gpuWatts.isEmpty || !sample.gpuUtilisation.isEmpty || utilisation[sample.host] != nil {
            let usage = sample.gpuUtilisation.filter { $0.value.isFinite }
            if !gpuWatts.isEmpty {
                measurement.gpuWatts = Watts(gpuWatts.values.reduce(0, +))
                measurement.gpuBusyRatio = Self.busyRatio(gpuWatts, usage, utilisation[sample.host] ?? [:])
            }
            utilisation[sample.host] = usage.isEmpty ? nil : usage
        }
        return measurement.isEmpty ? nil : measurement
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
        counters = counters.filter { hosts.contains($0.key) }
        gauged = gauged.filter { hosts.contains($0) }
        utilisation = utilisation.filter { hosts.contains($0.key) }
    }

    /// Hosts with a baseline.
    public var hosts: [String] { Set(counters.keys).union(gauged).sorted() }

    /// Moves one counter's baseline to its new value; returns its power over the interval, if known.
    private static func advance(
        _ baseline: inout CounterBaseline?, to counter: PowerSample.Counter, at time: Double, maxGap: Double
    ) -> Double? {
        guard let old = baseline else {
            baseline = CounterBaseline(joules: counter.joules, time: time, watts: nil)
            return nil
        }
        if time == old.time { return old.watts }
        guard time > old.time, time - old.time <= maxGap else {
            baseline = CounterBaseline(joules: counter.joules, time: time, watts: nil)
            return nil
        }
        let joules = Self.energy(from: old.joules, to: counter.joules, wrap: counter.wrapJoules)
        let watts = joules / (time - old.time)
        baseline = CounterBaseline(joules: counter.joules, time: time, watts: watts)
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

    struct Key: Hashable {
        var domain: PowerSample.Domain
        var id: String
    }

    struct CounterBaseline {
        var joules: Double
        var time: Double
        var watts: Double?
    }
}
