import Foundation
import HTTPClient
import TestSupport
import Testing

/// `footprint_exporter report` against Debian's real Prometheus scraping a real node_exporter and the live
/// exporter: the report over a window agrees with the live counters' increase, is byte-reproducible, and its
/// backfill file is accepted by promtool and served back by a Prometheus started on the blocks.
@Suite(.serialized) struct HistoryReportTests {
    @Test func reportAgreesWithLiveCountersAndBackfills() throws {
        let directory = try TestStack.temporaryDirectory()
        let nodePort = FreePort.next()
        let prometheusPort = FreePort.next()
        let exporterPort = FreePort.next()
        let host = "127.0.0.1:\(nodePort)"

        let node = try TestStack.nodeExporter(port: nodePort)
        defer { node.stop() }
        let jobs = TestStack.bridgeJobs(node: host, exporterPort: exporterPort, exporterJob: "footprint")
        let prometheus = try TestStack.prometheus(port: prometheusPort, directory: directory, jobs: jobs)
        defer { prometheus.stop() }

        // Load-dependent power (idle 5 W, busy 15 W a core) and a memory term, so the idle ratio and the memory
        // share both matter; static intensity so both sides use the same value.
        let config = """
            collect_interval: 1s
            source:
              kind: prometheus
              prometheus:
                url: http://127.0.0.1:\(prometheusPort)
                selector: '{job="node"}'
            carbon_intensity: {provider: static, static_grams_per_kwh: 180}
            power:
              default: {cpu_watts_per_core: 15, cpu_idle_watts_per_core: 5, ram_watts: 10, other_watts: 20}
            """
        let exporter = try TestStack.exporter(port: exporterPort, config: config, directory: directory)
        defer { exporter.stop() }
        let configPath = "\(directory)/footprint.yml"
        #expect(
            try TestStack.eventually(timeout: 30) {
                (try TestStack.query(prometheusPort, "sum(footprint_host_energy_joules_total)") ?? 0) > 0
            })

        // Some load on the machine during part of the window, so busy and idle both grow.
        let windowStart = (Date().timeIntervalSince1970 + 1).rounded(.up)
        let burnUntil = Date().addingTimeInterval(8)
        while Date() < burnUntil { _ = (0..<10_000).reduce(0, &+) }
        Thread.sleep(forTimeInterval: 24)
        let windowEnd = (Date().timeIntervalSince1970 - 3).rounded(.down)

        let energy = "sum(footprint_host_energy_joules_total)"
        let liveStart = try #require(try TestStack.query(prometheusPort, energy, at: windowStart))
        let liveEnd = try #require(try TestStack.query(prometheusPort, energy, at: windowEnd))
        let live = liveEnd - liveStart

        func report(_ format: String, _ name: String, step: String = "5s") throws -> Data {
            let path = "\(directory)/\(name)"
            let run = try ExternalProcess(
                TestStack.exporterBinary,
                [
                    "report", "--config.file=\(configPath)", "--from", "\(Int(windowStart))", "--to",
                    "\(Int(windowEnd))",
                    "--step", step, "--resolution", "1s", "--group-by", "cloud_project_name,user", "--format", format,
                    "--output", path,
                ])
            #expect(run.waitForExit(timeout: 60) == 0, "\(run.output)")
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }

