import Foundation
import HTTPClient
import Logging
import StateStore
import TestSupport
import Testing

@testable import Accounting
@testable import CLI
@testable import Config
@testable import Runtime

/// `auditor-push` against a loopback AUDITOR over a synthetic history: a workspace's record goes once it has
/// ended, with its final energy and emissions; failures are retried with backoff and survive in the state store.
@Suite struct AuditorPushTests {
    static let from = ReportCommandTests.from

    static func hosts() -> [SyntheticPrometheus.Host] {
        func host(
            _ number: Int, _ user: String, project: String = "isis", present: @escaping @Sendable (Double) -> Bool
        ) -> SyntheticPrometheus.Host {
            SyntheticPrometheus.Host(
                instance: "10.0.0.\(number):9100",
                labels: ["job": "node", "cloud_project_name": project, "user": user],
                bootTime: from - 3_600, cores: 4, idlePerSecond: 2, totalPerSecond: 4, memoryActiveRatio: 0.5,
                absent: { !present($0) })
        }
        let start = from
        return [
            host(1, "alice") { $0 >= start && $0 < start + 9_000 },
            host(2, "bob") { $0 >= start && $0 < start + 5_400 },
            host(3, "carol", project: "lhc") { $0 >= start + 9_900 && $0 < start + 12_600 },
            host(4, "dave") { $0 >= start + 9_900 && $0 < start + 12_600 },
        ]
    }

    /// The delays the sink asked for, instead of sleeping.
    final class SleepLog {
        var delays: [Double] = []
    }

    func push(config: String, store: String, at: Double, sleeps: SleepLog) throws -> AuditorPush.Summary {
        let command = try AuditorPushCommand.parse([
            "--config.file=\(config)", "--storage.path=\(store)", "--at", "\(Int(at))",
        ])
        return try command.push(fetcher: try CurlHTTPClient(userAgent: "test"), logger: Logger(label: "test")) {
            seconds in
            sleeps.delays.append(seconds)
        }
    }

