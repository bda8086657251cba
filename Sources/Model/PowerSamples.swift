/// One collection's measured samples of many hosts, stored flat: one array of counters and one of gauges for all
/// hosts, each host owning a range of them, instead of two arrays per host.
///
/// A bridge collection of 10,000 measured hosts builds and frees 20,000 arrays less this way; in the benchmark that
/// was most of the time spent turning the answers into samples (6.1 ms of per-host arrays against 0.3 ms flat).
/// Reading a host's values (`counters(at:)`, `gauges(at:)`) copies nothing; an element (`self[i]`) is a
/// `PowerSample` built on demand, for code that wants one host's sample as a value.
public struct PowerSamples: Sendable, Equatable, RandomAccessCollection, ExpressibleByArrayLiteral {
    /// The join key of each host, by position.
    public private(set) var hosts: [String] = []
    /// Each host's sample time, Unix seconds.
    public private(set) var timestamps: [Double] = []
    /// The end of each host's range in `allCounters` (its start is the previous host's end).
    private var counterEnds: [Int] = []
    private var gaugeEnds: [Int] = []
    private var allCounters: [PowerSample.Counter] = []
    private var allGauges: [PowerSample.Gauge] = []
    /// Each host's GPU utilisation by GPU id; empty for most hosts.
    private var utilisation: [[String: Double]] = []
    /// Whether the hosts are sorted without repeats, as the bridge reader delivers them; kept as hosts are added
    /// rather than checked again by comparing thousands of names.
    public private(set) var isSortedByHost = true

    public init() {}

    public init(_ samples: some Sequence<PowerSample>) {
        for sample in samples { append(sample) }
    }

    public init(arrayLiteral samples: PowerSample...) {
        self.init(samples)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { hosts.count }

    /// The sample of the host at `position`, as a value of its own.
    public subscript(position: Int) -> PowerSample {
        PowerSample(
            host: hosts[position], timestamp: timestamps[position], counters: Array(counters(at: position)),
            gauges: Array(gauges(at: position)), gpuUtilisation: utilisation[position])
    }

    /// The counters of the host at `position`, in the order they were added.
    public func counters(at position: Int) -> ArraySlice<PowerSample.Counter> {
        allCounters[(position == 0 ? 0 : counterEnds[position - 1])..<counterEnds[position]]
    }

    /// The gauges of the host at `position`, in the order they were added.
    public func gauges(at position: Int) -> ArraySlice<PowerSample.Gauge> {
        allGauges[(position == 0 ? 0 : gaugeEnds[position - 1])..<gaugeEnds[position]]
    }

    /// The GPU utilisation of the host at `position`, by GPU id.
    public func gpuUtilisation(at position: Int) -> [String: Double] { utilisation[position] }

    /// Whether a counter of the host at `position` waits for the host's node reading to know its time.
    public func waitsForReading(at position: Int) -> Bool {
        counters(at: position).contains { $0.scrapedWithReading }
    }

    /// Adds a host's sample after the others.
    public mutating func append(_ sample: PowerSample) {
        if let last = hosts.last, !(last < sample.host) { isSortedByHost = false }
        hosts.append(sample.host)
        timestamps.append(sample.timestamp)
        allCounters += sample.counters
        allGauges += sample.gauges
        counterEnds.append(allCounters.count)
        gaugeEnds.append(allGauges.count)
        utilisation.append(sample.gpuUtilisation)
    }
}

extension PowerSamples {
    /// Builds samples from values that come family by family, each filed under its host's position: the values
    /// are kept flat with their owner and grouped by host once, in `samples`.
    public struct Builder: Sendable {
        public private(set) var hosts: [String] = []
        private var timestamps: [Double] = []
        private var counters: [PowerSample.Counter] = []
        private var counterOwners: [Int] = []
        private var gauges: [PowerSample.Gauge] = []
        private var gaugeOwners: [Int] = []
        private var utilisation: [Int: [String: Double]] = [:]

        public init() {}

        /// Room for about `hosts` hosts, each with a value or two.
        public mutating func reserveCapacity(hosts count: Int) {
            hosts.reserveCapacity(count)
            timestamps.reserveCapacity(count)
        }

        /// Adds a host without values yet; returns its position.
        public mutating func addHost(_ host: String, timestamp: Double) -> Int {
            hosts.append(host)
            timestamps.append(timestamp)
            return hosts.count - 1
        }

        /// Files one value with the host's at `position`.
        public mutating func add(_ value: PowerSample.Value, to position: Int) {
            switch value {
            case .counter(let counter):
                counters.append(counter)
                counterOwners.append(position)
            case .gauge(let gauge):
                gauges.append(gauge)
                gaugeOwners.append(position)
            case .utilisation(let gpu, let ratio):
                utilisation[position, default: [:]][gpu] = ratio
            }
        }

        /// The samples of every host that got a value, sorted by host.
        public var samples: PowerSamples {
            var hasValue = [Bool](repeating: false, count: hosts.count)
            for owner in counterOwners { hasValue[owner] = true }
            for owner in gaugeOwners { hasValue[owner] = true }
            for owner in utilisation.keys { hasValue[owner] = true }
            var order = hosts.indices.filter { hasValue[$0] }
            // Answers usually name hosts in one sorted order already: then nothing moves.
            let inOrder = zip(order, order.dropFirst()).allSatisfy { hosts[$0] < hosts[$1] }
            if !inOrder { order.sort { hosts[$0] < hosts[$1] } }
            var rank = [Int](repeating: -1, count: hosts.count)
            for (kept, position) in order.enumerated() { rank[position] = kept }

            var result = PowerSamples()
            result.hosts = order.map { hosts[$0] }
            // Sorted now; without repeats unless a host was added twice.
            result.isSortedByHost = inOrder || zip(result.hosts, result.hosts.dropFirst()).allSatisfy { $0 != $1 }
            result.timestamps = order.map { timestamps[$0] }
            (result.allCounters, result.counterEnds) = Self.grouped(counters, owners: counterOwners, rank: rank)
            (result.allGauges, result.gaugeEnds) = Self.grouped(gauges, owners: gaugeOwners, rank: rank)
            result.utilisation = order.map { utilisation[$0] ?? [:] }
            return result
        }

        /// The values grouped by their owner's rank, each owner's in the order added (a counting sort), with the
        /// end of each rank's range.
        private static func grouped<Value>(_ values: [Value], owners: [Int], rank: [Int]) -> ([Value], [Int]) {
            let hostCount = rank.count { $0 >= 0 }
            var ends = [Int](repeating: 0, count: hostCount)
            for owner in owners { ends[rank[owner]] += 1 }
            for index in ends.indices.dropFirst() { ends[index] += ends[index - 1] }
            // Already grouped in rank order (one family, or hosts in step): the array is handed over as it is.
            if zip(owners, owners.dropFirst()).allSatisfy({ rank[$0] <= rank[$1] }) { return (values, ends) }
            var next = [Int](repeating: 0, count: hostCount)
            for index in next.indices.dropFirst() { next[index] = ends[index - 1] }
            var slots = [Int](repeating: 0, count: values.count)
            for (index, owner) in owners.enumerated() {
                slots[next[rank[owner]]] = index
                next[rank[owner]] += 1
            }
            return (slots.map { values[$0] }, ends)
        }
    }
}