        let json = try report("json", "report.json")
        let document = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let summary = try #require(document["summary"] as? [String: Any])
        let totals = try #require(summary["totals"] as? [String: Any])
        let reported = try #require(totals["kwh"] as? Double) * 3_600_000
        // The live counter seen at an instant lags the CPU sample it was integrated to by at most one node
        // scrape, one collection and one scrape of the exporter (1 s each here); the two ends' lags differ by
        // at most that, so the window's energy may differ by 3 s at the highest possible power (2 cores x 15 W
        // + 10 W + 20 W = 60 W).
        let tolerance = 3 * 60.0
        #expect(
            abs(reported - live) <= tolerance,
            "report \(reported) J, live increase \(live) J over \(windowEnd - windowStart) s")
        #expect(live > 20 * 30) // at least 30 W (the idle floor) over more than 20 s
        #expect(summary["hosts"] as? Double == 1)
        let groups = try #require(document["groups"] as? [[String: Any]])
        #expect(groups.count == 1)
        #expect((groups.first?["labels"] as? [String: String]) == ["cloud_project_name": "isis", "user": "jane.doe"])
        #expect(((totals["busy_gco2eq"] as? Double) ?? 0) > 0)
        let emissions = (totals["gco2eq"] as? Double) ?? 0
        #expect(abs(emissions - reported / 3_600_000 * 180) < 1e-6 * max(emissions, 1))
        let provenance = try #require(document["provenance"] as? [String: Any])
        let configBytes = try Data(contentsOf: URL(fileURLWithPath: configPath))
        #expect(provenance["config_sha256"] as? String == Self.sha256sum(configPath))
        #expect(configBytes.count > 0)

        // Same inputs, same bytes.
        #expect(try report("json", "again.json") == json)
        let csv = try report("csv", "report.csv")
        #expect(try report("csv", "again.csv") == csv)
        #expect(String(decoding: csv, as: UTF8.self).contains("total,"))

        // The same window as workspaces: one running workspace of the host, from its boot, with the report's usage.
        let workspacesPath = "\(directory)/workspaces.json"
        let workspacesRun = try ExternalProcess(
            TestStack.exporterBinary,
            [
                "workspaces", "--config.file=\(configPath)", "--from", "\(Int(windowStart))", "--to",
                "\(Int(windowEnd))", "--resolution", "1s",
                "--format", "json", "--output", workspacesPath,
            ])
        #expect(workspacesRun.waitForExit(timeout: 60) == 0, "\(workspacesRun.output)")
        let workspacesJSON = try String(contentsOfFile: workspacesPath, encoding: .utf8)
        try SchemaCheck.expectValid(workspacesJSON, directory: directory)
        let workspaces = try #require(
            (try JSONSerialization.jsonObject(with: Data(workspacesJSON.utf8)) as? [String: Any])?["workspaces"]
                as? [[String: Any]])
        #expect(workspaces.count == 1)
        let workspace = try #require(workspaces.first)
        #expect(workspace["status"] as? String == "processed")
        #expect(workspace["owner"] as? String == "jane.doe")
        let bootTime = try #require(try TestStack.query(prometheusPort, #"node_boot_time_seconds{job="node"}"#))
        #expect(workspace["id"] as? String == "\(host)@\(Int64(bootTime.rounded()))")
        let workspaceKWh = ((workspace["usage"] as? [String: Any])?["kwh"] as? Double) ?? 0
        #expect(abs(workspaceKWh * 3_600_000 - reported) < 1e-9 * reported)

        // The backfill file: promtool accepts it and a Prometheus started on the blocks answers with the totals.
        let openMetrics = try report("openmetrics", "backfill.om")
        #expect(String(decoding: openMetrics, as: UTF8.self).hasSuffix("# EOF\n"))
        let blocks = "\(directory)/backfilled"
        let create = try ExternalProcess(
            "promtool", ["tsdb", "create-blocks-from", "openmetrics", "\(directory)/backfill.om", blocks])
        #expect(create.waitForExit(timeout: 60) == 0, "\(create.output)")
        let replayPort = FreePort.next()
        let replay = try ExternalProcess(
            "prometheus",
            [
                "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(blocks)",
                "--web.listen-address=127.0.0.1:\(replayPort)", "--log.level=warn",
            ])
        defer { replay.stop() }
        try replay.waitUntilReady("http://127.0.0.1:\(replayPort)/-/ready", timeout: 30)
        let backfilled = try #require(
            try TestStack.query(replayPort, #"sum(footprint_host_energy_joules_total{job=""})"#, at: windowEnd))
        #expect(abs(backfilled - reported) < 1e-6 * reported, "backfilled \(backfilled) J, report \(reported) J")
        let busy = try #require(
            try TestStack.query(
                replayPort,
                #"footprint_host_emissions_grams_total{state="busy",cloud_project_name="isis",user="jane.doe"}"#,
                at: windowEnd))
        #expect(abs(busy - ((totals["busy_gco2eq"] as? Double) ?? 0)) < 1e-6 * max(busy, 1))
        #expect(try TestStack.query(replayPort, "footprint_report_info", at: windowEnd) == 1)
    }

    /// The file's digest from coreutils, independent of the exporter's own SHA-256.
    static func sha256sum(_ path: String) -> String? {
        guard let process = try? ExternalProcess("sha256sum", [path]), process.waitForExit() == 0 else { return nil }
        return process.output.split(separator: " ").first.map(String.init)
    }
}
