import Foundation
import Logging

/// Settings read from the environment (see README, "Configuration").
struct AppConfiguration: Sendable {
    var host = "127.0.0.1"
    var port = 8080
    /// How long a connection may go without a whole request head (or a part of a body) arriving, or sit idle
    /// between requests, before the server closes it; see `HTTP_IDLE_TIMEOUT_SECONDS` in the README.
    var httpIdleTimeout = Duration.seconds(65)
    /// libpq connection string or URL of the serving role; nil starts the embedded cluster under `dataDirectory`.
    var databaseURL: String?
    /// Sessions for auditors' long reads, usually `target_session_attrs=prefer-standby`; nil: the primary's.
    var readDatabaseURL: String?
    /// The role that owns the schema and applies migrations; nil lets `databaseURL`'s role do both.
    var migrationDatabaseURL: String?
    var dataDirectory = "data"
    var poolSize = 16
    var logLevel = Logger.Level.info
    var migrationsDirectory: String?
    var calendarsDirectory: String?
    var expirySweepInterval = Duration.seconds(10)
    /// How often `serve` runs the retention purge (also once at start).
    var retentionRunInterval = Duration.seconds(86400)

    var notifier = NotifierConfiguration()
    var personalDataKeys = PersonalDataKeySource.embeddedFile("data/" + PersonalDataKeySource.embeddedFileName)

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> AppConfiguration
    {
        let reader = EnvironmentReader(environment: environment)
        var configuration = AppConfiguration()
        configuration.host = reader.value("HOST") ?? configuration.host
        configuration.port = try reader.integer("PORT", 0...65535) ?? configuration.port
        if let seconds = try reader.integer("HTTP_IDLE_TIMEOUT_SECONDS", 1...3600) {
            configuration.httpIdleTimeout = .seconds(seconds)
        }
        configuration.databaseURL = reader.value("DATABASE_URL")
        configuration.migrationDatabaseURL = reader.value("MIGRATION_DATABASE_URL")
        if configuration.migrationDatabaseURL != nil && configuration.databaseURL == nil {
            throw ConfigurationError(message: "MIGRATION_DATABASE_URL needs DATABASE_URL (the serving role) beside it")
        }
        configuration.readDatabaseURL = reader.value("READ_DATABASE_URL")
        if configuration.readDatabaseURL != nil && configuration.databaseURL == nil {
            throw ConfigurationError(message: "READ_DATABASE_URL needs DATABASE_URL (the primary) beside it")
        }
        configuration.dataDirectory = reader.value("DATA_DIR") ?? configuration.dataDirectory
        configuration.poolSize = try reader.integer("DB_POOL_SIZE", 1...500) ?? configuration.poolSize
        if let level = reader.value("LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError(message: "LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = parsed
        }
        configuration.migrationsDirectory = reader.value("MIGRATIONS_DIR")
        configuration.calendarsDirectory = reader.value("CALENDARS_DIR")
        if let seconds = try reader.integer("EXPIRY_SWEEP_SECONDS", 1...86400) {
            configuration.expirySweepInterval = .seconds(seconds)
        }
        if let seconds = try reader.integer("RETENTION_RUN_SECONDS", 60...604800) {
            configuration.retentionRunInterval = .seconds(seconds)
        }
        configuration.personalDataKeys = try PersonalDataKeySource.read(
            reader, databaseURL: configuration.databaseURL, dataDirectory: configuration.dataDirectory)
        configuration.notifier = try NotifierConfiguration.read(
            reader, dataDirectory: configuration.dataDirectory, port: configuration.port)
        return configuration
    }
}
