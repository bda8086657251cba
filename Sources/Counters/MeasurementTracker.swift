import Model

/// Turns successive `PowerSample`s of each host into the average measured power between them.
///
/// - Energy counters give `Δ joules / Δ t`. A counter that went down wrapped when the source knows its range
///   (`wrapJoules`: the energy is `range − previous + current`); otherwise it restarted from zero (a driver
///   reload, or a wrap the source passes on raw, as node_exporter's RAPL collector does) and the energy is the
///   current value, as Prometheus' `increase()` reads it. Either way the interval counts, it is not dropped.
/// - Gauges give the mean of the interval's two ends (the latest value where there is no earlier one).
/// - A GPU with an energy counter uses it; its power gauge only stands in when it has none.
/// - A sample with nothing new (same time) repeats the host's last measurement; time going backwards, or a
///   gap longer than `maxGapSeconds`, makes the sample a new baseline (gauges still count).
///
/// A value type: the owner serialises access.
public struct MeasurementTracker: Sendable {
    public var maxGapSeconds: Double
    private var previous: [String: PowerSample] = [:]
    private var latest: [String: HostMeasurement] = [:]

    public init(maxGapSeconds: Double = 900) {
        self.maxGapSeconds = maxGapSeconds
    }

    /// Takes a host's new sample and returns its measured power since the previous one; nil when nothing
    /// could be measured yet (a first sample of counters only).
    public mutating func update(_ sample: PowerSample) -> HostMeasurement? {
        guard sample.timestamp.isFinite else { return latest[sample.host] }
        let before = previous[sample.host]
        if let before, sample.timestamp == before.timestamp { return latest[sample.host] }
        var baseline: PowerSample?
        if let before, sample.timestamp > before.timestamp, sample.timestamp - before.timestamp <= maxGapSeconds {
            baseline = before
        }
        previous[sample.host] = sample
        let measurement = Self.measure(sample, since: baseline)
        latest[sample.host] = measurement
        return measurement
    }

    /// Forgets hosts not in `hosts` (gone from the fleet), so memory follows the fleet.
    public mutating func retain(hosts: Set<String>) {
        previous = previous.filter { hosts.contains($0.key) }
        latest = latest.filter { hosts.contains($0.key) }
    }

    /// Hosts with a baseline.
    public var hosts: [String] { previous.keys.sorted() }

    static func measure(_ sample: PowerSample, since baseline: PowerSample?) -> HostMeasurement? {
        var byDomain: [PowerSample.Domain: Double] = [:]
        var gpuWatts: [String: Double] = [:]
        if let baseline {
            let duration = sample.timestamp - baseline.timestamp
            var earlier: [CounterKey: PowerSample.Counter] = [:]
            for counter in baseline.counters { earlier[CounterKey(counter)] = counter }
            for counter in sample.counters {
                guard let old = earlier[CounterKey(counter)], let joules = energy(from: old, to: counter) else {
                    continue
                }
                let watts = joules / duration
                if counter.domain == .gpu {
                    gpuWatts[counter.id, default: 0] += watts
                } else {
                    byDomain[counter.domain, default: 0] += watts
                }
            }
        }
        var gaugeByDomain: [PowerSample.Domain: Double] = [:]
        var earlierGauges: [CounterKey: Double] = [:]
        for gauge in baseline?.gauges ?? [] where gauge.watts.isFinite {
            earlierGauges[CounterKey(domain: gauge.domain, id: gauge.id)] = gauge.watts
        }
        for gauge in sample.gauges where gauge.watts.isFinite && gauge.watts >= 0 {
            let old = earlierGauges[CounterKey(domain: gauge.domain, id: gauge.id)]
            let watts = old.map { ($0 + gauge.watts) / 2 } ?? gauge.watts
            if gauge.domain == .gpu {
                // A counter of the same GPU is exact over the interval: the gauge only stands in for it.
                if gpuWatts[gauge.id] == nil { gpuWatts[gauge.id] = watts }
            } else if byDomain[gauge.domain] == nil {
                gaugeByDomain[gauge.domain, default: 0] += watts
            }
        }
        byDomain.merge(gaugeByDomain) { counted, _ in counted }
        var measurement = HostMeasurement(
            nodeWatts: byDomain[.node].map(Watts.init),
            packageWatts: byDomain[.raplPackage].map(Watts.init),
            dramWatts: byDomain[.raplDram].map(Watts.init),
            psysWatts: byDomain[.raplPsys].map(Watts.init)
        )
        if !gpuWatts.isEmpty {
            let total = gpuWatts.values.reduce(0, +)
            measurement.gpuWatts = Watts(total)
            measurement.gpuBusyRatio = busyRatio(gpuWatts, sample.gpuUtilisation, baseline?.gpuUtilisation ?? [:])
        }
        return measurement.isEmpty ? nil : measurement
    }

    /// Joules between two values of one counter; nil for a non-finite or negative value.
    static func energy(from old: PowerSample.Counter, to new: PowerSample.Counter) -> Double? {
        guard old.joules.isFinite, new.joules.isFinite, old.joules >= 0, new.joules >= 0 else { return nil }
        if new.joules >= old.joules { return new.joules - old.joules }
        if let range = new.wrapJoules, range.isFinite, range >= old.joules { return range - old.joules + new.joules }
        return new.joules
    }

    /// The GPUs' busy share weighted by their power (plain mean where they drew nothing); nil without any
    /// utilisation.
    static func busyRatio(_ watts: [String: Double], _ now: [String: Double], _ before: [String: Double]) -> Double? {
        var weighted = 0.0
        var weights = 0.0
        var plain: [Double] = []
        for (id, power) in watts {
            guard let current = now[id], current.isFinite else { continue }
            let utilisation = (before[id].map { ($0 + current) / 2 } ?? current).clampedToUnit
            weighted += power * utilisation
            weights += power
            plain.append(utilisation)
        }
        if plain.isEmpty { return nil }
        return weights > 0 ? weighted / weights : plain.reduce(0, +) / Double(plain.count)
    }

    struct CounterKey: Hashable {
        var domain: PowerSample.Domain
        var id: String

        init(domain: PowerSample.Domain, id: String) {
            self.domain = domain
            self.id = id
        }

        init(_ counter: PowerSample.Counter) {
            self.init(domain: counter.domain, id: counter.id)
        }
    }
}
