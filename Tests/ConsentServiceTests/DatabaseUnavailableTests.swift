import ConsentRules
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PGClient
import Prometheus
import Testing

@testable import ConsentService

/// With no database to reach, requests get 503 with the contract's body and `/readyz` says so; nothing hangs
/// and nothing crashes.
@Suite struct DatabaseUnavailableTests {
    @Test func requestsAre503AndReadinessFailsWhileTheDatabaseIsUnreachable() async throws {
        let shared = try await TestEnvironment.shared.value
        var logger = Logger(label: "unreachable")
        logger.logLevel = .critical
        // A port nothing listens on: every connection attempt is refused at once.
        let pool = PGPool(
            conninfo: "postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=2", size: 2,
            acquireTimeout: .seconds(2), logger: logger)
        let dependencies = AppDependencies(
            pool: pool, migrator: shared.migrator, calendars: shared.calendars, clock: .system,
            registry: PrometheusCollectorRegistry(), templates: shared.templates,
            documentWording: TestEnvironment.documentWording, publicURL: TestEnvironment.publicURL,
            keyring: TestEnvironment.keyring)
        let app = Application(router: buildRouter(dependencies))
        try await app.test(.router) { client in
            let read = try await client.call(.get, "/v1/consents/\(UUID())", key: "csk_any")
            #expect(read.status == .serviceUnavailable)
            #expect(read.errorCode == "service_unavailable")
            #expect(read.headers[.retryAfter] == "2", "a client is told when to try again")
            let capture = try await client.call(.post, "/v1/consents", key: "csk_any", json: ConsentBody.valid())
            #expect(capture.status == .serviceUnavailable)
            let ready = try await client.call(.get, "/readyz", key: nil)
            #expect(ready.status == .serviceUnavailable)
            #expect(try ready.json["status"]?.stringValue == "database_unavailable")
            let health = try await client.call(.get, "/healthz", key: nil)
            #expect(health.status == .ok)
        }
        await pool.close()
    }
}
