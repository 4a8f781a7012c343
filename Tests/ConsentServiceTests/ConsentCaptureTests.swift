import ConsentRules
import Foundation
import Hummingbird
import HummingbirdTesting
import PGClient
import Testing

@testable import ConsentService

@Suite struct ConsentCaptureTests {
    @Test func capturesAnActiveConsentAndReadsItBack() async throws {
        let merchant = try await TestMerchant.make()
        let body = ConsentBody.valid(reference: "order-8841")
        try await merchant.test { client in
            let created = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body)
            #expect(created.status == .created)
            let consent = try created.json
            #expect(consent["status"]?.stringValue == "active")
            #expect(consent["merchantReference"]?.stringValue == "order-8841")
            #expect(consent["terms"]?["amount"]?.stringValue == "10.23")
            #expect(consent["terms"]?["frequency"]?["days"] == .number("15"))
            #expect(consent["card"]?["last4"]?.stringValue == "1096")
            // Accepted on Saturday 2026-11-21 (Vilnius): Monday is the first business day after it, Tuesday the second.
            #expect(consent["confirmation"]?["dueBy"]?.stringValue == "2026-11-24")
            #expect(consent["confirmation"]?["sentAt"] == .null)
            #expect(consent["cancellation"] == .null)
            #expect(consent["retainUntil"] == .null)
            #expect(consent["legalHold"] == .bool(false))
            let id = try #require(consent["id"]?.stringValue)

            let byId = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.auditor])
            #expect(byId.status == .ok)
            #expect(try byId.json == consent)

            let byReference = try await client.call(
                .get, "/v1/consents?merchantReference=order-8841", key: merchant.keys[.billing])
            #expect(try byReference.json == consent)

            let recurrenceId = try #require(body["recurrenceId"]?.stringValue)
            let byRecurrence = try await client.call(.get, "/v1/recurrences/\(recurrenceId)", key: merchant.keys[.billing])
            #expect(try byRecurrence.json == consent)
        }
        let counts = try await merchant.rowCounts()
        #expect(counts == ["consents": 1, "consent_events": 2, "idempotency_keys": 0, "outbox": 1, "debits": 0, "payments": 0,
                           "webhook_endpoints": 0, "consent_amendments": 0])
    }

    /// Concurrent reads by id share statements (`StatementBatcher`); each must still get its own consent, or its
    /// own refusal.
    @Test func concurrentReadsEachGetTheirOwnConsent() async throws {
        let merchant = try await TestMerchant.make()
        let other = try await TestMerchant.make()
        try await merchant.test { client in
            var consents: [(id: String, reference: String)] = []
            for number in 0..<5 {
                let reference = "order-read-\(number)"
                let created = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(reference: reference))
                consents.append((try #require(try created.json["id"]?.stringValue), reference))
            }
            let reads = consents
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<20 {
                    for (id, reference) in reads {
                        group.addTask {
                            let own = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.auditor])
                            #expect(own.status == .ok, "round \(round)")
                            #expect(try own.json["merchantReference"]?.stringValue == reference)
                            #expect(try own.json["id"]?.stringValue == id)
                            let elsewhere = try await client.call(.get, "/v1/consents/\(id)", key: other.keys[.auditor])
                            #expect(elsewhere.status == .notFound)
                            let unknown = try await client.call(.get, "/v1/consents/\(id)", key: "csk_unknown")
                            #expect(unknown.status == .unauthorized)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    /// Recurrence ids may hold any printable ASCII; billing sends them percent-encoded in the path.
    @Test func recurrenceIdsWithReservedCharactersAreFoundPercentEncoded() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let recurrenceId = "gw/66+%41?#\(merchant.id)"
            let created = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(recurrenceId: recurrenceId))
            #expect(created.status == .created)
            let encoded = try #require(recurrenceId.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let found = try await client.call(.get, "/v1/recurrences/\(encoded)", key: merchant.keys[.billing])
            #expect(found.status == .ok)
            #expect(try found.json == created.json)
            let validity = try await client.call(
                .get, "/v1/recurrences/\(encoded)/validity?amount=10.23&currency=EUR&date=2026-12-30",
                key: merchant.keys[.billing], contentType: nil)
            #expect(try validity.json["valid"] == true)
            // Text that cannot be stored or decoded names nothing: 404 after authentication, never a 500.
            for path in ["/v1/recurrences/bad%2", "/v1/recurrences/nul%00", "/v1/consents?merchantReference=ref%00erence"] {
                #expect(try await client.call(.get, path, key: merchant.keys[.billing]).status == .notFound, "\(path)")
                #expect(try await client.call(.get, path, key: "csk_unknown").status == .unauthorized, "\(path)")
            }
        }
    }

    @Test func aConsentWithoutRecurrenceIdIsPendingUntilActivated() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let created = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(recurrenceId: nil))
            #expect(created.status == .created)
            let consent = try created.json
            #expect(consent["status"]?.stringValue == "pending")
            #expect(consent["recurrenceId"] == .null)
            let id = try #require(consent["id"]?.stringValue)

            let activation: JSONValue = .object(["recurrenceId": .string("rec-1"), "initialPaymentId": .string("pay-1")])
            let activated = try await client.call(
                .post, "/v1/consents/\(id)/activate", key: merchant.keys[.billing], json: activation)
            #expect(activated.status == .ok)
            #expect(try activated.json["status"]?.stringValue == "active")
            #expect(try activated.json["recurrenceId"]?.stringValue == "rec-1")

            let again = try await client.call(
                .post, "/v1/consents/\(id)/activate", key: merchant.keys[.checkout], json: activation)
            #expect(again.status == .ok)
            #expect(try again.json == activated.json)

            let other = try await client.call(
                .post, "/v1/consents/\(id)/activate", key: merchant.keys[.checkout],
                json: .object(["recurrenceId": .string("rec-2")]))
            #expect(other.status == .conflict)
            #expect(other.errorCode == "invalid_state")

            // The repeat answered 200 but activated nothing: the counter saw one activation.
            let metrics = try await client.call(.get, "/metrics", key: nil)
            #expect(String(decoding: metrics.bytes, as: UTF8.self).contains("consents_activated_total 1\n"))
        }
        // created, activated; one confirmation queued on activation
        let counts = try await merchant.rowCounts()
        #expect(counts["consent_events"] == 2)
        #expect(counts["outbox"] == 1)
    }

    /// In a database of its own: the sweeper expires every merchant's pending consents as of this test's clock,
    /// a day ahead, which would expire the pending consents of tests running beside it.
    @Test func aPendingConsentExpiresAfterItsActivationWindow() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            let merchant = try await TestMerchant.make(in: database)
            try await merchant.test { client in
                let first = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(recurrenceId: nil))
                let second = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(recurrenceId: nil))
                let firstId = try #require(try first.json["id"]?.stringValue)
                let secondId = try #require(try second.json["id"]?.stringValue)

                merchant.clock.advance(seconds: 24 * 3600)
                let late = try await client.call(
                    .post, "/v1/consents/\(firstId)/activate", key: merchant.keys[.billing],
                    json: .object(["recurrenceId": .string("rec-late")]))
                #expect(late.status == .conflict)
                #expect(late.errorCode == "invalid_state")
                let expired = try await client.call(.get, "/v1/consents/\(firstId)", key: merchant.keys[.auditor])
                #expect(try expired.json["status"]?.stringValue == "expired")
                #expect(try expired.json["retainUntil"]?.stringValue == "2028-05-22")

                let sweeper = ExpirySweeper(
                    pool: merchant.shared.pool, clock: merchant.clock.appClock,
                    metrics: ServiceMetrics(registry: merchant.registry), keyring: TestEnvironment.keyring,
                    interval: .seconds(1), logger: .init(label: "t"))
                _ = try await sweeper.sweepOnce()
                let swept = try await client.call(.get, "/v1/consents/\(secondId)", key: merchant.keys[.auditor])
                #expect(try swept.json["status"]?.stringValue == "expired")
            }
            let events = try await EventRows.types(merchant: merchant)
            #expect(events.filter { $0 == "consent.expired" }.count == 2)
        }
    }

    @Test func theEventChainOfAConsentVerifies() async throws {
        let merchant = try await TestMerchant.make()
        let id = try await merchant.test { client in
            let created = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(recurrenceId: nil))
            let id = try #require(try created.json["id"]?.stringValue)
            _ = try await client.call(
                .post, "/v1/consents/\(id)/activate", key: merchant.keys[.checkout],
                json: .object(["recurrenceId": .string("r-\(id)")]))
            return id
        }
        let events = try await EventRows.chain(merchant: merchant, consentId: id)
        #expect(events.map(\.type) == ["consent.created", "consent.activated"])
        var previous = EventChain.genesisHash
        for event in events {
            #expect(event.prevHash == previous)
            let recomputed = EventChain.hash(
                seq: event.seq, type: event.type, at: event.at, actor: event.actor, data: event.data, prevHash: previous)
            #expect(recomputed == event.hash)
            previous = event.hash
        }
        #expect(events.allSatisfy { $0.actor.hasPrefix("key:") })
    }
}

