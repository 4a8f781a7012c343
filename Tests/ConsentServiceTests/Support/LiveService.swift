import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PGClient
import Testing

@testable import ConsentService

/// The application as `serve` builds it (`buildApplication`: the same server settings, sweeper and purge),
/// listening on a loopback port, over a database of its own so its background work touches no other test's rows.
enum LiveService {
    static func with<T: Sendable>(
        idleTimeout: Duration = .seconds(65), poolSize: Int = 4,
        _ body: @Sendable (TestMerchant, any TestClientProtocol, Int) async throws -> T
    ) async throws -> T {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            var logger = Logger(label: "live-service")
            logger.logLevel = .critical
            // A pool of the test's size, so that a connection held by a request would show as others waiting.
            let pool = PGPool(conninfo: url, size: poolSize, acquireTimeout: .seconds(20), logger: logger)
            let shared = TestEnvironment.Shared(
                pool: pool, ownerPool: database.ownerPool, url: url, migrator: database.migrator, calendars: database.calendars, templates: database.templates)
            // Webhook endpoints on loopback, as the route table registers them.
            let merchant = try await TestMerchant.make(in: shared).allowingPrivateWebhooks()
            var configuration = AppConfiguration()
            configuration.port = 0
            configuration.httpIdleTimeout = idleTimeout
            let app = buildApplication(configuration, dependencies: merchant.dependencies, logger: logger)
            return try await app.test(.live) { client in
                try await body(merchant, client, try #require(client.port))
            }
        }
    }
}
