import ArgumentParser
import PGClient

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the pending files of migrations/ (each once, even when several instances start together).")

    func run() async throws {
        let applied = try await withDatabase(migrated: false) { configuration, pool in
            let migrator = PGMigrator(
                migrations: try PGMigration.load(
                    directory: ResourceLocator.directory(named: "migrations", override: configuration.migrationsDirectory)))
            return try await migrator.migrate(pool).map(\.name)
        }
        print(applied.isEmpty ? "the schema is up to date" : "applied: \(applied.joined(separator: ", "))")
    }
}
