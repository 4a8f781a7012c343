import ConsentRules
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Notifier
import PGClient
import Prometheus
import Synchronization
import TestSupport
import Testing

@testable import ConsentService

/// One migrated database per test process; every test works under merchants of its own, so tests run in
/// parallel without seeing each other's rows.
enum TestEnvironment {
    struct Shared: Sendable {
        /// The serving role's pool, as the service runs in production: it may not delete history.
        let pool: PGPool
        /// The schema owner's (the test server's superuser), for what only an operator could do.
        let ownerPool: PGPool
        /// Where `pool` connects, for service processes the tests start.
        let url: String
        let migrator: PGMigrator
        let calendars: CalendarRegistry
        let templates: MessageTemplates
    }

    static let publicURL = "https://consents.example"
    /// The tests' personal data keys, as PERSONAL_DATA_KEYS spells them: `test-2` seals, `test-1` only opens.
    static let personalDataKeys =
        "test-2:AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=,test-1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
    static let keyring: PersonalDataKeyring = {
        do {
            return try PersonalDataKeySource.inline(personalDataKeys).keyring()
        } catch {
            preconditionFailure("the tests' personal data keys do not parse: \(error)")
        }
    }()

    static let documentWording: DocumentWording = {
        do {
            return try DocumentWording.load(directory: packageRoot + "/templates")
        } catch {
            preconditionFailure("the documents' wording does not load: \(error)")
        }
    }()

    static func templates() async throws -> MessageTemplates {
        try await MessageTemplates.load(directory: packageRoot + "/templates")
    }

    static let packageRoot = PackageRoot.path

    /// A database of the process's own in the test server, not the server's default one, where the client
    /// library's tests create and drop tables of their own while the grant below goes through every table.
    static let shared = Task<Shared, any Error> {
        guard let base = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], let slash = base.lastIndex(of: "/")
        else {
            throw ConfigurationError(message: "TEST_DATABASE_URL is not set: run the tests with scripts/test")
        }
        var logger = Logger(label: "tests")
        logger.logLevel = .warning
        let name = "consent_tests_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let admin = PGPool(conninfo: base, size: 1, acquireTimeout: .seconds(60), logger: logger)
        // The name is made here from hex digits only, so it can be spelled into the statement.
        try await admin.withConnection { try $0.execute("CREATE DATABASE \(name)") }
        await admin.close()
        let url = base[..<slash] + "/" + name
        // Every suite runs at once on two shared cores: a lease may wait long, and only a hang should fail.
        let owner = PGPool(conninfo: url, size: 2, acquireTimeout: .seconds(60), logger: logger)
        let migrator = PGMigrator(migrations: try PGMigration.load(directory: packageRoot + "/migrations"))
        _ = try await migrator.migrate(owner)
        try await grantServingRole(owner: owner)
        let serving = try servingURL(url)
        let pool = PGPool(conninfo: serving, size: 12, acquireTimeout: .seconds(60), logger: logger)
        let calendars = try CalendarRegistry.load(directory: packageRoot + "/calendars")
        return Shared(
            pool: pool, ownerPool: owner, url: serving, migrator: migrator, calendars: calendars,
            templates: try await templates())
    }

    /// The role the tests' service runs as, created once in the test server (roles belong to the whole server).
    static let servingRole = "consent_test_service"

    /// `url` as the serving role.
    static func servingURL(_ url: String) throws -> String {
        guard var components = URLComponents(string: url) else {
            throw ConfigurationError(message: "TEST_DATABASE_URL is not a URL")
        }
        components.user = servingRole
        guard let serving = components.string else { throw ConfigurationError(message: "TEST_DATABASE_URL is not a URL") }
        return serving
    }

    static func grantServingRole(owner: PGPool) async throws {
        try await owner.withConnection { connection in
            try SchemaRoles.createLoginRole(named: servingRole, on: connection)
            _ = try connection.query(SchemaRoles.grant, [servingRole])
        }
    }

    /// A database of the test's own, for tests whose workers act on every merchant's rows (the notifier, the
    /// overdue check), which would otherwise reach into tests running beside them. `body` gets the serving
    /// role's URL.
    static func withIsolatedDatabase<T>(_ body: (Shared, String) async throws -> T) async throws -> T {
        try await IsolatedDatabase.with(migrations: packageRoot + "/migrations") { url in
            var logger = Logger(label: "tests")
            logger.logLevel = .warning
            let owner = PGPool(conninfo: url, size: 1, acquireTimeout: .seconds(60), logger: logger)
            let serving = try servingURL(url)
            let pool = PGPool(conninfo: serving, size: 4, acquireTimeout: .seconds(60), logger: logger)
            func close() async {
                await pool.close()
                await owner.close()
            }
            do {
                try await grantServingRole(owner: owner)
                let shared = Shared(
                    pool: pool, ownerPool: owner, url: serving,
                    migrator: PGMigrator(migrations: try PGMigration.load(directory: packageRoot + "/migrations")),
                    calendars: try CalendarRegistry.load(directory: packageRoot + "/calendars"),
                    templates: try await templates())
                let result = try await body(shared, serving)
                await close()
                return result
            } catch {
                await close()
                throw error
            }
        }
    }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current: Mutex<Instant>

    init(_ start: Instant) { current = Mutex(start) }

    var now: Instant { current.withLock { $0 } }

    func advance(seconds: Int64) {
        current.withLock { $0 = $0.adding(seconds: seconds) }
    }

    func set(_ instant: Instant) {
        current.withLock { $0 = instant }
    }

    var appClock: AppClock { AppClock { [self] in self.now } }
}