    /// A synthetic Prometheus with `hosts()`, a loopback AUDITOR, and a configuration file reading the one and
    /// pushing to the other (`auditor` holds the section's extra keys).
    func stack(
        auditor extra: String
    ) throws -> (directory: String, config: String, prometheus: SyntheticPrometheus, auditor: FakeAuditor) {
        let directory = try TestStack.temporaryDirectory()
        let prometheus = try SyntheticPrometheus(hosts: Self.hosts())
        let auditor = try FakeAuditor()
        let config = "\(directory)/footprint.yml"
        try """
        collect_interval: 5m
        source:
          kind: prometheus
          prometheus: {url: "\(prometheus.baseURL)", selector: '{job="node"}'}
        carbon_intensity: {provider: static, static_grams_per_kwh: 200}
        power:
          default: {cpu_watts_per_core: 10, cpu_idle_watts_per_core: 5, ram_watts: 10, other_watts: 20}
        auditor:
          url: "\(auditor.baseURL)"
          site_id: site-a
        \(extra)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        return (directory, config, prometheus, auditor)
    }

    @Test func recordsRetriesUpdatesAndDuplicates() throws {
        let (directory, config, prometheus, auditor) = try stack(
            auditor: """
                  score: {name: HEPSPEC06, value: 12.5}
                  lookback: 6h
                  backoff: {initial: 2s, max: 5s, attempts: 4}
                """)
        defer { prometheus.stop() }
        defer { auditor.stop() }
        let store = "\(directory)/state.sqlite"
        let sleeps = SleepLog()

        // First push at 02:00: bob has left (complete), alice runs and is not sent yet. Bob's first three attempts
        // fail: backoff 2 s, 4 s, then the 5 s cap.
        auditor.failNext(3)
        let first = try push(config: config, store: store, at: Self.from + 7_200, sleeps: sleeps)
        #expect(first == .init(adds: 1, updates: 0, result: .init(delivered: 1, deferred: 0, refused: 0), pending: 0))
        #expect(sleeps.delays == [2, 4, 5])
        let boot = Int(Self.from - 3_600)
        #expect(auditor.records["10.0.0.1:9100@\(boot)"] == nil, "a running workspace's figures are not final")
        let bob = try #require(auditor.records["10.0.0.2:9100@\(boot)"])
        #expect(bob.stopTime == "2026-11-21T01:25:00Z")
        let bobRecord = try #require(try JSONSerialization.jsonObject(with: Data(bob.json.utf8)) as? [String: Any])
        #expect(
            (bobRecord["meta"] as? [String: [String]]) == [
                "site_id": ["site-a"], "group_id": ["isis"], "user_id": ["bob"],
            ])
        #expect(bobRecord["start_time"] as? String == "2026-11-20T23:00:00Z")
        let components = try #require(bobRecord["components"] as? [[String: Any]])
        #expect(components.map { $0["name"] as? String } == ["NumCPUs", "Memory", "Energy", "CO2e"])
        #expect(components[0]["amount"] as? Int == 4)
        #expect((components[0]["scores"] as? [[String: Any]])?.first?["value"] as? Double == 12.5)
        // 4 x (5 + 5 x 0.5) + 10 x 0.5 + 20 = 55 W from 00:00 to 01:25: 77.9 Wh, 15.6 g at 200 g/kWh.
        #expect(components[1]["amount"] as? Int == 8_192) // 8 GiB in MiB
        #expect(components[2]["amount"] as? Int == 78)
        #expect(components[3]["amount"] as? Int == 16)

        // The same push again changes nothing.
        let again = try push(config: config, store: store, at: Self.from + 7_200, sleeps: sleeps)
        #expect(again == .init(adds: 0, updates: 0, result: .init(), pending: 0))

        // Second push at 03:00: alice ended, and her one record carries the energy of her whole run (55 W from
        // 00:00 to 02:25: 132.9 Wh, 26.6 g); carol and dave run.
        let second = try push(config: config, store: store, at: Self.from + 10_800, sleeps: sleeps)
        #expect(second == .init(adds: 1, updates: 0, result: .init(delivered: 1, deferred: 0, refused: 0), pending: 0))
        let alice = try #require(auditor.records["10.0.0.1:9100@\(boot)"])
        #expect(alice.stopTime == "2026-11-21T02:25:00Z")
        let aliceRecord = try #require(try JSONSerialization.jsonObject(with: Data(alice.json.utf8)) as? [String: Any])
        let aliceComponents = try #require(aliceRecord["components"] as? [[String: Any]])
        #expect(aliceComponents[2]["amount"] as? Int == 133)
        #expect(aliceComponents[3]["amount"] as? Int == 27)
        #expect(!auditor.log.contains("PUT /record"))
        #expect(auditor.records["10.0.0.4:9100@\(boot)"] == nil)

        // The server goes down as carol and dave leave: nothing is lost; the outbox keeps both records and the next
        // push delivers them. Carol is already on the server, so the bulk fails with RECORD_EXISTS and each goes
        // alone, carol's duplicate counting as delivered.
        auditor.insert("10.0.0.3:9100@\(boot)")
        auditor.setHealthy(false)
        let down = try push(config: config, store: store, at: Self.from + 14_400, sleeps: sleeps)
        #expect(down.adds == 2)
        #expect(down.pending == 2)
        #expect(down.result.deferred == 2)
        auditor.setHealthy(true)
        let recovered = try push(config: config, store: store, at: Self.from + 14_400 + 600, sleeps: sleeps)
        #expect(recovered.pending == 0)
        #expect(recovered.result.delivered == 2)
        #expect(auditor.records["10.0.0.4:9100@\(boot)"]?.stopTime == "2026-11-21T03:25:00Z")
    }

    /// Records an earlier version sent while their workspace ran: one never delivered is replaced by the final
    /// record; one on the server gets its stop time (AUDITOR's update changes nothing else).
    @Test func recordsSentWhileRunningByAnEarlierVersion() throws {
        let (directory, config, prometheus, auditor) = try stack(auditor: "  lookback: 6h")
        defer { prometheus.stop() }
        defer { auditor.stop() }
        let path = "\(directory)/state.sqlite"
        let boot = Int(Self.from - 3_600)
        let alice = "10.0.0.1:9100@\(boot)"
        let bob = "10.0.0.2:9100@\(boot)"
        do {
            let store = try StateStore(path: path)
            // Alice's running record reached the server; bob's is still in the outbox.
            try store.enqueueAuditor(recordID: alice, action: .add, body: "{}", state: "open", now: 0)
            try store.removeAuditorItem(try #require(try store.auditorQueue().first?.sequence))
            auditor.insert(alice)
            try store.enqueueAuditor(recordID: bob, action: .add, body: "{\"stale\": true}", state: "open", now: 0)
        }
        let summary = try push(config: config, store: path, at: Self.from + 10_800, sleeps: SleepLog())
        #expect(summary == .init(adds: 1, updates: 1, result: .init(delivered: 2, deferred: 0, refused: 0), pending: 0))
        #expect(auditor.records[alice]?.stopTime == "2026-11-21T02:25:00Z")
        let bobStored = try #require(auditor.records[bob])
        #expect(bobStored.stopTime == "2026-11-21T01:25:00Z")
        #expect(!bobStored.json.contains("stale"))
        #expect(auditor.log.contains("PUT /record"))
    }

    @Test func servingExporterPushesOnItsOwnLoop() throws {
        let (directory, file, prometheus, auditor) = try stack(
            auditor: """
                  lookback: 6h
                  push_interval: 1h
                """)
        defer { prometheus.stop() }
        defer { auditor.stop() }
        let configuration = try Configuration.load(file: file)
        #expect(configuration.auditor?.pushInterval == 3_600)
        let store = try StateStore(path: "\(directory)/state.sqlite")
        let application = try Application(
            configuration: configuration, configurationFile: file, listenAddress: .loopback(port: 0),
            logger: Logger(label: "test"),
            clock: ManualClock(Self.from + 7_200), fetcher: try CurlHTTPClient(userAgent: "test"), store: store)
        application.start()
        defer { application.stop() }
        let boot = Int(Self.from - 3_600)
        #expect(TestStack.eventually(timeout: 30) { auditor.records.count == 1 }, "\(auditor.log)")
        #expect(auditor.records["10.0.0.1:9100@\(boot)"] == nil)
        #expect(auditor.records["10.0.0.2:9100@\(boot)"]?.stopTime == "2026-11-21T01:25:00Z")
        #expect(try store.auditorQueue().isEmpty)
    }
}

@Suite struct AuditorConfigurationTests {
    /// The serving exporter pushes on its own loop, with the outbox in its state store.
    @Test func auditorSectionIsValidated() throws {
        let good = try ConfigurationLoader.parse(
            yaml: """
                auditor:
                  url: http://127.0.0.1:8000
                  site_id: site-a
                  group_label: project
                  score: {name: HEPSPEC06, value: 10}
                  lookback: 7d
                  backoff: {initial: 500ms, max: 1m, attempts: 3}
                workspaces: {owner_label: owner, user_directory: users.yml}
                """, file: "dir/f.yml")
        let auditor = try #require(good.auditor)
        #expect(auditor.siteID == "site-a")
        #expect(auditor.groupLabel == "project")
        #expect(auditor.scoreValue == 10)
        #expect(auditor.lookback == 7 * 86_400)
        #expect(auditor.initialBackoff == 0.5)
        #expect(auditor.attempts == 3)
        #expect(good.workspaces.ownerLabel == "owner")
        #expect(good.workspaces.userDirectory == "dir/users.yml")
        // The effective configuration reads back the same.
        #expect(try ConfigurationLoader.parse(yaml: good.yamlDescription, file: "dir/f.yml").auditor == auditor)

        do {
            _ = try ConfigurationLoader.parse(
                yaml:
                    "auditor:\n  url: ftp://x\n  score: {value: -1}\n  backoff: {attempts: 0}\nworkspaces: {user_directory: users.txt}\n",
                file: "f.yml")
            Issue.record("an invalid auditor section was accepted")
        } catch {
            let text = error.description
            #expect(text.contains("auditor.url"))
            #expect(text.contains("auditor.score.value must not be negative"))
            #expect(text.contains("auditor.backoff.attempts must be a whole number from 1 to 100"))
            #expect(text.contains("auditor.site_id is required"))
            #expect(text.contains("workspaces.user_directory must be a .csv, .yml or .yaml file"))
        }
    }
}