/// Reads events straight from the table, as an auditor's tool would.
enum EventRows {
    static func types(merchant: TestMerchant) async throws -> [String] {
        let id = merchant.id
        return try await merchant.shared.pool.withConnection { connection in
            try connection.query("SELECT type FROM consent_events WHERE merchant_id = $1 ORDER BY consent_id, seq", [id])
                .map { try $0.decode(String.self, 0) }
        }
    }

    static func chain(merchant: TestMerchant, consentId: String) async throws -> [ConsentEvent] {
        let id = merchant.id
        return try await merchant.shared.pool.withConnection { connection in
            try connection.query(
                """
                SELECT seq, type, \(microseconds("at")), actor, data::text, prev_hash, hash FROM consent_events
                WHERE merchant_id = $1 AND consent_id = $2::uuid ORDER BY seq
                """, [id, consentId]
            ).map { row in
                ConsentEvent(
                    seq: try row.decode(Int.self, 0), type: try row.decode(String.self, 1),
                    at: Instant(microsecondsSinceEpoch: try row.decode(Int64.self, 2)),
                    actor: try row.decode(String.self, 3),
                    data: try JSONValue.parse(Array(try row.decode(String.self, 4).utf8)),
                    prevHash: try row.decode(String.self, 5), hash: try row.decode(String.self, 6))
            }
        }
    }
}
