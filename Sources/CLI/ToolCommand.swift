import ArgumentParser
import Config
import Foundation
import HTTPClient
import Logging
import MetricsServer
import Model
import Runtime
import StateStore

/// The `footprint_exporter` command line: serving by default, plus subcommands.
public struct ToolCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "footprint_exporter",
        abstract:
            "Prometheus exporter of per-host power, energy and carbon emissions, attributed to projects and users.",
        version: "footprint_exporter \(BuildInfo.version) (revision \(BuildInfo.revision))",
        subcommands: [
            Serve.self, CheckConfig.self, EquivalenciesCommand.self, ForecastCommand.self, ReportCommand.self,
            WorkspacesCommand.self,
            AuditorPushCommand.self,
            CalibrateCommand.self,
        ],
        defaultSubcommand: Serve.self
    )

    public init() {}
}

/// The default port: in the exporter range and, as far as known, claimed by no other exporter.
public let defaultListenAddress = ":9877"

/// Serves `/metrics` until SIGINT or SIGTERM; SIGHUP reloads the configuration files.
public struct Serve: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Collect node metrics and serve the footprint metrics (the default command)."
    )

    @Option(
        name: .customLong("config.file"),
        help: "YAML configuration file; without it the local host is measured with default settings.")
    public var configFile: String?

    @Option(name: .customLong("web.listen-address"), help: "Address to listen on, HOST:PORT, :PORT or [IPv6]:PORT.")
    public var listenAddress = defaultListenAddress

    @Option(name: .customLong("web.telemetry-path"), help: "Path under which metrics are served.")
    public var telemetryPath = "/metrics"

    @Option(
        name: .customLong("web.config.file"),
        help:
            "Web configuration (exporter-toolkit format) enabling TLS, basic authentication, headers and a rate limit.")
    public var webConfigFile: String?

    @Option(name: .customLong("web.max-connections"), help: "Concurrent connections served; further ones are refused.")
    public var maxConnections = ServerLimits().connectionLimit

    @Option(
        name: .customLong("web.max-connections-per-ip"),
        help:
            "Concurrent connections from one client address (0: no limit), so one client cannot take every connection.")
    public var maxConnectionsPerIP = ServerLimits().perAddressConnectionLimit

    @Option(
        name: .customLong("web.connection-timeout"), help: "Idle time after which a connection is closed (e.g. 30s).")
    public var connectionTimeout = "\(ServerLimits().connectionTimeoutSeconds)s"

    @Option(
        name: .customLong("web.request-header-timeout"),
        help: "Time a client has to send its request line and headers, however steadily it sends (e.g. 10s).")
    public var requestHeaderTimeout = "\(Int(ServerLimits().requestHeaderTimeoutSeconds))s"

    @Option(
        name: .customLong("web.max-request-header-bytes"),
        help: "Memory for one request's line and headers; larger requests are refused.")
    public var maxRequestHeaderBytes = ServerLimits().maxRequestHeaderBytes

    @Flag(
        name: .customLong("web.enable-lifecycle"),
        help: "Serve POST /-/reload (as Prometheus' flag does); SIGHUP reloads the configuration either way.")
    public var enableLifecycle = false

    @Flag(
        name: .customLong("web.disable-exporter-metrics"),
        help: "Leave the exporter's own process_* metrics (CPU, memory, file descriptors) out of /metrics.")
    public var disableExporterMetrics = false

    @Option(
        name: .customLong("storage.path"),
        help: ArgumentHelp(
            "Directory (the counters go to \(StoragePath.fileName) inside it) or SQLite file keeping the counters "
                + "across restarts; an empty value (--storage.path '') keeps them in memory only.",
            discussion: "A relative path is taken from the working directory; a service should pass an absolute one."))
    public var storagePath = "data/\(StoragePath.fileName)"

    @Flag(
        name: .customLong("storage.recover-damaged"),
        help: ArgumentHelp(
            "When the state file is damaged, move it aside (<file>.damaged-<time>) and start from zero counters "
                + "instead of refusing to start."))
    public var recoverDamagedStore = false

    @Option(
        name: .customLong("storage.max-gap"),
        help: "Longest gap since the last stored reading that is integrated after a restart (e.g. 6h).")
    public var storageMaxGap = "6h"

    @Option(
        name: .customLong("shard.count"),
        help: "Replicas sharing the hosts (with --shard.index); replaces the configuration's shard.count.")
    public var shardCount: Int?

    @Option(
        name: .customLong("shard.index"),
        help: ArgumentHelp(
            "This replica's shard, 0 to count - 1: it serves the hosts whose key hashes to it, as Prometheus' "
                + "hashmod relabel action computes (README, Large fleets)."))
    public var shardIndex: Int?

    @Option(name: .customLong("log.level"), help: "Only log messages at or above this level: debug, info, warn, error.")
    public var logLevel = LogLevelOption.info

    @Option(name: .customLong("log.format"), help: "Log line format: logfmt or json.")
    public var logFormat = LogFormat.logfmt

    public init() {}

    public func validate() throws {
        guard telemetryPath.hasPrefix("/"), telemetryPath.count > 1, !telemetryPath.hasPrefix("/-/") else {
            throw ValidationError("--web.telemetry-path must start with / and must not be / or under /-/")
        }
        do {
            _ = try ListenAddress(parsing: listenAddress)
        } catch {
            throw ValidationError("--web.listen-address: \(error)")
        }
        guard let gap = PrometheusDuration.parse(storageMaxGap), gap > 0 else {
            throw ValidationError("--storage.max-gap must be a positive duration such as 6h")
        }
        guard maxConnections >= 1 else { throw ValidationError("--web.max-connections must be at least 1") }
        guard maxConnectionsPerIP >= 0 else {
            throw ValidationError("--web.max-connections-per-ip must not be negative")
        }
        guard let timeout = PrometheusDuration.parse(connectionTimeout), timeout >= 1 else {
            throw ValidationError("--web.connection-timeout must be a duration of at least 1s")
        }
        guard let headerTimeout = PrometheusDuration.parse(requestHeaderTimeout), headerTimeout >= 1 else {
            throw ValidationError("--web.request-header-timeout must be a duration of at least 1s")
        }
        guard maxRequestHeaderBytes >= 4096 else {
            throw ValidationError("--web.max-request-header-bytes must be at least 4096")
        }
        _ = try shard
    }

    /// The shard the flags give; nil without them (the configuration's, if any, is used).
    public var shard: Shard? {
        get throws {
            switch (shardCount, shardIndex) {
            case (nil, nil): return nil
            case (let count?, let index?):
                do {
                    return try Shard(count: count, index: index)
                } catch {
                    throw ValidationError("--shard.count \(count) --shard.index \(index): \(error.description)")
                }
            default: throw ValidationError("give --shard.count and --shard.index together")
            }
        }
    }

    /// The connection limits the flags ask for.
    public var serverLimits: ServerLimits {
        ServerLimits(
            connectionLimit: maxConnections,
            perAddressConnectionLimit: maxConnectionsPerIP,
            connectionTimeoutSeconds: Int((PrometheusDuration.parse(connectionTimeout) ?? 30).rounded(.up)),
            requestHeaderTimeoutSeconds: PrometheusDuration.parse(requestHeaderTimeout) ?? 10,
            maxRequestHeaderBytes: maxRequestHeaderBytes)
    }

    public func run() async throws {
        ReleaseMemory.configureAllocator()
        let level = logLevel.level
        let format = logFormat
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, level: level, format: format) }
        let logger = Logger(label: "footprint_exporter")

        let configuration: Configuration
        if let configFile {
            do {
                configuration = try ConfigurationLoader.load(path: configFile)
                for key in configuration.inlineSecretKeys {
                    logger.warning(
                        "a secret is written in the configuration file; prefer password_file or password_env",
                        metadata: ["file": "\(configFile)", "key": "\(key)"])
                }
            } catch {
                logger.error("invalid configuration", metadata: ["file": "\(configFile)", "err": "\(error)"])
                throw ExitCode(ToolCommand.configurationErrorExitCode)
            }
        } else {
            configuration = Configuration()
        }
        var web = WebConfiguration()
        if let webConfigFile {
            do {
                web = try ConfigurationLoader.loadWeb(path: webConfigFile)
            } catch {
                logger.error("invalid web configuration", metadata: ["file": "\(webConfigFile)", "err": "\(error)"])
                throw ExitCode(ToolCommand.configurationErrorExitCode)
            }
        }

        let store: StateStore?
        do {
            store = try openStore(logger: logger)
        } catch {
            logger.error("cannot open the state store", metadata: ["err": "\(error)"])
            throw ExitCode(1)
        }
        let application: Application
        do {
            application = try Application(
                configuration: configuration,
                configurationFile: configFile,
                listenAddress: try ListenAddress(parsing: listenAddress),
                telemetryPath: telemetryPath,
                logger: logger,
                fetcher: try CurlHTTPClient(userAgent: "footprint_exporter/\(BuildInfo.version)"),
                serverLimits: serverLimits,
                web: web,
                webConfigurationFile: webConfigFile,
                store: store,
                maxGap: PrometheusDuration.parse(storageMaxGap) ?? 6 * 3_600,
                enableLifecycle: enableLifecycle,
                exporterMetrics: !disableExporterMetrics,
                shard: try shard
            )
        } catch {
            logger.error("cannot start", metadata: ["err": "\(error)"])
            throw ExitCode(1)
        }
        do {
            try await ExporterServices.run(application, logger: logger)
        } catch {
            logger.error("stopped on an error", metadata: ["err": "\(error)"])
            throw ExitCode(1)
        }
    }
}

