import ArgumentParser
import Logging
import PGClient

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the pending files of migrations/ (each once, even when several instances start together).",
        discussion: """
            As MIGRATION_DATABASE_URL's role when it is set (the schema's owner), which then grants DATABASE_URL's \
            role only what serving needs. Then seals any personal data still stored in the clear, as `serve` does \
            on start.
            """)

    func run() async throws {
        var logger = Logger(label: "consent-service")
        logger.logLevel = .warning
        let (applied, sealed) = try await withDatabaseSession(migrated: false) { [logger] configuration, session in
            let prepared = try await ServiceStartup.prepare(configuration, session: session, logger: logger)
            return (prepared.applied, prepared.sealed.values.reduce(0, +))
        }
        print(applied.isEmpty ? "the schema is up to date" : "applied: \(applied.joined(separator: ", "))")
        if sealed > 0 { print("sealed the personal data of \(sealed) rows stored in the clear") }
    }
}
