import Counters
import Foundation
import GRDB

/// The usage history: hourly rows of what each account's counters grew by, written in the same transaction as
/// the counters, so the history and the counters never disagree, whenever the process stops.
extension StateStore {
    /// How long hourly rows are kept unless configured otherwise: 400 days, a year and a bit for year-on-year.
    public static let defaultUsageRetention = 400 * 86_400.0

    /// Each series (host, attribution, region, profile) is stored once and its hours refer to it by number, so
    /// an hour's row is a handful of numbers (see the README for the size per host-year).
    static func registerUsageMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-usage-history") { db in
            try db.execute(
                sql: """
                    ALTER TABLE accounts ADD COLUMN cpu_busy_seconds REAL NOT NULL DEFAULT 0;
                    ALTER TABLE accounts ADD COLUMN cpu_idle_seconds REAL NOT NULL DEFAULT 0;
                    CREATE TABLE usage_series (
                        id INTEGER PRIMARY KEY, host TEXT NOT NULL, attribution TEXT NOT NULL,
                        grid_region TEXT NOT NULL, profile TEXT NOT NULL, last_hour INTEGER NOT NULL DEFAULT 0,
                        UNIQUE (host, attribution, grid_region, profile));
                    CREATE TABLE usage_hours (
                        hour INTEGER NOT NULL, series INTEGER NOT NULL,
                        busy_cpu_seconds REAL NOT NULL, idle_cpu_seconds REAL NOT NULL,
                        busy_joules REAL NOT NULL, idle_joules REAL NOT NULL,
                        busy_grams REAL NOT NULL, idle_grams REAL NOT NULL,
                        PRIMARY KEY (hour, series)) WITHOUT ROWID;
                    """)
        }
    }

    /// Adds the growth between the stored counters and the ledger's to the hours it happened in, and drops
    /// hours older than the retention. Runs inside `save`'s transaction, before the counters are replaced.
    /// - Parameter accounts: the ledger's accounts in key order (`accountsInOrder`), taken once by the caller for
    ///   both uses.
    static func addUsage(
        _ db: Database, ledger: HostLedger, accounts: some Sequence<HostAccount>, now: Double, retention: Double,
        file: String
    ) throws {
        let savedAt = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'saved_at'").flatMap(Double.init)
        let labelsText = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'attribution_labels'")
        let storedLabels = labelsText.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        var previous = HourlyRollup.Totals()
        // Accounts stored under other attribution labels were not restored: the ledger started from zero.
        if storedLabels == ledger.attributionLabels {
            // A cursor, not fetchAll: a copied row per account would hold the whole table (13 MiB at 10,000 hosts)
            // beside the accounts decoded from it. Only each account's key and totals are kept.
            let cursor = try Row.fetchCursor(db, sql: "SELECT rowid, * FROM accounts")
            while let row = try cursor.next() {
                previous.add(try account(StoredRow(row, table: "accounts", file: file)))
            }
        }
        let insertSeries = try db.makeStatement(
            sql: "INSERT OR IGNORE INTO usage_series (host, attribution, grid_region, profile) VALUES (?, ?, ?, ?)")
        let findSeries = try db.makeStatement(
            sql: "SELECT id FROM usage_series WHERE host = ? AND attribution = ? AND grid_region = ? AND profile = ?")
        let addHour = try db.makeStatement(
            sql: """
                INSERT INTO usage_hours VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (hour, series) DO UPDATE SET
                    busy_cpu_seconds = busy_cpu_seconds + excluded.busy_cpu_seconds,
                    idle_cpu_seconds = idle_cpu_seconds + excluded.idle_cpu_seconds,
                    busy_joules = busy_joules + excluded.busy_joules, idle_joules = idle_joules + excluded.idle_joules,
                    busy_grams = busy_grams + excluded.busy_grams, idle_grams = idle_grams + excluded.idle_grams
                """)
        // A series' newest hour, so the retention can drop series without rows without scanning the hours.
        let markSeries = try db.makeStatement(
            sql: "UPDATE usage_series SET last_hour = ? WHERE id = ? AND last_hour < ?")
        // Rows are stored as the rollup makes them, not collected first. An account's rows come one after the
        // other and each account is its own series, so the series looked up last is the only one worth keeping.
        var lastSeries: (identity: [String], id: Int64?)?
        try HourlyRollup.forEachRow(previous: previous, previousTime: savedAt, current: accounts, now: now) { row in
            let attribution = String(decoding: try JSONEncoder().encode(row.attribution), as: UTF8.self)
            let identity = [row.host, attribution, row.gridRegion, row.profile]
            let id: Int64?
            if let lastSeries, lastSeries.identity == identity {
                id = lastSeries.id
            } else {
                let arguments = StatementArguments(identity)
                try insertSeries.execute(arguments: arguments)
                id = try Int64.fetchOne(findSeries, arguments: arguments)
                lastSeries = (identity, id)
            }
            guard let id else { return }
            let amounts = row.amounts
            try addHour.execute(arguments: [
                row.hour, id, amounts.cpuBusySeconds, amounts.cpuIdleSeconds, amounts.busyJoules,
                amounts.idleJoules, amounts.busyGrams, amounts.idleGrams,
            ])
            try markSeries.execute(arguments: [row.hour, id, row.hour])
        }
        let oldest = UsageHour.index(of: now - retention)
        try db.execute(sql: "DELETE FROM usage_hours WHERE hour < ?", arguments: [oldest])
        if db.changesCount > 0 {
            try db.execute(sql: "DELETE FROM usage_series WHERE last_hour < ?", arguments: [oldest])
        }
    }

    /// The stored hours from `fromHour` up to, not including, `toHour`, sorted by hour, then series.
    public func usageHours(fromHour: Int, toHour: Int) throws -> [UsageHour] {
        try database.read { db in
            var series: [Int64: UsageHour] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT rowid, * FROM usage_series") {
                let stored = StoredRow(row, table: "usage_series", file: path)
                let text = try stored.text("attribution")
                guard let attribution = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
                    throw stored.damage("attribution", "is not a JSON list of label values")
                }
                let id = Int64(try stored.number("id"))
                series[id] = UsageHour(
                    hour: 0, host: try stored.text("host"), attribution: attribution,
                    gridRegion: try stored.text("grid_region"), profile: try stored.text("profile"),
                    amounts: UsageAmounts(), series: id)
            }
            var hours: [UsageHour] = []
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT hour, series, busy_cpu_seconds, idle_cpu_seconds, busy_joules, idle_joules, busy_grams,
                        idle_grams FROM usage_hours WHERE hour >= ? AND hour < ? ORDER BY hour, series
                    """,
                arguments: [fromHour, toHour])
            while let row = try cursor.next() {
                guard let id = row[1] as Int64?, var hour = series[id], let index = row[0] as Int? else { continue }
                hour.hour = index
                hour.amounts = UsageAmounts(
                    cpuBusySeconds: row[2] ?? 0, cpuIdleSeconds: row[3] ?? 0, busyJoules: row[4] ?? 0,
                    idleJoules: row[5] ?? 0, busyGrams: row[6] ?? 0, idleGrams: row[7] ?? 0)
                hours.append(hour)
            }
            return hours
        }
    }

    /// The first hour with stored usage, or nil when the history is empty.
    public func firstUsageHour() throws -> Int? {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT MIN(hour) FROM usage_hours") }
    }
}
