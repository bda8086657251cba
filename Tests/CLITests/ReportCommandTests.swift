import Foundation
import HTTPClient
import Logging
import Model
import TestSupport
import Testing

@testable import CLI

/// The report command over a synthetic Prometheus history whose every reading is known, with the GB
/// intensity history from the recorded fixture.
@Suite struct ReportCommandTests {
    static let day = 86_400.0
    // 2026-11-21T00:00Z, the day of the recorded intensity fixture.
    static let from = Double(UTCDate.days(year: 2026, month: 11, day: 21)) * 86_400

    /// Two hosts of one project; alice's is away from 06:00 to 08:00 on the first day.
    static func hosts() -> [SyntheticPrometheus.Host] {
        let awayFrom = from + 6 * 3_600
        return [
            SyntheticPrometheus.Host(
                instance: "10.0.0.1:9100", labels: ["job": "node", "cloud_project_name": "isis", "user": "alice"],
                bootTime: from - 10 * day, cores: 2, idlePerSecond: 1.5, totalPerSecond: 2, memoryActiveRatio: 0.5,
                absent: { $0 >= awayFrom && $0 < awayFrom + 2 * 3_600 }),
            SyntheticPrometheus.Host(
                instance: "10.0.0.2:9100", labels: ["job": "node", "cloud_project_name": "isis", "user": "bob"],
                bootTime: from - day, cores: 4, idlePerSecond: 0, totalPerSecond: 4, memoryActiveRatio: 1),
        ]
    }

