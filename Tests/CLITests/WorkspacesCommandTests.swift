import Foundation
import HTTPClient
import Logging
import Model
import TestSupport
import Testing

@testable import Accounting
@testable import CLI

/// `footprint_exporter workspaces` over a synthetic history with a reboot, a host leaving and one arriving
/// at the very end; the output is validated against docs/workspaces.schema.json by an independent validator.
@Suite struct WorkspacesCommandTests {
    static let from = ReportCommandTests.from

    static func hosts() -> [SyntheticPrometheus.Host] {
        [
            SyntheticPrometheus.Host(
                instance: "10.0.0.1:9100", labels: ["job": "node", "cloud_project_name": "isis", "user": "alice"],
                bootTime: from - 86_400, cores: 2, idlePerSecond: 1.5, totalPerSecond: 2, memoryActiveRatio: 0.5,
                rebootAt: from + 3_600),
            SyntheticPrometheus.Host(
                instance: "10.0.0.2:9100", labels: ["job": "node", "cloud_project_name": "isis", "user": "bob"],
                bootTime: from - 600, cores: 4, idlePerSecond: 0, totalPerSecond: 4, memoryActiveRatio: 1,
                absent: { $0 >= from + 2 * 3_600 }),
            SyntheticPrometheus.Host(
                instance: "10.0.0.3:9100", labels: ["job": "node", "cloud_project_name": "lhc", "user": "carol"],
                bootTime: from + 3 * 3_600 - 100, cores: 8, idlePerSecond: 8, totalPerSecond: 8, memoryActiveRatio: 0,
                absent: { $0 < from + 3 * 3_600 }),
        ]
    }

    func produce(carbon: String, directory: String, users: String?) throws -> String {
        let prometheus = try SyntheticPrometheus(hosts: Self.hosts())
        defer { prometheus.stop() }
        var config = """
            collect_interval: 5m
            source:
              kind: prometheus
              prometheus: {url: "\(prometheus.baseURL)", selector: '{job="node"}'}
            \(carbon)
            power:
              default: {cpu_watts_per_core: 10, cpu_idle_watts_per_core: 2, ram_watts: 8, other_watts: 20}

            """
        if let users { config += "workspaces: {owner_label: user, user_directory: \(users)}\n" }
        let path = "\(directory)/footprint.yml"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        // The span ends at 03:00; the extra step read past it (03:05) is the only one listing carol.
        let command = try WorkspacesCommand.parse([
            "--config.file=\(path)", "--from", "2026-11-21T00:00Z", "--to", "2026-11-21T03:00Z",
        ])
        let (bytes, readAnything) = try command.produce(
            fetcher: try CurlHTTPClient(userAgent: "test"), logger: Logger(label: "test"), progress: nil)
        #expect(readAnything)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func sessionsStatusesOwnersAndSchema() throws {
        let directory = try TestStack.temporaryDirectory()
        try
            "user,name,email,uid\nalice,Alice Liddell,alice@example.org,1001\n\"bob\",\"Bob, Jr.\",bob@example.org,1002\n"
            .write(toFile: "\(directory)/users.csv", atomically: true, encoding: .utf8)
        let json = try produce(
            carbon: "carbon_intensity: {provider: static, static_grams_per_kwh: 100}", directory: directory,
            users: "users.csv")
        try SchemaCheck.expectValid(json, directory: directory)

        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let workspaces = try #require(document["workspaces"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: workspaces.map { ($0["id"] as? String ?? "", $0) })
        let reboot = Int(Self.from + 3_600)
        #expect(
            workspaces.map { $0["id"] as? String ?? "" } == [
                "10.0.0.1:9100@\(Int(Self.from - 86_400))", "10.0.0.2:9100@\(Int(Self.from - 600))",
                "10.0.0.1:9100@\(reboot)",
                "10.0.0.3:9100@\(Int(Self.from + 3 * 3_600 - 100))",
            ])