extension Serve {
    /// The state store `--storage.path` names, locked for this exporter; nil when the path is empty.
    ///
    /// - Throws: `StorageError`, naming the file and the flag to change (a store in use, damaged, or a path
    ///   that cannot be created).
    func openStore(logger: Logger) throws(StorageError) -> StateStore? {
        guard !storagePath.isEmpty else { return nil }
        let file = StoragePath.file(for: storagePath)
        let store: StateStore
        do {
            store = try StateStore(
                path: file, locking: .exclusive, damage: recoverDamagedStore ? .moveAsideAndStartFresh : .refuse)
        } catch let error as StateStore.StoreError {
            switch error.kind {
            case .locked: throw StorageError("\(error.description)")
            case .damaged:
                throw StorageError(
                    "\(error.description); move or repair the file, or start with --storage.recover-damaged "
                        + "to move it aside and start from zero counters")
            case .cannotOpen:
                throw StorageError("--storage.path \(storagePath): \(error.description)")
            }
        } catch {
            throw StorageError(
                "--storage.path \(storagePath): cannot create \(file): \(Self.reason(error)); "
                    + "give --storage.path a writable directory or file")
        }
        if let recovery = store.recovery {
            logger.error(
                "state store was damaged: moved aside, counters start again from zero",
                metadata: ["file": "\(file)", "moved_to": "\(recovery.movedTo)", "problem": "\(recovery.problem)"])
        }
        return store
    }

