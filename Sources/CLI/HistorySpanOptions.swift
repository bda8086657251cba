import ArgumentParser
import Config
import Foundation
import HTTPClient
import Logging
import Model
import Readers

/// The options every history command shares: the configuration, the span, the reading resolution, where the
/// output goes and how much is logged.
public struct HistorySpanOptions: ParsableArguments {
    public init() {}

    @Option(
        name: .customLong("config.file"),
        help: "YAML configuration with source.kind prometheus (the same file the exporter runs with).")
    public var configFile: String

    @Option(
        name: .customLong("from"),
        help: "Start of the span, UTC: 2026-10-01T00:00Z (seconds optional), 2026-10-01, or Unix seconds.")
    public var from: String

    @Option(name: .customLong("to"), help: "End of the span (exclusive), in the same forms.")
    public var to: String

    @Option(
        name: .customLong("resolution"),
        help: "Spacing of the readings taken from Prometheus; default: the configuration's collect_interval.")
    public var resolution: String?

    @Option(
        name: .customLong("history.url"),
        help: ArgumentHelp(
            "Prometheus-compatible query endpoint to read the history from (VictoriaMetrics, Thanos Query, Mimir's "
                + "/prometheus); replaces the configuration's history.url; default: source.prometheus.url."))
    public var historyURL: String?

    @Option(name: .customLong("output"), help: "File to write; default: standard output.")
    public var output: String?

    @Option(name: .customLong("log.level"), help: "Only log messages at or above this level: debug, info, warn, error.")
    public var logLevel = LogLevelOption.warn

    public func validate() throws {
        _ = try span()
        if let historyURL {
            guard let components = URLComponents(string: historyURL),
                ["http", "https"].contains(components.scheme?.lowercased() ?? ""), components.host?.isEmpty == false
            else {
                throw ValidationError("--history.url must be an http or https URL with a host")
            }
        }
        if let resolution {
            guard let seconds = PrometheusDuration.parse(resolution), seconds > 0 else {
                throw ValidationError("--resolution must be a positive duration such as 60s")
            }
        }
    }

    /// The span as Unix seconds.
    public func span() throws -> (from: Double, to: Double) {
        guard let start = Self.parseTime(from) else {
            throw ValidationError("--from must be a UTC time such as 2026-10-01T00:00Z")
        }
        guard let end = Self.parseTime(to) else {
            throw ValidationError("--to must be a UTC time such as 2026-11-01T00:00Z")
        }
        guard end > start else { throw ValidationError("--to must be after --from") }
        return (start, end)
    }

    /// The reading resolution: the option's, else the configuration's collection interval.
    public func resolutionSeconds(_ configuration: Configuration) -> Double {
        resolution.flatMap(PrometheusDuration.parse) ?? configuration.collectInterval
    }

    public static func parseTime(_ text: String) -> Double? {
        if let seconds = Double(text), seconds.isFinite, text.allSatisfy({ $0.isNumber || $0 == "." }) {
            return seconds
        }
        return UTCDate.parse(text, allowingDateOnly: true)
    }

    /// The configuration of `--config.file` with `--history.url` in force, and the file's bytes.
    public func loadConfiguration() throws -> (Configuration, [UInt8]) {
        var (configuration, bytes) = try Self.loadConfiguration(configFile)
        if let historyURL {
            var history = configuration.history ?? Configuration.HistoryStore(url: historyURL)
            history.url = historyURL
            configuration.history = history
        }
        return (configuration, bytes)
    }

    /// The configuration and its bytes (whose digest the provenance carries).
    public static func loadConfiguration(_ path: String) throws -> (Configuration, [UInt8]) {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw HistoryError("cannot read \(path): \(error.localizedDescription)")
        }
        return (try ConfigurationLoader.load(path: path), bytes)
    }

    /// Runs a history command: logging set up once, the output produced and written. Exit status 3 when no node
    /// data could be read at all, 2 for an invalid configuration file, 1 (with the reason on standard error) when
    /// the command failed otherwise.
    public func run(
        command: String,
        produce: (_ fetcher: any HTTPFetching, _ logger: Logger, _ progress: ((String) -> Void)?) throws -> (
            bytes: [UInt8], readAnything: Bool
        )
    ) throws {
        let level = logLevel.level
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, level: level, format: .logfmt) }
        let logger = Logger(label: "footprint_exporter")
        do {
            let fetcher = try CurlHTTPClient(userAgent: "footprint_exporter/\(BuildInfo.version)")
            let (bytes, readAnything) = try produce(fetcher, logger, TerminalProgress.standardError())
            try OutputFile.write(bytes, to: output)
            if !readAnything { throw ExitCode(3) }
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("\(command): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
