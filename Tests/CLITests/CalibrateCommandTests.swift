import Config
import Foundation
import Logging
import TestSupport
import Testing

@testable import CLI

/// `footprint_exporter calibrate` against a real Prometheus started on blocks backfilled with a known history:
/// four metered hosts of one profile whose node power follows a linear law in cores × busy share, one metered
/// host of the default profile (too few to fit) and one unmeasured host.
@Suite(.serialized) struct CalibrateCommandTests {
    /// 2 W per idle core, 8 W per busy core, 30 W other.
    static func law(cores: Int, busy: Double) -> Double { Double(cores) * (2 * (1 - busy) + 8 * busy) + 30 }

    struct Host {
        var address: String
        var cores: Int
        var profile: String
        var metered: Bool
        /// Busy share of the minute ending at sample `index`.
        var busy: (Int) -> Double
    }

    /// An OpenMetrics backfill of `minutes` one-minute samples from `start`: node_exporter's families per host,
    /// `up`, and the meters' `ipmi_dcmi_power_consumption_watts`. Each minute's meter reading is the law at that
    /// minute's load, so every paired interval is exact.
    static func backfill(_ hosts: [Host], start: Double, minutes: Int) -> String {
        var families: [String: [String]] = [:]
        var order: [String] = []
        func add(_ name: String, _ labels: String, _ values: [Double]) {
            if families[name] == nil { order.append(name) }
            for (index, value) in values.enumerated() {
                families[name, default: []].append(
                    "\(name){\(labels)} \(value) \(Int64(start) + Int64(index) * 60)")
            }
        }
        let times = 0..<minutes
        for host in hosts {
            let target = #"job="node",instance="\#(host.address):9100""#
            let attribution = #"cloud_project_name="p",user="u",machine_name="\#(host.profile)""#
            add("up", "\(target),\(attribution)", times.map { _ in 1 })
            var idle = [100_000.0]
            var user = [20_000.0]
            for index in 1..<minutes {
                idle.append(idle[index - 1] + 60 * (1 - host.busy(index)))
                user.append(user[index - 1] + 60 * host.busy(index))
            }
            for cpu in 0..<host.cores {
                add("node_cpu_seconds_total", #"\#(target),cpu="\#(cpu)",mode="idle""#, idle)
                add("node_cpu_seconds_total", #"\#(target),cpu="\#(cpu)",mode="user""#, user)
            }
            add("node_memory_MemTotal_bytes", target, times.map { _ in 1e9 })
            add("node_memory_Active_bytes", target, times.map { _ in 2.5e8 })
            add("node_boot_time_seconds", target, times.map { _ in start - 100_000 })
            if host.metered {
                add(
                    "ipmi_dcmi_power_consumption_watts", #"job="ipmi",instance="\#(host.address):9290""#,
                    times.map { law(cores: host.cores, busy: host.busy($0)) })
            }
        }
        return order.map { (families[$0] ?? []).joined(separator: "\n") }.joined(separator: "\n") + "\n# EOF\n"
    }

    /// The value of `key:` in the block of lines that starts with `header`.
    static func coefficient(_ output: String, profile header: String, _ key: String) -> Double? {
        let lines = output.split(separator: "\n").map(String.init)
        guard let first = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(header) })
        else { return nil }
        for line in lines[(first + 1)...].prefix(3) {
            let parts = line.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0] == key { return Double(parts[1].trimmingCharacters(in: .whitespaces)) }
        }
        return nil
    }

    @Test func fitsTheLawFromHistoryAndPrintsYAMLToPaste() throws {
        let directory = try TemporaryDirectory.make("calibrate")
        // Two hours of minutes, ending an hour ago.
        let start = ((Date().timeIntervalSince1970 - 3 * 3_600) / 60).rounded(.down) * 60
        let minutes = 120
        let pattern: [[Double]] = [
            [0.1, 0.7, 0.3, 0.9, 0.5, 0.2], [0.6, 0.2, 0.8, 0.4, 0.1, 0.7],
            [0.3, 0.9, 0.1, 0.6, 0.8, 0.4], [0.8, 0.4, 0.6, 0.2, 0.9, 0.3],
        ]
        var hosts: [Host] = []
        for (index, cores) in [4, 8, 16, 32].enumerated() {
            // The load changes every 20 minutes.
            hosts.append(
                Host(address: "10.0.0.\(index + 1)", cores: cores, profile: "calib", metered: true) {
                    pattern[index][min($0 / 20, 5)]
                })
        }
        hosts.append(Host(address: "10.0.0.9", cores: 8, profile: "calib", metered: false) { _ in 0.5 })
        hosts.append(Host(address: "10.0.0.10", cores: 4, profile: "other", metered: true) { $0 % 2 == 0 ? 0.2 : 0.6 })
        let backfillPath = "\(directory)/history.om"
        try Self.backfill(hosts, start: start, minutes: minutes)
            .write(toFile: backfillPath, atomically: true, encoding: .utf8)
        let blocks = "\(directory)/data"
        let create = try ExternalProcess(
            "promtool", ["tsdb", "create-blocks-from", "openmetrics", backfillPath, blocks])
        #expect(create.waitForExit(timeout: 120) == 0, "\(create.output)")
        try "scrape_configs: []\n".write(toFile: "\(directory)/prometheus.yml", atomically: true, encoding: .utf8)
        let port = FreePort.next()
        let prometheus = try ExternalProcess(
            "prometheus",
            [
                "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(blocks)",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ])
        defer { prometheus.stop() }
        try prometheus.waitUntilReady("http://127.0.0.1:\(port)/-/ready", timeout: 30)

        let configPath = "\(directory)/footprint.yml"
        try """
        collect_interval: 60s
        source:
          kind: prometheus
          prometheus: {url: "http://127.0.0.1:\(port)", selector: '{job="node"}'}
        carbon_intensity: {provider: static, static_grams_per_kwh: 100}
        power:
          default: {cpu_watts_per_core: 10, cpu_idle_watts_per_core: 1, ram_watts: 0, other_watts: 20}
          profiles:
            - name: calib
              match: {machine_name: calib}
              cpu_watts_per_core: 12
              cpu_idle_watts_per_core: 1
              other_watts: 10
          measured: {selector: '{job=~"node|ipmi"}'}
          calibration: {min_hosts: 3}
        """.write(toFile: configPath, atomically: true, encoding: .utf8)

        // The binary, as a user runs it.
        let run = try ExternalProcess(
            TestStack.exporterBinary,
            [
                "calibrate", "--config.file", configPath, "--from", "\(Int64(start))",
                "--to", "\(Int64(start) + Int64(minutes - 1) * 60)",
            ])
        #expect(run.waitForExit(timeout: 120) == 0, "\(run.output)")
        let output = run.output
        #expect(output.contains("power:\n"), "\(output)")
        let idle = Self.coefficient(output, profile: "- name: calib", "cpu_idle_watts_per_core")
        let busy = Self.coefficient(output, profile: "- name: calib", "cpu_watts_per_core")
        let other = Self.coefficient(output, profile: "- name: calib", "other_watts")
        #expect(abs((idle ?? 0) - 2) < 0.02, "idle \(idle ?? -1)\n\(output)")
        #expect(abs((busy ?? 0) - 8) < 0.08, "busy \(busy ?? -1)\n\(output)")
        #expect(abs((other ?? 0) - 30) < 0.3, "other \(other ?? -1)\n\(output)")
        // The residual per profile, and the hosts it was fitted on: the four metered ones, not the unmeasured one.
        let header = try #require(output.split(separator: "\n").first { $0.contains("- name: calib") })
        #expect(header.contains("relative RMS residual 0"), "\(header)")
        #expect(header.contains("4 hosts"), "\(header)")
        // One metered host of the default profile is too few: said, not fitted.
        #expect(output.contains("# not fitted: default (too_few_hosts"), "\(output)")

        // A span with no data at all: exit status 3.
        let empty = try ExternalProcess(
            TestStack.exporterBinary,
            ["calibrate", "--config.file", configPath, "--from", "1000000000", "--to", "1000003600"])
        #expect(empty.waitForExit(timeout: 60) == 3, "\(empty.output)")
    }

    /// The history lives in Prometheus, and the fit needs measurements: other sources, or measured power off, are
    /// refused with the reason before anything is read.
    @Test func refusesSourcesWithoutHistoryAndMeasuredPowerOff() throws {
        let fetcher = InMemoryFetcher()
        let logger = Logger(label: "test")
        let scrape = try ConfigurationLoader.parse(
            yaml: "source: {kind: scrape, scrape: {static: [{targets: [\"127.0.0.1:9\"]}]}}\n", file: "s.yml")
        #expect {
            _ = try CalibrateCommand.fit(
                configuration: scrape, from: 0, to: 3_600, resolution: 60, fetcher: fetcher, logger: logger)
        } throws: { "\($0)".contains("source.kind prometheus") }
        let off = try ConfigurationLoader.parse(
            yaml: """
                source: {kind: prometheus, prometheus: {url: "http://127.0.0.1:9"}}
                power: {measured: {enabled: false}}
                """, file: "o.yml")
        #expect {
            _ = try CalibrateCommand.fit(
                configuration: off, from: 0, to: 3_600, resolution: 60, fetcher: fetcher, logger: logger)
        } throws: { "\($0)".contains("power.measured.enabled is false") }
        #expect(fetcher.requests.isEmpty)
    }
}
