import Foundation
import HTTPClient
import Logging
import TestSupport
import Testing

@testable import Config
@testable import Runtime

/// Two grid regions through the whole exporter: two scraped hosts with the same load, mapped to regions by a
/// label and by a host pattern, each charged its own region's intensity, each series labelled with its region.
@Suite struct GridRegionsEndToEndTests {
    func nodeText(busySeconds: Double, idleSeconds: Double) -> [UInt8] {
        Array(
            """
            # TYPE node_cpu_seconds_total counter
            node_cpu_seconds_total{cpu="0",mode="idle"} \(idleSeconds)
            node_cpu_seconds_total{cpu="0",mode="user"} \(busySeconds)
            node_boot_time_seconds 1794990000
            node_memory_MemTotal_bytes 1000
            node_memory_Active_bytes 0

            """.utf8)
    }

    @Test func eachHostIsChargedItsOwnRegion() throws {
        let london = try FakeUpstream()
        let frankfurt = try FakeUpstream()
        defer { for server in [london, frankfurt] { server.stop() } }
        let directory = try TestStack.temporaryDirectory()
        let file = "\(directory)/footprint.yml"
        try """
        collect_interval: 1h
        source:
          kind: scrape
          scrape:
            static:
              - {targets: ["127.0.0.1:\(london.port)"], labels: {cloud_project_name: isis, user: ann, site: lon}}
              - {targets: ["127.0.0.1:\(frankfurt.port)"], labels: {cloud_project_name: isis, user: ben, site: fra}}
            attribution_labels: [cloud_project_name, user]
        carbon_intensity:
          provider: static
          static_grams_per_kwh: 100
          grid_region: london
          regions:
            - {name: frankfurt, match: {site: fra}, provider: static, static_grams_per_kwh: 400}
            - {name: nowhere, host_pattern: 'nohost-[0-9]+', provider: static, static_grams_per_kwh: 900}
        power:
          default: {cpu_watts_per_core: 100, cpu_idle_watts_per_core: 0, ram_watts: 0, other_watts: 0}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let clock = ManualClock()
        let application = try Application(
            configuration: try Configuration.load(file: file), configurationFile: file,
            listenAddress: .loopback(port: 0),
            logger: Logger(label: "test"), clock: clock, fetcher: TestStack.fetcher)
        defer { application.stop() }

        for upstream in [london, frankfurt] {
            upstream.route("/metrics", .ok(body: nodeText(busySeconds: 0, idleSeconds: 0)))
        }
        application.collectNow()
        // One hour, fully busy on one core: 100 W for 3600 s = 0.1 kWh each.
        clock.advance(by: 3_600)
        for upstream in [london, frankfurt] {
            upstream.route("/metrics", .ok(body: nodeText(busySeconds: 3_600, idleSeconds: 0)))
        }
        application.collectNow()

        let text = String(
            decoding: try TestStack.get("http://127.0.0.1:\(application.port)/metrics").body, as: UTF8.self)
        let samples = TestStack.samples(text)
        func series(
            _ name: String, _ port: UInt16, _ user: String, _ region: String, state: String? = "busy"
        ) -> Double? {
            let stateLabel = state.map { #",state="\#($0)""# } ?? ""
            return samples[
                #"\#(name){host="127.0.0.1:\#(port)",cloud_project_name="isis",user="\#(user)",grid_region="\#(region)"\#(stateLabel)}"#
            ]
        }
        let londonJoules = try #require(
            series("footprint_host_energy_joules_total", london.port, "ann", "london"), "\(text)")
        let frankfurtJoules = try #require(
            series("footprint_host_energy_joules_total", frankfurt.port, "ben", "frankfurt"), "\(text)")
        // Each reading is stamped when its answer came, so the interval is the clock's hour give or take the
        // difference of two transfer times: up to 0.1 s (10 J at 100 W) on a loaded machine.
        #expect(abs(londonJoules - 360_000) < 10)
        #expect(abs(frankfurtJoules - 360_000) < 10)
        // Same energy, four times the intensity: 10 g against 40 g (a scrape's own time stamps each reading, so the
        // interval can differ from the clock's hour by the transfer time).
        let londonGrams = try #require(series("footprint_host_emissions_grams_total", london.port, "ann", "london"))
        let frankfurtGrams = try #require(
            series("footprint_host_emissions_grams_total", frankfurt.port, "ben", "frankfurt"))
        #expect(abs(londonGrams - 10) < 1e-3)
        #expect(abs(frankfurtGrams - 40) < 1e-3)
        #expect(abs(frankfurtGrams / frankfurtJoules - 4 * londonGrams / londonJoules) < 1e-9)
        // Every region's intensity is exposed with its provider, the unused one included.
        #expect(
            samples[#"footprint_grid_carbon_intensity_grams_per_kilowatt_hour{provider="static",grid_region="london"}"#]
                == 100)
        #expect(
            samples[
                #"footprint_grid_carbon_intensity_grams_per_kilowatt_hour{provider="static",grid_region="frankfurt"}"#]
                == 400)
        #expect(
            samples[
                #"footprint_grid_carbon_intensity_grams_per_kilowatt_hour{provider="static",grid_region="nowhere"}"#]
                == 900)
        #expect(!text.contains(#"grid_region="nowhere",state"#))
    }
}
