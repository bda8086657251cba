import Counters
import Foundation
import HTTPClient
import Logging
import Model
import StateStore
import TestSupport
import Testing

@testable import CLI

/// `report --source local`: the report from the exporter's own usage history, without Prometheus.
@Suite struct LocalReportTests {
    // 2026-11-21T00:00Z.
    static let from = Double(UTCDate.days(year: 2026, month: 11, day: 21)) * 86_400

    /// A store whose history holds six hours of two hosts (one of them away for the fourth hour); the counters.
    static func store(at path: String) throws -> HostLedger {
        let store = try StateStore(path: path)
        var ledger = HostLedger(attributionLabels: ["cloud_project_name", "user"], graceSeconds: 86_400)
        for step in 0...36 {
            let time = from + Double(step) * 600
            for (host, user) in [("a:9100", "ann"), ("b:9100", "bob")]
            where !(user == "bob" && (18...23).contains(step)) {
                ledger.record(
                    HalfIdleHost.reading(host, at: time, labels: ["cloud_project_name": "isis", "user": user]),
                    profile: HalfIdleHost.profile, intensity: GramsPerKilowattHour(150), region: "GB", at: time)
            }
            try store.save(ledger, at: time)
        }
        return ledger
    }

    func run(_ arguments: [String]) throws -> (String, Bool) {
        let command = try ReportCommand.parse(arguments)
        let (bytes, readAnything) = try command.produce(
            fetcher: try CurlHTTPClient(userAgent: "test"), logger: Logger(label: "test"), progress: nil)
        return (String(decoding: bytes, as: UTF8.self), readAnything)
    }

    @Test func theLocalHistoryGivesTheCountersTotals() throws {
        let directory = try TestStack.temporaryDirectory()
        let ledger = try Self.store(at: "\(directory)/footprint_exporter.sqlite")
        try "carbon_intensity: {provider: static, static_grams_per_kwh: 150}\n".write(
            toFile: "\(directory)/footprint.yml", atomically: true, encoding: .utf8)
        let (json, readAnything) = try run([
            "--config.file=\(directory)/footprint.yml", "--source", "local", "--storage.path", directory,
            "--from", "2026-11-21T00:00Z", "--to", "2026-11-21T12:00Z", "--group-by", "user",
        ])
        #expect(readAnything)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let groups = try #require(object["groups"] as? [[String: Any]])
        #expect(groups.count == 2)
        let summary = try #require(object["summary"] as? [String: Any])
        let totals = try #require(summary["totals"] as? [String: Double])
        let counted = ledger.allAccounts.map { $0.busyEnergy.value + $0.idleEnergy.value }.reduce(0, +)
        #expect(abs((totals["kwh"] ?? 0) * 3_600_000 - counted) < 1e-6 * counted)
        let grams = ledger.allAccounts.map { $0.busyEmissions.value + $0.idleEmissions.value }.reduce(0, +)
        #expect(abs((totals["gco2eq"] ?? 0) - grams) < 1e-6 * grams)
        // Hours after the history ends are missing, not zero.
        let provenance = try #require(object["provenance"] as? [String: Any])
        let gaps = try #require(provenance["gaps"] as? [[String: Any]])
        #expect(gaps.contains { ($0["cause"] as? String)?.contains("usage history has no row") == true })

        let (csv, _) = try run([
            "--config.file=\(directory)/footprint.yml", "--source", "local",
            "--storage.path", "\(directory)/footprint_exporter.sqlite", "--from", "2026-11-21", "--to", "2026-11-22",
            "--format", "csv",
        ])
        #expect(csv.contains("isis"))
    }

    @Test func aMissingStoreIsAClearError() throws {
        let directory = try TestStack.temporaryDirectory()
        try "{}\n".write(toFile: "\(directory)/footprint.yml", atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) {
            try run([
                "--config.file=\(directory)/footprint.yml", "--source", "local", "--storage.path",
                "\(directory)/none.sqlite", "--from", "2026-11-21", "--to", "2026-11-22",
            ])
        }
        #expect(throws: (any Error).self) {
            try ReportCommand.parse([
                "--config.file=x", "--source", "nowhere", "--from", "2026-11-21", "--to", "2026-11-22",
            ])
        }
    }
}
