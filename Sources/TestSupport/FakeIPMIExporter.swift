import MetricsServer

/// A stand-in for prometheus-community's ipmi_exporter (DCMI collector) on loopback: `/metrics` with the whole
/// node's power at the wall, `ipmi_dcmi_power_consumption_watts` (or another name, for Redfish or PDU
/// exporters), and `ipmi_up{collector="dcmi"}`.
public final class FakeIPMIExporter: Sendable {
    public let upstream: FakeUpstream
    public let metricName: String
    private let meter: EnergyMeter

    public init(
        address: String = "127.0.0.1", port: UInt16 = 0, watts: Double,
        metricName: String = "ipmi_dcmi_power_consumption_watts"
    ) throws(MetricsServerError) {
        upstream = try FakeUpstream(address: address, port: port)
        self.metricName = metricName
        let meter = EnergyMeter(watts: ["node": watts])
        self.meter = meter
        upstream.route(
            "/metrics",
            .handler { _ in .text(Self.exposition(metricName: metricName, watts: meter.read().watts["node"] ?? 0)) })
    }

    /// `http://ADDRESS:PORT`.
    public var baseURL: String { upstream.baseURL }

    /// Sets the node's power reading from now on.
    public func set(watts: Double) { meter.set("node", watts: watts) }

    /// The exposition as served now.
    public func exposition() -> String {
        Self.exposition(metricName: metricName, watts: meter.read().watts["node"] ?? 0)
    }

    static func exposition(metricName: String, watts: Double) -> String {
        // The BMC reports whole watts.
        "# HELP \(metricName) Current power consumption in Watts.\n# TYPE \(metricName) gauge\n"
            + "\(metricName) \(Int(watts.rounded()))\n"
            + "# HELP ipmi_up '1' if a scrape of the IPMI device was successful, '0' otherwise.\n"
            + "# TYPE ipmi_up gauge\nipmi_up{collector=\"dcmi\"} 1\n"
    }
}
