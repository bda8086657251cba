import Counters
import Foundation
import Model
import Pages
import StateStore

/// The analysis pages of a synthetic fleet (`--pages N`), and the usage history's size on disk
/// (`--usage-size N HOURS`).
///
/// Pages: N hosts in two sites, 50 projects, N / 3 users and five machine types, with 30 days of hourly history
/// (N × 720 rows) digested as the exporter does once per collection; then the site page (data gathered from the
/// snapshot and the digest, and rendered), the sites page and a user page, each timed as one request costs.
/// Size: N hosts written hour by hour into a fresh state store through `StateStore.save` (the counters and
/// their usage rows in one transaction, as the exporter saves), the file measured after its log is folded in.
enum PagesBenchmark {
    static let labels = ["cloud_project_name", "user", "machine_name"]
    static let machines = ["Artemis (Matlab)", "Muon", "Big", "GPU", "Small"]

    static func attribution(_ index: Int, hosts: Int) -> [String] {
        let project = index % 2 == 0 ? "clf-\(index % 50)" : "isis-\(index % 50)"
        return [project, "user\(index % max(hosts / 3, 1))", machines[index % machines.count]]
    }

    static func snapshot(hosts: Int, now: Double) -> Snapshot {
        let accounts = (0..<hosts).map { index in
            var account = HostAccount(
                host: "10.\(index / 65_536).\(index / 256 % 256).\(index % 256):9100",
                attribution: attribution(index, hosts: hosts), gridRegion: "GB", profileName: "default",
                cores: Double(4 << (index % 4)), lastSeen: now)
            account.busyEnergy = Joules(Double(index) * 1_000_000)
            account.idleEnergy = Joules(Double(index) * 3_000_000)
            account.busyEmissions = Grams(Double(index) * 50)
            account.idleEmissions = Grams(Double(index) * 150)
            account.power = Watts(50 + Double(index % 200))
            account.idleRatio = Double(index % 10) / 10
            return account
        }
        return Snapshot(
            attributionLabels: labels, accounts: accounts, hostsInLastCollection: hosts, lastCollection: now)
    }

    static func rows(_ snapshot: Snapshot, hours: Int, now: Double) -> [UsageHour] {
        let current = UsageHour.index(of: now)
        var rows: [UsageHour] = []
        rows.reserveCapacity(snapshot.accounts.count * hours)
        for hour in (current - hours + 1)...current {
            for (index, account) in snapshot.accounts.enumerated() {
                rows.append(
                    UsageHour(
                        hour: hour, host: account.host, attribution: account.attribution, gridRegion: "GB",
                        profile: "default",
                        amounts: UsageAmounts(
                            cpuBusySeconds: 3_600, cpuIdleSeconds: 10_800, busyJoules: 90_000, idleJoules: 270_000,
                            busyGrams: 4.5, idleGrams: 13.5), series: Int64(index + 1)))
            }
        }
        return rows
    }

    static func builder(_ snapshot: Snapshot, digest: HistoryDigest, now: Double) -> PageBuilder {
        PageBuilder(
            snapshot: snapshot, siteOf: { $0["cloud_project_name"]?.hasPrefix("clf") == true ? "clf" : "isis" },
            ownerLabel: "user", machineLabel: "machine_name", equivalencies: EquivalencyTable.builtIn,
            intensity: { _ in 180 },
            grids: { regions in
                regions.sorted().map {
                    PageData.Grid(
                        region: $0, provider: "uk", gramsPerKWh: 180, fallback: false,
                        window: (now + 3_600, now + 14_400, 120), windowHours: 3)
                }
            }, history: digest, now: now)
    }

