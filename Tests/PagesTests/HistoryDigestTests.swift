import Counters
import Pages
import Testing

@Suite struct HistoryDigestTests {
    private func row(_ hour: Int, _ project: String, _ user: String, joules: Double, series: Int64) -> UsageHour {
        UsageHour(
            hour: hour, host: "h\(series)", attribution: [project, user], gridRegion: "GB", profile: "default",
            amounts: UsageAmounts(
                cpuBusySeconds: 1, cpuIdleSeconds: 3, busyJoules: joules / 4, idleJoules: joules * 3 / 4,
                busyGrams: 1, idleGrams: 3), series: series)
    }

    @Test func rowsAreSummedPerHourForEachSiteAndUser() {
        let rows = [
            row(10, "clf", "ann", joules: 100, series: 1), row(10, "clf", "bob", joules: 50, series: 2),
            row(10, "isis", "cy", joules: 7, series: 3), row(12, "clf", "ann", joules: 30, series: 1),
            row(12, "other", "ann", joules: 1_000, series: 4),
        ]
        for rows in [
            rows,
            rows.map {
                var copy = $0
                copy.series = 0
                return copy
            },
        ] {
            let digest = HistoryDigest(
                rows: rows, attributionLabels: ["cloud_project_name", "user"], ownerIndex: 1,
                site: { ["clf": "clf", "isis": "isis"][$0["cloud_project_name"] ?? ""] })
            let clf = digest.hours(site: "clf")
            #expect(clf.keys.sorted() == [10, 12])
            #expect(clf[10]?.joules == 150)
            #expect(clf[12]?.joules == 30)
            #expect(digest.hours(site: "isis")[10]?.joules == 7)
            #expect(digest.hours(site: "clf", user: "ann").mapValues(\.joules) == [10: 100, 12: 30])
            #expect(digest.hours(site: "clf", user: "cy").isEmpty)
            // A host of no site is in no sum.
            #expect(digest.hours(site: "other").isEmpty)
        }
    }
}
