import ConsentRules
import Foundation
import HummingbirdTesting
import PGClient
import Testing

@testable import ConsentService

/// An idempotency record belongs to the consent that answered it, goes with that consent's purge, and expires
/// after its lifetime: a replay can never hand back a purged consumer's data.
@Suite struct IdempotencyRetentionTests {
    static func keyRows(_ merchant: TestMerchant, _ key: String) async throws -> [String?] {
        try await merchant.shared.ownerPool.withConnection { connection in
            try connection.query(
                "SELECT consent_id::text FROM idempotency_keys WHERE merchant_id = $1 AND idempotency_key = $2",
                [merchant.id, key]
            ).map { try $0.decode(String?.self, 0) }
        }
    }

    @Test func aKeyAnsweredByAnExistingConsentIsPurgedWithIt() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            let merchant = try await TestMerchant.make(in: database)
            let body = ConsentBody.valid()
            try await merchant.test { client in
                let first = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body)
                #expect(first.status == .created)
                let id = try #require(try first.json["id"]?.stringValue)
                let keyed = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: body,
                    headers: [IdempotencyTests.idempotencyKey: "K"])
                #expect(keyed.status == .ok, "the same body under its reference answers with the stored consent")
                #expect(try keyed.json["id"]?.stringValue == id)
                #expect(try await Self.keyRows(merchant, "K") == [id], "the key belongs to the consent that answered")

                var payment = try #require(PaymentTests.payment("pay-final", final: true).objectValue)
                payment["executedAt"] = .string(merchant.clock.now.rfc3339)
                #expect(try await PaymentTests.pay(client, merchant, id, .object(payment)).status == .created)
                try await RetentionTests.settleMessages(merchant)
                try await RetentionTests.makeDue(merchant, id)
                merchant.clock.advance(seconds: 3600)
                let purged = try await RetentionTests.purge(merchant).purgeDue()
                #expect(purged.map { $0.consentId.lowercasedString } == [id])
                #expect(try await Self.keyRows(merchant, "K").isEmpty)

                let replay = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: body,
                    headers: [IdempotencyTests.idempotencyKey: "K"])
                #expect(replay.status == .created, "a new request: nothing of the purged consent comes back")
                #expect(try replay.json["id"]?.stringValue != id)
            }
        }
    }

    @Test func theDatabaseRefusesARecordNamingAConsentItDoesNotHold() async throws {
        let merchant = try await TestMerchant.make()
        await #expect(throws: PGError.self) {
            try await merchant.shared.pool.withConnection { connection in
                _ = try connection.query(
                    """
                    INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_hash, response_status,
                                                  response_body, consent_id)
                    VALUES ($1, 'orphan', 'h', 200, ''::bytea, $2::uuid)
                    """, [merchant.id, UUID().lowercasedString])
            }
        }
    }

    @Test func aRecordExpiresAfterItsLifetime() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            let merchant = try await TestMerchant.make(in: database)
            try await merchant.test { client in
                let body = ConsentBody.valid()
                let first = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: body,
                    headers: [IdempotencyTests.idempotencyKey: "day"])
                #expect(first.status == .created)
                let other = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(),
                    headers: [IdempotencyTests.idempotencyKey: "swept"])
                #expect(other.status == .created)

                merchant.clock.advance(seconds: IdempotencyRecords.lifetimeSeconds - 60)
                let within = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: body,
                    headers: [IdempotencyTests.idempotencyKey: "day"])
                #expect(within.bytes == first.bytes, "replayed within its lifetime")

                merchant.clock.advance(seconds: 120)
                let reused = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(),
                    headers: [IdempotencyTests.idempotencyKey: "day"])
                #expect(reused.status == .created, "after it, the key is free for a new request")
                #expect(try reused.json["id"] != first.json["id"])

                #expect(try await RetentionTests.purge(merchant).expireIdempotencyRecords() == 1)
                #expect(try await Self.keyRows(merchant, "swept").isEmpty)
                #expect(try await Self.keyRows(merchant, "day").count == 1, "the reused key is a day younger")
            }
        }
    }
}
