import ArgumentParser

@main
struct ConsentServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent-service",
        abstract: "Captures and keeps recurring-payment consents for merchants, confirms them to consumers by email and tells merchants' systems by webhook.",
        discussion: """
            Configuration comes from environment variables (DATABASE_URL, MIGRATION_DATABASE_URL, \
            READ_DATABASE_URL, DATA_DIR, HOST, PORT, \
            HTTP_IDLE_TIMEOUT_SECONDS, DB_POOL_SIZE, \
            LOG_LEVEL, MIGRATIONS_DIR, CALENDARS_DIR, TEMPLATES_DIR, EXPIRY_SWEEP_SECONDS, RETENTION_RUN_SECONDS, \
            PUBLIC_URL, SMTP_URL, \
            SMTP_SECURITY, SMTP_CA_FILE, SMTP_CONNECTIONS, SMTP_CONNECT_TIMEOUT_SECONDS, SMTP_TIMEOUT_SECONDS, \
            OUTBOX_DIR, NOTIFIER_BATCH_SIZE, NOTIFIER_POLL_SECONDS, NOTIFIER_LEASE_SECONDS, OVERDUE_CHECK_SECONDS, \
            WEBHOOK_ALLOW_PRIVATE_DESTINATIONS, PERSONAL_DATA_KEYS, PERSONAL_DATA_KEYS_FILE); \
            see the README. Without DATABASE_URL every command uses a private PostgreSQL cluster under DATA_DIR \
            (default ./data), with the personal data key in DATA_DIR/personal-data.keys; without SMTP_URL emails are written as .eml files to OUTBOX_DIR (default \
            DATA_DIR/outbox).
            """,
        subcommands: [
            ServeCommand.self, NotifierCommand.self, MigrateCommand.self, MerchantsCommand.self, KeysCommand.self,
            CalendarCommand.self, AuditCommand.self, EvidenceCommand.self, RetentionCommand.self,
            PersonalDataCommand.self,
        ])
}
