import ConsentRules
import Foundation
import Logging
import PGClient
import TestSupport

/// The test process's database for notifier tests, migrated once.
enum NotifierTestDatabase {
    static let packageRoot = PackageRoot.path

    static let pool = Task<PGPool, any Error> {
        guard let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"] else {
            throw OutboxTestError(message: "TEST_DATABASE_URL is not set: run the tests with scripts/test")
        }
        var logger = Logger(label: "notifier-tests")
        logger.logLevel = .warning
        let pool = PGPool(conninfo: url, size: 8, acquireTimeout: .seconds(60), logger: logger)
        _ = try await PGMigrator(migrations: try PGMigration.load(directory: packageRoot + "/migrations")).migrate(pool)
        return pool
    }

    /// A merchant of one test with `count` outbox messages, all due at `due` (before 2000). Messages due
    /// before 2000 that earlier tests left are removed first; only these tests make such messages.
    static func merchant(withMessages count: Int, dueAt due: Instant) async throws -> String {
        let pool = try await pool.value
        let merchant = "n-" + UUID().uuidString.lowercased().prefix(12)
        try await pool.withTransaction { connection in
            _ = try connection.query("DELETE FROM outbox WHERE due_at < '2000-01-01'", [])
            _ = try connection.query(
                """
                INSERT INTO merchants (merchant_id, name, country, timezone, sender, support_email)
                VALUES ($1, 'Notifier test', 'LT', 'Europe/Vilnius', 'T <t@example.com>', 'h@example.com')
                """, [merchant])
            _ = try connection.query(
                """
                INSERT INTO outbox (merchant_id, id, kind, due_at)
                SELECT $1, gen_random_uuid(), 'confirmation', $2::timestamptz FROM generate_series(1, $3)
                """, [merchant, due.rfc3339, count])
        }
        return merchant
    }

    static func states(of merchant: String) async throws -> [String: Int] {
        try await pool.value.withConnection { connection in
            var states: [String: Int] = [:]
            for row in try connection.query(
                "SELECT state, count(*)::int FROM outbox WHERE merchant_id = $1 GROUP BY state", [merchant])
            {
                states[try row.decode(String.self, 0)] = try row.decode(Int.self, 1)
            }
            return states
        }
    }
}

struct OutboxTestError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
