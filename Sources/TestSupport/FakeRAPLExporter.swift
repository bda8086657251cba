import MetricsServer
import Model

/// A stand-in for node_exporter's RAPL collector on loopback: `/metrics` with `node_rapl_package_joules_total`
/// and `node_rapl_dram_joules_total` (labels `index`, `path`), whose values wrap at `wrapJoules` as the kernel's
/// `energy_uj` does and node_exporter passes on raw.
///
/// Serve it beside a node_exporter fixture (the reader only needs these families), or append `exposition()` to one.
public final class FakeRAPLExporter: Sendable {
    public let upstream: FakeUpstream
    public let wrapJoules: Double
    private let meter: EnergyMeter

    /// - Parameters:
    ///   - packageWatts: the package's draw; DRAM draws `dramWatts`.
    ///   - startJoules: the package counter's starting value, e.g. just below `wrapJoules` to wrap soon.
    public init(
        address: String = "127.0.0.1", packageWatts: Double, dramWatts: Double, startJoules: Double = 0,
        wrapJoules: Double = 262_143.328850, clock: any WallClock = SystemClock()
    ) throws(MetricsServerError) {
        upstream = try FakeUpstream(address: address)
        self.wrapJoules = wrapJoules
        let meter = EnergyMeter(
            watts: ["package": packageWatts, "dram": dramWatts], joules: ["package": startJoules], clock: clock)
        self.meter = meter
        upstream.route("/metrics", .handler { _ in .text(Self.exposition(meter.read().joules, wrap: wrapJoules)) })
    }

    /// `http://ADDRESS:PORT`.
    public var baseURL: String { upstream.baseURL }

    /// Changes the package's (or DRAM's) draw from now on.
    public func set(packageWatts: Double? = nil, dramWatts: Double? = nil) {
        if let packageWatts { meter.set("package", watts: packageWatts) }
        if let dramWatts { meter.set("dram", watts: dramWatts) }
    }

    /// The exposition as served now.
    public func exposition() -> String { Self.exposition(meter.read().joules, wrap: wrapJoules) }

    static func exposition(_ joules: [String: Double], wrap: Double) -> String {
        func wrapped(_ value: Double) -> Double {
            // energy_uj is an integer number of microjoules that restarts from zero at the range.
            let microjoules = (value * 1e6).rounded(.down).truncatingRemainder(dividingBy: (wrap * 1e6).rounded())
            return microjoules / 1e6
        }
        return "# HELP node_rapl_dram_joules_total Current RAPL dram value in joules\n"
            + "# TYPE node_rapl_dram_joules_total counter\n"
            + "node_rapl_dram_joules_total{index=\"0\",path=\"/sys/class/powercap/intel-rapl:0:2\"} "
            + "\(wrapped(joules["dram"] ?? 0))\n"
            + "# HELP node_rapl_package_joules_total Current RAPL package value in joules\n"
            + "# TYPE node_rapl_package_joules_total counter\n"
            + "node_rapl_package_joules_total{index=\"0\",path=\"/sys/class/powercap/intel-rapl:0\"} "
            + "\(wrapped(joules["package"] ?? 0))\n"
    }
}
