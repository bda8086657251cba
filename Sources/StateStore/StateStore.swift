import Counters
import Foundation
import GRDB
import Model

/// The exporter's counters and baselines in an SQLite file, so that a restart continues them.
///
/// Every save replaces the whole state in one transaction; with WAL and synchronous=FULL a process killed at
/// any moment leaves either the previous save or the new one, never a mixture.
public final class StateStore: Sendable {
    public struct StoreError: Error, CustomStringConvertible {
        public var description: String
    }

    /// What a store held at start-up.
    public struct Saved: Sendable {
        public var attributionLabels: [String]
        public var accounts: [HostAccount]
        public var baselines: [HostReading]
        public var savedAt: Double
    }

    let database: DatabaseQueue
    public let path: String

    public init(path: String) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = GRDB.Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A small page cache: the state is written whole once per collection and read once at start.
            try db.execute(sql: "PRAGMA cache_size = -1024")
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try migrate()
        } catch {
            throw StoreError(description: "cannot open state store \(path): \(error)")
        }
    }

    private func migrate() throws {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE accounts (
                        host TEXT NOT NULL, attribution TEXT NOT NULL, profile TEXT NOT NULL,
                        busy_joules REAL NOT NULL, idle_joules REAL NOT NULL, busy_grams REAL NOT NULL, idle_grams REAL NOT NULL,
                        busy_seconds REAL NOT NULL, power_watts REAL, idle_ratio REAL, cores REAL NOT NULL,
                        memory_active_ratio REAL, boot_time REAL, last_seen REAL NOT NULL,
                        PRIMARY KEY (host, attribution));
                    CREATE TABLE baselines (
                        host TEXT PRIMARY KEY, timestamp REAL NOT NULL, cpu_idle_seconds REAL NOT NULL,
                        cpu_total_seconds REAL NOT NULL, cores REAL NOT NULL, memory_active_ratio REAL, boot_time REAL);
                    """)
        }
        // Hosts gained a grid region, which is part of an account's identity. Rows saved before keep an empty
        // region, read back as nil: the host's current mapping, taken when it is next seen.
        migrator.registerMigration("v2-grid-region") { db in
            try db.execute(
                sql: """
                    CREATE TABLE accounts_v2 (
                        host TEXT NOT NULL, attribution TEXT NOT NULL, grid_region TEXT NOT NULL DEFAULT '', profile TEXT NOT NULL,
                        busy_joules REAL NOT NULL, idle_joules REAL NOT NULL, busy_grams REAL NOT NULL, idle_grams REAL NOT NULL,
                        busy_seconds REAL NOT NULL, power_watts REAL, idle_ratio REAL, cores REAL NOT NULL,
                        memory_active_ratio REAL, boot_time REAL, last_seen REAL NOT NULL,
                        PRIMARY KEY (host, attribution, grid_region));
                    INSERT INTO accounts_v2 SELECT host, attribution, '', profile, busy_joules, idle_joules, busy_grams, idle_grams,
                        busy_seconds, power_watts, idle_ratio, cores, memory_active_ratio, boot_time, last_seen FROM accounts;
                    DROP TABLE accounts;
                    ALTER TABLE accounts_v2 RENAME TO accounts;
                    """)
        }
        migrator.registerMigration("v3-auditor") { db in
            try db.execute(
                sql: """
                    CREATE TABLE auditor_records (record_id TEXT PRIMARY KEY, state TEXT NOT NULL);
                    CREATE TABLE auditor_queue (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL, action TEXT NOT NULL, body TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0, next_attempt REAL NOT NULL, last_error TEXT);
                    """)
        }
        Self.registerPowerMigration(&migrator)
        try migrator.migrate(database)
    }

    /// Replaces the stored state with the ledger's, atomically.
    public func save(_ ledger: HostLedger, at now: Double) throws {
        let labels = String(decoding: try JSONEncoder().encode(ledger.attributionLabels), as: UTF8.self)
        let accounts = ledger.allAccounts
        let baselines = ledger.allBaselines
        try database.write { db in
            try db.execute(sql: "DELETE FROM accounts")
            try db.execute(sql: "DELETE FROM baselines")
            try db.execute(
                sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('attribution_labels', ?), ('saved_at', ?)",
                arguments: [labels, String(now)])
            let insertAccount = try db.makeStatement(
                sql: """
                    INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for account in accounts {
                let attribution = String(decoding: try JSONEncoder().encode(account.attribution), as: UTF8.self)
                try insertAccount.execute(arguments: [
                    account.host, attribution, account.gridRegion ?? "", account.profileName, account.busyEnergy.value,
                    account.idleEnergy.value,
                    account.busyEmissions.value, account.idleEmissions.value, account.busySeconds.value,
                    account.power?.value, account.idleRatio, account.cores, account.memoryActiveRatio, account.bootTime,
                    account.lastSeen,
                ])
            }
            try Self.savePowerDetails(accounts, db)
            let insertBaseline = try db.makeStatement(sql: "INSERT INTO baselines VALUES (?, ?, ?, ?, ?, ?, ?)")
            for baseline in baselines {
                try insertBaseline.execute(arguments: [
                    baseline.host, baseline.timestamp, baseline.cpuIdleSeconds, baseline.cpuTotalSeconds,
                    baseline.cores,
                    baseline.memoryActiveRatio, baseline.bootTime,
                ])
            }
        }
    }

    /// The stored state, or nil for a new store.
    public func load() throws -> Saved? {
        try database.read { db in
            guard
                let labelsText = try String.fetchOne(
                    db, sql: "SELECT value FROM meta WHERE key = 'attribution_labels'"),
                let savedAtText = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'saved_at'"),
                let savedAt = Double(savedAtText)
            else { return nil }
            let labels = try JSONDecoder().decode([String].self, from: Data(labelsText.utf8))
            var accounts: [HostAccount] = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM accounts ORDER BY host, attribution, grid_region") {
                let attributionText: String = row["attribution"]
                let region: String = row["grid_region"]
                var account = HostAccount(
                    host: row["host"],
                    attribution: try JSONDecoder().decode([String].self, from: Data(attributionText.utf8)),
                    gridRegion: region.isEmpty ? nil : region,
                    profileName: row["profile"],
                    cores: row["cores"],
                    lastSeen: row["last_seen"]
                )
                account.busyEnergy = Joules(row["busy_joules"])
                account.idleEnergy = Joules(row["idle_joules"])
                account.busyEmissions = Grams(row["busy_grams"])
                account.idleEmissions = Grams(row["idle_grams"])
                account.busySeconds = Seconds(row["busy_seconds"])
                account.power = (row["power_watts"] as Double?).map(Watts.init)
                account.idleRatio = row["idle_ratio"]
                account.memoryActiveRatio = row["memory_active_ratio"]
                account.bootTime = row["boot_time"]
                accounts.append(account)
            }
            accounts = try Self.restorePowerDetails(into: accounts, db)
            let baselines = try Row.fetchAll(db, sql: "SELECT * FROM baselines ORDER BY host").map { row in
                HostReading(
                    host: row["host"], timestamp: row["timestamp"], cpuIdleSeconds: row["cpu_idle_seconds"],
                    cpuTotalSeconds: row["cpu_total_seconds"], cores: row["cores"],
                    memoryActiveRatio: row["memory_active_ratio"], bootTime: row["boot_time"]
                )
            }
            return Saved(attributionLabels: labels, accounts: accounts, baselines: baselines, savedAt: savedAt)
        }
    }
}
