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

    /// Applies pending migrations as the owner (or the serving role, when no owner is configured), then grants
    /// the serving role what it may do; returns the names of the migrations applied.
    static func migrate(
        _ migrator: PGMigrator, servingPool: PGPool, migrationConninfo: String?, logger: Logger
    ) async throws -> [String] {
        guard let migrationConninfo else {
            let applied = try await migrator.migrate(servingPool).map(\.name)
            if try await servingPool.withConnection({ try $0.query(ownsSchema, [])[0].decode(Bool.self, 0) }) {
                logger.warning(
                    "DATABASE_URL's role owns the schema, so its privileges do not keep it from deleting history: set MIGRATION_DATABASE_URL to the owner and DATABASE_URL to a role of its own")
            }
            return applied
        }
        let owner = PGPool(conninfo: migrationConninfo, size: 1, logger: logger)
        do {
            let applied = try await migrator.migrate(owner).map(\.name)
            let serving = try await servingPool.withConnection { try $0.query(currentUser, [])[0].decode(String.self, 0) }
            let ownerName = try await owner.withConnection { try $0.query(currentUser, [])[0].decode(String.self, 0) }
            if serving == ownerName {
                logger.warning(
                    "DATABASE_URL and MIGRATION_DATABASE_URL name the same role: the serving role owns the schema, so its privileges do not keep it from deleting history")
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
}
