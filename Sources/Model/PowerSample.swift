/// One reading of a host's measured power sources at one time, as a reader delivered it.
///
/// Counters are cumulative energy (RAPL zones, GPU energy counters); gauges are instantaneous power (a BMC's
/// node reading, a GPU's draw). Turning two samples into the average power of the interval between them is
/// the counters' job (`MeasurementTracker`), so that a wrap or a reset is judged against the previous value.
public struct PowerSample: Sendable, Equatable {
    /// What a counter or gauge measures.
    public enum Domain: String, Sendable, Hashable, CaseIterable {
        /// The whole node at the wall (PSU input): includes GPUs, fans and disks.
        case node
        /// A CPU package (RAPL `package-N`).
        case raplPackage
        /// DRAM attached to a package (RAPL `dram`).
        case raplDram
        /// The platform domain (RAPL `psys`): package, DRAM and more; replaces them where present.
        case raplPsys
        /// One GPU board.
        case gpu
    }

    /// A cumulative energy counter of one zone or device.
    public struct Counter: Sendable, Equatable {
        public var domain: Domain
        /// Identifies the zone or device within the host (e.g. a RAPL path, a GPU UUID).
        public var id: String
        public var joules: Double
        /// The value at which the counter wraps back to zero, in joules, when the source says
        /// (`max_energy_range_uj`); nil when unknown, and a decrease is then read as a restart from zero.
        public var wrapJoules: Double?
        /// When this counter was sampled, Unix seconds, where it differs from the sample's (counters of other
        /// exporters are scraped at other times); nil for the sample's time.
        public var timestamp: Double?
        /// Whether the counter came in the same scrape as the host's node reading (node_exporter's RAPL zones,
        /// read through Prometheus without a sample time of their own): its time is the reading's, and it
        /// counts only once the reading is known (`PowerCollection.record`). `timestamp` is then nil.
        public var scrapedWithReading: Bool

        public init(
            domain: Domain, id: String, joules: Double, wrapJoules: Double? = nil, timestamp: Double? = nil,
            scrapedWithReading: Bool = false
        ) {
            self.domain = domain
            self.id = id
            self.joules = joules
            self.wrapJoules = wrapJoules
            self.timestamp = timestamp
            self.scrapedWithReading = scrapedWithReading
        }
    }

    /// An instantaneous power reading of one meter or device.
    public struct Gauge: Sendable, Equatable {
        public var domain: Domain
        public var id: String
        public var watts: Double

        public init(domain: Domain, id: String, watts: Double) {
            self.domain = domain
            self.id = id
            self.watts = watts
        }
    }

    /// The join key of the host (see `HostJoin`), equal to the node reading's key for the same machine.
    public var host: String
    /// When the values were sampled, Unix seconds.
    public var timestamp: Double
    public var counters: [Counter]
    public var gauges: [Gauge]
    /// Busy share of each GPU, 0...1, by the GPU's id (the same id as its counter or gauge).
    public var gpuUtilisation: [String: Double]

    public init(
        host: String, timestamp: Double, counters: [Counter] = [], gauges: [Gauge] = [],
        gpuUtilisation: [String: Double] = [:]
    ) {
        self.host = host
        self.timestamp = timestamp
        self.counters = counters
        self.gauges = gauges
        self.gpuUtilisation = gpuUtilisation
    }

    /// Several samples of one host (its node_exporter scrape and extra targets) as one: counters keep their own
    /// sample times, the result's time is the latest. Samples of other hosts than the first's are left out.
    public static func merged(_ samples: [PowerSample]) -> PowerSample? {
        guard let first = samples.first else { return nil }
        var result = PowerSample(host: first.host, timestamp: first.timestamp)
        for sample in samples where sample.host == first.host {
            result.timestamp = max(result.timestamp, sample.timestamp)
            result.counters += sample.counters.map { counter in
                var stamped = counter
                if !counter.scrapedWithReading { stamped.timestamp = counter.timestamp ?? sample.timestamp }
                return stamped
            }
            result.gauges += sample.gauges
            result.gpuUtilisation.merge(sample.gpuUtilisation) { _, later in later }
        }
        return result
    }

    /// One value of a measured series, before it is filed with the host's other values.
    public enum Value: Sendable, Equatable {
        case counter(Counter)
        case gauge(Gauge)
        /// The busy share (0...1) of one GPU.
        case utilisation(gpu: String, ratio: Double)
    }

    /// Files one value with the others.
    public mutating func add(_ value: Value) {
        switch value {
        case .counter(let counter): counters.append(counter)
        case .gauge(let gauge): gauges.append(gauge)
        case .utilisation(let gpu, let ratio): gpuUtilisation[gpu] = ratio
        }
    }

    /// Whether a counter waits for the host's node reading to know its time.
    public var waitsForReading: Bool { counters.contains { $0.scrapedWithReading } }

    /// Whether the sample carries any value at all.
    public var isEmpty: Bool { counters.isEmpty && gauges.isEmpty }
}