    static func runPages(hosts: Int, runs: Int, target: Double) {
        let now = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60
        let snapshot = snapshot(hosts: hosts, now: now)
        let history = rows(snapshot, hours: 720, now: now)
        let siteOf: ([String: String]) -> String? = {
            $0["cloud_project_name"]?.hasPrefix("clf") == true ? "clf" : "isis"
        }
        var digest = HistoryDigest()
        let digestSeconds = measure(runs: runs, target: target) {
            digest = HistoryDigest(rows: history, attributionLabels: labels, ownerIndex: 1, site: siteOf)
        }
        let pages = builder(snapshot, digest: digest, now: now)
        var bytes = 0
        let siteSeconds = measure(runs: runs, target: target) {
            bytes = AnalysisPages.site(pages.site("clf"), generatedAt: now).utf8.count
        }
        let indexSeconds = measure(runs: runs, target: target) {
            _ = AnalysisPages.index(pages.siteEntries(["clf", "isis"]), generatedAt: now).utf8.count
        }
        let user = snapshot.accounts[0].attribution[1]
        let userSeconds = measure(runs: runs, target: target) {
            _ = pages.user(user, site: "clf").map { AnalysisPages.user($0, generatedAt: now).utf8.count }
        }
        func ms(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1_000) }
        print(
            "footprint pages \(hosts) hosts: site page \(ms(siteSeconds)) ms (\(bytes) bytes), sites page "
                + "\(ms(indexSeconds)) ms, user page \(ms(userSeconds)) ms; 30-day digest of \(history.count) rows "
                + "\(ms(digestSeconds)) ms (once per collection)")
        print(
            "RESULT tool=footprint-site-page fixture=\(hosts)-hosts bytes=\(bytes) samples=\(hosts) parse_mbps=- "
                + "samples_per_s=- render_ms=\(ms(siteSeconds)) runs=\(runs)")
        print(
            "RESULT tool=footprint-history-digest fixture=\(hosts)-hosts-720h bytes=- samples=\(history.count) "
                + "parse_mbps=- samples_per_s=- render_ms=\(ms(digestSeconds)) runs=\(runs)")
    }

    static func runUsageSize(hosts: Int, hours: Int) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "footprint-usage-size-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.sqlite").path
        let start = (Date().timeIntervalSince1970 / 3_600).rounded(.down) * 3_600 - Double(hours) * 3_600
        let profile = PowerProfile()
        var ledger = HostLedger(attributionLabels: labels, graceSeconds: 1e9)
        let began = Date()
        var readSeconds = 0.0
        do {
            let store = try StateStore(path: path)
            for hour in 0...hours {
                let time = start + Double(hour) * 3_600
                for index in 0..<hosts {
                    let attribution = attribution(index, hosts: hosts)
                    let cores = Double(4 << (index % 4))
                    // Each host's CPU seconds grow at a load of its own, so every row holds distinct numbers.
                    let busy = 0.05 + Double(index % 17) / 20
                    ledger.record(
                        HostReading(
                            host: "10.\(index / 65_536).\(index / 256 % 256).\(index % 256):9100",
                            labels: Dictionary(uniqueKeysWithValues: zip(labels, attribution)), timestamp: time,
                            cpuIdleSeconds: (time - start) * cores * (1 - busy) + 1,
                            cpuTotalSeconds: (time - start) * cores + 2, cores: cores, memoryActiveRatio: 0.4,
                            bootTime: start - 86_400),
                        profile: profile, intensity: GramsPerKilowattHour(150 + Double(hour % 24) * 5), region: "GB",
                        at: time)
                }
                ledger.finishCollection(hostsSeen: hosts, at: time)
                try store.save(ledger, at: time)
            }
            let readStart = Date()
            let rows = try store.usageHours(fromHour: 0, toHour: Int.max / 2)
            readSeconds = Date().timeIntervalSince(readStart)
            precondition(rows.count == hosts * hours, "expected \(hosts * hours) rows, read \(rows.count)")
        }
        let writeSeconds = Date().timeIntervalSince(began)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        let size = try files.filter { $0.hasPrefix("state.sqlite") && !$0.hasSuffix(".lock") }.reduce(0) {
            $0
                + ((try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent($1).path)[.size]
                    as? Int) ?? 0)
        }
        // The same store without history rows: the counters and baselines of the hosts, a fixed cost.
        let rowsBytes = Double(size)
        let perHostHour = rowsBytes / Double(hosts * hours)
        let perHostYear = perHostHour * 24 * 365
        let fleet = perHostHour * 24 * 400 * 1_000
        print(
            "footprint usage history: \(hosts) hosts x \(hours) h = \(hosts * hours) rows, file \(size) bytes "
                + "(\(String(format: "%.1f", perHostHour)) bytes per host-hour, "
                + "\(String(format: "%.2f", perHostYear / 1_048_576)) MiB per host-year; 1,000 hosts x 400 days: "
                + "\(String(format: "%.2f", fleet / 1_073_741_824)) GiB); written in "
                + "\(String(format: "%.1f", writeSeconds)) s, all rows read back in \(String(format: "%.2f", readSeconds)) s"
        )
    }
}
