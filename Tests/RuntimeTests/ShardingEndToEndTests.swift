import Config
import Foundation
import Logging
import Model
import Runtime
import StateStore
import TestSupport
import Testing

/// Twelve fake hosts, three replicas and one unsharded exporter, in scrape mode and in bridge mode against a real
/// Prometheus: every host is served by exactly one replica with the unsharded exporter's power, and Prometheus'
/// own `hashmod` puts each target in the replica's shard.
@Suite(.serialized) struct ShardingEndToEndTests {
    static let count = 3

    /// Twelve hosts of different sizes and loads on their own loopback addresses, spread over every shard (the
    /// ports are free ones, so the spread is drawn again in the unlikely case that a shard gets no host).
    static func fleet() throws -> [FakeNodeExporter] {
        for _ in 0..<20 {
            let hosts = try (0..<12).map { index in
                try FakeNodeExporter(
                    address: "127.0.0.\(100 + index)", cores: 2 + index % 4 * 2, busyShare: 0.1 + Double(index) * 0.07)
            }
            let buckets = Set(hosts.map { Shard.bucket(of: $0.target, count: count) })
            if buckets.count == count { return hosts }
            for host in hosts { host.upstream.stop() }
        }
        throw TestFailure("no spread of 12 hosts over \(count) shards in 20 draws")
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func metrics(_ application: Application) throws -> [String: Double] {
        TestStack.samples(
            String(decoding: try TestStack.get("http://127.0.0.1:\(application.port)/metrics").body, as: UTF8.self))
    }

    /// Power per host from an exposition's `footprint_host_power_watts` series.
    static func powers(_ samples: [String: Double]) -> [String: Double] {
        var result: [String: Double] = [:]
        for (series, value) in samples where series.hasPrefix("footprint_host_power_watts{host=\"") {
            let host = series.dropFirst("footprint_host_power_watts{host=\"".count).prefix { $0 != "\"" }
            result[String(host)] = value
        }
        return result
    }

    /// Collects twice, far enough apart for an interval (Prometheus scrapes every second), and returns each
    /// application's exposition.
    static func collectTwice(_ applications: [Application]) throws -> [[String: Double]] {
        for application in applications { application.collectNow() }
        Thread.sleep(forTimeInterval: 2.5)
        for application in applications { application.collectNow() }
        return try applications.map(metrics)
    }

    /// As `collectTwice`, then one more interval at a time (at most three) while a host's power differs between
    /// the replicas and the unsharded exporter (the last one). A bridge evaluates its queries at the moment it
    /// asks, so on a loaded machine a scrape Prometheus appends between two of them can give one exporter an
    /// interval with mismatched counters; the next interval is clean.
    static func collectUntilPowersAgree(_ applications: [Application]) throws -> [[String: Double]] {
        var expositions = try collectTwice(applications)
        for _ in 0..<3 {
            let whole = powers(expositions[expositions.count - 1])
            let agree = expositions.dropLast().allSatisfy { replica in
                powers(replica).allSatisfy { host, watts in
                    abs(watts - (whole[host] ?? .nan)) <= 1e-9 * watts
                }
            }
            if agree { break }
            Thread.sleep(forTimeInterval: 2.5)
            for application in applications { application.collectNow() }
            expositions = try applications.map(metrics)
        }
        return expositions
    }

    /// The replicas together serve every host once, each with the unsharded exporter's power, and say which
    /// shard they are.
    static func expectShardedLikeUnsharded(
        replicas: [[String: Double]], unsharded: [String: Double], hosts: [String], _ mode: String
    ) {
        let whole = powers(unsharded)
        #expect(Set(whole.keys) == Set(hosts), "\(mode): unsharded exporter serves \(whole.keys.sorted())")
        #expect(unsharded.keys.allSatisfy { !$0.hasPrefix("footprint_shard_info") }, "\(mode)")
        var servedBy: [String: [Int]] = [:]
        for (index, samples) in replicas.enumerated() {
            let served = powers(samples)
            // The work is spread: no replica serves every host, each serves its share.
            #expect(!served.isEmpty && served.count < hosts.count, "\(mode): replica \(index) serves \(served.count)")
            #expect(samples["footprint_hosts"] == Double(served.count), "\(mode): replica \(index)")
            #expect(samples[#"footprint_shard_info{index="\#(index)",count="\#(count)"}"#] == 1, "\(mode)")
            for (host, watts) in served {
                servedBy[host, default: []].append(index)
                #expect(Shard.bucket(of: host, count: count) == index, "\(mode): \(host) in replica \(index)")
                let expected = whole[host] ?? .nan
                #expect(
                    abs(watts - expected) <= 1e-9 * expected, "\(mode): \(host) \(watts) W, unsharded \(expected) W")
            }
        }
        #expect(Set(servedBy.keys) == Set(hosts), "\(mode): replicas together serve \(servedBy.keys.sorted())")
        #expect(servedBy.values.allSatisfy { $0.count == 1 }, "\(mode): \(servedBy)")
    }

