import ConsentRules
import Foundation
import PGClient
import Testing

@testable import ConsentService
@testable import Notifier

/// What the notifier writes for a batch of sent messages: one event per email on its consent's chain, in the
/// order the messages were recorded, on a real PostgreSQL.
@Suite("Sent messages recorded together")
struct SentRecordingTests {
    static func handler(_ merchant: TestMerchant) async throws -> ConsentMessageHandler {
        ConsentMessageHandler(
            pool: merchant.shared.pool,
            templates: try await MessageTemplates.load(directory: TestEnvironment.packageRoot + "/templates"),
            publicURL: "https://consents.example", metrics: NotifierMetrics(registry: merchant.registry),
            keyring: TestEnvironment.keyring)
    }

    /// An active consent, whose confirmation is queued.
    static func capture(_ merchant: TestMerchant) async throws -> UUID {
        try #require(UUID(uuidString: try await ConfirmationDeliveryTests.capture(merchant, ConsentBody.valid())))
    }

    static func message(_ merchant: TestMerchant, kind: OutboxKind, consent: UUID?) -> ClaimedMessage {
        ClaimedMessage(
            merchantId: merchant.id, id: UUID(), consentId: consent, kind: kind, payload: "{}", attempts: 1,
            queuedAt: TestMerchant.start)
    }

    static func sent(_ message: ClaimedMessage, at seconds: Int64) -> OutboxQueue.SentMessage {
        OutboxQueue.SentMessage(
            message: message,
            delivery: OutboxQueue.Delivery(
                sentAt: TestMerchant.start.adding(seconds: seconds), serverReply: "250 2.0.0 Ok: queued as \(seconds)",
                messageId: "\(message.id.lowercasedString)@consents.example", recipient: .plain("ona@example.org"),
                subject: "Your agreement", language: "en", bodySHA256: String(repeating: "0", count: 64)))
    }

