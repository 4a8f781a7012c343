import ArgumentParser

@main
struct ConsentServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent-service",
        abstract: "Captures and keeps recurring-payment consents for merchants, and answers their billing.",
        discussion: """
            Configuration comes from environment variables (DATABASE_URL, DATA_DIR, HOST, PORT, DB_POOL_SIZE, \
            LOG_LEVEL, MIGRATIONS_DIR, CALENDARS_DIR, EXPIRY_SWEEP_SECONDS); see the README. Without \
            DATABASE_URL every command uses a private PostgreSQL cluster under DATA_DIR (default ./data).
            """,
        subcommands: [
            ServeCommand.self, NotifierCommand.self, MigrateCommand.self, MerchantsCommand.self, KeysCommand.self, CalendarCommand.self,
        ])
}