    /// A Foundation error's reason in one short phrase (its localized description names no flag).
    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        switch (nsError.domain, nsError.code) {
        case (NSCocoaErrorDomain, NSFileWriteNoPermissionError): return "permission denied"
        case (NSCocoaErrorDomain, NSFileWriteVolumeReadOnlyError): return "read-only file system"
        case (NSCocoaErrorDomain, NSFileWriteOutOfSpaceError): return "no space left on device"
        default:
            let text = nsError.localizedDescription
            return text.hasSuffix(".") ? String(text.dropLast()) : text
        }
    }
}

/// Why `--storage.path` cannot be used.
public struct StorageError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) { self.description = description }
}

/// Where `--storage.path` puts the counters.
public enum StoragePath {
    /// The file's name inside a directory given as `--storage.path`.
    public static let fileName = "footprint_exporter.sqlite"

    /// The SQLite file for a `--storage.path` value: inside it when it is a directory (existing, or written with a
    /// trailing `/`), the value itself otherwise.
    public static func file(for path: String) -> String {
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/")
            || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                && isDirectory.boolValue)
        {
            return (path as NSString).appendingPathComponent(fileName)
        }
        return path
    }
}

/// Validates a configuration file and prints the effective configuration.
public struct CheckConfig: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file and print the effective configuration (secrets redacted)."
    )

    @Argument(help: "The YAML configuration file.")
    public var path: String?

    @Option(name: .customLong("web.config.file"), help: "Also validate this web configuration file (TLS, basic auth).")
    public var webConfigFile: String?

    public init() {}

    public func validate() throws {
        guard path != nil || webConfigFile != nil else {
            throw ValidationError("give a configuration file, --web.config.file, or both")
        }
    }

    public func run() throws {
        do {
            if let path {
                let configuration = try ConfigurationLoader.load(path: path)
                for key in configuration.inlineSecretKeys {
                    FileHandle.standardError.write(
                        Data(
                            "warning: \(path): \(key) is written in the file; prefer password_file or password_env\n"
                                .utf8))
                }
                print(configuration.yamlDescription, terminator: "")
            }
            if let webConfigFile {
                let web = try ConfigurationLoader.loadWeb(path: webConfigFile)
                print(web.summary, terminator: "")
            }
        } catch {
            // 1, as `promtool check config` exits for a file it refuses (and as check-config always has).
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
