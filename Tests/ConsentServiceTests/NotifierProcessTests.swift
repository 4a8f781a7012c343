import ConsentRules
import Foundation
import PGClient
import TestSupport
import Testing

@testable import ConsentService

#if canImport(Glibc)
    import Glibc
#endif

/// `consent-service notifier` processes against one database and a real SMTP server.
@Suite("Notifier processes")
struct NotifierProcessTests {
    /// Active consents of `merchant`, each with its confirmation queued, written in two statements.
    static func seed(_ count: Int, merchant: String, pool: PGPool) async throws {
        try await pool.withTransaction { connection in
            _ = try connection.query(
                """
                INSERT INTO consents (
                    merchant_id, id, merchant_reference, status, request_hash,
                    consumer_first_name, consumer_last_name, consumer_email, consumer_language,
                    terms_type, amount_minor, currency, amount_type, first_debit_date, date_type, frequency_interval,
                    end_date, communication_method, communication_address, card_brand, card_last4, card_expiry_month,
                    card_expiry_year, accepted_at, ip_address, disclosure_text, disclosure_version, disclosure_sha256,
                    recurrence_id, activated_at, expires_at, policy_version, confirmation_due_by,
                    last_event_seq, last_event_hash, created_at, updated_at)
                SELECT $1, gen_random_uuid(), 'seeded-' || g, 'active', repeat('0', 64),
                       'Ona', 'Seeded', 'ona@example.com', 'lt',
                       'scheduled', 1023, 'EUR', 'fixed', date '2026-12-15', 'fixed', 'monthly',
                       date '2028-12-15', 'email', 'ona@example.com', 'VISA', '1096', 12,
                       2030, now(), '203.0.113.7', 'I agree to monthly debits.', '2026-11', repeat('0', 64),
                       'rec-seeded-' || g, now(), now() + interval '1 day', 1, current_date + 2,
                       0, repeat('0', 64), now(), now()
                FROM generate_series(1, $2) AS g
                """, [merchant, count])
            _ = try connection.query(
                """
                INSERT INTO outbox (merchant_id, id, consent_id, kind, due_at)
                SELECT merchant_id, gen_random_uuid(), id, 'confirmation', now() - interval '1 minute'
                FROM consents WHERE merchant_id = $1
                """, [merchant])
        }
    }

    static func environment(database: String, smtpPort: Int) -> [String: String] {
        [
            "DATABASE_URL": database, "SMTP_URL": "smtp://127.0.0.1:\(smtpPort)", "SMTP_SECURITY": "plaintext-loopback",
            "SMTP_CONNECTIONS": "4", "SMTP_TIMEOUT_SECONDS": "5", "NOTIFIER_LEASE_SECONDS": "25",
            "NOTIFIER_BATCH_SIZE": "40", "NOTIFIER_POLL_SECONDS": "1", "LOG_LEVEL": "warning",
            "PUBLIC_URL": "https://consents.example",
        ]
    }

    static func count(_ sql: String, _ merchant: String, pool: PGPool) async throws -> Int {
        try await pool.withConnection { try $0.query(sql, [merchant])[0].decode(Int.self, 0) }
    }

    @Test func aWorkerKilledMidBatchHasItsMessagesSentByAnotherAfterTheLease() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            let pool = database.pool
            try await Self.seed(300, merchant: merchant.id, pool: pool)
            let logs = try TemporaryDirectory.make(prefix: "notifier-logs")
            defer { try? FileManager.default.removeItem(at: logs) }
            // After 40 messages the server holds every further one, so the first worker is mid-batch, with a
            // message on each connection, when it is killed.
            try await SMTPTestServer.with(SMTPTestServer.Options(holdsData: true, answeredBeforeHolding: 40)) { server in
                let environment = Self.environment(database: url, smtpPort: server.port)
                let first = try ServiceProcess(
                    ["notifier"], environment: environment, log: logs.appendingPathComponent("first.log"))
                let leased =
                    "SELECT count(*)::int FROM outbox WHERE merchant_id = $1 AND state = 'queued' AND lease_owner IS NOT NULL"
                // Killed only once it has recorded the answered messages and leased the next batch, whose
                // messages the server holds: mid-batch, whatever the machine's speed.
                var recorded = 0
                var leasedBeforeKill = 0
                for _ in 0..<600 where recorded < 40 || leasedBeforeKill == 0 {
                    try await Task.sleep(for: .milliseconds(50))
                    recorded = try await Self.count(
                        "SELECT count(*)::int FROM outbox WHERE merchant_id = $1 AND state = 'sent'", merchant.id,
                        pool: pool)
                    leasedBeforeKill = try await Self.count(leased, merchant.id, pool: pool)
                }
                try #require(recorded >= 40, "the first worker recorded fewer than 40: \(first.output)")
                try #require(try server.storedMessages().count >= 40)
                await first.stop(signal: SIGKILL)
                let heldByTheDeadWorker = try await Self.count(leased, merchant.id, pool: pool)
                #expect(heldByTheDeadWorker > 0, "killed mid-batch")
                try server.releaseHeldData()

                let second = try ServiceProcess(
                    ["notifier"], environment: environment, log: logs.appendingPathComponent("second.log"))
                var unsent = 300
                for _ in 0..<1200 where unsent > 0 {
                    try await Task.sleep(for: .milliseconds(100))
                    unsent = try await Self.count(
                        "SELECT count(*)::int FROM outbox WHERE merchant_id = $1 AND state <> 'sent'", merchant.id, pool: pool)
                }
                await second.stop()
                #expect(unsent == 0, "second worker's log: \(second.output)")

                // Every consent confirmed once on its record; on the wire, at least once with one Message-ID.
                #expect(
                    try await Self.count(
                        "SELECT count(*)::int FROM consent_events WHERE merchant_id = $1 AND type = 'confirmation.sent'",
                        merchant.id, pool: pool) == 300)
                #expect(
                    try await Self.count(
                        "SELECT count(*)::int FROM consents WHERE merchant_id = $1 AND confirmation_sent_at IS NOT NULL",
                        merchant.id, pool: pool) == 300)
                let messageIds = try server.storedMessageIds()
                let sentIds = try await pool.withConnection { connection in
                    try connection.query("SELECT message_id FROM outbox WHERE merchant_id = $1", [merchant.id])
                        .map { try $0.decode(String.self, 0) }
                }
                #expect(Set(messageIds) == Set(sentIds))
                // Only a message on the wire at the moment of the kill can arrive twice: at most one per connection.
                #expect(messageIds.count - Set(messageIds).count <= 4)
            }
        }
    }
}