    @Test func eventsOnOneConsentAreChainedInOrderAndTheGoneAndWebhooksGetNone() async throws {
        let merchant = try await TestMerchant.make()
        let first = try await Self.capture(merchant)
        let second = try await Self.capture(merchant)
        let pool = merchant.shared.pool
        let seqBefore = try await pool.withConnection { connection in
            try connection.query(
                "SELECT last_event_seq FROM consents WHERE merchant_id = $1 AND id = $2", [merchant.id, first]
            )[0].decode(Int.self, 0)
        }
        let handler = try await Self.handler(merchant)
        let batch = [
            Self.sent(Self.message(merchant, kind: .confirmation, consent: first), at: 10),
            Self.sent(Self.message(merchant, kind: .confirmation, consent: second), at: 11),
            Self.sent(Self.message(merchant, kind: .webhook, consent: first), at: 12),
            Self.sent(Self.message(merchant, kind: .cancellation, consent: first), at: 13),
            Self.sent(Self.message(merchant, kind: .confirmation, consent: UUID()), at: 14),
            // A second confirmation of one consent keeps the first one's time on the consent.
            Self.sent(Self.message(merchant, kind: .confirmation, consent: second), at: 15),
        ]
        try await pool.withTransaction { connection in try handler.recordSent(batch, on: connection) }

        let events = try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT consent_id, seq, type, data->>'outboxId'
                FROM consent_events WHERE merchant_id = $1 AND type LIKE '%.sent' ORDER BY consent_id = $2 DESC, seq
                """, [merchant.id, first]
            ).map { row in
                (try row.decode(UUID.self, 0), try row.decode(Int.self, 1), try row.decode(String.self, 2),
                 try row.decode(String.self, 3))
            }
        }
        #expect(events.map(\.0) == [first, first, second, second])
        #expect(events.map(\.1) == [seqBefore + 1, seqBefore + 2, seqBefore + 1, seqBefore + 2])
        #expect(events.map(\.2) == [
            "confirmation.sent", "cancellation_confirmation.sent", "confirmation.sent", "confirmation.sent",
        ])
        #expect(events.map(\.3) == [0, 3, 1, 5].map { batch[$0].message.id.lowercasedString })

        let heads = try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT id, last_event_seq, extract(epoch FROM confirmation_sent_at - $2::timestamptz)::int,
                       extract(epoch FROM updated_at - $2::timestamptz)::int
                FROM consents WHERE merchant_id = $1 ORDER BY id = $3 DESC
                """, [merchant.id, TestMerchant.start.rfc3339, first]
            ).map { row in
                (try row.decode(UUID.self, 0), try row.decode(Int.self, 1), try row.decode(Int.self, 2),
                 try row.decode(Int.self, 3))
            }
        }
        #expect(heads.map(\.0) == [first, second])
        #expect(heads.map(\.1) == [seqBefore + 2, seqBefore + 2])
        #expect(heads.map(\.2) == [10, 11], "the first confirmation's time")
        #expect(heads.map(\.3) == [13, 15], "the last event's time")

        let report = try await ChainAudit(pool: pool, pageSize: 10).verify(merchantId: merchant.id)
        #expect(report.consents == 2)
        #expect(report.broken.isEmpty)
    }

    @Test func aBatchRecordsOnlyTheMessagesWhoseLeaseIsStillOurs() async throws {
        let merchant = try await TestMerchant.make()
        var ids: [UUID] = []
        for _ in 0..<3 {
            ids.append(try await Self.capture(merchant))
        }
        let pool = merchant.shared.pool
        let handler = try await Self.handler(merchant)
        let queue = OutboxQueue(pool: pool, handler: handler)
        // This merchant's confirmations, leased to this queue's worker as a claim would; the last one then taken
        // over by another worker.
        let claimed = try await pool.withConnection { connection in
            try connection.query(
                """
                UPDATE outbox SET lease_owner = $2, lease_until = now() + interval '2 minutes', attempts = 1
                WHERE merchant_id = $1 AND kind = 'confirmation' RETURNING id, consent_id
                """, [merchant.id, queue.workerId]
            ).map { (try $0.decode(UUID.self, 0), try $0.decode(UUID.self, 1)) }
        }
        #expect(Set(claimed.map(\.1)) == Set(ids))
        let takenOver = try #require(claimed.last)
        _ = try await pool.withConnection { connection in
            try connection.query(
                "UPDATE outbox SET lease_owner = $3 WHERE merchant_id = $1 AND id = $2",
                [merchant.id, takenOver.0, UUID()])
        }
        let written = try await withThrowingTaskGroup(of: (UUID, Bool).self) { group in
            for (outboxId, consentId) in claimed {
                let message = ClaimedMessage(
                    merchantId: merchant.id, id: outboxId, consentId: consentId, kind: .confirmation, payload: "{}",
                    attempts: 1, queuedAt: TestMerchant.start)
                group.addTask { (consentId, try await queue.markSent(message, Self.sent(message, at: 30).delivery)) }
            }
            return try await group.reduce(into: [UUID: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(written == Dictionary(uniqueKeysWithValues: claimed.map { ($0.1, $0.0 != takenOver.0) }))
        let recorded = try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT c.id, c.confirmation_sent_at IS NOT NULL, o.state,
                       (SELECT count(*) FROM consent_events e
                        WHERE e.merchant_id = c.merchant_id AND e.consent_id = c.id AND e.type = 'confirmation.sent')
                FROM consents c JOIN outbox o ON o.merchant_id = c.merchant_id AND o.consent_id = c.id
                WHERE c.merchant_id = $1 AND o.kind = 'confirmation'
                """, [merchant.id]
            ).map { row in
                (try row.decode(UUID.self, 0), try row.decode(Bool.self, 1), try row.decode(String.self, 2),
                 try row.decode(Int.self, 3))
            }
        }
        #expect(recorded.count == 3)
        for (consentId, confirmed, state, events) in recorded {
            let ours = consentId != takenOver.1
            #expect(confirmed == ours)
            #expect(state == (ours ? "sent" : "queued"))
            #expect(events == (ours ? 1 : 0))
        }
    }
}
