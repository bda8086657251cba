import MetricsServer
import Model
import Synchronization

/// A stand-in for node_exporter on loopback whose CPU counters grow in real time at a settable load:
/// `node_cpu_seconds_total{cpu, mode}` (idle and user per CPU), `node_boot_time_seconds` and the two memory
/// gauges the exporter reads. Anything `extra` returns (a RAPL exposition, say) is appended to each answer, as
/// node_exporter's own collectors would add it.
public final class FakeNodeExporter: Sendable {
    public let upstream: FakeUpstream
    public let cores: Int
    /// Seconds per CPU in each mode, growing at the busy share (user) and its complement (idle).
    private let seconds: EnergyMeter
    private let memoryActiveRatio: Double

    /// - Parameters:
    ///   - busyShare: the share of CPU time spent busy from now on, 0–1.
    ///   - extra: more families for the same answer, computed per request.
    ///   - ticks: when true, CPU seconds are whole hundredths, as node_exporter reads them from /proc/stat's
    ///     USER_HZ ticks (so they survive a store that keeps about 15 significant digits, as VictoriaMetrics does).
    public init(
        address: String, cores: Int, busyShare: Double, memoryActiveRatio: Double = 0.25,
        clock: any WallClock = SystemClock(), ticks: Bool = false, extra: (@Sendable () -> String)? = nil
    ) throws(MetricsServerError) {
        upstream = try FakeUpstream(address: address)
        self.cores = cores
        self.memoryActiveRatio = memoryActiveRatio
        let seconds = EnergyMeter(
            watts: ["idle": 1 - busyShare, "user": busyShare], joules: ["idle": 100_000, "user": 20_000],
            clock: clock)
        self.seconds = seconds
        let bootTime = clock.now() - 200_000
        upstream.route(
            "/metrics",
            .handler { _ in
                let counters = seconds.read().joules.mapValues { ticks ? ($0 * 100).rounded(.down) / 100 : $0 }
                return .text(
                    Self.exposition(
                        cores: cores, idle: counters["idle"] ?? 0, user: counters["user"] ?? 0, bootTime: bootTime,
                        memoryActiveRatio: memoryActiveRatio) + (extra?() ?? ""))
            })
    }

    /// `ADDRESS:PORT`, the target (and `instance`) Prometheus scrapes.
    public var target: String { "\(upstream.address):\(upstream.port)" }

    /// Sets the share of CPU time spent busy from now on.
    public func set(busyShare: Double) {
        seconds.set("idle", watts: 1 - busyShare)
        seconds.set("user", watts: busyShare)
    }

    static func exposition(
        cores: Int, idle: Double, user: Double, bootTime: Double, memoryActiveRatio: Double
    ) -> String {
        var text = "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n"
        text += "# TYPE node_cpu_seconds_total counter\n"
        for cpu in 0..<cores {
            text += "node_cpu_seconds_total{cpu=\"\(cpu)\",mode=\"idle\"} \(idle)\n"
            text += "node_cpu_seconds_total{cpu=\"\(cpu)\",mode=\"user\"} \(user)\n"
        }
        let total = 16.0 * 1_073_741_824
        text += "# TYPE node_boot_time_seconds gauge\nnode_boot_time_seconds \(bootTime.rounded(.down))\n"
        text += "# TYPE node_memory_MemTotal_bytes gauge\nnode_memory_MemTotal_bytes \(total)\n"
        text += "# TYPE node_memory_Active_bytes gauge\nnode_memory_Active_bytes \(total * memoryActiveRatio)\n"
        return text
    }
}
