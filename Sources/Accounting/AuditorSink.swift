import Config
import Foundation
import HTTPClient
import Logging
import Model
import Report
import StateStore

/// Delivers workspaces to an AUDITOR server through the state store's outbox.
///
/// A workspace's record is sent once it has ended, with its stop time and its final energy and emissions:
/// AUDITOR's `PUT /record` changes only `stop_time`, so a record sent while the workspace ran would keep the
/// figures of that moment for ever. `enqueue` compares the ended workspaces with what the outbox already holds
/// and queues each new one as an add. A record an earlier version sent while its workspace ran (state `open`)
/// gets the update that sets its stop time; if that add never left the outbox, it is replaced by the final
/// record instead. `flush` sends what is due: adds first in bulk (`POST /records`, one transaction on the
/// server), falling back to one `POST /record` each when the bulk fails (a duplicate fails the whole bulk with
/// `RECORD_EXISTS`); updates with `PUT /record`. Transient failures are retried with exponential backoff; what
/// still fails stays queued for the next push. AUDITOR answers a duplicate add with 500 `RECORD_EXISTS`: that
/// record is there already, so it counts as delivered. An update of a record the server does not know (404) is
/// sent as an add with its stop time.
public struct AuditorSink {
    public struct FlushResult: Equatable {
        public var delivered = 0
        public var deferred = 0
        public var refused = 0
    }

    public let settings: Configuration.Auditor
    public let store: StateStore
    public let fetcher: any HTTPFetching
    public let logger: Logger
    /// Waits between attempts; injected so tests need not sleep.
    public let sleep: (Double) -> Void

    /// Queues the workspaces that ended since the last push; returns how many adds and updates were queued.
    /// Running workspaces are left for a later push: their figures are not final yet.
    public func enqueue(_ workspaces: [Workspace], ownerLabel: String, now: Double) throws -> (adds: Int, updates: Int)
    {
        let states = try store.auditorStates()
        var pendingAdds: [String: Int64] = [:]
        for item in try store.auditorQueue() where item.action == .add { pendingAdds[item.recordID] = item.sequence }
        var adds = 0
        var updates = 0
        for workspace in workspaces where workspace.status != .initialized {
            let record = AuditorRecord(
                workspace: workspace, site: settings.siteID, groupLabel: settings.groupLabel, ownerLabel: ownerLabel,
                score: settings.scoreValue.map { (name: settings.scoreName, value: $0) })
            guard record.stop != nil else { continue }
            switch states[record.recordID] {
            case nil:
                try store.enqueueAuditor(
                    recordID: record.recordID, action: .add, body: record.json(), state: "closed", now: now)
                adds += 1
            case "open":
                if let sequence = pendingAdds[record.recordID] {
                    // Queued while running and never delivered: the final record goes in its place.
                    try store.removeAuditorItem(sequence)
                    try store.enqueueAuditor(
                        recordID: record.recordID, action: .add, body: record.json(), state: "closed", now: now)
                    adds += 1
                } else {
                    logger.notice(
                        "AUDITOR record sent while its workspace ran gets its stop time only; its figures stay as sent",
                        metadata: ["record_id": "\(record.recordID)"])
                    try store.enqueueAuditor(
                        recordID: record.recordID, action: .update, body: record.json(), state: "closed", now: now)
                    updates += 1
                }
            default:
                continue
            }
        }
        return (adds, updates)
    }

    /// Sends every due request.
    public func flush(now: Double) throws -> FlushResult {
        var result = FlushResult()
        let due = try store.auditorQueue().filter { $0.nextAttempt <= now }
        guard !due.isEmpty else { return result }
        guard healthy() else {
            for item in due { try postpone(item, attempts: 0, now: now, error: "health check failed", result: &result) }
            return result
        }
        // A record's requests go in order: after one is held back, its later ones wait too.
        var blocked = Set<String>()
        let adds = due.filter { $0.action == .add }
        var remaining = due
        if adds.count > 1,
            let response = try? send(.post, "/records", body: "[" + adds.map(\.body).joined(separator: ",") + "]"),
            response.isSuccess
        {
            for item in adds { try store.removeAuditorItem(item.sequence) }
            result.delivered += adds.count
            let sent = Set(adds.map(\.sequence))
            remaining.removeAll { sent.contains($0.sequence) }
        }
        for item in remaining {
            guard !blocked.contains(item.recordID) else { continue }
            if try !deliver(item, now: now, result: &result) { blocked.insert(item.recordID) }
        }
        return result
    }

