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
        name: .customLong("web.max-request-header-bytes"),
        help: "Memory for one request's line and headers; larger requests are refused.")
    public var maxRequestHeaderBytes = ServerLimits().maxRequestHeaderBytes

    @Option(
        name: .customLong("storage.path"),
        help:
            "SQLite file keeping the counters across restarts; an empty value (--storage.path '') keeps them in memory only."
    )
    public var storagePath = "data/footprint_exporter.sqlite"

    @Option(
        name: .customLong("storage.max-gap"),
        help: "Longest gap since the last stored reading that is integrated after a restart (e.g. 6h).")
    public var storageMaxGap = "6h"

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
        guard maxRequestHeaderBytes >= 4096 else {
            throw ValidationError("--web.max-request-header-bytes must be at least 4096")
        }
    }

    /// The connection limits the flags ask for.
    public var serverLimits: ServerLimits {
        ServerLimits(
            connectionLimit: maxConnections,
            perAddressConnectionLimit: maxConnectionsPerIP,
            connectionTimeoutSeconds: Int((PrometheusDuration.parse(connectionTimeout) ?? 30).rounded(.up)),
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
            } catch {
                logger.error("invalid configuration", metadata: ["file": "\(configFile)", "err": "\(error)"])
                throw ExitCode(2)
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
                throw ExitCode(2)
            }
        }

        let application: Application
        do {
            let store = try storagePath.isEmpty ? nil : StateStore(path: storagePath)
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
                maxGap: PrometheusDuration.parse(storageMaxGap) ?? 6 * 3_600
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
                print(configuration.yamlDescription, terminator: "")
            }
            if let webConfigFile {
                let web = try ConfigurationLoader.loadWeb(path: webConfigFile)
                print(web.summary, terminator: "")
            }
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
