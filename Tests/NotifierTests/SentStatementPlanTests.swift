import Foundation
import Logging
import PGClient
import Testing

@testable import Notifier

/// The statement that marks a batch sent must reach each message through the primary key, whatever the
/// statistics said about the queue when its plan was made: a session keeps that plan while the queue grows.
struct SentStatementPlanTests {
    @Test func eachMessageIsFoundByItsKeyEvenWithAPlanMadeWhenNothingWasQueued() async throws {
        _ = try await NotifierTestDatabase.pool.value
        let url = try #require(ProcessInfo.processInfo.environment["TEST_DATABASE_URL"])
        let plan = try Self.keptPlanAfterTheQueueGrew(url: url)
        let scans = plan.filter { $0.contains("Scan") && $0.contains(" on outbox ") }
        #expect(scans.count == 2, "one scan to lock each message, one to update it:\n\(plan.joined(separator: "\n"))")
        #expect(
            scans.allSatisfy { $0.contains("Index Scan using outbox_pkey on outbox ") },
            "a scan that does not go by the key reads the queue:\n\(plan.joined(separator: "\n"))")
    }

    /// In a session of its own, on a private copy of the outbox (a temporary table of the same name is found
    /// first): 5,000 sent messages, statistics taken, the statement prepared and run once, then 5,000 queued
    /// messages added. EXPLAIN EXECUTE shows the plan the session kept.
    static func keptPlanAfterTheQueueGrew(url: String) throws -> [String] {
        var logger = Logger(label: "sent-statement-plan")
        logger.logLevel = .warning
        let connection = try PGConnection.connect(url, logger: logger)
        try connection.execute(
            """
            CREATE TEMP TABLE outbox (LIKE public.outbox INCLUDING ALL);
            INSERT INTO pg_temp.outbox (merchant_id, id, kind, due_at, state, sent_at)
            SELECT 'm', gen_random_uuid(), 'test', now(), 'sent', now() FROM generate_series(1, 5000);
            ANALYZE pg_temp.outbox
            """)
        let lease = UUID()
        let noMessages: [any PGBindable] = Array(repeating: PGTextArray([]), count: 11)
        _ = try connection.query(OutboxQueue.sentStatement, [lease] + noMessages)
        try connection.execute(
            """
            INSERT INTO pg_temp.outbox (merchant_id, id, kind, due_at)
            SELECT 'm', gen_random_uuid(), 'test', now() FROM generate_series(1, 5000)
            """)
        let emptyArrays = Array(repeating: "'{}'", count: 11).joined(separator: ", ")
        let explained = try connection.query(
            "EXPLAIN EXECUTE \(OutboxQueue.sentStatement.name)('\(lease.uuidString)', \(emptyArrays))", [])
        return try explained.map { try $0.decode(String.self, 0) }
    }
}