    @Test func replicasServeEveryHostOnceInScrapeAndBridgeMode() throws {
        let directory = try TestStack.temporaryDirectory()
        let fleet = try Self.fleet()
        defer { for host in fleet { host.upstream.stop() } }
        let hosts = fleet.map(\.target)
        let targets = hosts.map { "\"\($0)\"" }.joined(separator: ", ")

        // Job node labels every target with its shard (the shard_label route); jobs shard0..2 keep only their
        // shard's targets, as a sharded Prometheus would.
        var jobs = """
              - job_name: node
                static_configs: [{targets: [\(targets)], labels: {cloud_project_name: p, user: u}}]
                relabel_configs:
                  - {source_labels: [__address__], modulus: \(Self.count), target_label: footprint_shard, action: hashmod}

            """
        for index in 0..<Self.count {
            jobs += """
                  - job_name: shard\(index)
                    static_configs: [{targets: [\(targets)]}]
                    relabel_configs:
                      - {source_labels: [__address__], modulus: \(Self.count), target_label: __tmp_hash, action: hashmod}
                      - {source_labels: [__tmp_hash], regex: '\(index)', action: keep}

                """
        }
        let prometheusPort = FreePort.next()
        let prometheus = try TestStack.prometheus(port: prometheusPort, directory: directory, jobs: jobs)
        defer { prometheus.stop() }
        #expect(
            try TestStack.eventually(timeout: 30) {
                (try TestStack.query(prometheusPort, #"count(up{job=~"node|shard.*"} == 1)"#) ?? 0) == 24
            }, "\(prometheus.logPath)")

        // Prometheus' hashmod on the target address is the exporter's shard, for every target.
        for index in 0..<Self.count {
            let kept = try Self.seriesLabels(prometheusPort, #"up{job="shard\#(index)"}"#).compactMap { $0["instance"] }
            let expected = hosts.filter { Shard.bucket(of: $0, count: Self.count) == index }
            #expect(Set(kept) == Set(expected), "job shard\(index) kept \(kept.sorted())")
            #expect(!kept.isEmpty)
        }
        for labels in try Self.seriesLabels(prometheusPort, #"up{job="node"}"#) {
            let instance = labels["instance"] ?? ""
            #expect(labels["footprint_shard"] == "\(Shard.bucket(of: instance, count: Self.count))", "\(instance)")
        }

        let logger = Logger(label: "test")
        func application(_ yaml: String) throws -> Application {
            try Application(
                configuration: try ConfigurationLoader.parse(yaml: yaml, file: "replica.yml"),
                listenAddress: .loopback(port: 0), logger: logger, fetcher: TestStack.fetcher)
        }
        let common = """
            collect_interval: 1s
            carbon_intensity: {provider: static, static_grams_per_kwh: 100}
            power:
              default: {cpu_watts_per_core: 12, cpu_idle_watts_per_core: 2, ram_watts: 6, other_watts: 15}

            """
        func shard(_ index: Int?) -> String { index.map { "shard: {count: \(Self.count), index: \($0)}\n" } ?? "" }

        // Scrape mode: each replica fetches only its own targets (its target series name no other).
        let scrape = """
            source:
              kind: scrape
              scrape:
                timeout: 1s
                static: [{targets: [\(targets)], labels: {cloud_project_name: p, user: u}}]

            """
        let scraping = try ([0, 1, 2] + [nil]).map { try application(common + scrape + shard($0)) }
        defer { for application in scraping { application.stop() } }
        let scraped = try Self.collectUntilPowersAgree(scraping)
        for (index, samples) in scraped.prefix(Self.count).enumerated() {
            let fetched = samples.keys.filter { $0.hasPrefix("footprint_target_up{") }
            let own = hosts.filter { Shard.bucket(of: $0, count: Self.count) == index }
            #expect(Set(fetched) == Set(own.map { #"footprint_target_up{host="\#($0)"}"# }), "replica \(index)")
        }
        Self.expectShardedLikeUnsharded(
            replicas: Array(scraped.prefix(Self.count)), unsharded: scraped[Self.count], hosts: hosts, "scrape")

        // Bridge mode, the replica hashing the host label itself, then Prometheus choosing through shard_label.
        func bridge(shardLabel: String?) -> String {
            """
            source:
              kind: prometheus
              prometheus:
                url: http://127.0.0.1:\(prometheusPort)
                selector: '{job="node"}'
                timeout: 2s\(shardLabel.map { "\n    shard_label: \($0)" } ?? "")

            """
        }
        for label in [nil, "footprint_shard"] {
            let bridging = try ([0, 1, 2] + [nil]).map {
                try application(common + bridge(shardLabel: label) + shard($0))
            }
            defer { for application in bridging { application.stop() } }
            let bridged = try Self.collectUntilPowersAgree(bridging)
            Self.expectShardedLikeUnsharded(
                replicas: Array(bridged.prefix(Self.count)), unsharded: bridged[Self.count], hosts: hosts,
                "bridge, shard_label \(label ?? "none")")
        }
    }

    /// A replica restarted with another shard count keeps the counters of the hosts still its own and drops the
    /// others at once (their new replica counts them); a reload cannot change the shard.
    @Test func aChangeOfCountKeepsOwnCountersAndDropsMovedHosts() throws {
        let directory = try TestStack.temporaryDirectory()
        let fleet = try Self.fleet()
        defer { for host in fleet { host.upstream.stop() } }
        let hosts = fleet.map(\.target)
        func yaml(count: Int) -> String {
            """
            collect_interval: 1s
            source:
              kind: scrape
              scrape:
                timeout: 1s
                static: [{targets: [\(hosts.map { "\"\($0)\"" }.joined(separator: ", "))]}]
            carbon_intensity: {provider: static, static_grams_per_kwh: 100}
            shard: {count: \(count), index: 0}
            """
        }
        let logger = Logger(label: "test")
        let storePath = "\(directory)/state.sqlite"
        let configPath = "\(directory)/replica.yml"
        try yaml(count: 2).write(toFile: configPath, atomically: true, encoding: .utf8)
        var energyBefore: [String: Double] = [:]
        do {
            let store = try StateStore(path: storePath)
            let replica = try Application(
                configuration: try ConfigurationLoader.load(path: configPath), configurationFile: configPath,
                listenAddress: .loopback(port: 0), logger: logger, fetcher: TestStack.fetcher, store: store)
            defer { replica.stop() }
            let samples = try Self.collectTwice([replica])[0]
            energyBefore = Self.energy(samples)
            #expect(Set(energyBefore.keys) == Set(hosts.filter { Shard.bucket(of: $0, count: 2) == 0 }))
            // A reload cannot move hosts between running replicas.
            try yaml(count: 3).write(toFile: configPath, atomically: true, encoding: .utf8)
            guard case .rejected(let message) = replica.reload() else {
                Issue.record("a reload changed the shard")
                return
            }
            #expect(message.contains("changing the shard (0 of 2 to 0 of 3) needs a restart"))
            #expect(try Self.metrics(replica)[#"footprint_shard_info{index="0",count="2"}"#] == 1)
        }

        let store = try StateStore(path: storePath)
        let replica = try Application(
            configuration: try ConfigurationLoader.load(path: configPath), configurationFile: configPath,
            listenAddress: .loopback(port: 0), logger: logger, fetcher: TestStack.fetcher, store: store)
        defer { replica.stop() }
        // Before any collection: only the stored hosts that are still its own.
        let restored = Self.energy(try Self.metrics(replica))
        let kept = Set(energyBefore.keys.filter { Shard.bucket(of: $0, count: 3) == 0 })
        #expect(Set(restored.keys) == kept)
        for host in kept { #expect(restored[host] == energyBefore[host], "\(host)") }
        // After collecting: its new share, the kept hosts continuing from their counters, the gained ones from zero.
        let after = Self.energy(try Self.collectTwice([replica])[0])
        #expect(Set(after.keys) == Set(hosts.filter { Shard.bucket(of: $0, count: 3) == 0 }))
        for host in kept { #expect((after[host] ?? 0) > (energyBefore[host] ?? .infinity), "\(host)") }
        #expect(try Self.metrics(replica)[#"footprint_shard_info{index="0",count="3"}"#] == 1)
    }

    /// Busy plus idle energy per host.
    static func energy(_ samples: [String: Double]) -> [String: Double] {
        var result: [String: Double] = [:]
        for (series, value) in samples where series.hasPrefix("footprint_host_energy_joules_total{host=\"") {
            let host = series.dropFirst("footprint_host_energy_joules_total{host=\"".count).prefix { $0 != "\"" }
            result[String(host), default: 0] += value
        }
        return result
    }

    /// The label sets of an instant query's series.
    static func seriesLabels(_ port: UInt16, _ promQL: String) throws -> [[String: String]] {
        let escaped = promQL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promQL
        let response = try TestStack.get("http://127.0.0.1:\(port)/api/v1/query?query=\(escaped)")
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { return [] }
        return result.compactMap { $0["metric"] as? [String: String] }
    }
}
