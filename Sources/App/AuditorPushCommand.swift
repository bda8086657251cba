import ArgumentParser
import Foundation
import HTTPClient
import Logging
import Report
import StateStore

/// `footprint_exporter auditor-push`: one push of workspaces to the configured AUDITOR server, meant to run
/// periodically (a systemd timer or cron job). The outbox lives in the state store, so what a push could not
/// deliver is retried by the next.
public struct AuditorPushCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "auditor-push",
        abstract: "Send new and ended workspaces to the configured AUDITOR server (one push; run it periodically)."
    )

    @Option(
        name: .customLong("config.file"), help: "YAML configuration with source.kind prometheus and an auditor section."
    )
    var configFile: String

    @Option(
        name: .customLong("storage.path"),
        help: "SQLite state store holding the outbox (the exporter's own file may be shared).")
    var storagePath = "data/footprint_exporter.sqlite"

    @Option(name: .customLong("at"), help: "Treat this UTC time as now (re-running a past push); default: now.")
    var at: String?

    @Option(name: .customLong("log.level"), help: "Only log messages at or above this level: debug, info, warn, error.")
    var logLevel = LogLevelOption.info

    public init() {}

    public func validate() throws {
        if let at, ReportCommand.parseTime(at) == nil {
            throw ValidationError("--at must be a UTC time such as 2026-10-01T00:00Z")
        }
        guard !storagePath.isEmpty else {
            throw ValidationError("--storage.path must name a file: the outbox must survive the push")
        }
    }

    public func run() throws {
        let level = logLevel.level
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, level: level, format: .logfmt) }
        let logger = Logger(label: "footprint_exporter")
        do {
            let fetcher = try CurlHTTPClient(userAgent: "footprint_exporter/\(BuildInfo.version)")
            let summary = try push(fetcher: fetcher, logger: logger, sleep: { Thread.sleep(forTimeInterval: $0) })
            print(summary.description)
            if summary.pending > 0 { throw ExitCode(4) }
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("auditor-push: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    struct Summary: CustomStringConvertible, Equatable {
        var adds: Int
        var updates: Int
        var result: AuditorSink.FlushResult
        var pending: Int

        var description: String {
            "queued \(adds) new and \(updates) ended workspaces; delivered \(result.delivered), refused \(result.refused), "
                + "postponed \(result.deferred); \(pending) waiting"
        }
    }

    func push(fetcher: any HTTPFetching, logger: Logger, sleep: @escaping (Double) -> Void) throws -> Summary {
        let (configuration, configBytes) = try HistorySpanOptions.loadConfiguration(configFile)
        let now = at.flatMap(ReportCommand.parseTime) ?? Date().timeIntervalSince1970
        return try Self.push(
            configuration: configuration, configBytes: configBytes, store: try StateStore(path: storagePath), now: now,
            fetcher: fetcher, logger: logger, sleep: sleep)
    }

    /// One push: the workspaces of the last `lookback` read from Prometheus, compared with the outbox, and the
    /// outbox flushed. Shared by this command and the serving exporter's auditor loop.
    static func push(
        configuration: Configuration, configBytes: [UInt8], store: StateStore, now: Double, fetcher: any HTTPFetching,
        logger: Logger, sleep: @escaping (Double) -> Void
    ) throws -> Summary {
        guard let settings = configuration.auditor else {
            throw HistoryError("the configuration has no auditor section")
        }
        let history = try WorkspacesCommand.history(
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
