import GRDB

/// The outbox of AUDITOR records: what the server has been (or is about to be) told about each workspace,
/// and the requests still to deliver, so nothing is lost across restarts or server outages.
extension StateStore {
    /// One request waiting for delivery.
    public struct AuditorItem: Sendable, Equatable {
        public enum Action: String, Sendable {
            /// `POST /record(s)`: a new record (with `stop_time` if the workspace already ended).
            case add
            /// `PUT /record`: the workspace ended; sets `stop_time`.
            case update
        }

        public var sequence: Int64
        public var recordID: String
        public var action: Action
        /// The record's JSON.
        public var body: String
        public var attempts: Int
        /// Unix seconds before which the item is not retried.
        public var nextAttempt: Double
        public var lastError: String?
    }

    /// What each record id was last queued as: `open` (no stop time) or `closed`.
    public func auditorStates() throws -> [String: String] {
        try database.read { db in
            var states: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT record_id, state FROM auditor_records") {
                states[row["record_id"]] = row["state"]
            }
            return states
        }
    }

    /// Queues a request and records the record's new state, in one transaction.
    public func enqueueAuditor(
        recordID: String, action: AuditorItem.Action, body: String, state: String, now: Double
    ) throws {
        try database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO auditor_records (record_id, state) VALUES (?, ?)",
                arguments: [recordID, state])
            try db.execute(
                sql:
                    "INSERT INTO auditor_queue (record_id, action, body, attempts, next_attempt) VALUES (?, ?, ?, 0, ?)",
                arguments: [recordID, action.rawValue, body, now])
        }
    }

    /// Every queued request, oldest first.
    public func auditorQueue() throws -> [AuditorItem] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM auditor_queue ORDER BY seq").compactMap { row in
                guard let action = AuditorItem.Action(rawValue: row["action"]) else { return nil }
                return AuditorItem(
                    sequence: row["seq"], recordID: row["record_id"], action: action, body: row["body"],
                    attempts: row["attempts"],
                    nextAttempt: row["next_attempt"], lastError: row["last_error"])
            }
        }
    }

    /// Removes a delivered (or permanently refused) request.
    public func removeAuditorItem(_ sequence: Int64) throws {
        try database.write { db in try db.execute(sql: "DELETE FROM auditor_queue WHERE seq = ?", arguments: [sequence])
        }
    }

    /// Keeps a request for later after failed attempts.
    public func deferAuditorItem(_ sequence: Int64, attempts: Int, nextAttempt: Double, error: String) throws {
        try database.write { db in
            try db.execute(
                sql: "UPDATE auditor_queue SET attempts = ?, next_attempt = ?, last_error = ? WHERE seq = ?",
                arguments: [attempts, nextAttempt, error, sequence])
        }
    }
}
