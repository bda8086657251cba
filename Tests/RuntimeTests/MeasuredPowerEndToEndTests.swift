import Foundation
import Logging
import StateStore
import Synchronization
import TestSupport
import Testing

@testable import Config
@testable import Runtime

/// Measured power through the whole exporter: a real Prometheus scraping fake node_exporters (each on its own
/// 127.0.0.N, CPU counters growing at a known load in real time) and fake ipmi_exporter and dcgm-exporter
/// instances from their documented shapes, read by in-process applications in bridge mode and in scrape mode
/// (the same exporters read directly: each meter on the same port of its host's address, as on real hosts).
@Suite(.serialized) struct MeasuredPowerEndToEndTests {
    /// The default profile: 1 W idle and 10 W busy per core, 8 W of memory, 20 W other, PUE 1.2.
    static let defaultProfile =
        "{cpu_watts_per_core: 10, cpu_idle_watts_per_core: 1, ram_watts: 8, other_watts: 20, pue: 1.2}"
    /// The `calib` profile as configured: far from the law its measured hosts follow.
    static let calibProfile =
        "{name: calib, match: {machine_name: calib}, cpu_watts_per_core: 12, cpu_idle_watts_per_core: 1, "
        + "ram_watts: 0, other_watts: 10, pue: 1}"

    /// The law the `calib` hosts' meters follow: 2 W per idle core, 8 W per busy core, 30 W other.
    static func law(cores: Double, busy: Double) -> Double { cores * (2 * (1 - busy) + 8 * busy) + 30 }

    /// The profile formula of docs/power.md.
    static func formula(
        cores: Double, busy: Double, memory: Double, idle: Double, max: Double, ram: Double, other: Double,
        pue: Double
    ) -> Double {
        (cores * (idle + (max - idle) * busy) + ram * memory + other) * pue
    }

    /// One host's series of a family from an exposition parsed by `TestStack.samples`.
    static func value(_ samples: [String: Double], _ name: String, host: String, _ extra: String = "") -> Double? {
        samples.first { key, _ in
            key.hasPrefix("\(name){host=\"\(host)\"") && (extra.isEmpty || key.contains(extra))
        }?.value
    }

