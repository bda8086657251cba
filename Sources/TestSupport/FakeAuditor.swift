import Foundation
import MetricsServer
import Model
import Synchronization
import TestSupport

/// A loopback AUDITOR implementing its documented record endpoints and error behaviour: `POST /record`,
/// `POST /records` (one transaction), `PUT /record` (only `stop_time` changes; 404 for an unknown record),
/// `GET /health_check`; a duplicate `record_id` answers 500 `RECORD_EXISTS`; a malformed record 400.
public final class FakeAuditor: Sendable {
    public struct Stored: Sendable, Equatable {
        public var json: String
        public var stopTime: String?
    }

    private struct State {
        var records: [String: Stored] = [:]
        /// Requests (other than health checks) to answer with 503 before behaving.
        var failNext = 0
        var healthy = true
        var log: [String] = []
    }

    /// The state behind a class reference, so the upstream's handlers can share it.
    private final class Shared: Sendable {
        let mutex = Mutex(State())
    }

    public let upstream: FakeUpstream
    private let shared = Shared()

    public init() throws {
        upstream = try FakeUpstream()
        let state = shared
        upstream.route(
            "/health_check", .handler { _ in state.mutex.withLock { $0.healthy } ? .text("") : .text("", status: 500) })
        for path in ["/record", "/records"] {
            upstream.route(path, .handler { request in Self.answer(request, state: state) })
        }
    }

    public var baseURL: String { upstream.baseURL }
    public var records: [String: Stored] { shared.mutex.withLock { $0.records } }
    public var log: [String] { shared.mutex.withLock { $0.log } }

    public func failNext(_ count: Int) { shared.mutex.withLock { $0.failNext = count } }
    public func setHealthy(_ healthy: Bool) { shared.mutex.withLock { $0.healthy = healthy } }
    public func insert(_ id: String) { shared.mutex.withLock { $0.records[id] = Stored(json: "{}", stopTime: nil) } }
    public func stop() { upstream.stop() }

    private static func answer(_ request: ServerRequest, state shared: Shared) -> ServerResponse {
        shared.mutex.withLock { state in
            state.log.append("\(request.method) \(request.path)")
            if state.failNext > 0 {
                state.failNext -= 1
                return .text("service unavailable", status: 503)
            }
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(request.body)) else {
                return .text(#"{"error":"invalid JSON"}"#, status: 400)
            }
            switch (request.method, request.path) {
            case ("POST", "/record"):
                guard let record = parsed as? [String: Any], let id = validate(record, stopRequired: false) else {
                    return .text(#"{"error":"invalid record"}"#, status: 400)
                }
                guard state.records[id] == nil else { return .text("RECORD_EXISTS", status: 500) }
                state.records[id] = Stored(
                    json: String(decoding: request.body, as: UTF8.self), stopTime: record["stop_time"] as? String)
                return .text("")
            case ("POST", "/records"):
                guard let list = parsed as? [[String: Any]] else {
                    return .text(#"{"error":"expected an array"}"#, status: 400)
                }
                var batch: [String: Stored] = [:]
                for record in list {
                    guard let id = validate(record, stopRequired: false) else {
                        return .text(#"{"error":"invalid record"}"#, status: 400)
                    }
                    guard state.records[id] == nil, batch[id] == nil else { return .text("RECORD_EXISTS", status: 500) }
                    let json =
                        (try? JSONSerialization.data(withJSONObject: record)).map {
                            String(decoding: $0, as: UTF8.self)
                        } ?? ""
                    batch[id] = Stored(json: json, stopTime: record["stop_time"] as? String)
                }
                state.records.merge(batch) { _, new in new }
                return .text("")
            case ("PUT", "/record"):
                guard let record = parsed as? [String: Any], let id = validate(record, stopRequired: true) else {
                    return .text(#"{"error":"invalid record"}"#, status: 400)
                }
                guard var stored = state.records[id] else {
                    return .text(#"{"error":"record not found"}"#, status: 404)
                }
                stored.stopTime = record["stop_time"] as? String
                state.records[id] = stored
                return .text("")
            default:
                return .text("method not allowed", status: 405)
            }
        }
    }

    /// The record id when the record has AUDITOR's required shape.
    private static func validate(_ record: [String: Any], stopRequired: Bool) -> String? {
        guard let id = record["record_id"] as? String, !id.trimmingCharacters(in: .whitespaces).isEmpty,
            id.count <= 256,
            let components = record["components"] as? [[String: Any]],
            let start = record["start_time"] as? String, UTCDate.parse(start) != nil
        else { return nil }
        for component in components {
            guard let name = component["name"] as? String, !name.isEmpty, let amount = component["amount"] as? NSNumber,
                amount.doubleValue >= 0, amount.doubleValue == amount.doubleValue.rounded(),
                let scores = component["scores"] as? [[String: Any]]
            else { return nil }
            for score in scores {
                guard (score["name"] as? String)?.isEmpty == false,
                    ((score["value"] as? NSNumber)?.doubleValue ?? -1) >= 0
                else { return nil }
            }
        }
        if let meta = record["meta"] as? [String: Any] {
            for (_, values) in meta {
                guard let list = values as? [String], list.allSatisfy({ !$0.isEmpty }) else { return nil }
            }
        }
        let stop = record["stop_time"] as? String
        if stopRequired && stop == nil { return nil }
        if let stop, UTCDate.parse(stop) == nil { return nil }
        return id
    }
}
