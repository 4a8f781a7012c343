import Logging
import PGClient

/// A pool to the configured database, or to the embedded cluster started (or found running) for it.
struct DatabaseSession: Sendable {
    /// The serving role's pool.
    let pool: PGPool
    /// READ_DATABASE_URL's pool, when it is set.
    var standbyPool: PGPool? = nil
    /// What the pool connects with, for sessions of their own (LISTEN).
    let conninfo: String
    /// The schema owner's connection, for migrations; nil when the serving role migrates too.
    let migrationConninfo: String?
    let embedded: EmbeddedPostgres?

    static func open(_ configuration: AppConfiguration, logger: Logger) throws -> DatabaseSession {
        if let url = configuration.databaseURL {
            // The operator's choice stands; said once here rather than on every connection of the pool.
            let urls = [("DATABASE_URL", url)]
                + (configuration.migrationDatabaseURL.map { [("MIGRATION_DATABASE_URL", $0)] } ?? [])
                + (configuration.readDatabaseURL.map { [("READ_DATABASE_URL", $0)] } ?? [])
            for (name, conninfo) in urls {
                if let mode = PGTLSPolicy.forConninfo(conninfo).weakModeToRemoteServer {
                    logger.warning(
                        "\(name)'s sslmode does not verify the PostgreSQL server, which is not on this machine; use sslmode=verify-full",
                        metadata: ["pg.sslmode": "\(mode)"])
                }
            }
            return DatabaseSession(
                pool: PGPool(conninfo: url, size: configuration.poolSize, logger: logger),
                standbyPool: configuration.readDatabaseURL.map {
                    PGPool(conninfo: $0, size: configuration.poolSize, logger: logger)
                },
                conninfo: url, migrationConninfo: configuration.migrationDatabaseURL, embedded: nil)
        }
        let embedded = try EmbeddedPostgres.start(dataDirectory: configuration.dataDirectory, logger: logger)
        return DatabaseSession(
            pool: PGPool(conninfo: embedded.servingConninfo, size: configuration.poolSize, logger: logger),
            conninfo: embedded.servingConninfo, migrationConninfo: embedded.conninfo, embedded: embedded)
    }

    func close() async {
        await pool.close()
        await standbyPool?.close()
        embedded?.stop()
    }

    /// For the operator commands: they work on a migrated schema and never migrate it behind one's back.
    func requireMigrated(_ configuration: AppConfiguration) async throws {
        let migrator = PGMigrator(
            migrations: try PGMigration.load(
                directory: ResourceLocator.directory(named: "migrations", override: configuration.migrationsDirectory)))
        guard try await migrator.isUpToDate(pool) else {
            throw ConfigurationError(message: "the database schema is not up to date: run `consent-service migrate` first")
        }
    }
}

/// Runs an operator command against the database, closing everything it opened whatever happens.
func withDatabase<T: Sendable>(
    migrated: Bool = true, _ body: (AppConfiguration, PGPool) async throws -> T
) async throws -> T {
    try await withDatabaseSession(migrated: migrated) { configuration, session in
        try await body(configuration, session.pool)
    }
}

/// As `withDatabase`, for the commands that need the owner's connection too (`migrate`).
func withDatabaseSession<T: Sendable>(
    migrated: Bool = true, _ body: (AppConfiguration, DatabaseSession) async throws -> T
) async throws -> T {
    let configuration = try AppConfiguration.fromEnvironment()
    var logger = Logger(label: "consent-service")
    logger.logLevel = .warning
    let session = try DatabaseSession.open(configuration, logger: logger)
    do {
        if migrated { try await session.requireMigrated(configuration) }
        let result = try await body(configuration, session)
        await session.close()
        return result
    } catch {
        await session.close()
        throw error
    }
}