/// A merchant of one test, with a key per role and an application wired to the shared database.
struct TestMerchant: Sendable {
    let id: String
    let keys: [Role: String]
    let clock: TestClock
    let shared: TestEnvironment.Shared
    let registry = PrometheusCollectorRegistry()
    /// Webhook endpoints may be registered on loopback (the test receiver's address).
    var allowPrivateWebhookDestinations = false
    /// The keys the service opens and seals personal data with.
    var keyring = TestEnvironment.keyring

    static let start = Instant(rfc3339: "2026-11-21T12:00:00Z")!

    static func make(
        country: String = "LT", timeZone: String = "Europe/Vilnius", policy: MerchantPolicy = .defaults,
        name: String? = nil, language: String = "en", in database: TestEnvironment.Shared? = nil
    ) async throws -> TestMerchant {
        let shared: TestEnvironment.Shared
        if let database { shared = database } else { shared = try await TestEnvironment.shared.value }
        let id = "m-" + UUID().uuidString.lowercased().prefix(12)
        try await MerchantStore.create(
            NewMerchant(
                id: id, name: name ?? "Shop \(id)", country: country, timeZone: timeZone, sender: "Shop <shop@example.com>",
                supportEmail: "help@example.com", language: language, policy: policy),
            pool: shared.pool)
        var keys: [Role: String] = [:]
        for role in Role.allCases {
            keys[role] = try await MerchantStore.createKey(merchantId: id, role: role, label: nil, pool: shared.pool).key
        }
        return TestMerchant(id: id, keys: keys, clock: TestClock(start), shared: shared)
    }

    /// This merchant, with the operator's WEBHOOK_ALLOW_PRIVATE_DESTINATIONS=true.
    func allowingPrivateWebhooks() -> TestMerchant {
        var merchant = self
        merchant.allowPrivateWebhookDestinations = true
        return merchant
    }

    var dependencies: AppDependencies {
        AppDependencies(
            pool: shared.pool, migrator: shared.migrator, calendars: shared.calendars, clock: clock.appClock,
            registry: registry, templates: shared.templates, documentWording: TestEnvironment.documentWording,
            publicURL: TestEnvironment.publicURL,
            keyring: keyring, allowPrivateWebhookDestinations: allowPrivateWebhookDestinations)
    }

    func test<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let app = Application(router: buildRouter(dependencies))
        return try await app.test(.router, body)
    }

    /// Counts this merchant's rows in every table a request can write.
    func rowCounts() async throws -> [String: Int] {
        let id = self.id
        return try await shared.pool.withConnection { connection in
            var counts: [String: Int] = [:]
            for table in [
                "consents", "consent_events", "idempotency_keys", "outbox", "debits", "payments", "webhook_endpoints",
                "consent_amendments",
            ] {
                let result = try connection.query("SELECT count(*)::int FROM \(table) WHERE merchant_id = $1", [id])
                counts[table] = try result[0].decode(Int.self, 0)
            }
            return counts
        }
    }

    func expectNothingStored(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let counts = try await rowCounts()
        #expect(counts.values.allSatisfy { $0 == 0 }, "rows stored: \(counts)", sourceLocation: sourceLocation)
    }
}

