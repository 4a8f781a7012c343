import ArgumentParser
import Hummingbird
import Logging
import Metrics
import PGClient
import Prometheus

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (applying pending migrations first) until SIGINT or SIGTERM.")

    @Option(help: "Address to listen on (overrides HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (overrides PORT; default 8080).")
    var port: Int?

    func run() async throws {
        var configuration = try AppConfiguration.fromEnvironment()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "consent-service")
        logger.logLevel = configuration.logLevel

        let session = try DatabaseSession.open(configuration, logger: logger)
        do {
            let migrator = PGMigrator(
                migrations: try PGMigration.load(
                    directory: ResourceLocator.directory(named: "migrations", override: configuration.migrationsDirectory)))
            let applied = try await migrator.migrate(session.pool)
            if !applied.isEmpty {
                logger.info("applied migrations", metadata: ["names": "\(applied.map { $0.name })"])
            }
            let calendars = try CalendarRegistry.load(
                directory: ResourceLocator.directory(named: "calendars", override: configuration.calendarsDirectory))
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let app = buildApplication(
                configuration,
                dependencies: AppDependencies(
                    pool: session.pool, migrator: migrator, calendars: calendars, clock: .system, registry: registry),
                logger: logger)
            try await app.runService()
        } catch {
            await session.close()
            throw error
        }
        await session.close()
    }
}
