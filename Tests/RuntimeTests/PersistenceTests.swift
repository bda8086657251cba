import Counters
import Foundation
import Model
import StateStore
import TestSupport
import Testing

@Suite(.serialized) struct PersistenceTests {
    /// The exporter killed with SIGKILL at random moments, restarted each time on the same store, against a
    /// real node_exporter: no counter ever decreases and the final energy equals an independent integration.
    @Test func countersSurviveSigkill() throws {
        let directory = try TestStack.temporaryDirectory()
        let nodePort = FreePort.next()
        let node = try TestStack.nodeExporter(port: nodePort)
        defer { node.stop() }
        let port = FreePort.next()
        // 2 cores × 10 W whatever the load + 20 W: a constant 40 W, so energy / 40 is the integrated time.
        let config = """
            collect_interval: 2s
            source: {kind: scrape, scrape: {static: [{targets: ["127.0.0.1:\(nodePort)"], labels: {user: alice}}], timeout: 1s}}
            carbon_intensity: {provider: static, static_grams_per_kwh: 100}
            power: {default: {cpu_watts_per_core: 10, cpu_idle_watts_per_core: 10, ram_watts: 0, other_watts: 20}}
            """
        let labels = #"host="127.0.0.1:\#(nodePort)",cloud_project_name="",user="alice",grid_region="default""#
        let energyKeys = ["busy", "idle"].map { #"footprint_host_energy_joules_total{\#(labels),state="\#($0)"}"# }
        var exporter = try TestStack.exporter(port: port, config: config, directory: directory)
        defer { exporter.stop() }
        func scrape() throws -> [String: Double] {
            TestStack.samples(
                String(decoding: try TestStack.get("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self))
        }
        // Ready means the first collection was attempted; on a loaded machine its 1 s scrape can time out, so the
        // baseline is the first collection that succeeded.
        var first = try scrape()
        let patience = Date().addingTimeInterval(15)
        while first["footprint_last_collection_timestamp_seconds"] == nil, Date() < patience {
            usleep(200_000)
            first = try scrape()
        }
        let start = try #require(first["footprint_last_collection_timestamp_seconds"])
        try #require(energyKeys.allSatisfy { first[$0] == 0 }, "the first collection must still be the baseline")

        var highest: [String: Double] = [:]
        var decreases: [String] = []
        func check(_ samples: [String: Double]) {
            // The exporter's own process_* counters start again with each process, as node_exporter's do.
            for (series, value) in samples
            where series.hasPrefix("footprint_") && series.contains("_total") && !series.contains("errors") {
                if value < (highest[series] ?? 0) { decreases.append("\(series): \(highest[series] ?? 0) -> \(value)") }
                highest[series] = max(value, highest[series] ?? 0)
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<4 {
            let deadline = Date().addingTimeInterval(Double.random(in: 2.5...5, using: &generator))
            while Date() < deadline {
                check(try scrape())
                usleep(150_000)
            }
            exporter.signal(SIGKILL)
            _ = exporter.waitForExit()
            exporter = try TestStack.exporter(port: port, config: config, directory: directory)
            check(try scrape())
        }
        Thread.sleep(forTimeInterval: 4.5)
        let end = try scrape()
        check(end)
        let energy = energyKeys.reduce(0) { $0 + (end[$1] ?? 0) }
        let last = try #require(end["footprint_last_collection_timestamp_seconds"])
        let expected = 40 * (last - start)
        #expect(
            abs(energy - expected) / expected < 0.005,
            "energy \(energy) J, independent \(expected) J over \(last - start) s")
        #expect(decreases.isEmpty, "\(decreases)")
        #expect(exporter.output.contains("counters restored"))
    }
}
