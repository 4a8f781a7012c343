import ArgumentParser
import Hummingbird
import Logging
import Metrics
import Notifier
import PGClient
import Prometheus
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API and the notifier (applying pending migrations first) until SIGINT or SIGTERM.")

    @Option(help: "Address to listen on (overrides HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (overrides PORT; default 8080).")
    var port: Int?

    @Flag(help: "Run the API only; messages wait for a separate `consent-service notifier`.")
    var withoutNotifier = false

    func run() async throws {
        var configuration = try AppConfiguration.fromEnvironment()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        let logger = ServiceLogging.bootstrap(level: configuration.logLevel)

        let session = try DatabaseSession.open(configuration, logger: logger)
        do {
            let (migrator, keyring) = try await ServiceStartup.migrate(configuration, session: session, logger: logger)
            let calendars = try CalendarRegistry.load(
                directory: ResourceLocator.directory(named: "calendars", override: configuration.calendarsDirectory))
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let templates = try await NotifierService.loadTemplates(configuration.notifier)
            let templatesDirectory = try ResourceLocator.directory(
                named: "templates", override: configuration.notifier.templatesDirectory)
            var background: [any Service] = []
            if !withoutNotifier {
                background.append(
                    try await NotifierService.make(
                        configuration.notifier, templates: templates, pool: session.pool, conninfo: session.conninfo,
                        clock: .system, metrics: NotifierMetrics(registry: registry), keyring: keyring, logger: logger))
            }
            let app = buildApplication(
                configuration,
                dependencies: AppDependencies(
                    pool: session.pool, standbyPool: session.standbyPool, migrator: migrator, calendars: calendars, clock: .system, registry: registry,
                    templates: templates, documentWording: try DocumentWording.load(directory: templatesDirectory),
                    publicURL: configuration.notifier.publicURL, keyring: keyring,
                    allowPrivateWebhookDestinations: configuration.notifier.allowPrivateWebhookDestinations),
                background: background, logger: logger)
            try await app.runService()
        } catch {
            await session.close()
            throw error
        }
        await session.close()
    }
}

/// What `serve`, `notifier` and `migrate` all do first: bring the schema up to date, seal any personal data
/// still stored in the clear, and make sure the configured keys open what is stored.
enum ServiceStartup {
    struct Prepared {
        let migrator: PGMigrator
        let keyring: PersonalDataKeyring
        let applied: [String]
        /// Rows per table that were still in the clear.
        let sealed: [String: Int]
    }

    static func prepare(_ configuration: AppConfiguration, session: DatabaseSession, logger: Logger) async throws
        -> Prepared
    {
        let keyring = try configuration.personalDataKeys.keyring()
        let migrator = PGMigrator(
            migrations: try PGMigration.load(
                directory: ResourceLocator.directory(named: "migrations", override: configuration.migrationsDirectory)))
        let applied = try await SchemaRoles.migrate(
            migrator, servingPool: session.pool, migrationConninfo: session.migrationConninfo, logger: logger)
        let pool = session.pool
        let sealing = PersonalDataSealing(pool: pool, keyring: keyring)
        let sealed = try await sealing.sealPlaintext().filter { $0.value > 0 }
        try await sealing.checkKeysOpenStoredData()
        return Prepared(migrator: migrator, keyring: keyring, applied: applied, sealed: sealed)
    }

    static func migrate(_ configuration: AppConfiguration, session: DatabaseSession, logger: Logger) async throws
        -> (PGMigrator, PersonalDataKeyring)
    {
        let prepared = try await prepare(configuration, session: session, logger: logger)
        if !prepared.applied.isEmpty {
            logger.info("applied migrations", metadata: ["names": "\(prepared.applied)"])
        }
        if !prepared.sealed.isEmpty {
            logger.notice("sealed personal data stored in the clear", metadata: ["rows": "\(prepared.sealed)"])
        }
        return (prepared.migrator, prepared.keyring)
    }
}

enum ServiceLogging {
    static func bootstrap(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in ServiceLogHandler(label: label) }
        var logger = Logger(label: "consent-service")
        logger.logLevel = level
        return logger
    }
}
