import Counters
import Foundation
import GRDB
import Model

/// The exporter's counters and baselines in an SQLite file, so that a restart continues them.
///
/// Every save replaces the whole state in one transaction; with WAL and synchronous=FULL a process killed at
/// any moment leaves either the previous save or the new one, never a mixture.
public final class StateStore: Sendable {
    /// Why the store cannot be used. `description` names the file (and, for damage, the table and row).
    public struct StoreError: Error, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// The file cannot be created, opened or migrated.
            case cannotOpen
            /// The file holds values that cannot be counters: text in a numeric column, a negative or
            /// infinite total, a `saved_at` that is not a number, a file that is not SQLite.
            case damaged
            /// Another exporter holds the store's lock.
            case locked
        }

        public var kind: Kind
        public var description: String

        public init(description: String) {
            self.init(kind: .cannotOpen, description: description)
        }

        init(kind: Kind, description: String) {
            self.kind = kind
            self.description = description
        }

        static func cannotOpen(_ text: String) -> StoreError { StoreError(kind: .cannotOpen, description: text) }
        static func damaged(_ text: String) -> StoreError { StoreError(kind: .damaged, description: text) }
        static func locked(_ text: String) -> StoreError { StoreError(kind: .locked, description: text) }
    }

    /// Whether the store takes its lock. The exporter that saves counters takes it; a job that only uses the
    /// AUDITOR outbox of a running exporter's file (`auditor-push`) must not.
    public enum Locking: Sendable {
        /// Refuse to open while another process (or another store in this one) holds the lock.
        case exclusive
        /// Take no lock.
        case none
    }

    /// What to do with a damaged file.
    public enum DamagePolicy: Sendable {
        /// Refuse to open, naming the file and the damaged row: the operator decides.
        case refuse
        /// Rename the file (`<path>.damaged-<unix seconds>`, with its WAL) and start an empty store; the caller
        /// must log `recovery` loudly, since the counters start again from zero.
        case moveAsideAndStartFresh
    }

    /// A damaged file that was moved aside at open.
    public struct Recovery: Sendable {
        /// Where the damaged file now is.
        public var movedTo: String
        /// What was wrong with it.
        public var problem: String
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
    /// Set when a damaged file was moved aside under `.moveAsideAndStartFresh`.
    public let recovery: Recovery?
    private let lock: StoreLock?

    /// Opens (or creates) the store and checks every stored row.
    ///
    /// - Throws: `StoreError` of kind `.locked` when another exporter holds the store, `.damaged` (naming the file
    ///   and row) when it holds values that cannot be counters and `damage` is `.refuse`, `.cannotOpen` otherwise.
    public init(path: String, locking: Locking = .none, damage: DamagePolicy = .refuse) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // Before the database is touched, so a second exporter changes nothing, not even a migration.
        lock = locking == .exclusive ? try StoreLock(storePath: path) : nil
        do {
            database = try Self.openChecked(path)
            recovery = nil
        } catch let error as StoreError where error.kind == .damaged && damage == .moveAsideAndStartFresh {
            let movedTo = try Self.moveAside(path)
            database = try Self.openChecked(path)
            recovery = Recovery(movedTo: movedTo, problem: error.description)
        }
    }

    /// The database, opened, migrated, and every row read once through the checks of `load()`.
    private static func openChecked(_ path: String) throws -> DatabaseQueue {
        var configuration = GRDB.Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A small page cache: the state is written whole once per collection and read once at start.
            try db.execute(sql: "PRAGMA cache_size = -1024")
        }
        let database: DatabaseQueue
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try migrate(database)
        } catch let error as DatabaseError
            where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT
        {
            throw StoreError.damaged("\(path): not a usable SQLite database: \(error)")
        } catch {
            throw StoreError.cannotOpen("cannot open state store \(path): \(error)")
        }
        _ = try read(database, file: path)
        return database
    }

    /// Renames the damaged file and its write-ahead log; the shared-memory index is rebuilt, so it is removed.
    private static func moveAside(_ path: String) throws -> String {
        let movedTo = "\(path).damaged-\(Int(Date().timeIntervalSince1970))"
        let manager = FileManager.default
        do {
            try manager.moveItem(atPath: path, toPath: movedTo)
            if manager.fileExists(atPath: path + "-wal") {
                try manager.moveItem(atPath: path + "-wal", toPath: movedTo + "-wal")
            }
            if manager.fileExists(atPath: path + "-shm") { try manager.removeItem(atPath: path + "-shm") }
        } catch {
            throw StoreError.cannotOpen("cannot move damaged state store \(path) aside: \(error)")
        }
        return movedTo
    }

    private static func migrate(_ database: DatabaseQueue) throws {
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
        // GPU energy is part of the host totals and counted apart; the method in force is kept so a restored host
        // reports it before its first new reading.
        migrator.registerMigration("v4-gpu-and-method") { db in
            try db.execute(
                sql: """
                    ALTER TABLE accounts ADD COLUMN gpu_busy_joules REAL NOT NULL DEFAULT 0;
                    ALTER TABLE accounts ADD COLUMN gpu_idle_joules REAL NOT NULL DEFAULT 0;
                    ALTER TABLE accounts ADD COLUMN gpu_power_watts REAL;
                    ALTER TABLE accounts ADD COLUMN power_method TEXT;
                    """)
        }
        Self.registerPowerFitsMigration(&migrator)
        Self.registerUsageMigration(&migrator)
        try migrator.migrate(database)
    }

    /// Replaces the stored state with the ledger's, atomically, and adds what the counters grew by since the
    /// previous save to the hourly usage history (rows older than `usageRetention` seconds are dropped).
    public func save(
        _ ledger: HostLedger, at now: Double, usageRetention: Double = StateStore.defaultUsageRetention
    )
        throws
    {
        let labels = String(decoding: try JSONEncoder().encode(ledger.attributionLabels), as: UTF8.self)
        let accounts = ledger.accountsInOrder
        let baselines = ledger.baselinesInOrder
        try database.write { db in
            try Self.addUsage(db, ledger: ledger, accounts: accounts, now: now, retention: usageRetention, file: path)
            try db.execute(sql: "DELETE FROM accounts")
            try db.execute(sql: "DELETE FROM baselines")
            try db.execute(
                sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('attribution_labels', ?), ('saved_at', ?)",
                arguments: [labels, String(now)])
            let insertAccount = try db.makeStatement(
                sql: """
                    INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for account in accounts {
                let attribution = String(decoding: try JSONEncoder().encode(account.attribution), as: UTF8.self)
                try insertAccount.execute(arguments: [
                    account.host, attribution, account.gridRegion ?? "", account.profileName, account.busyEnergy.value,
                    account.idleEnergy.value,
                    account.busyEmissions.value, account.idleEmissions.value, account.busySeconds.value,
                    account.power?.value, account.idleRatio, account.cores, account.memoryActiveRatio, account.bootTime,
                    account.lastSeen, account.gpuBusyEnergy.value, account.gpuIdleEnergy.value, account.gpuPower?.value,
                    account.powerMethod?.rawValue, account.cpuBusySeconds.value, account.cpuIdleSeconds.value,
                ])
            }
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
    ///
    /// - Throws: `StoreError` of kind `.damaged`, naming the file, table and row, when a stored value cannot be a
    ///   counter (text where a number belongs, a negative or infinite total, an unreadable `saved_at`).
    public func load() throws -> Saved? {
        try Self.read(database, file: path)
    }

    private static func read(_ database: DatabaseQueue, file: String) throws -> Saved? {
        try database.read { db in
            let labelsText = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'attribution_labels'")
            let savedAtText = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'saved_at'")
            guard labelsText != nil || savedAtText != nil else { return nil }
            guard let savedAtText, let savedAt = Double(savedAtText), savedAt.isFinite else {
                throw StoreError.damaged(
                    "\(file): table meta, key saved_at: \(savedAtText.map { "\"\($0.prefix(40))\"" } ?? "missing"), "
                        + "not a time in Unix seconds")
            }
            guard let labelsText, let labels = try? JSONDecoder().decode([String].self, from: Data(labelsText.utf8))
            else {
                throw StoreError.damaged("\(file): table meta, key attribution_labels: not a JSON list of names")
            }
            // Cursors, not fetchAll: a copied row per host would hold a large fleet's whole table beside the values.
            var accounts: [HostAccount] = []
            let accountRows = try Row.fetchCursor(
                db, sql: "SELECT rowid, * FROM accounts ORDER BY host, attribution, grid_region")
            while let row = try accountRows.next() {
                accounts.append(try account(StoredRow(row, table: "accounts", file: file)))
            }
            var baselines: [HostReading] = []
            let baselineRows = try Row.fetchCursor(db, sql: "SELECT rowid, * FROM baselines ORDER BY host")
            while let row = try baselineRows.next() {
                baselines.append(try baseline(StoredRow(row, table: "baselines", file: file)))
            }
            return Saved(attributionLabels: labels, accounts: accounts, baselines: baselines, savedAt: savedAt)
        }
    }

    static func account(_ row: StoredRow) throws -> HostAccount {
        let attributionText = try row.text("attribution")
        guard let attribution = try? JSONDecoder().decode([String].self, from: Data(attributionText.utf8)) else {
            throw row.damage("attribution", "is not a JSON list of label values")
        }
        let region = try row.text("grid_region")
        var account = HostAccount(
            host: try row.text("host"),
            attribution: attribution,
            gridRegion: region.isEmpty ? nil : region,
            profileName: try row.text("profile"),
            cores: try row.total("cores"),
            lastSeen: try row.number("last_seen")
        )
        account.busyEnergy = Joules(try row.total("busy_joules"))
        account.idleEnergy = Joules(try row.total("idle_joules"))
        account.busyEmissions = Grams(try row.total("busy_grams"))
        account.idleEmissions = Grams(try row.total("idle_grams"))
        account.busySeconds = Seconds(try row.total("busy_seconds"))
        account.cpuBusySeconds = Seconds(try row.total("cpu_busy_seconds"))
        account.cpuIdleSeconds = Seconds(try row.total("cpu_idle_seconds"))
        if let watts = try row.optionalNumber("power_watts") {
            guard watts >= 0 else { throw row.damage("power_watts", "holds \(watts); power cannot be negative") }
            account.power = Watts(watts)
        }
        account.gpuBusyEnergy = Joules(try row.total("gpu_busy_joules"))
        account.gpuIdleEnergy = Joules(try row.total("gpu_idle_joules"))
        // The GPUs' share is part of the host's busy and idle totals, so it can never exceed them (a relative
        // margin absorbs rounding of the two sums).
        for (part, whole, column) in [
            (account.gpuBusyEnergy, account.busyEnergy, "gpu_busy_joules"),
            (account.gpuIdleEnergy, account.idleEnergy, "gpu_idle_joules"),
        ] where part.value > whole.value * (1 + 1e-9) + 1e-9 {
            throw row.damage(column, "holds \(part.value) J, more than the \(whole.value) J total it is part of")
        }
        if let watts = try row.optionalNumber("gpu_power_watts") {
            guard watts >= 0 else { throw row.damage("gpu_power_watts", "holds \(watts); power cannot be negative") }
            account.gpuPower = Watts(watts)
        }
        if let method = try row.optionalText("power_method") {
            guard let known = PowerMethod(rawValue: method) else {
                throw row.damage("power_method", "holds \"\(method.prefix(40))\", not a power method")
            }
            account.powerMethod = known
        }
        account.idleRatio = try row.optionalRatio("idle_ratio")
        account.memoryActiveRatio = try row.optionalRatio("memory_active_ratio")
        account.bootTime = try row.optionalNumber("boot_time")
        return account
    }

    private static func baseline(_ row: StoredRow) throws -> HostReading {
        HostReading(
            host: try row.text("host"), timestamp: try row.number("timestamp"),
            cpuIdleSeconds: try row.total("cpu_idle_seconds"), cpuTotalSeconds: try row.total("cpu_total_seconds"),
            cores: try row.total("cores"), memoryActiveRatio: try row.optionalRatio("memory_active_ratio"),
            bootTime: try row.optionalNumber("boot_time"))
    }
}
