import Model

/// The measured-power metric families read from the exporters sites already run, and what each one means.
///
/// Shapes and units as their projects document them: node_exporter's RAPL collector (counters in joules, one
/// series per zone), dcgm-exporter (energy in millijoules since driver load, power in watts, utilisation in
/// percent, per GPU by `UUID`), nvidia_gpu_exporter (watts and a 0–1 ratio per GPU by `uuid`) and ipmi_exporter's
/// DCMI collector (whole-node watts at the wall, no labels of its own; the name is configurable for Redfish or
/// PDU exporters).
public struct MeasuredPowerFamilies: Sendable, Equatable {
    /// One metric family and how its samples become counters, gauges or utilisation.
    public enum Family: String, Sendable, Hashable, CaseIterable {
        case raplPackage
        case raplDram
        case raplPsys
        case node
        case dcgmEnergy
        case dcgmPower
        case nvidiaSMIPower
        case dcgmUtilisation
        case nvidiaSMIUtilisation

        /// Whether the family is a counter, read with its own sample times.
        public var isCounter: Bool {
            switch self {
            case .raplPackage, .raplDram, .raplPsys, .dcgmEnergy: true
            case .node, .dcgmPower, .nvidiaSMIPower, .dcgmUtilisation, .nvidiaSMIUtilisation: false
            }
        }

        /// Whether the family comes from node_exporter, in the scrape that gives a host's node reading when that
        /// target also exports `node_cpu_seconds_total`.
        public var isNodeExporter: Bool {
            switch self {
            case .raplPackage, .raplDram, .raplPsys: true
            case .node, .dcgmEnergy, .dcgmPower, .nvidiaSMIPower, .dcgmUtilisation, .nvidiaSMIUtilisation: false
            }
        }
    }

    /// The whole-node power gauge, in watts.
    public var nodePowerMetric: String

    public init(nodePowerMetric: String = "ipmi_dcmi_power_consumption_watts") {
        self.nodePowerMetric = nodePowerMetric
    }

    /// The metric name of a family.
    public func metricName(_ family: Family) -> String {
        switch family {
        case .raplPackage: "node_rapl_package_joules_total"
        case .raplDram: "node_rapl_dram_joules_total"
        case .raplPsys: "node_rapl_psys_joules_total"
        case .node: nodePowerMetric
        case .dcgmEnergy: "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"
        case .dcgmPower: "DCGM_FI_DEV_POWER_USAGE"
        case .nvidiaSMIPower: "nvidia_smi_power_draw_watts"
        case .dcgmUtilisation: "DCGM_FI_DEV_GPU_UTIL"
        case .nvidiaSMIUtilisation: "nvidia_smi_utilization_gpu_ratio"
        }
    }

    /// Every family name, for a parser that materialises only the families wanted.
    public var metricNames: Set<String> { Set(Family.allCases.map(metricName)) }

    /// The family of a metric name; nil for any other name.
    public func family(named name: String) -> Family? {
        Family.allCases.first { metricName($0) == name }
    }

    /// Adds one series' value to a host's sample.
    ///
    /// - Parameters:
    ///   - labels: the series' labels, which identify a zone or a GPU (`__name__` is ignored).
    ///   - sampleTime: for counters, when the value was scraped (nil: the sample's time).
    /// - Returns: false when the value was skipped (not finite, negative).
    @discardableResult
    public static func add(
        _ family: Family, value: Double, labels: [String: String], sampleTime: Double?, to sample: inout PowerSample
    ) -> Bool {
        let id =
            switch family {
            case .raplPackage, .raplDram, .raplPsys: zoneID(labels)
            case .node: seriesID(labels)
            case .dcgmEnergy, .dcgmPower, .nvidiaSMIPower, .dcgmUtilisation, .nvidiaSMIUtilisation: gpuID(labels)
            }
        guard let value = Self.value(family, value: value, id: id, sampleTime: sampleTime, scrapedWithReading: false)
        else { return false }
        sample.add(value)
        return true
    }

    /// One series' value as a counter, gauge or utilisation of the zone, GPU or meter `id`, in the units the
    /// tracker reads (joules, watts, a 0–1 share); nil when it is skipped (not finite, negative).
    static func value(
        _ family: Family, value: Double, id: String, sampleTime: Double?, scrapedWithReading: Bool
    ) -> PowerSample.Value? {
        guard value.isFinite, value >= 0 else { return nil }
        switch family {
        case .raplPackage, .raplDram, .raplPsys:
            let domain: PowerSample.Domain =
                family == .raplPackage ? .raplPackage : family == .raplDram ? .raplDram : .raplPsys
            return .counter(
                .init(
                    domain: domain, id: id, joules: value, timestamp: sampleTime,
                    scrapedWithReading: sampleTime == nil && scrapedWithReading))
        case .dcgmEnergy:
            return .counter(.init(domain: .gpu, id: id, joules: value / 1000, timestamp: sampleTime))
        case .node:
            return .gauge(.init(domain: .node, id: id, watts: value))
        case .dcgmPower, .nvidiaSMIPower:
            return .gauge(.init(domain: .gpu, id: id, watts: value))
        case .dcgmUtilisation:
            return .utilisation(gpu: id, ratio: value / 100)
        case .nvidiaSMIUtilisation:
            return .utilisation(gpu: id, ratio: value)
        }
    }

    /// The labels that tell a family's series of one host apart, in the order `id(_:_:)` reads them: a RAPL
    /// zone's, a GPU's; none for a whole-node meter, whose answer is summed per join key.
    static func idLabels(_ family: Family) -> [String] {
        switch family {
        case .raplPackage, .raplDram, .raplPsys: ["path", "rapl_zone", "index"]
        case .dcgmEnergy, .dcgmPower, .nvidiaSMIPower, .dcgmUtilisation, .nvidiaSMIUtilisation: ["UUID", "uuid", "gpu"]
        case .node: []
        }
    }

    /// The id of a series from the values of `idLabels(family)`, in that order; the same as `zoneID`/`gpuID` of
    /// its labels.
    static func id(_ family: Family, _ values: (String?, String?, String?)) -> String {
        switch family {
        case .raplPackage, .raplDram, .raplPsys:
            values.0 ?? values.1.map { "\($0):\(values.2 ?? "")" } ?? values.2 ?? ""
        case .dcgmEnergy, .dcgmPower, .nvidiaSMIPower, .dcgmUtilisation, .nvidiaSMIUtilisation:
            values.0 ?? values.1 ?? values.2.map { "gpu\($0)" } ?? ""
        case .node: ""
        }
    }

    /// A RAPL zone: its sysfs path where exported, else its index.
    static func zoneID(_ labels: [String: String]) -> String {
        labels["path"] ?? labels["rapl_zone"].map { "\($0):\(labels["index"] ?? "")" } ?? labels["index"] ?? ""
    }

    /// A GPU: dcgm-exporter's `UUID`, nvidia_gpu_exporter's `uuid`, else the GPU index.
    static func gpuID(_ labels: [String: String]) -> String {
        labels["UUID"] ?? labels["uuid"] ?? labels["gpu"].map { "gpu\($0)" } ?? ""
    }

    /// A scraped meter without identifying labels of its own: all of its labels but the name, sorted.
    static func seriesID(_ labels: [String: String]) -> String {
        labels.filter { $0.key != "__name__" && $0.key != MeasuredPowerReader.sampleLabel }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
