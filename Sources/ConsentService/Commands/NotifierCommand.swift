import ArgumentParser
import Hummingbird
import Logging
import Metrics
import NIOCore
import PGClient
import Prometheus
import ServiceLifecycle
import UnixSignals

struct NotifierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifier",
        abstract: "Run only the notifier (outbox workers for emails and webhooks, and the overdue check) until SIGINT or SIGTERM.",
        discussion: """
            For separate worker processes beside `serve --without-notifier`, or to add workers: any number may run \
            against one database. Applies pending migrations first, like `serve`.
            """)

    @Option(help: "Serve /healthz, /readyz and /metrics on this port of HOST (default: no HTTP at all).")
    var port: Int?

    func run() async throws {
        let configuration = try AppConfiguration.fromEnvironment()
        let logger = ServiceLogging.bootstrap(level: configuration.logLevel)
        let session = try DatabaseSession.open(configuration, logger: logger)
        do {
            let (migrator, keyring) = try await ServiceStartup.migrate(configuration, session: session, logger: logger)
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let notifier = try await NotifierService.make(
                configuration.notifier, templates: try await NotifierService.loadTemplates(configuration.notifier),
                pool: session.pool, conninfo: session.conninfo, clock: .system,
                metrics: NotifierMetrics(registry: registry), keyring: keyring, logger: logger)
            if let port {
                let router = Router(context: AppRequestContext.self)
                HealthController(pool: session.pool, migrator: migrator, registry: registry).addRoutes(to: router)
                let app = Application(
                    router: router,
                    // The same bound on idle and slow connections as `serve` (HTTP_IDLE_TIMEOUT_SECONDS).
                    server: .http1(configuration: .init(idleTimeout: TimeAmount(configuration.httpIdleTimeout))),
                    configuration: .init(address: .hostname(configuration.host, port: port), serverName: "consent-service"),
                    services: [session.pool, notifier], logger: logger)
                try await app.runService()
            } else {
                let group = ServiceGroup(
                    configuration: .init(
                        services: [.init(service: session.pool), .init(service: notifier)],
                        gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
            }
        } catch {
            await session.close()
            throw error
        }
        await session.close()
    }
}
