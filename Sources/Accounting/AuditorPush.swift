import Config
import HTTPClient
import Logging
import Readers
import Report
import StateStore

/// One push of workspaces to AUDITOR: new and ended workspaces queued in the state store's outbox, the outbox
/// flushed.
public enum AuditorPush {
    public struct Summary: CustomStringConvertible, Equatable {
        public var adds: Int
        public var updates: Int
        public var result: AuditorSink.FlushResult
        public var pending: Int

        public var description: String {
            "queued \(adds) new and \(updates) ended workspaces; delivered \(result.delivered), refused \(result.refused), "
                + "postponed \(result.deferred); \(pending) waiting"
        }
    }

    /// One push: the workspaces of the last `lookback` read from Prometheus, compared with the outbox, and the
    /// outbox flushed. Shared by the `auditor-push` command and the serving exporter's auditor loop.
    public static func push(
        configuration: Configuration, configBytes: [UInt8], store: StateStore, now: Double, fetcher: any HTTPFetching,
        logger: Logger, sleep: @escaping (Double) -> Void
    ) throws -> Summary {
        guard let settings = configuration.auditor else {
            throw HistoryError("the configuration has no auditor section")
        }
        let history = try WorkspaceHistory.read(
            configuration: configuration, configBytes: configBytes, from: now - settings.lookback, to: now,
            resolution: configuration.collectInterval, fetcher: fetcher, logger: logger, progress: nil)
        let sink = AuditorSink(settings: settings, store: store, fetcher: fetcher, logger: logger, sleep: sleep)
        // Without any node data the workspaces' ends cannot be told from an outage: queue nothing this time.
        let queued =
            history.readAnything
            ? try sink.enqueue(history.workspaces, ownerLabel: configuration.workspaces.ownerLabel, now: now)
            : (adds: 0, updates: 0)
        let result = try sink.flush(now: now)
        return Summary(
            adds: queued.adds, updates: queued.updates, result: result, pending: try store.auditorQueue().count)
    }
}
