import ConsentRules
import Foundation
import HummingbirdTesting
import Logging
import PGClient
import Testing

@testable import ConsentService

/// The retention purge against a database of each test's own (it acts on every merchant).
@Suite struct RetentionTests {
    static func purge(_ merchant: TestMerchant) -> RetentionPurge {
        RetentionPurge(
            pool: merchant.shared.pool, clock: merchant.clock.appClock, keyring: TestEnvironment.keyring,
            interval: .seconds(86400),
            logger: ConfirmationDeliveryTests.TestLogging.quiet)
    }

    /// A consent completed by a final payment taken now.
    static func completed(_ merchant: TestMerchant, client: any TestClientProtocol, payment: String) async throws -> String {
        let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
        var body = try #require(PaymentTests.payment(payment, final: true).objectValue)
        body["executedAt"] = .string(merchant.clock.now.rfc3339)
        let paid = try await PaymentTests.pay(client, merchant, id, .object(body))
        #expect(paid.status == .created)
        #expect(try paid.json["consentStatus"] == "completed")
        return id
    }

    /// Marks every message of the merchant still queued as sent, as a notifier would have: a consent with a
    /// message still queued is never purged.
    static func settleMessages(_ merchant: TestMerchant) async throws {
        _ = try await merchant.shared.ownerPool.withConnection { connection in
            try connection.query(
                "UPDATE outbox SET state = 'sent', sent_at = now() WHERE merchant_id = $1 AND state = 'queued'", [merchant.id])
        }
    }

    /// Moves every retainUntil of the merchant back by the same number of days, so that `consent`'s is the day
    /// before both the database's today (what the purge function goes by) and the test clock's (what the purge's
    /// search goes by); returns that day. As the owner: the serving role may only ever move a retention date later.
    @discardableResult
    static func makeDue(_ merchant: TestMerchant, _ consent: String) async throws -> String {
        try await merchant.shared.ownerPool.withConnection { connection in
            _ = try connection.query(
                """
                UPDATE consents SET retain_until = retain_until
                    - ((SELECT retain_until FROM consents WHERE merchant_id = $1 AND id = $2::uuid)
                       - (least(current_date, $3::date) - 1))
                WHERE merchant_id = $1 AND retain_until IS NOT NULL
                """, [merchant.id, consent, merchant.clock.now.utcDate.iso])
            return try connection.query(
                "SELECT retain_until::text FROM consents WHERE merchant_id = $1 AND id = $2::uuid", [merchant.id, consent]
            )[0].decode(String.self, 0)
        }
    }

    static func exists(_ merchant: TestMerchant, _ id: String) async throws -> Bool {
        try await merchant.shared.pool.withConnection { connection in
            try connection.query("SELECT 1 FROM consents WHERE merchant_id = $1 AND id = $2::uuid", [merchant.id, id]).rowCount == 1
        }
    }

    @Test func onlyConsentsPastTheirRetentionAndWithoutAHoldAreDeleted() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            let merchant = try await TestMerchant.make(in: database)
            try await merchant.test { client in
                let old = try await Self.completed(merchant, client: client, payment: "pay-old")
                let held = try await Self.completed(merchant, client: client, payment: "pay-held")
                let hold = try await client.call(
                    .post, "/v1/consents/\(held)/legal-hold", key: merchant.keys[.admin], json: ["reason": "court order 11"])
                #expect(hold.status == .ok)
                merchant.clock.advance(seconds: 61 * 24 * 3600)
                let recent = try await Self.completed(merchant, client: client, payment: "pay-recent")
                let active = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)

                // The first two are due, 61 days before the last.
                let oldRetention = try await Self.makeDue(merchant, old)
                #expect(try await Self.purge(merchant).purgeDue().isEmpty, "nothing goes while its messages are queued")
                try await Self.settleMessages(merchant)
                let oldEvidence = try await client.call(.get, "/v1/consents/\(old)/evidence", key: merchant.keys[.auditor])
                #expect(oldEvidence.status == .ok)

