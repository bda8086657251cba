import Counters
import Foundation
import GRDB
import Model

/// Power profile fits, and each account's GPU energy, GPU power and power method, kept apart from the accounts
/// table so a restart keeps them: fits stay in force, GPU energy counters continue instead of restarting at zero.
extension StateStore {
    /// The schema of both tables; registered after the accounts and AUDITOR migrations.
    static func registerPowerMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-power") { db in
            try db.execute(
                sql: """
                    CREATE TABLE power_fits (
                        profile TEXT PRIMARY KEY, cpu_idle_watts_per_core REAL NOT NULL, cpu_watts_per_core REAL NOT NULL,
                        other_watts REAL NOT NULL, idle_fitted INTEGER NOT NULL, hosts INTEGER NOT NULL,
                        intervals INTEGER NOT NULL, error_ratio REAL, fitted_at REAL NOT NULL);
                    CREATE TABLE account_power (
                        host TEXT NOT NULL, attribution TEXT NOT NULL, grid_region TEXT NOT NULL,
                        gpu_busy_joules REAL NOT NULL, gpu_idle_joules REAL NOT NULL, gpu_power_watts REAL,
                        power_method TEXT, PRIMARY KEY (host, attribution, grid_region));
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

    /// The stored fits, sorted by profile; rows with non-finite or negative coefficients are left out (a
    /// damaged file must not put nonsense in force).
    public func loadPowerFits() throws -> [ProfileFit] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM power_fits ORDER BY profile").compactMap { row in
                let fit = ProfileFit(
                    profile: row["profile"], cpuIdleWattsPerCore: row["cpu_idle_watts_per_core"],
                    cpuWattsPerCore: row["cpu_watts_per_core"], otherWatts: row["other_watts"],
                    idleFitted: row["idle_fitted"], hosts: row["hosts"], intervals: row["intervals"],
                    errorRatio: row["error_ratio"], fittedAt: row["fitted_at"])
                let coefficients = [fit.cpuIdleWattsPerCore, fit.cpuWattsPerCore, fit.otherWatts]
                return coefficients.allSatisfy { $0.isFinite && $0 >= 0 } ? fit : nil
            }
        }
    }

    /// Writes each account's GPU energy, GPU power and power method; called inside `save(_:at:)`'s transaction,
    /// so they are saved with the totals they are part of.
    static func savePowerDetails(_ accounts: [HostAccount], _ db: Database) throws {
        try db.execute(sql: "DELETE FROM account_power")
        let insert = try db.makeStatement(sql: "INSERT INTO account_power VALUES (?, ?, ?, ?, ?, ?, ?)")
        for account in accounts
        where account.gpuPower != nil || account.powerMethod != nil || account.gpuBusyEnergy > .zero
            || account.gpuIdleEnergy > .zero
        {
            let attribution = String(decoding: try JSONEncoder().encode(account.attribution), as: UTF8.self)
            try insert.execute(arguments: [
                account.host, attribution, account.gridRegion ?? "", account.gpuBusyEnergy.value,
                account.gpuIdleEnergy.value, account.gpuPower?.value, account.powerMethod?.rawValue,
            ])
        }
    }

    /// The loaded accounts with their power details put back; called inside `load()`'s read.
    ///
    /// A damaged row never breaks a counter: non-finite or negative GPU energy is ignored, GPU energy larger
    /// than the account's own busy or idle energy is capped at it, and an unknown method is left unknown.
    static func restorePowerDetails(into accounts: [HostAccount], _ db: Database) throws -> [HostAccount] {
        var byKey: [String: Row] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM account_power") {
            let host: String = row["host"]
            let attribution: String = row["attribution"]
            let region: String = row["grid_region"]
            byKey["\(host)\u{0}\(attribution)\u{0}\(region)"] = row
        }
        guard !byKey.isEmpty else { return accounts }
        return try accounts.map { account in
            let attribution = String(decoding: try JSONEncoder().encode(account.attribution), as: UTF8.self)
            guard let row = byKey["\(account.host)\u{0}\(attribution)\u{0}\(account.gridRegion ?? "")"] else {
                return account
            }
            var restored = account
            let busy: Double = row["gpu_busy_joules"]
            let idle: Double = row["gpu_idle_joules"]
            if busy.isFinite, busy >= 0 { restored.gpuBusyEnergy = Joules(min(busy, account.busyEnergy.value)) }
            if idle.isFinite, idle >= 0 { restored.gpuIdleEnergy = Joules(min(idle, account.idleEnergy.value)) }
            if let watts: Double = row["gpu_power_watts"], watts.isFinite, watts >= 0 {
                restored.gpuPower = Watts(watts)
            }
            restored.powerMethod = (row["power_method"] as String?).flatMap(PowerMethod.init(rawValue:))
            return restored
        }
    }
}