        let beforeReboot = try #require(byID["10.0.0.1:9100@\(Int(Self.from - 86_400))"])
        #expect(beforeReboot["status"] as? String == "complete")
        #expect(beforeReboot["end_reason"] as? String == "rebooted")
        #expect(beforeReboot["end"] as? String == "2026-11-21T00:55:00Z")
        #expect(beforeReboot["owner"] as? String == "alice")
        #expect(
            (beforeReboot["user"] as? [String: String]) == [
                "name": "Alice Liddell", "email": "alice@example.org", "uid": "1001",
            ])
        #expect((beforeReboot["labels"] as? [String: String]) == ["cloud_project_name": "isis", "user": "alice"])
        let usage = try #require(beforeReboot["usage"] as? [String: Double])
        // 32 W from 00:00 to 00:55 within the span.
        #expect(abs((usage["kwh"] ?? 0) - 32 * 3_300 / 3.6e6) < 1e-12)
        #expect(abs((usage["gco2eq"] ?? 0) - 32 * 3_300 / 3.6e6 * 100) < 1e-9)

        let afterReboot = try #require(byID["10.0.0.1:9100@\(reboot)"])
        #expect(afterReboot["status"] as? String == "processed")
        #expect(afterReboot["end"] is NSNull)
        #expect(afterReboot["start"] as? String == "2026-11-21T01:00:00Z")
        // From the reboot at 01:00 to 03:00 (the interval after the reboot is integrated from the boot time).
        #expect(abs(((afterReboot["usage"] as? [String: Double])?["kwh"] ?? 0) - 32 * 7_200 / 3.6e6) < 1e-12)

        let bob = try #require(byID["10.0.0.2:9100@\(Int(Self.from - 600))"])
        #expect(bob["status"] as? String == "complete")
        #expect(bob["end_reason"] as? String == "left_source")
        #expect(bob["end"] as? String == "2026-11-21T01:55:00Z")
        #expect((bob["user"] as? [String: String])?["name"] == "Bob, Jr.")
        #expect(((bob["equivalencies"] as? [[String: Any]])?.count) == 3)

        let carol = try #require(byID["10.0.0.3:9100@\(Int(Self.from + 3 * 3_600 - 100))"])
        #expect(carol["status"] as? String == "initialized")
        #expect(carol["user"] is NSNull)
        #expect(carol["owner"] as? String == "carol")

        let summary = try #require(document["summary"] as? [String: Any])
        #expect(
            (summary["by_status"] as? [String: Double]) == [
                "initialized": 1, "downloaded": 0, "processed": 1, "complete": 2,
            ])
    }

    @Test func fallbackIntensityLeavesWorkspacesDownloaded() throws {
        let directory = try TestStack.temporaryDirectory()
        let carbon = try FakeUpstream()
        defer { carbon.stop() }
        try "alice: {name: Alice, email: alice@example.org, uid: 1001}\n".write(
            toFile: "\(directory)/users.yml", atomically: true, encoding: .utf8)
        let json = try produce(
            carbon: "carbon_intensity: {provider: uk, uk: {url: \"\(carbon.baseURL)\"}, fallback_grams_per_kwh: 300}",
            directory: directory,
            users: "users.yml")
        try SchemaCheck.expectValid(json, directory: directory)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let workspaces = try #require(document["workspaces"] as? [[String: Any]])
        let statuses = workspaces.map { $0["status"] as? String ?? "" }
        #expect(statuses == ["downloaded", "downloaded", "downloaded", "initialized"])
        let first = try #require(workspaces.first)
        #expect(
            abs((((first["carbon_intensity"] as? [String: Any])?["mean_grams_per_kwh"] as? Double) ?? 0) - 300) < 1e-9)
        #expect((first["user"] as? [String: Any])?["email"] as? String == "alice@example.org")
        #expect((first["user"] as? [String: Any])?["uid"] as? String == "1001")
    }

}

/// Validates JSON against docs/workspaces.schema.json with python3-jsonschema (installed by `make test`), an
/// implementation independent of the one that wrote the JSON.
enum SchemaCheck {
    static var schemaPath: String { Fixture.sharedDirectory + "/../../docs/workspaces.schema.json" }

    static func expectValid(_ json: String, directory: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        let instance = "\(directory)/instance-\(UUID().uuidString.prefix(8)).json"
        try json.write(toFile: instance, atomically: true, encoding: .utf8)
        let script =
            "import json,sys,jsonschema; jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[2]))); "
            + "jsonschema.Draft202012Validator(json.load(open(sys.argv[2]))).validate(json.load(open(sys.argv[1])))"
        let process = try ExternalProcess("python3", ["-c", script, instance, schemaPath])
        #expect(
            process.waitForExit(timeout: 30) == 0, "schema validation failed:\n\(process.output)",
            sourceLocation: sourceLocation)
    }
}
