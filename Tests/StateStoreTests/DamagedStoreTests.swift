import Counters
import Foundation
import GRDB
import Model
import StateStore
import TestSupport
import Testing

/// A damaged state file is refused with the file and row named, or, when asked, moved aside for a fresh start;
/// it never crashes the exporter and never silently turns into zero counters.
@Suite struct DamagedStoreTests {
    /// A store holding one host's account and baseline, as the exporter saves it.
    private func savedStore(_ prefix: String) throws -> String {
        let path = "\(try TemporaryDirectory.make(prefix))/state.sqlite"
        var ledger = HostLedger(attributionLabels: ["user"], graceSeconds: 600)
        let profile = PowerProfile()
        for time in [100.0, 160] {
            let reading = HostReading(
                host: "web-1:9100", labels: ["user": "jane"], timestamp: time, cpuIdleSeconds: time / 2,
                cpuTotalSeconds: time, cores: 2, bootTime: 1)
            ledger.record(reading, profile: profile, intensity: GramsPerKilowattHour(200), region: "GB", at: time)
        }
        try StateStore(path: path).save(ledger, at: 160)
        return path
    }

    /// Damage as a crash, a bad disk or a hand edit leaves it, and what the refusal must name.
    static let damages: [(sql: String, names: [String])] = [
        ("UPDATE accounts SET busy_joules = 'lots'", ["table accounts, row 1", "busy_joules", "text \"lots\""]),
        ("UPDATE meta SET value = 'yesterday' WHERE key = 'saved_at'", ["saved_at", "\"yesterday\""]),
        ("UPDATE accounts SET idle_grams = -5", ["table accounts, row 1", "idle_grams", "negative"]),
        ("UPDATE accounts SET busy_seconds = 1e999", ["busy_seconds", "not a finite number"]),
        ("UPDATE baselines SET cpu_total_seconds = x'00ff'", ["table baselines, row 1", "cpu_total_seconds", "blob"]),
        ("UPDATE accounts SET attribution = 'jane'", ["attribution", "JSON"]),
        ("UPDATE accounts SET idle_ratio = 7", ["idle_ratio", "ratio"]),
    ]

    private func damage(_ path: String, _ sql: String) throws {
        let raw = try DatabaseQueue(path: path)
        try raw.write { db in try db.execute(sql: sql) }
        try raw.close()
    }

    @Test(arguments: 0..<damages.count)
    func damagedValuesAreRefusedNamingFileAndRow(case index: Int) throws {
        let (sql, names) = Self.damages[index]
        let path = try savedStore("damaged-\(index)")
        try damage(path, sql)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            _ = try StateStore(path: path)
            Issue.record("a damaged store was opened")
        } catch let error as StateStore.StoreError {
            #expect(error.kind == .damaged)
            #expect(error.description.contains(path))
            for name in names { #expect(error.description.contains(name), "\(error)") }
        }
        // Refusing leaves the file for the operator, as it was.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func fileThatIsNotADatabaseIsRefused() throws {
        let path = "\(try TemporaryDirectory.make("not-sqlite"))/state.sqlite"
        try Data(repeating: 0x5a, count: 8192).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try StateStore(path: path)
        } throws: { error in
            (error as? StateStore.StoreError)?.kind == .damaged && "\(error)".contains(path)
        }
    }

    @Test(arguments: 0..<damages.count)
    func damagedStoreIsMovedAsideWhenAsked(case index: Int) throws {
        let path = try savedStore("recover-\(index)")
        try damage(path, Self.damages[index].sql)
        let store = try StateStore(path: path, damage: .moveAsideAndStartFresh)
        let recovery = try #require(store.recovery)
        #expect(recovery.movedTo.hasPrefix(path + ".damaged-"))
        #expect(FileManager.default.fileExists(atPath: recovery.movedTo))
        #expect(recovery.problem.contains(Self.damages[index].names[0]))
        #expect(try store.load() == nil)
        // The damaged file still holds the old rows, for whoever wants to look.
        let kept = try DatabaseQueue(path: recovery.movedTo)
        #expect(try kept.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts") } == 1)
    }

    @Test func healthyStoreIsNotMovedAside() throws {
        let path = try savedStore("healthy")
        let store = try StateStore(path: path, damage: .moveAsideAndStartFresh)
        #expect(store.recovery == nil)
        #expect(try store.load()?.accounts.count == 1)
    }

    @Test func secondExclusiveOpenIsRefusedUntilTheFirstCloses() throws {
        let path = try savedStore("locked")
        var first: StateStore? = try StateStore(path: path, locking: .exclusive)
        #expect {
            _ = try StateStore(path: path, locking: .exclusive)
        } throws: { error in
            (error as? StateStore.StoreError)?.kind == .locked && "\(error)".contains(path)
        }
        #expect(first?.path == path)
        first = nil
        let second = try StateStore(path: path, locking: .exclusive)
        #expect(try second.load()?.accounts.count == 1)
    }

    /// Another process holding the lock (flock(1) stands in for a second exporter) keeps this one out, and this
    /// one's lock keeps the other out.
    @Test func lockIsSeenAcrossProcesses() throws {
        let path = try savedStore("locked-process")
        // The shell locks descriptor 9 and becomes sleep, so stopping it releases the lock at once.
        let holder = try ExternalProcess(
            "sh", ["-c", "exec 9>\"$0\" && flock --exclusive 9 && exec sleep 30", path + ".lock"], name: "flock")
        defer { holder.stop(grace: 1) }
        var refused = false
        // flock(1) takes a moment to start; the store is refused once it holds the lock.
        for _ in 0..<50 where !refused {
            do {
                _ = try StateStore(path: path, locking: .exclusive)
                Thread.sleep(forTimeInterval: 0.1)
            } catch let error as StateStore.StoreError where error.kind == .locked {
                refused = true
            }
        }
        #expect(refused)
        holder.stop(grace: 1)

        let store = try StateStore(path: path, locking: .exclusive)
        let probe = try ExternalProcess("flock", ["--nonblock", path + ".lock", "true"])
        #expect(probe.waitForExit(timeout: 10) == 1)
        #expect(store.path == path)
    }
}
