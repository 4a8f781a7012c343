import ConsentRules
import Hummingbird
import Logging
import NIOCore
import Notifier
import PGClient
import Prometheus
import ServiceLifecycle

/// Everything the HTTP application is built from; `serve` and the tests make it the same way.
struct AppDependencies: Sendable {
    let pool: PGPool
    /// Sessions of READ_DATABASE_URL, for auditors' long reads; nil when they go to the primary too.
    var standbyPool: PGPool? = nil
    let migrator: PGMigrator
    let calendars: CalendarRegistry
    let clock: AppClock
    let registry: PrometheusCollectorRegistry
    /// The consumer pages' templates (the emails' library).
    let templates: MessageTemplates
    /// The printed documents' wording in each language.
    let documentWording: DocumentWording
    /// Where consumers reach the service, for the cancel page's own links.
    let publicURL: String
    /// Opens and seals consumers' personal data.
    let keyring: PersonalDataKeyring
    /// Webhook endpoints may be registered at non-public addresses (WEBHOOK_ALLOW_PRIVATE_DESTINATIONS).
    var allowPrivateWebhookDestinations = false
    /// An export whose client takes nothing for this long is ended (HTTP_IDLE_TIMEOUT_SECONDS).
    var exportStallTimeout = Duration.seconds(65)
}

func buildRouter(_ dependencies: AppDependencies) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: MetricsMiddleware())
    HealthController(pool: dependencies.pool, migrator: dependencies.migrator, registry: dependencies.registry)
        .addRoutes(to: router)
    let metrics = ServiceMetrics(registry: dependencies.registry)
    let consents = PostgresConsentRepository(
        pool: dependencies.pool, calendars: dependencies.calendars, clock: dependencies.clock,
        keyring: dependencies.keyring, metrics: metrics)
    let v1 = router.group("v1")
    let reads = ReadPools(primary: dependencies.pool, standby: dependencies.standbyPool)
    ConsentController(repository: consents).addRoutes(to: v1)
    ValidityController(store: ValidityStore(pool: dependencies.pool, clock: dependencies.clock)).addRoutes(to: v1)
    DebitController(
        store: DebitStore(pool: dependencies.pool, clock: dependencies.clock, keyring: dependencies.keyring)).addRoutes(to: v1)
    PaymentController(
        store: PaymentStore(
            pool: dependencies.pool, clock: dependencies.clock, keyring: dependencies.keyring, metrics: metrics),
        history: PaymentHistory(pool: dependencies.pool, clock: dependencies.clock, keyring: dependencies.keyring),
        clock: dependencies.clock
    ).addRoutes(to: v1)
    let cancellations = CancellationStore(
        pool: dependencies.pool, clock: dependencies.clock, keyring: dependencies.keyring, metrics: metrics)
    CancellationController(store: cancellations, clock: dependencies.clock).addRoutes(to: v1)
    CardController(
        store: CardStore(pool: dependencies.pool, clock: dependencies.clock, keyring: dependencies.keyring)
    ).addRoutes(to: v1)
    AmendmentController(
        store: AmendmentStore(
            pool: dependencies.pool, clock: dependencies.clock, calendars: dependencies.calendars,
            keyring: dependencies.keyring)
    ).addRoutes(to: v1)
    CancelPageController(
        pool: dependencies.pool, store: cancellations, templates: dependencies.templates,
        publicURL: dependencies.publicURL, keyring: dependencies.keyring
    ).addRoutes(to: router)
    AuditController(store: AuditStore(pool: dependencies.pool, clock: dependencies.clock, keyring: dependencies.keyring))
        .addRoutes(to: v1)
    let documents = EvidenceDocumentStore(
        pools: reads, clock: dependencies.clock, keyring: dependencies.keyring,
        wording: dependencies.documentWording)
    EvidenceController(store: documents, disputes: DisputeStore(documents: documents)).addRoutes(to: v1)
    ComplianceController(store: ComplianceReportStore(pools: reads, clock: dependencies.clock))
        .addRoutes(to: v1)
    LegalHoldController(
        store: LegalHoldStore(pool: dependencies.pool, clock: dependencies.clock, keyring: dependencies.keyring)
    ).addRoutes(to: v1)
    ExportController(
        store: ConsentExportStore(
            pool: dependencies.pool, reads: reads, clock: dependencies.clock, keyring: dependencies.keyring),
        slots: ExportSlots(limits: .forPool(size: dependencies.pool.size)),
        stallTimeout: dependencies.exportStallTimeout
    ).addRoutes(to: v1)
    WebhookController(
        endpoints: WebhookEndpointStore(
            pool: dependencies.pool, clock: dependencies.clock,
            allowPrivateDestinations: dependencies.allowPrivateWebhookDestinations),
        deliveries: WebhookDeliveryStore(pool: dependencies.pool)
    ).addRoutes(to: v1)
    return router
}

/// `background` are services that run beside the API and stop before the pool (the notifier).
func buildApplication(
    _ configuration: AppConfiguration, dependencies: AppDependencies, background: [any Service] = [], logger: Logger
) -> some ApplicationProtocol {
    let sweeper = ExpirySweeper(
        pool: dependencies.pool, clock: dependencies.clock, metrics: ServiceMetrics(registry: dependencies.registry),
        keyring: dependencies.keyring, interval: configuration.expirySweepInterval, logger: logger)
    let purge = RetentionPurge(
        pool: dependencies.pool, clock: dependencies.clock, keyring: dependencies.keyring,
        interval: configuration.retentionRunInterval, logger: logger)
    var dependencies = dependencies
    dependencies.exportStallTimeout = configuration.httpIdleTimeout
    return Application(
        router: buildRouter(dependencies),
        // Without an idle timeout a client that sends its request head a byte at a time, or nothing at all,
        // keeps its connection for as long as it likes. The timer counts from the last complete HTTP part (a
        // request head or a piece of body) or the end of the last response, never while a response is written.
        server: .http1(configuration: .init(idleTimeout: TimeAmount(configuration.httpIdleTimeout))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "consent-service"),
        // In dependency order: the pool outlives the workers that use it.
        services: [dependencies.pool, sweeper, purge] + background,
        logger: logger)
}
