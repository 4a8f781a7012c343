import Logging
import PGClient

/// The two database roles: the owner, which migrates the schema, and the serving role, which the service runs as
/// and which may not delete history (migration 0013). With only one role configured, that role does both, and
/// nothing but a trigger's setting stands between it and the history tables, so the service says so at start.
enum SchemaRoles {
    static let currentUser = PGStatement("SELECT current_user::text")
    static let grant = PGStatement("SELECT grant_serving_role($1)")
    static let ownsSchema = PGStatement(
        "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'consents' AND tableowner = current_user)")

    /// Creates a login role unless the server has it. Roles belong to the whole server, so two processes (or
    /// tests) may create the same one at once: the loser's error is the winner's success. `name` must be made by
    /// the caller from letters, digits and underscores only, since it is spelled into the statement.
    static func createLoginRole(named name: String, on connection: PGConnection) throws {
        let spellable = name.utf8.allSatisfy {
            $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x61...0x7A).contains($0)
        }
        precondition(spellable, "a role name spelled into SQL")
        try connection.execute(
            """
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(name)') THEN
                    CREATE ROLE \(name) LOGIN;
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END
            $$
            """)
    }

    /// Applies pending migrations as the owner (or the serving role, when no owner is configured), then grants
    /// the serving role what it may do; returns the names of the migrations applied.
    static func migrate(
        _ migrator: PGMigrator, servingPool: PGPool, migrationConninfo: String?, logger: Logger
    ) async throws -> [String] {
        guard let migrationConninfo else {
            let applied = try await migrator.migrate(servingPool).map(\.name)
            if try await servingPool.withConnection({ try $0.query(ownsSchema, [])[0].decode(Bool.self, 0) }) {
                logger.warning(
                    """
                    DATABASE_URL's role owns the schema, so its privileges do not keep it from deleting history: \
                    set MIGRATION_DATABASE_URL to the owner and DATABASE_URL to a role of its own
                    """)
            }
            return applied
        }
        let owner = PGPool(conninfo: migrationConninfo, size: 1, logger: logger)
        do {
            let applied = try await migrator.migrate(owner).map(\.name)
            let serving = try await roleName(of: servingPool)
            if try await roleName(of: owner) == serving {
                logger.warning(
                    """
                    DATABASE_URL and MIGRATION_DATABASE_URL name the same role: the serving role owns the schema, so \
                    its privileges do not keep it from deleting history
                    """)
            } else {
                _ = try await owner.withConnection { try $0.query(grant, [serving]) }
            }
            await owner.close()
            return applied
        } catch {
            await owner.close()
            throw error
        }
    }

    private static func roleName(of pool: PGPool) async throws -> String {
        try await pool.withConnection { try $0.query(currentUser, [])[0].decode(String.self, 0) }
    }
}
