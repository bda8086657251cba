import Logging
import ServiceLifecycle
import UnixSignals

/// The serving exporter as a group of services, in swift-service-lifecycle's shape: the one place that owns the
/// signals (SIGTERM and SIGINT shut down gracefully, SIGHUP reloads), the order of start and stop, and shutdown.
///
/// Services: the metrics server, SIGHUP reload, and one per background loop (carbon intensity, forecasts,
/// collection, AUDITOR push). Shutdown runs in reverse order of the list: the AUDITOR push and the collection
/// stop first (a collection in flight ends and is saved), then the carbon loops, then the server, so scrapes are
/// answered until the counters are final.
public enum ExporterServices {
    public static func run(_ application: Application, logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    ServiceGroupConfiguration.ServiceConfiguration(service: ServerService(application: application)),
                    ServiceGroupConfiguration.ServiceConfiguration(
                        service: ReloadOnHangupService(application: application)),
                ]
                    + Application.loopNames.map { name in
                        ServiceGroupConfiguration.ServiceConfiguration(
                            service: BackgroundLoopService(name: name, application: application))
                    },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

/// The metrics server: it listens from the application's start and stops last.
struct ServerService: Service {
    let application: Application

    func run() async throws {
        application.announceStart()
        application.startCertificateWatch()
        try? await gracefulShutdown()
        await Blocking.run { application.stopServer() }
    }
}

/// One background loop (each on a thread of its own: its work blocks on network I/O, which must not hold Swift's
/// small cooperative pool). A configuration without that loop (no AUDITOR section, no forecasts) leaves the
/// service waiting for shutdown with nothing to run; a reload starts and stops the loops it changes.
struct BackgroundLoopService: Service {
    let name: String
    let application: Application

    func run() async throws {
        application.startLoop(named: name)
        try? await gracefulShutdown()
        await Blocking.run { application.stopLoop(named: name) }
    }
}

/// SIGHUP re-reads the configuration files, as `POST /-/reload` does.
struct ReloadOnHangupService: Service {
    let application: Application

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            await Blocking.run { _ = application.reload() }
        }
    }
}
