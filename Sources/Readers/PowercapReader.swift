import Model

#if canImport(Glibc)
    import Glibc
#endif

/// Reads this host's RAPL energy counters from the powercap sysfs tree (local source).
///
/// Each `intel-rapl:N` (package or psys) and `intel-rapl:N:M` (core, uncore, dram) zone has a `name`, an
/// `energy_uj` counter in microjoules and the `max_energy_range_uj` at which it wraps. Packages, DRAM and psys
/// are read; core and uncore are parts of their package and are left out, as are the `intel-rapl-mmio` zones
/// (the same package counter through another interface). `energy_uj` is readable only by root since Linux 5.10:
/// unreadable zones are skipped and counted, and a tree with no readable zone is `noData`.
public struct PowercapReader: Sendable {
    /// The powercap class folder; tests point it at a fixture tree.
    public let root: String
    public let host: String

    public init(root: String = "/sys/class/powercap", host: String) {
        self.root = root
        self.host = host
    }

    /// A sample of every readable zone, and how many zones could not be read.
    public struct Result: Sendable, Equatable {
        public var sample: PowerSample
        public var unreadableZones: [String]
    }

    /// - Parameter timestamp: when the counters were read, Unix seconds (the local clock).
    public func read(at timestamp: Double) throws(ReaderError) -> Result {
        guard let directory = opendir(root) else {
            throw .noData("cannot open \(root): \(String(cString: strerror(errno)))")
        }
        var zones: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix("intel-rapl:") { zones.append(name) }
        }
        closedir(directory)
        var sample = PowerSample(host: host, timestamp: timestamp)
        var unreadable: [String] = []
        for zone in zones.sorted() {
            let path = "\(root)/\(zone)"
            guard let name = try? LocalHostReader.readFile("\(path)/name").trimmingSpaces,
                let domain = Self.domain(ofZoneNamed: name)
            else { continue }
            guard let energyText = try? LocalHostReader.readFile("\(path)/energy_uj"),
                let microjoules = Double(energyText.trimmingSpaces), microjoules.isFinite, microjoules >= 0
            else {
                unreadable.append(zone)
                continue
            }
            let range = (try? LocalHostReader.readFile("\(path)/max_energy_range_uj")).flatMap {
                Double($0.trimmingSpaces)
            }
            sample.counters.append(
                .init(
                    domain: domain, id: zone, joules: microjoules / 1_000_000,
                    wrapJoules: range.flatMap { $0.isFinite && $0 > 0 ? $0 / 1_000_000 : nil }))
        }
        if sample.counters.isEmpty {
            throw .noData("no readable RAPL package, dram or psys zone under \(root)")
        }
        return Result(sample: sample, unreadableZones: unreadable)
    }

    /// The measured domain of a zone by its `name` file; nil for zones inside a package (core, uncore).
    static func domain(ofZoneNamed name: String) -> PowerSample.Domain? {
        if name.hasPrefix("package") { return .raplPackage }
        if name == "dram" { return .raplDram }
        if name == "psys" { return .raplPsys }
        return nil
    }
}