    static func energy(_ samples: [String: Double], host: String) -> Double {
        ["busy", "idle"].compactMap {
            value(samples, "footprint_host_energy_joules_total", host: host, #"state="\#($0)""#)
        }.reduce(0, +)
    }

    static func method(_ samples: [String: Double], host: String) -> String? {
        ["node", "rapl", "calibrated", "model"].first {
            value(samples, "footprint_host_power_method", host: host, #"method="\#($0)""#) == 1
        }
    }

    static func profileWatts(_ samples: [String: Double], _ coefficient: String, origin: String) -> Double? {
        samples.first { key, _ in
            key.hasPrefix("footprint_power_profile_watts{") && key.contains(#"profile="calib""#)
                && key.contains(#"coefficient="\#(coefficient)""#) && key.contains(#"origin="\#(origin)""#)
        }?.value
    }

    static func near(_ value: Double?, _ expected: Double, _ tolerance: Double) -> Bool {
        guard let value else { return false }
        return abs(value - expected) <= abs(expected) * tolerance
    }

    /// Every `_total` series seen decreasing across scrapes, per application.
    final class Monotonic {
        var highest: [String: Double] = [:]
        var decreases: [String] = []

        func check(_ samples: [String: Double]) {
            for (series, value) in samples where series.hasSuffix("}") && series.contains("_total{") {
                if let previous = highest[series], value < previous {
                    decreases.append("\(series): \(previous) -> \(value)")
                }
                highest[series] = max(value, highest[series] ?? value)
            }
        }
    }

    /// Where the RAPL host's node_exporter finds its RAPL counters once they exist.
    final class RAPLSlot: Sendable {
        let exporter = Mutex<FakeRAPLExporter?>(nil)
    }

    @Test func everyMethodFollowsItsFormulaAndCalibrationFitsTheLaw() throws {
        let directory = try TestStack.temporaryDirectory()
        // RAPL host: 4 cores half busy, package 40 W and DRAM 5 W. Its RAPL counters appear in its node_exporter
        // answer once the run starts, the package counter 12 s of draw below its wrap.
        let rapl = RAPLSlot()
        let raplNode = try FakeNodeExporter(address: "127.0.0.10", cores: 4, busyShare: 0.5) {
            rapl.exporter.withLock { $0 }?.exposition() ?? ""
        }
        // Every host's GPU or IPMI exporter listens on the same port of the host's address.
        let dcgmPort = FreePort.next()
        let ipmiPort = FreePort.next()
        // GPU host: 8 cores a quarter busy, one GPU drawing 250 W.
        let gpuNode = try FakeNodeExporter(address: "127.0.0.11", cores: 8, busyShare: 0.25)
        let dcgm = try FakeDCGMExporter(
            address: "127.0.0.11", port: dcgmPort, hostname: "gpu-host",
            gpus: [.init(uuid: "GPU-a", watts: 250, utilisationPercent: 60)], startJoules: ["GPU-a": 5_000_000])
        // IPMI host: its meter reads 310 W, until the meter goes away mid-run.
        let ipmiNode = try FakeNodeExporter(address: "127.0.0.12", cores: 4, busyShare: 0.4)
        let ipmi = try FakeIPMIExporter(address: "127.0.0.12", port: ipmiPort, watts: 310)
        // Unmeasured host: 2 cores, 80% busy.
        let plainNode = try FakeNodeExporter(address: "127.0.0.13", cores: 2, busyShare: 0.8)
        // A host whose meter appears mid-run.
        let gainingNode = try FakeNodeExporter(address: "127.0.0.14", cores: 4, busyShare: 0.1)
        let gainingIPMI = try FakeIPMIExporter(address: "127.0.0.14", port: ipmiPort, watts: 120)
        gainingIPMI.upstream.route("/metrics", .status(503, "not yet"))

        // Four metered hosts of the calib profile, of different sizes, whose load changes every 10 s, and two
        // unmeasured ones at a constant load. (An interval in which the load changed pairs a mixed CPU share with
        // the meter's old or new reading; changes far apart keep that noise small.)
        let calibCores = [4, 8, 16, 32]
        let calibLoads: [[Double]] = [
            [0.1, 0.7, 0.3, 0.9], [0.6, 0.2, 0.8, 0.4], [0.3, 0.9, 0.1, 0.6], [0.8, 0.4, 0.6, 0.2],
        ]
        var calibNodes: [FakeNodeExporter] = []
        var calibMeters: [FakeIPMIExporter] = []
        for (index, cores) in calibCores.enumerated() {
            let address = "127.0.0.\(20 + index)"
            let busy = calibLoads[index][0]
            calibNodes.append(try FakeNodeExporter(address: address, cores: cores, busyShare: busy, extra: nil))
            calibMeters.append(
                try FakeIPMIExporter(
                    address: address, port: ipmiPort, watts: Self.law(cores: Double(cores), busy: busy)))
        }
        let unmeasured = [(cores: 8, busy: 0.3), (cores: 16, busy: 0.7)]
        let unmeasuredNodes = try unmeasured.enumerated().map { index, host in
            try FakeNodeExporter(address: "127.0.0.\(30 + index)", cores: host.cores, busyShare: host.busy)
        }
        let servers =
            [raplNode.upstream, gpuNode.upstream, dcgm.upstream, ipmiNode.upstream]
            + [ipmi.upstream, plainNode.upstream, gainingNode.upstream, gainingIPMI.upstream]
            + (calibNodes + unmeasuredNodes).map(\.upstream) + calibMeters.map(\.upstream)
        defer { for server in servers { server.stop() } }

        func targets(_ list: [FakeUpstream]) -> String {
            list.map { "\"\($0.address):\($0.port)\"" }.joined(separator: ", ")
        }
        let meters = [dcgm.upstream, ipmi.upstream, gainingIPMI.upstream] + calibMeters.map(\.upstream)
        // The node_exporter targets, for Prometheus' node job and the scrape-mode exporter alike.
        let plainTargets = targets([raplNode, gpuNode, ipmiNode, plainNode, gainingNode].map(\.upstream))
        let calibTargets = targets((calibNodes + unmeasuredNodes).map(\.upstream))
        let jobs = """
              - job_name: node
                static_configs:
                  - targets: [\(plainTargets)]
                    labels: {cloud_project_name: p, user: u}
                  - targets: [\(calibTargets)]
                    labels: {cloud_project_name: p, user: u, machine_name: calib}
              - job_name: measured
                static_configs:
                  - targets: [\(targets(meters))]
            """
        let prometheusPort = FreePort.next()
        let prometheus = try TestStack.prometheus(port: prometheusPort, directory: directory, jobs: jobs)
        defer { prometheus.stop() }

        func bridgeConfiguration(apply: Bool, minHosts: Int = 3) throws -> Configuration {
            try ConfigurationLoader.parse(
                yaml: """
                    collect_interval: 1s
                    source:
                      kind: prometheus
                      prometheus: {url: "http://127.0.0.1:\(prometheusPort)", selector: '{job="node"}', timeout: 2s}
                    carbon_intensity: {provider: static, static_grams_per_kwh: 100}
                    power:
                      default: \(Self.defaultProfile)
                      profiles: [\(Self.calibProfile)]
                      measured: {selector: '{job=~"node|measured"}'}
                      calibration: {window: 10m, min_hosts: \(minHosts), apply: \(apply)}
                    """, file: "bridge.yml")
        }
        // Scrape mode: the same hosts and labels, each host's meters found on their ports of its address.
        let scrapeConfiguration = try ConfigurationLoader.parse(
            yaml: """
                collect_interval: 1s
                source:
                  kind: scrape
                  scrape:
                    static:
                      - targets: [\(plainTargets)]
                        labels: {cloud_project_name: p, user: u}
                      - targets: [\(calibTargets)]
                        labels: {cloud_project_name: p, user: u, machine_name: calib}
                    timeout: 1s
                carbon_intensity: {provider: static, static_grams_per_kwh: 100}
                power:
                  default: \(Self.defaultProfile)
                  profiles: [\(Self.calibProfile)]
                  measured:
                    targets: [{port: \(ipmiPort)}, {port: \(dcgmPort)}]
                  calibration: {window: 10m, min_hosts: 3, apply: true}
                """, file: "scrape.yml")
        let storePath = "\(directory)/state.sqlite"
        let logger = Logger(label: "test")
        var calibrated: Application? = try Application(
            configuration: try bridgeConfiguration(apply: true), listenAddress: .loopback(port: 0), logger: logger,
            fetcher: TestStack.fetcher, store: try StateStore(path: storePath))
        let configured = try Application(
            configuration: try bridgeConfiguration(apply: false), listenAddress: .loopback(port: 0), logger: logger,
            fetcher: TestStack.fetcher)
        let scraping = try Application(
            configuration: scrapeConfiguration, listenAddress: .loopback(port: 0), logger: logger,
            fetcher: TestStack.fetcher)
        defer {
            calibrated?.stop()
            configured.stop()
            scraping.stop()
        }
        func metrics(_ application: Application) throws -> [String: Double] {
            TestStack.samples(
                String(
                    decoding: try TestStack.get("http://127.0.0.1:\(application.port)/metrics").body, as: UTF8.self))
        }

        // Wait until Prometheus holds a scrape of every target.
        #expect(
            try TestStack.eventually(timeout: 30) {
                (try TestStack.query(prometheusPort, #"count(up{job=~"node|measured"} == 1)"#) ?? 0) >= 17
            }, "\(prometheus.logPath)")

        let monotonic = (calibrated: Monotonic(), configured: Monotonic(), scraping: Monotonic())
        let raplHost = raplNode.target
        let gpuHost = gpuNode.target
        let energyHosts = [raplHost, gpuHost, plainNode.target]
        typealias Mark = (time: Double, joules: [String: Double], watts: [String: Double])
        var energyStart: [String: Mark] = [:]
        var energyEnd: [String: Mark] = [:]
        var early: [String: [String: Double]] = [:]
        var raplPowers: [String: [Double]] = [:]
        let raplExporter = try FakeRAPLExporter(
            address: "127.0.0.10", packageWatts: 40, dramWatts: 5, startJoules: 262_143.328850 - 40 * 12)
        defer { raplExporter.upstream.stop() }
        rapl.exporter.withLock { $0 = raplExporter }
        let start = Date()
        for step in 0..<40 {
            // One collection a second, on the second since the start.
            let due = start.addingTimeInterval(Double(step))
            if due > Date() { Thread.sleep(until: due) }
            if step % 10 == 0 {
                let level = min(step / 10, calibLoads[0].count - 1)
                for (index, node) in calibNodes.enumerated() {
                    let busy = calibLoads[index][level]
                    node.set(busyShare: busy)
                    calibMeters[index].set(watts: Self.law(cores: Double(calibCores[index]), busy: busy))
                }
            }
            if step == 14 { gainingIPMI.upstream.route("/metrics", .handler { _ in .text(gainingIPMI.exposition()) }) }
            if step == 20 { ipmi.upstream.stop() }
            if step == 32 { dcgm.upstream.stop() }
            for application in [calibrated, configured, scraping].compactMap({ $0 }) { application.collectNow() }
            let now = Date().timeIntervalSince1970
            let samples = try metrics(try #require(calibrated))
            monotonic.calibrated.check(samples)
            monotonic.configured.check(try metrics(configured))
            let scraped = try metrics(scraping)
            monotonic.scraping.check(scraped)
            func mark(_ samples: [String: Double]) -> Mark {
                var joules: [String: Double] = [:]
                var watts: [String: Double] = [:]
                for host in energyHosts {
                    joules[host] = Self.energy(samples, host: host)
                    watts[host] = Self.value(samples, "footprint_host_power_watts", host: host)
                }
                return (now, joules, watts)
            }
            for (mode, snapshot) in [("bridge", samples), ("scrape", scraped)] {
                if step >= 4, let watts = Self.value(snapshot, "footprint_host_power_watts", host: raplHost) {
                    raplPowers[mode, default: []].append(watts)
                }
                if step == 6 { early[mode] = snapshot }
                if step == 8 { energyStart[mode] = mark(snapshot) }
                if step == 28 { energyEnd[mode] = mark(snapshot) }
            }
        }
        let ends = ["bridge": try metrics(try #require(calibrated)), "scrape": try metrics(scraping)]
        let end = try #require(ends["bridge"])

        // Each method's formula, from a collection early in the run.
        let gpuModel = Self.formula(
            cores: 8, busy: 0.25, memory: 0.25, idle: 1, max: 10, ram: 8, other: 20, pue: 1.2)
        let expected: [(host: String, method: String, watts: Double)] = [
            (raplHost, "rapl", (40 + 5 + 20) * 1.2),
            (gpuHost, "model", gpuModel + 250 * 1.2),
            (ipmiNode.target, "node", 310 * 1.2),
            (
                plainNode.target, "model",
                Self.formula(cores: 2, busy: 0.8, memory: 0.25, idle: 1, max: 10, ram: 8, other: 20, pue: 1.2)
            ),
        ]
        // Bridge and direct scrape alike: every method's formula, energy that follows power, the wrap.
        for mode in ["bridge", "scrape"] {
            let early = try #require(early[mode])
            for host in expected {
                let watts = Self.value(early, "footprint_host_power_watts", host: host.host)
                #expect(
                    Self.near(watts, host.watts, 0.02),
                    "\(mode) \(host.host): \(watts ?? -1) W, expected \(host.watts) W")
                #expect(Self.method(early, host: host.host) == host.method, "\(mode) \(host.host)")
            }
            let gpuWatts = Self.value(early, "footprint_host_gpu_power_watts", host: gpuHost)
            #expect(Self.near(gpuWatts, 250 * 1.2, 0.02), "\(mode) GPU \(gpuWatts ?? -1) W")
            #expect(Self.method(early, host: gainingNode.target) == "model", "\(mode)")

            // Energy over 20 s is the power over those 20 s: nothing lost or doubled, the RAPL wrap included.
            let first = try #require(energyStart[mode])
            let last = try #require(energyEnd[mode])
            for host in energyHosts {
                let rate = ((last.joules[host] ?? 0) - (first.joules[host] ?? 0)) / (last.time - first.time)
                let watts = try #require(first.watts[host])
                #expect(Self.near(rate, watts, 0.08), "\(mode) \(host): \(rate) J/s against \(watts) W")
            }
            // The package counter wrapped during the run (see below); the power stayed the measured one apart from
            // the wrap's own interval, which counts the energy since the wrap (as increase() does).
            let powers = raplPowers[mode] ?? []
            #expect(powers.count >= 34, "\(mode)")
            #expect(powers.filter { !Self.near($0, 78, 0.02) }.count <= 1, "\(mode) \(powers)")
            #expect(powers.allSatisfy { $0 > 0 }, "\(mode)")
        }
        let resets = try TestStack.query(
            prometheusPort, #"resets(node_rapl_package_joules_total{job="node"}[1m])"#)
        #expect(resets == 1, "the package counter did not wrap once: \(resets ?? -1)")

        for (mode, end) in ends {
            // Gaining and losing a meter changes the method only; no counter ever went down.
            #expect(Self.method(end, host: gainingNode.target) == "node", "\(mode)")
            let gained = Self.value(end, "footprint_host_power_watts", host: gainingNode.target)
            #expect(Self.near(gained, 120 * 1.2, 0.02), "\(mode) \(gained ?? -1) W")
            #expect(Self.method(end, host: ipmiNode.target) == "model", "\(mode)")
            // Without its GPU exporter the GPU host is its profile alone; its GPU energy counter stays where it was.
            let gpuAlone = Self.value(end, "footprint_host_power_watts", host: gpuHost)
            #expect(Self.near(gpuAlone, gpuModel, 0.02), "\(mode) GPU host without dcgm: \(gpuAlone ?? -1) W")
            let gpuEnergy = ["busy", "idle"].compactMap {
                Self.value(end, "footprint_host_gpu_energy_joules_total", host: gpuHost, #"state="\#($0)""#)
            }
            #expect(gpuEnergy.count == 2 && gpuEnergy.reduce(0, +) > 250 * 1.2 * 20, "\(mode) \(gpuEnergy)")
            // GPU energy is split into busy and idle by the GPU's utilisation (60%).
            let busyShare = gpuEnergy.count == 2 ? gpuEnergy[0] / gpuEnergy.reduce(0, +) : 0
            #expect(abs(busyShare - 0.6) < 0.01, "\(mode) GPU busy share \(busyShare)")
        }
        #expect(monotonic.calibrated.decreases.isEmpty, "\(monotonic.calibrated.decreases)")
        #expect(monotonic.configured.decreases.isEmpty, "\(monotonic.configured.decreases)")
        #expect(monotonic.scraping.decreases.isEmpty, "\(monotonic.scraping.decreases)")

        // Calibration: the fitted coefficients are the law's, and the unmeasured hosts of the profile follow it.
        for (mode, end) in ends {
            let fitted = (
                idle: Self.profileWatts(end, "cpu_idle_watts_per_core", origin: "fitted"),
                busy: Self.profileWatts(end, "cpu_watts_per_core", origin: "fitted"),
                other: Self.profileWatts(end, "other_watts", origin: "fitted")
            )
            #expect(Self.near(fitted.idle, 2, 0.05), "\(mode) idle \(fitted.idle ?? -1)")
            #expect(Self.near(fitted.busy, 8, 0.05), "\(mode) busy \(fitted.busy ?? -1)")
            #expect(Self.near(fitted.other, 30, 0.05), "\(mode) other \(fitted.other ?? -1)")
            #expect(end[#"footprint_power_profile_fit_hosts{profile="calib"}"#] == 4, "\(mode)")
            for (index, host) in unmeasured.enumerated() {
                let target = unmeasuredNodes[index].target
                let law = Self.law(cores: Double(host.cores), busy: host.busy)
                let watts = Self.value(end, "footprint_host_power_watts", host: target)
                #expect(Self.near(watts, law, 0.03), "\(mode) \(target): \(watts ?? -1) W, law \(law) W")
                #expect(Self.method(end, host: target) == "calibrated", "\(mode)")
            }
        }
        let configuredEnd = try metrics(configured)
        for (index, host) in unmeasured.enumerated() {
            let target = unmeasuredNodes[index].target
            // With apply: false the configured profile stays.
            let asConfigured = Self.formula(
                cores: Double(host.cores), busy: host.busy, memory: 0.25, idle: 1, max: 12, ram: 0, other: 10, pue: 1)
            let kept = Self.value(configuredEnd, "footprint_host_power_watts", host: target)
            #expect(Self.near(kept, asConfigured, 0.02), "\(target): \(kept ?? -1) W, configured \(asConfigured) W")
            #expect(Self.method(configuredEnd, host: target) == "model")
        }
        #expect(Self.profileWatts(configuredEnd, "cpu_watts_per_core", origin: "fitted") != nil)

        // A new application on the same store starts with the saved fit in force. No new fit can be accepted
        // (min_hosts is above the metered hosts), so what is in force is what was saved.
        calibrated?.stop()
        calibrated = nil
        let restarted = try Application(
            configuration: try bridgeConfiguration(apply: true, minHosts: 10), listenAddress: .loopback(port: 0),
            logger: logger, fetcher: TestStack.fetcher, store: try StateStore(path: storePath))
        defer { restarted.stop() }
        restarted.collectNow()
        Thread.sleep(forTimeInterval: 1.5)
        restarted.collectNow()
        let after = try metrics(restarted)
        for coefficient in ["cpu_idle_watts_per_core", "cpu_watts_per_core", "other_watts"] {
            let before = Self.profileWatts(end, coefficient, origin: "fitted")
            #expect(
                before != nil && Self.profileWatts(after, coefficient, origin: "fitted") == before, "\(coefficient)")
        }
        for (index, host) in unmeasured.enumerated() {
            let target = unmeasuredNodes[index].target
            #expect(Self.method(after, host: target) == "calibrated", "\(target)")
            // The first interval after the restart spans the restart, so its load is the one the exporter
            // observed over it (its idle ratio), not necessarily the host's steady load.
            let observedBusy = 1 - (Self.value(after, "footprint_host_idle_ratio", host: target) ?? (1 - host.busy))
            let law = Self.law(cores: Double(host.cores), busy: observedBusy)
            let watts = Self.value(after, "footprint_host_power_watts", host: target)
            #expect(Self.near(watts, law, 0.03), "\(target) after restart: \(watts ?? -1) W, law \(law) W")
        }
    }
}