    /// One request with retries; true when it left the queue.
    private func deliver(_ item: StateStore.AuditorItem, now: Double, result: inout FlushResult) throws -> Bool {
        let backoff = Backoff(initial: settings.initialBackoff, maximum: settings.maxBackoff)
        var lastError = ""
        for attempt in 1...settings.attempts {
            let outcome = attemptOnce(item)
            switch outcome {
            case .delivered:
                try store.removeAuditorItem(item.sequence)
                result.delivered += 1
                return true
            case .refused(let reason):
                // The server will never take this body (400): retrying cannot help, so it is logged and dropped.
                logger.error(
                    "AUDITOR refused a record", metadata: ["record_id": "\(item.recordID)", "err": "\(reason)"])
                try store.removeAuditorItem(item.sequence)
                result.refused += 1
                return true
            case .retry(let reason):
                lastError = reason
                logger.debug(
                    "AUDITOR request failed; retrying",
                    metadata: ["record_id": "\(item.recordID)", "attempt": "\(attempt)", "err": "\(reason)"])
                if attempt < settings.attempts { sleep(backoff.delay(afterFailures: attempt)) }
            }
        }
        try postpone(item, attempts: settings.attempts, now: now, error: lastError, result: &result)
        return false
    }

    private func postpone(
        _ item: StateStore.AuditorItem, attempts: Int, now: Double, error: String, result: inout FlushResult
    ) throws {
        let total = item.attempts + attempts
        let wait = Backoff(initial: settings.initialBackoff, maximum: settings.maxBackoff).delay(
            afterFailures: total + 1)
        try store.deferAuditorItem(item.sequence, attempts: total, nextAttempt: now + wait, error: error)
        logger.warning(
            "AUDITOR delivery postponed",
            metadata: ["record_id": "\(item.recordID)", "attempts": "\(total)", "err": "\(error)"])
        result.deferred += 1
    }

    private enum Outcome {
        case delivered
        case refused(String)
        case retry(String)
    }

    private func attemptOnce(_ item: StateStore.AuditorItem) -> Outcome {
        do {
            switch item.action {
            case .add:
                return classify(try send(.post, "/record", body: item.body), duplicateIsSuccess: true)
            case .update:
                let response = try send(.put, "/record", body: item.body)
                if response.status == 404 {
                    // The add never reached this server (or it was reset): the record with its stop time is the update.
                    return classify(try send(.post, "/record", body: item.body), duplicateIsSuccess: false)
                }
                return classify(response, duplicateIsSuccess: false)
            }
        } catch {
            return .retry("\(error)")
        }
    }

    private func classify(_ response: HTTPResponse, duplicateIsSuccess: Bool) -> Outcome {
        let text = String(decoding: response.body.prefix(300), as: UTF8.self)
        if response.isSuccess { return .delivered }
        if response.status == 500 && text.contains("RECORD_EXISTS") {
            return duplicateIsSuccess ? .delivered : .retry("RECORD_EXISTS on an update")
        }
        if (400..<500).contains(response.status) && response.status != 408 && response.status != 429 {
            return .refused("HTTP \(response.status): \(text)")
        }
        return .retry("HTTP \(response.status): \(text)")
    }

    private func healthy() -> Bool {
        guard let response = try? send(.get, "/health_check", body: nil) else { return false }
        return response.status == 200
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String?) throws -> HTTPResponse {
        var headers = [HTTPHeader(name: "Accept", value: "application/json")]
        if body != nil { headers.append(HTTPHeader(name: "Content-Type", value: "application/json")) }
        return try fetcher.fetch(
            HTTPRequest(
                url: settings.url.trimmingSlash + path, method: method, headers: headers,
                body: body.map { Array($0.utf8) },
                timeoutSeconds: settings.timeout, maxBodyBytes: 1 << 20))
    }
}

extension String {
    fileprivate var trimmingSlash: String { hasSuffix("/") ? String(dropLast()) : self }
}
