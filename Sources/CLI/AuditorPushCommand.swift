import Accounting
import ArgumentParser
import Config
import Foundation
import HTTPClient
import Logging
import Model
import Readers
import Report
import Runtime
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
    public var configFile: String

    @Option(
        name: .customLong("storage.path"),
        help: "SQLite state store holding the outbox (the exporter's own file may be shared).")
    public var storagePath = "data/footprint_exporter.sqlite"

    @Option(name: .customLong("at"), help: "Treat this UTC time as now (re-running a past push); default: now.")
    public var at: String?

    @Option(name: .customLong("log.level"), help: "Only log messages at or above this level: debug, info, warn, error.")
    public var logLevel = LogLevelOption.info

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
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("auditor-push: \(error)\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("auditor-push: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    public func push(
        fetcher: any HTTPFetching, logger: Logger, sleep: @escaping (Double) -> Void
    ) throws -> AuditorPush.Summary {
        let (configuration, configBytes) = try HistorySpanOptions.loadConfiguration(configFile)
        let now = at.flatMap(ReportCommand.parseTime) ?? Date().timeIntervalSince1970
        return try AuditorPush.push(
            configuration: configuration, configBytes: configBytes, store: try StateStore(path: storagePath), now: now,
            fetcher: fetcher, logger: logger, sleep: sleep)
    }
}
