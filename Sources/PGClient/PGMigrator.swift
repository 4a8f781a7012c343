/// Applies `PGMigration`s in version order, each once, recording them in `schema_migrations`.
///
/// Safe to run from every instance at start-up: a session-level advisory lock makes concurrent runs
/// take turns, so the second waits and then finds the work done.
public struct PGMigrator: Sendable {
    public let migrations: [PGMigration]

    /// Any fixed value works as long as every instance uses the same one; this is "pgmigrat" in ASCII.
    static let advisoryLockKey: Int64 = 0x7067_6D69_6772_6174

    private static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    int PRIMARY KEY,
            name       text NOT NULL,
            checksum   text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """
    private static let selectApplied = PGStatement("SELECT version, checksum FROM schema_migrations")
    private static let tableExists = PGStatement("SELECT to_regclass('schema_migrations') IS NOT NULL")
    private static let recordApplied = PGStatement(
        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)")

    public init(migrations: [PGMigration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Applies every migration not yet recorded, each in its own transaction with its `schema_migrations`
    /// row, and returns those applied by this call. Refuses (`.migrationChanged`) to apply anything if an
    /// applied migration's file was edited since.
    ///
    /// A migration must not manage transactions itself (BEGIN/COMMIT, CREATE INDEX CONCURRENTLY).
    public func migrate(_ pool: PGPool) async throws -> [PGMigration] {
        try PGMigration.checkVersionsAreUnique(migrations)
        let logger = pool.logger
        return try await pool.withConnection { connection in
            _ = try connection.query("SELECT pg_advisory_lock($1)", [Self.advisoryLockKey])
            defer { Self.unlock(connection) }
            // A role that may read the schema but not create in it (the service's serving role) can still
            // find that nothing is pending.
            if try !connection.query(Self.tableExists, [])[0].decode(Bool.self, 0) {
                try connection.execute(Self.createTable)
            }
            let applied = try Self.appliedChecksums(connection)
            try checkUnchanged(applied)
            var appliedNow: [PGMigration] = []
            for migration in migrations where applied[migration.version] == nil {
                try apply(migration, on: connection)
                logger.info("Applied migration", metadata: ["pg.migration": "\(migration.fileName)"])
                appliedNow.append(migration)
            }
            return appliedNow
        }
    }

    /// True when every migration is applied and none has changed since; for readiness checks.
    public func isUpToDate(_ pool: PGPool) async throws -> Bool {
        try await pool.withConnection { connection in
            guard let exists = try connection.query(Self.tableExists, []).first, try exists.decode(Bool.self, 0) else {
                return migrations.isEmpty
            }
            let applied = try Self.appliedChecksums(connection)
            return migrations.allSatisfy { applied[$0.version] == $0.checksum }
        }
    }

    private func checkUnchanged(_ applied: [Int: String]) throws {
        for migration in migrations {
            guard let recorded = applied[migration.version], recorded != migration.checksum else { continue }
            throw PGError(
                .migrationChanged,
                context: "migration \(migration.fileName) (version \(migration.version)) was changed after it was "
                    + "applied: its SHA-256 no longer matches the checksum recorded in schema_migrations; "
                    + "restore the file and put the change in a new migration")
        }
    }

    private func apply(_ migration: PGMigration, on connection: PGConnection) throws {
        do {
            try connection.transaction { connection in
                try connection.execute(migration.sql)
                _ = try connection.query(
                    Self.recordApplied, [migration.version, migration.name, migration.checksum])
            }
        } catch var error as PGError {
            if !error.isConnectionProblem { error.code = .migrationFailed }
            error.context = "migration \(migration.fileName) (version \(migration.version)) failed and was rolled back"
            throw error
        }
    }

    private static func appliedChecksums(_ connection: PGConnection) throws -> [Int: String] {
        var applied: [Int: String] = [:]
        for row in try connection.query(selectApplied, []) {
            applied[try row.decode(Int.self, 0)] = try row.decode(String.self, 1)
        }
        return applied
    }

    /// The lock is released even when migrating failed; if the session itself died, so did the lock.
    private static func unlock(_ connection: PGConnection) {
        do {
            _ = try connection.query("SELECT pg_advisory_unlock($1)", [advisoryLockKey])
        } catch {
            connection.logger.debug("Could not release the migration lock", metadata: ["pg.error": "\(error)"])
        }
    }
}
