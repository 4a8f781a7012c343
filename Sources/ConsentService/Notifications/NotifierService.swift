import ConsentRules
import Foundation
import Logging
import Notifier
import PGClient
import ServiceLifecycle

/// The notifier as one service: a LISTEN session that wakes the outbox worker, the worker itself, the
/// confirmation overdue check and the card-expiry reminders. It owns the transport and the listener and closes both when it stops.
struct NotifierService: Service {
    let worker: OutboxWorker
    let overdueCheck: ConfirmationOverdueCheck
    let cardReminders: CardExpirySweep
    let listener: PGListener
    let smtp: SMTPTransport?
    let logger: Logger

    static let channel = "outbox_due"

    /// The templates, loaded once for the whole process (`serve` shows its pages from the same set).
    static func loadTemplates(_ configuration: NotifierConfiguration) async throws -> MessageTemplates {
        try await MessageTemplates.load(
            directory: ResourceLocator.directory(named: "templates", override: configuration.templatesDirectory))
    }

    /// Opens the transport; any problem is a startup error.
    static func make(
        _ configuration: NotifierConfiguration, templates: MessageTemplates, pool: PGPool, conninfo: String,
        clock: AppClock, metrics: NotifierMetrics, keyring: PersonalDataKeyring, logger: Logger
    ) async throws -> NotifierService {
        let smtp = try configuration.smtp.map { try SMTPTransport(configuration: $0, logger: logger, clock: clock.now) }
        let transport: any MessageTransport =
            try smtp ?? EmlFolderTransport(directory: configuration.outboxDirectory)
        let wakeSignal = WakeSignal()
        let handler = ConsentMessageHandler(
            pool: pool, templates: templates, publicURL: configuration.publicURL, metrics: metrics,
            keyring: keyring)
        let worker = OutboxWorker(
            queue: OutboxQueue(pool: pool, handler: handler, leaseSeconds: configuration.leaseSeconds),
            transport: transport,
            webhooks: WebhookTransport(allowPrivateDestinations: configuration.allowPrivateWebhookDestinations),
            settings: configuration.worker, wakeSignal: wakeSignal, clock: clock.now, logger: logger)
        let overdueCheck = ConfirmationOverdueCheck(
            pool: pool, clock: clock, metrics: metrics, interval: configuration.overdueCheckInterval, logger: logger)
        let listener = PGListener(conninfo: conninfo, channels: [channel], logger: logger) { wakeSignal.wake() }
        logger.info(
            "notifier ready",
            metadata: [
                "transport": "\(configuration.smtp.map { "smtp \($0.url)" } ?? "outbox folder \(configuration.outboxDirectory)")",
                "languages": "\(templates.languages.sorted())",
            ])
        let cardReminders = CardExpirySweep(
            pool: pool, clock: clock, interval: configuration.overdueCheckInterval, logger: logger)
        return NotifierService(
            worker: worker, overdueCheck: overdueCheck, cardReminders: cardReminders, listener: listener, smtp: smtp,
            logger: logger)
    }

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await worker.run() }
            group.addTask { try? await overdueCheck.run() }
            group.addTask { try? await cardReminders.run() }
            await group.waitForAll()
        }
        await listener.stop()
        await smtp?.shutdown()
    }
}