                let due = try await Self.purge(merchant).listDue()
                #expect(due.map { $0.consentId.uuidString.lowercased() } == [old], "a dry run lists only the due one")
                #expect(try await Self.exists(merchant, old), "and deletes nothing")

                let purged = try await Self.purge(merchant).purgeDue()
                #expect(purged.map { $0.consentId.uuidString.lowercased() } == [old])
                #expect(try await !Self.exists(merchant, old))
                for kept in [held, recent, active] { #expect(try await Self.exists(merchant, kept)) }
                #expect(try await client.call(.get, "/v1/consents/\(old)", key: merchant.keys[.auditor]).status == .notFound)

                let leftovers = try await merchant.shared.pool.withConnection { connection in
                    try ["consent_events", "outbox", "payments", "debits"].map { table in
                        try connection.query(
                            "SELECT count(*)::int FROM \(table) WHERE merchant_id = $1 AND consent_id = $2::uuid",
                            [merchant.id, old])[0].decode(Int.self, 0)
                    }
                }
                #expect(leftovers == [0, 0, 0, 0])
                let tombstone = try await merchant.shared.pool.withConnection { connection in
                    try connection.query(
                        "SELECT merchant_reference, evidence_sha256, retain_until::text FROM consent_tombstones WHERE merchant_id = $1 AND consent_id = $2::uuid",
                        [merchant.id, old]
                    ).map { try ($0.decode(String.self, 0), $0.decode(String.self, 1), $0.decode(String.self, 2)) }
                }
                #expect(tombstone.count == 1)
                #expect(tombstone.first?.0 == (try oldEvidence.json["consent"]?["merchantReference"]?.stringValue))
                #expect(tombstone.first?.2 == oldRetention)
                // The hash is of the bundle as the API gave it at the purge (the clock has not moved since).
                #expect(tombstone.first?.1 == ConsentRules.Digest.sha256Hex(try oldEvidence.json.serialized()))

                // Released, the held one goes at the next run.
                #expect(try await client.call(.delete, "/v1/consents/\(held)/legal-hold", key: merchant.keys[.admin]).status == .ok)
                #expect(try await Self.purge(merchant).purgeDue().map { $0.consentId.uuidString.lowercased() } == [held])
            }
        }
    }

    @Test func purgesRunningAtOnceDeleteEachConsentOnce() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            let merchant = try await TestMerchant.make(in: database)
            let ids = try await merchant.test { client in
                var ids: [String] = []
                for number in 0..<(RetentionPurge.batchSize + 20) {
                    ids.append(try await Self.completed(merchant, client: client, payment: "pay-\(number)"))
                }
                return ids
            }
            merchant.clock.advance(seconds: 600 * 24 * 3600)
            try await Self.settleMessages(merchant)
            try await Self.makeDue(merchant, ids[0])
            async let first = Self.purge(merchant).purgeDue()
            async let second = Self.purge(merchant).purgeDue()
            let (a, b) = try await (first, second)
            let deleted = (a + b).map { $0.consentId.uuidString.lowercased() }
            #expect(deleted.count == ids.count, "each once")
            #expect(Set(deleted) == Set(ids))
            let tombstones = try await database.pool.withConnection { connection in
                try connection.query("SELECT count(*)::int FROM consent_tombstones WHERE merchant_id = $1", [merchant.id])[0]
                    .decode(Int.self, 0)
            }
            #expect(tombstones == ids.count)
        }
    }

    @Test func theDatabaseRefusesToPurgeAConsentNotYetDue() async throws {
        let merchant = try await TestMerchant.make()
        let id = try await merchant.test { client in try await Self.completed(merchant, client: client, payment: "pay-1") }
        try await Self.settleMessages(merchant)
        let deleted = try await merchant.shared.pool.withConnection { connection in
            try connection.query("SELECT purge_consent($1, $2::uuid, repeat('0', 64))", [merchant.id, id])[0]
                .decode(Bool.self, 0)
        }
        #expect(deleted == false, "its retainUntil, 2028-05-21, has not passed on the database's clock")
        #expect(try await Self.exists(merchant, id))
    }
}