    static func configuration(prometheus: String, carbon: String, directory: String) throws -> String {
        let path = "\(directory)/footprint.yml"
        try """
        collect_interval: 5m
        source:
          kind: prometheus
          prometheus: {url: "\(prometheus)", selector: '{job="node"}'}
        carbon_intensity:
          provider: uk
          uk: {url: "\(carbon)"}
          fallback_grams_per_kwh: 250
        power:
          default: {cpu_watts_per_core: 10, cpu_idle_watts_per_core: 2, ram_watts: 8, other_watts: 20}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The fixture's half-hours, read independently of the reader under test.
    static func fixtureIntensity() throws -> [(from: Double, value: Double)] {
        let object = try JSONSerialization.jsonObject(
            with: Data(try Fixture.data("carbon-intensity-uk/intensity_range_2026-11-21.json")))
        let data = try #require((object as? [String: Any])?["data"] as? [[String: Any]])
        return try data.map { period in
            let text = try #require(period["from"] as? String)
            let from = try #require(UTCDate.parse(text))
            let intensity = try #require(period["intensity"] as? [String: Any])
            return (from, try #require((intensity["actual"] as? Double) ?? (intensity["forecast"] as? Double)))
        }
    }

    func run(_ arguments: [String]) throws -> (String, Bool) {
        let command = try ReportCommand.parse(arguments)
        let (bytes, readAnything) = try command.produce(
            fetcher: try CurlHTTPClient(userAgent: "test"), logger: Logger(label: "test"), progress: nil)
        return (String(decoding: bytes, as: UTF8.self), readAnything)
    }

    @Test func hourlyTotalsGapsAndFailuresFromKnownHistory() throws {
        let directory = try TestStack.temporaryDirectory()
        // The second day's range requests fail.
        let prometheus = try SyntheticPrometheus(
            hosts: Self.hosts(), failing: [(Self.from + Self.day)...(Self.from + 2 * Self.day - 1)])
        defer { prometheus.stop() }
        let carbon = try FakeUpstream()
        defer { carbon.stop() }
        carbon.route(
            "/intensity/2026-11-21T00:00Z/2026-11-23T00:30Z",
            .fixture("carbon-intensity-uk/intensity_range_2026-11-21.json"))
        let config = try Self.configuration(
            prometheus: prometheus.baseURL, carbon: carbon.baseURL, directory: directory)

        let arguments = [
            "--config.file=\(config)", "--from", "2026-11-21T00:00Z", "--to", "2026-11-23T00:00Z", "--step", "1h",
            "--group-by", "user",
            "--format", "json",
        ]
        let (json, readAnything) = try run(arguments)
        #expect(readAnything)
        #expect(try run(arguments).0 == json)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let series = try #require(document["series"] as? [String: Any])
        let hourly = try #require(series["step"] as? [[String: Any]])
        #expect(hourly.count == 48)

        // alice: 2 cores x (2 + 8 x 0.25) + 8 x 0.5 + 20 = 32 W; bob: 4 x 10 + 8 + 20 = 68 W.
        let intensity = try Self.fixtureIntensity()
        func value(at time: Double) -> Double { intensity.last { $0.from <= time }?.value ?? 250 }
        func usage(_ bucket: [String: Any], _ user: String) -> [String: Any]? {
            (bucket["groups"] as? [[String: Any]])?.first { ($0["labels"] as? [String: String])?["user"] == user }?[
                "usage"] as? [String: Any]
        }
        for hour in 0..<5 {
            let bucket = hourly[hour]
            #expect(bucket["status"] as? String == "ok")
            let alice = try #require(usage(bucket, "alice"))
            let bob = try #require(usage(bucket, "bob"))
            #expect(abs((alice["kwh"] as? Double ?? 0) - 32 * 3_600 / 3.6e6) < 1e-12)
            #expect(abs((alice["idle_kwh"] as? Double ?? 0) - 0.75 * 32 * 3_600 / 3.6e6) < 1e-12)
            #expect(abs((bob["kwh"] as? Double ?? 0) - 68 * 3_600 / 3.6e6) < 1e-12)
            #expect(abs((alice["cpu_idle_seconds"] as? Double ?? 0) - 1.5 * 3_600) < 1e-6)
            #expect(abs((bob["cpu_busy_seconds"] as? Double ?? 0) - 4 * 3_600) < 1e-6)
            // Each 5-minute interval uses the intensity of the half-hour in which it ends.
            let ends = (1...12).map { Self.from + Double(hour) * 3_600 + Double($0) * 300 }
            let grams = ends.map { 32 * 300 / 3.6e6 * value(at: $0) }.reduce(0, +)
            #expect(abs((alice["gco2eq"] as? Double ?? 0) - grams) < 1e-9, "hour \(hour)")
        }
        // alice away: the hours she was not listed still count bob, so they are ok; her own energy stops at her
        // last reading (05:55) and restarts from a new baseline at 08:00.
        #expect(abs((usage(hourly[5], "alice")?["kwh"] as? Double ?? 0) - 32 * 3_300 / 3.6e6) < 1e-12)
        #expect((usage(hourly[6], "alice")?["kwh"] as? Double) == 0)
        #expect(hourly[6]["status"] as? String == "ok")
        // The failed day: no values, never zeros, and the cause.
        for hour in 24..<48 {
            #expect(hourly[hour]["status"] as? String == "failed")
            #expect(hourly[hour]["groups"] is NSNull)
        }
        let provenance = try #require(document["provenance"] as? [String: Any])
        let gaps = try #require(provenance["gaps"] as? [[String: Any]])
        let failed = try #require(gaps.first { $0["kind"] as? String == "failed" })
        #expect(failed["start"] as? String == "2026-11-22T00:00:00Z")
        #expect(failed["end"] as? String == "2026-11-23T00:00:00Z")
        #expect((failed["cause"] as? String ?? "").contains("HTTP status 500"))
        // No intensity for the second day in the fixture: the fallback, listed.
        #expect(
            gaps.contains {
                $0["kind"] as? String == "intensity_fallback" && $0["start"] as? String == "2026-11-22T00:00:00Z"
            })
        let daily = try #require(series["daily"] as? [[String: Any]])
        #expect(daily.map { $0["status"] as? String } == ["ok", "failed"])
        let monthly = try #require(series["monthly"] as? [[String: Any]])
        #expect(monthly.map { $0["status"] as? String } == ["partial"])
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["hosts"] as? Double == 2)
        #expect((summary["step_buckets"] as? [String: Double]) == ["ok": 24, "partial": 0, "failed": 24, "missing": 0])
        let totals = try #require(summary["totals"] as? [String: Any])
        // Day one: bob all of it but the interval ending at midnight (read in the failed chunk); alice 00:00-05:55
        // and 08:00-23:55.
        let expectedJoules = 68 * (86_400 - 300) + 32 * (355 + 955) * 60.0
        #expect(abs((totals["kwh"] as? Double ?? 0) * 3.6e6 - expectedJoules) < 1e-6)
        #expect(provenance["config_sha256"] as? String == SHA256Hex.of(path: config))
        let source = try #require(provenance["source"] as? [String: Any])
        #expect((source["queries"] as? [String])?.count == 8)
        #expect((summary["equivalencies"] as? [[String: Any]])?.count == 3)
    }

    @Test func hoursWithoutAnyHostAreMissingAndEveryFormatSaysSo() throws {
        let directory = try TestStack.temporaryDirectory()
        var hosts = Self.hosts()
        let away = Self.from + 3_600
        for index in hosts.indices { hosts[index].absent = { $0 >= away && $0 < away + 3_600 } }
        let prometheus = try SyntheticPrometheus(hosts: hosts)
        defer { prometheus.stop() }
        let carbon = try FakeUpstream()
        defer { carbon.stop() }
        let config = try Self.configuration(
            prometheus: prometheus.baseURL, carbon: carbon.baseURL, directory: directory)
        let base = ["--config.file=\(config)", "--from", "2026-11-21T00:00Z", "--to", "2026-11-21T03:00Z"]

        let (csv, _) = try run(base + ["--format", "csv"])
        let rows = csv.split(separator: "\n").map(String.init)
        #expect(
            rows.first
                == "resolution,start,end,status,cloud_project_name,user,cpu_busy_seconds,cpu_idle_seconds,busy_kwh,idle_kwh,busy_gco2eq,idle_gco2eq,host_seconds,causes"
        )
        #expect(
            rows.contains {
                $0.hasPrefix("provenance,2026-11-21T00:00:00Z,2026-11-21T03:00:00Z,config_sha256,,,,,,,,,,")
            })
        #expect(rows.contains { $0.hasPrefix("provenance,") && $0.contains(",query,") && $0.contains("timestamp(") })
        #expect(rows.allSatisfy { $0.filter { $0 == "," }.count >= 13 })
        let missing = try #require(rows.first { $0.hasPrefix("step,2026-11-21T01:00:00Z,") })
        #expect(missing.hasPrefix("step,2026-11-21T01:00:00Z,2026-11-21T02:00:00Z,missing,,,,,,,,,,"))
        // The hour after the gap: both hosts observed for the whole hour again.
        let after = try #require(
            rows.first { $0.hasPrefix("step,2026-11-21T02:00:00Z,2026-11-21T03:00:00Z,ok,isis,bob,") })
        #expect(after.split(separator: ",", omittingEmptySubsequences: false)[12] == "3600")
        #expect(missing.contains("Prometheus listed no node_exporter host"))
        // The intensity API is down here (404 for every range): the fallback is used and said so.
        #expect(rows.contains { $0.contains("intensity_fallback") && $0.contains("HTTP status 404") })

        let (table, _) = try run(base + ["--format", "table"])
        #expect(table.contains("step buckets ok 2, partial 0, failed 0, missing 1"))
        #expect(table.contains("missing: Prometheus listed no node_exporter host"))
        // Both hosts' last reading before the hour is at 00:55 and they restart from a new baseline at 02:00:
        // (32 W + 68 W) x 6,900 s over two hosts.
        #expect(table.contains("Averages: 0.0958 kWh"), "\(table)")

        let (openMetrics, _) = try run(base + ["--format", "openmetrics"])
        #expect(openMetrics.hasPrefix("# TYPE footprint_host_busy_seconds counter\n"))
        #expect(openMetrics.hasSuffix("# EOF\n"))
        // No point inside the missing hour: the counter pauses instead of claiming zero use.
        #expect(!openMetrics.contains(" \(Int64(away + 3_600))\n"))
        #expect(openMetrics.contains(" \(Int64(away))\n"))
        #expect(
            openMetrics.contains(
                #"footprint_host_energy_joules_total{host="10.0.0.2:9100",cloud_project_name="isis",user="bob",grid_region="GB",state="busy"} 0 \#(Int64(Self.from))"#
            ))
        let path = "\(directory)/backfill.om"
        try openMetrics.write(toFile: path, atomically: true, encoding: .utf8)
        let blocks = try ExternalProcess(
            "promtool", ["tsdb", "create-blocks-from", "openmetrics", path, "\(directory)/blocks"])
        #expect(blocks.waitForExit(timeout: 30) == 0, "\(blocks.output)")
    }

    @Test func invalidArgumentsAreRejected() throws {
        #expect(throws: (any Error).self) {
            try ReportCommand.parse(["--config.file=x", "--from", "2026-10-02T00:00Z", "--to", "2026-10-01T00:00Z"])
        }
        #expect(throws: (any Error).self) {
            try ReportCommand.parse(["--config.file=x", "--from", "yesterday", "--to", "2026-10-01T00:00Z"])
        }
        #expect(throws: (any Error).self) {
            try ReportCommand.parse([
                "--config.file=x", "--from", "2026-10-01T00:00Z", "--to", "2026-11-01T00:00Z", "--step", "0s",
            ])
        }
        let parsed = try ReportCommand.parse([
            "--config.file=x", "--from", "2026-10-01T00:00Z", "--to", "2026-11-01T00:00Z", "--step", "1h", "--group-by",
            "cloud_project_name,user",
            "--format", "csv", "--output", "out.csv",
        ])
        #expect(try parsed.span() == (1_790_812_800, 1_793_491_200))
    }
}

/// The SHA-256 of a file as coreutils computes it, independent of the exporter's own implementation.
enum SHA256Hex {
    static func of(path: String) -> String? {
        guard let process = try? ExternalProcess("sha256sum", [path]), process.waitForExit() == 0 else { return nil }
        return process.output.split(separator: " ").first.map(String.init)
    }
}
