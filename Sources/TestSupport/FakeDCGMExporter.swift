import MetricsServer
import Model
import Synchronization

/// A stand-in for NVIDIA's dcgm-exporter on loopback: `/metrics` in its documented shape (specs section 11).
///
/// Per GPU: `DCGM_FI_DEV_GPU_UTIL` (gauge, %), `DCGM_FI_DEV_POWER_USAGE` (gauge, W) and
/// `DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION` (counter, mJ since driver load), labelled `gpu`, `UUID`, `device`,
/// `modelName`, `Hostname`. Energy grows at the power set, so a reader's counter deltas match the gauge.
public final class FakeDCGMExporter: Sendable {
    /// One GPU board.
    public struct GPU: Sendable {
        public var uuid: String
        public var watts: Double
        /// Percent, 0–100, as dcgm-exporter reports it.
        public var utilisationPercent: Double

        public init(uuid: String, watts: Double, utilisationPercent: Double) {
            self.uuid = uuid
            self.watts = watts
            self.utilisationPercent = utilisationPercent
        }
    }

    public let upstream: FakeUpstream
    private let boards: Boards

    /// - Parameters:
    ///   - address: the loopback address to listen on (each fake host may have its own 127.0.0.N).
    ///   - port: the port (0: a free one).
    ///   - startJoules: the energy counters' value at start, per GPU uuid (a driver loaded long ago).
    public init(
        address: String = "127.0.0.1", port: UInt16 = 0, hostname: String, gpus: [GPU],
        startJoules: [String: Double] = [:], clock: any WallClock = SystemClock()
    ) throws(MetricsServerError) {
        upstream = try FakeUpstream(address: address, port: port)
        let boards = Boards(hostname: hostname, gpus: gpus, startJoules: startJoules, clock: clock)
        self.boards = boards
        upstream.route("/metrics", .handler { _ in .text(boards.exposition()) })
    }

    /// `http://ADDRESS:PORT`.
    public var baseURL: String { upstream.baseURL }

    /// Changes one GPU's draw and utilisation from now on.
    public func set(uuid: String, watts: Double, utilisationPercent: Double) {
        boards.meter.set(uuid, watts: watts)
        boards.utilisation.withLock { $0[uuid] = utilisationPercent }
    }

    /// The exposition as served now.
    public func exposition() -> String { boards.exposition() }

    /// The GPUs' state, shared with the server's handler.
    private final class Boards: Sendable {
        let hostname: String
        let order: [String]
        let meter: EnergyMeter
        let utilisation: Mutex<[String: Double]>

        init(hostname: String, gpus: [GPU], startJoules: [String: Double], clock: any WallClock) {
            self.hostname = hostname
            order = gpus.map(\.uuid)
            meter = EnergyMeter(
                watts: Dictionary(uniqueKeysWithValues: gpus.map { ($0.uuid, $0.watts) }), joules: startJoules,
                clock: clock)
            utilisation = Mutex(Dictionary(uniqueKeysWithValues: gpus.map { ($0.uuid, $0.utilisationPercent) }))
        }

        func exposition() -> String {
            let (watts, joules) = meter.read()
            let busy = utilisation.withLock { $0 }
            func labels(_ index: Int, _ uuid: String) -> String {
                #"gpu="\#(index)",UUID="\#(uuid)",device="nvidia\#(index)",modelName="NVIDIA A100-SXM4-40GB","#
                    + #"Hostname="\#(hostname)""#
            }
            var text = "# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).\n# TYPE DCGM_FI_DEV_GPU_UTIL gauge\n"
            for (index, uuid) in order.enumerated() {
                text += "DCGM_FI_DEV_GPU_UTIL{\(labels(index, uuid))} \(Int((busy[uuid] ?? 0).rounded()))\n"
            }
            text += "# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).\n# TYPE DCGM_FI_DEV_POWER_USAGE gauge\n"
            for (index, uuid) in order.enumerated() {
                text += "DCGM_FI_DEV_POWER_USAGE{\(labels(index, uuid))} \(watts[uuid] ?? 0)\n"
            }
            text += "# HELP DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION Total energy consumption since boot (in mJ).\n"
            text += "# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter\n"
            for (index, uuid) in order.enumerated() {
                let millijoules = ((joules[uuid] ?? 0) * 1000).rounded(.down)
                text += "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{\(labels(index, uuid))} \(Int64(millijoules))\n"
            }
            return text
        }
    }
}
