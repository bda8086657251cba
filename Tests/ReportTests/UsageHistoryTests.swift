import Counters
import Foundation
import Model
import Report
import Testing

@Suite struct UsageHistoryTests {
    private let labels = ["cloud_project_name", "user", "machine_name"]
    private var labeller: UsageLabeller {
        UsageLabeller(
            attributionLabels: labels, machineLabel: "machine_name",
            site: { $0["cloud_project_name"] == "isis" ? "isis" : nil })
    }

    private func row(_ hour: Int, _ host: String, project: String, machine: String = "", kwh: Double) -> UsageHour {
        UsageHour(
            hour: hour, host: host, attribution: [project, "ann", machine], gridRegion: "GB", profile: "default",
            amounts: UsageAmounts(
                cpuBusySeconds: 10, cpuIdleSeconds: 30, busyJoules: kwh * 0.25 * 3_600_000,
                idleJoules: kwh * 0.75 * 3_600_000, busyGrams: kwh * 0.25 * 200, idleGrams: kwh * 0.75 * 200))
    }

    private func object(_ json: JSONText) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.rendered().utf8)) as? [String: Any])
    }

    @Test func queryParametersAreCheckedWithClearMessages() throws {
        let parse = { (parameters: [String: String]) throws(UsageQuery.Problem) -> UsageQuery in
            try UsageQuery.parse(parameters, attributionLabels: self.labels, sites: ["isis"], now: 100_000)
        }
        let query = try parse([
            "from": "2026-12-01T00:30:00Z", "to": "2026-12-02T00:00:00Z", "step": "1d", "group_by": "user,machine",
            "format": "ada-day", "site": "isis",
        ])
        // The span widens to whole hours.
        #expect(query.from == UTCDate.parse("2026-12-01T00:00:00Z"))
        #expect(query.step == .day && query.groupBy == ["user", "machine"] && query.format == .adaDay)
        #expect(try parse([:]).groupBy == labels)
        #expect(try parse([:]).to == 100_800)
        let cases: [([String: String], String)] = [
            (["from": "yesterday"], "from"), (["to": "2026-13-01T00:00:00Z"], "to"), (["step": "5m"], "step"),
            (["group_by": "colour"], "group_by"), (["group_by": "user,user"], "group_by"),
            (["format": "xml"], "format"), (["site": "nowhere"], "site"), (["limit": "3"], "limit"),
            (["from": "2026-12-02T00:00:00Z", "to": "2026-12-01T00:00:00Z"], "from"),
        ]
        for (parameters, parameter) in cases {
            #expect(throws: UsageQuery.Problem.self) { try parse(parameters) }
            do {
                _ = try parse(parameters)
            } catch {
                #expect(error.parameter == parameter)
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test func hoursWithoutDataAreMarkedNotZeroFilled() throws {
        let query = UsageQuery(from: 0, to: 4 * 3_600, groupBy: ["cloud_project_name"])
        let rows = [
            row(0, "a", project: "clf", kwh: 1), row(2, "a", project: "clf", kwh: 2),
            row(2, "b", project: "isis", kwh: 4),
        ]
        let summary = UsageSummary.make(rows, query: query, labeller: labeller, now: 3.5 * 3_600)
        #expect(summary.groups.map { $0.labels.map(\.value) } == [["clf"], ["isis"]])
        let clf = summary.groups[0]
        #expect(clf.buckets.map(\.status) == ["ok", "missing", "ok", "missing"])
        #expect(clf.buckets[1].amounts == nil)
        #expect(abs(clf.totals.joules - 3 * 3_600_000) < 1e-6)
        #expect(abs(summary.totals.joules - 7 * 3_600_000) < 1e-6)
        let document = try object(UsageJSONRenderer.groups(summary))
        let groups = try #require(document["groups"] as? [[String: Any]])
        let series = try #require(groups[0]["series"] as? [[String: Any]])
        #expect(series[1]["busy_kwh"] is NSNull)
        #expect(series[1]["status"] as? String == "missing")
        let totals = try #require(document["totals"] as? [String: Double])
        #expect(
            Set(totals.keys) == [
                "busy_kwh", "idle_kwh", "busy_gco2eq", "idle_gco2eq", "busy_cpu_seconds", "idle_cpu_seconds",
            ])
        #expect(abs((totals["idle_kwh"] ?? 0) - 5.25) < 1e-9)
    }

    @Test func daysAndCalendarBucketsAndSitesFilter() {
        let query = UsageQuery(from: 0, to: 3 * 86_400, step: .day, groupBy: ["host"], site: "isis")
        let rows = [
            row(1, "a", project: "isis", kwh: 1), row(30, "a", project: "isis", kwh: 1),
            row(30, "b", project: "clf", kwh: 9),
        ]
        let summary = UsageSummary.make(rows, query: query, labeller: labeller, now: 3 * 86_400)
        #expect(summary.groups.count == 1)
        #expect(summary.groups[0].buckets.map(\.hoursWithData) == [1, 1, 0])
        #expect(summary.groups[0].buckets.map(\.status) == ["partial", "partial", "missing"])
        let yearly = UsageSummary.make(
            rows, query: UsageQuery(from: 0, to: 3 * 86_400, step: .year, groupBy: []), labeller: labeller, now: 1e9)
        #expect(yearly.groups.count == 1)
        #expect(yearly.groups[0].buckets.count == 1)
    }

    @Test func adaDayHasTotalsAndHourBucketsPerMachine() throws {
        let query = UsageQuery(from: 0, to: 86_400, groupBy: ["cloud_project_name"], format: .adaDay)
        let rows = [
            row(0, "a", project: "clf", machine: "Artemis", kwh: 1),
            row(0, "b", project: "clf", machine: "Muon", kwh: 2),
            row(5, "a", project: "clf", machine: "Artemis", kwh: 3),
        ]
        let document = try object(UsageJSONRenderer.adaDay(rows, query: query, labeller: labeller, now: 86_400))
        let days = try #require(document["days"] as? [[String: Any]])
        #expect(days.count == 1)
        #expect(days[0]["project"] as? String == "clf")
        #expect(days[0]["date"] as? String == "1970-01-01")
        #expect(days[0]["status"] as? String == "partial")
        let timeseries = try #require(days[0]["timeseries"] as? [String: [String: [String: Double]]])
        #expect(Set(timeseries.keys) == ["00:00", "05:00"])
        #expect(abs((timeseries["00:00"]?["all"]?["busy_kwh"] ?? 0) - 0.75) < 1e-9)
        #expect(abs((timeseries["00:00"]?["Muon"]?["idle_kwh"] ?? 0) - 1.5) < 1e-9)
        let totals = try #require(days[0]["totals"] as? [String: Double])
        #expect(abs((totals["busy_kwh"] ?? 0) + (totals["idle_kwh"] ?? 0) - 6) < 1e-9)
    }

    @Test func machineAveragesArePerHostHour() throws {
        let query = UsageQuery(from: 0, to: 86_400, groupBy: [], format: .machineAverages)
        let rows = [
            row(0, "a", project: "clf", machine: "Artemis", kwh: 1),
            row(1, "a", project: "clf", machine: "Artemis", kwh: 3),
            // No machine label: typed by its power profile.
            row(1, "c", project: "clf", kwh: 5),
        ]
        let document = try object(UsageJSONRenderer.machineAverages(rows, query: query, labeller: labeller))
        let machines = try #require(document["machines"] as? [[String: Any]])
        #expect(machines.map { $0["machine"] as? String } == ["Artemis", "default"])
        #expect(machines[0]["host_hours"] as? Double == 2)
        #expect(abs((machines[0]["idle_kwh"] as? Double ?? 0) - 1.5) < 1e-9)
        #expect(abs((machines[0]["busy_gco2eq"] as? Double ?? 0) - 100) < 1e-9)
    }
}
