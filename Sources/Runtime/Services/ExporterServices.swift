import Logging
import ServiceLifecycle
import UnixSignals

/// The serving exporter as a group of services, in swift-service-lifecycle's shape: the one place that owns the
/// signals (SIGTERM and SIGINT shut down gracefully, SIGHUP reloads), the order of start and stop, and shutdown.
///
/// Shutdown runs in reverse order of the list: the background loops stop first (a collection in flight ends and
/// is saved), then the server, so scrapes are answered until the counters are final.
public enum ExporterServices {
    public static func run(_ application: Application, logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    ServiceGroupConfiguration.ServiceConfiguration(service: ServerService(application: application)),
                    ServiceGroupConfiguration.ServiceConfiguration(
                        service: ReloadOnHangupService(application: application)),
                    ServiceGroupConfiguration.ServiceConfiguration(
                        service: BackgroundLoopsService(application: application)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

/// The metrics server: it listens from the application's start and stops last.
struct ServerService: Service {
    let application: Application

    func run() async throws {
        try? await gracefulShutdown()
        await Blocking.run { application.stopServer() }
    }
}

/// The collection, carbon-intensity, forecast and AUDITOR loops (each on a thread of its own: their work blocks on
/// network I/O, which must not hold Swift's small cooperative pool).
struct BackgroundLoopsService: Service {
    let application: Application

    func run() async throws {
        application.start()
        try? await gracefulShutdown()
        await Blocking.run { application.stopLoops() }
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
