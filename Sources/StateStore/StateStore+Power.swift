import Counters
import Foundation
import GRDB
import Model

/// Power profile fits, kept so a restart keeps them in force. (Each account's GPU energy, GPU power and power
/// method are columns of the accounts table, saved and checked with the other totals.)
extension StateStore {
    /// The fits' table; registered after the accounts' GPU columns.
    static func registerPowerFitsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-power-fits") { db in
            try db.execute(
                sql: """
                    CREATE TABLE power_fits (
                        profile TEXT PRIMARY KEY, cpu_idle_watts_per_core REAL NOT NULL, cpu_watts_per_core REAL NOT NULL,
                        other_watts REAL NOT NULL, idle_fitted INTEGER NOT NULL, hosts INTEGER NOT NULL,
                        intervals INTEGER NOT NULL, error_ratio REAL, fitted_at REAL NOT NULL);
                    """)
        }
    }

    /// Replaces the stored fits with the accepted ones given (rejected fits are never stored).
    public func savePowerFits(_ fits: [ProfileFit]) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM power_fits")
            let insert = try db.makeStatement(sql: "INSERT INTO power_fits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            for fit in fits where fit.isAccepted {
                try insert.execute(arguments: [
                    fit.profile, fit.cpuIdleWattsPerCore, fit.cpuWattsPerCore, fit.otherWatts, fit.idleFitted,
                    fit.hosts, fit.intervals, fit.errorRatio, fit.fittedAt,
                ])
            }
        }
    }

    /// The stored fits, sorted by profile.
    ///
    /// - Throws: `StoreError` of kind `.damaged`, naming the file and row, for a coefficient that is not a finite,
    ///   non-negative number: a damaged file must not put nonsense in force, nor be silently forgotten.
    public func loadPowerFits() throws -> [ProfileFit] {
        let file = path
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT rowid, * FROM power_fits ORDER BY profile").map { raw in
                let row = StoredRow(raw, table: "power_fits", file: file)
                let errorRatio = try row.optionalNumber("error_ratio")
                return ProfileFit(
                    profile: try row.text("profile"), cpuIdleWattsPerCore: try row.total("cpu_idle_watts_per_core"),
                    cpuWattsPerCore: try row.total("cpu_watts_per_core"), otherWatts: try row.total("other_watts"),
                    idleFitted: try row.number("idle_fitted") != 0, hosts: Int(try row.total("hosts")),
                    intervals: Int(try row.total("intervals")), errorRatio: errorRatio,
                    fittedAt: try row.number("fitted_at"))
            }
        }
    }
}
