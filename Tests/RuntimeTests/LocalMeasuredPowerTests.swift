import Foundation
import Logging
import TestSupport
import Testing

@testable import Config
@testable import Runtime

/// The local source with RAPL counters in a powercap tree: the host's power is the RAPL formula, its method is
/// reported, energy follows the measured joules, and a counter wrap is not an energy reset.
@Suite struct LocalMeasuredPowerTests {
    private func writeProc(_ directory: String, uptime: Double, idle: Int, user: Int) throws {
        try
            "cpu  \(user) 0 0 \(idle) 0 0 0 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\ncpu1 1 0 0 1 0 0 0 0 0 0\nbtime 1795340000\n"
            .write(toFile: "\(directory)/stat", atomically: true, encoding: .utf8)
        try "MemTotal: 1000 kB\nActive: 250 kB\n".write(
            toFile: "\(directory)/meminfo", atomically: true, encoding: .utf8)
        try "\(uptime) 0.00\n".write(toFile: "\(directory)/uptime", atomically: true, encoding: .utf8)
    }

    private func writeZone(_ root: String, _ zone: String, name: String, microjoules: Int, range: Int) throws {
        let directory = "\(root)/\(zone)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "\(name)\n".write(toFile: "\(directory)/name", atomically: true, encoding: .utf8)
        try "\(microjoules)\n".write(toFile: "\(directory)/energy_uj", atomically: true, encoding: .utf8)
        try "\(range)\n".write(toFile: "\(directory)/max_energy_range_uj", atomically: true, encoding: .utf8)
    }

    @Test func raplReplacesTheCPUAndMemoryTermsAndWrapsAreNotResets() throws {
        let directory = try TestStack.temporaryDirectory()
        let proc = "\(directory)/proc"
        let powercap = "\(directory)/powercap"
        try FileManager.default.createDirectory(atPath: proc, withIntermediateDirectories: true)
        let range = 262_143_328_850
        // Package: 30 W; DRAM: 6 W, wrapping between the second and third reading.
        func write(step: Int) throws {
            try writeProc(
                proc, uptime: 1_000 + Double(step) * 60, idle: 100_000 + step * 9_000, user: 10_000 + step * 3_000)
            try writeZone(
                powercap, "intel-rapl:0", name: "package-0", microjoules: 5_000_000_000 + step * 1_800_000_000,
                range: range)
            let dram = (range - 200_000_000 + step * 360_000_000) % range
            try writeZone(powercap, "intel-rapl:0:0", name: "dram", microjoules: dram, range: range)
        }
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                collect_interval: 1h
                source: {kind: local, local: {host: ws, proc_path: "\(proc)", labels: {cloud_project_name: p, user: u}}}
                carbon_intensity: {provider: static, static_grams_per_kwh: 100}
                power:
                  default: {cpu_watts_per_core: 10, cpu_idle_watts_per_core: 1, ram_watts: 5, other_watts: 20, pue: 1.5}
                  measured: {powercap: "\(powercap)"}
                """, file: "t.yml")
        let application = try Application(
            configuration: configuration, listenAddress: .loopback(port: 0), logger: Logger(label: "test"),
            clock: ManualClock(), fetcher: TestStack.fetcher)
        defer { application.stop() }
        func metrics() throws -> [String: Double] {
            let url = "http://127.0.0.1:\(application.port)/metrics"
            return TestStack.samples(String(decoding: try TestStack.get(url).body, as: UTF8.self))
        }
        let labels = #"host="ws",cloud_project_name="p",user="u",grid_region="default""#
        for step in 0...2 {
            try write(step: step)
            application.collectNow()
        }
        let samples = try metrics()
        // (30 + 6 + other 20) × pue 1.5 = 84 W, over two minutes: 10,080 J.
        let watts = try #require(samples["footprint_host_power_watts{\(labels)}"])
        #expect(abs(watts - 84) < 84 * 0.02, "\(watts) W")
        let energy = ["busy", "idle"].compactMap {
            samples[#"footprint_host_energy_joules_total{\#(labels),state="\#($0)"}"#]
        }
        #expect(energy.count == 2)
        #expect(abs(energy.reduce(0, +) - 10_080) < 10_080 * 0.02, "\(energy)")
        #expect(samples[#"footprint_host_power_method{\#(labels),method="rapl"}"#] == 1)
    }
}
