import ConsentRules
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ConsentService

@Suite struct IdempotencyTests {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    @Test func aRepeatWithTheSameKeyAndBodyReturnsTheFirstResponse() async throws {
        let merchant = try await TestMerchant.make()
        let body = ConsentBody.valid()
        try await merchant.test { client in
            let first = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], json: body, headers: [Self.idempotencyKey: "k-1"])
            #expect(first.status == .created)
            merchant.clock.advance(seconds: 60)
            // The same body with its keys in another order and with white space is the same request.
            let spaced = Array(String(decoding: body.serialized(), as: UTF8.self).replacingOccurrences(of: ",", with: ", ").utf8)
            let again = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], rawBody: spaced,
                headers: [Self.idempotencyKey: "k-1"])
            #expect(again.status == .created)
            #expect(again.bytes == first.bytes)

            let changed = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout],
                json: body.setting("terms.amount", .string("11.00")), headers: [Self.idempotencyKey: "k-1"])
            #expect(changed.status == .conflict)
            #expect(changed.errorCode == "idempotency_key_reused")
        }
        let counts = try await merchant.rowCounts()
        #expect(counts["consents"] == 1)
        #expect(counts["idempotency_keys"] == 1)
    }

    @Test func withoutAKeyTheMerchantReferenceIsTheNaturalKey() async throws {
        let merchant = try await TestMerchant.make()
        let body = ConsentBody.valid(reference: "order-natural")
        try await merchant.test { client in
            let first = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body)
            #expect(first.status == .created)
            let again = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body)
            #expect(again.status == .ok)
            #expect(try again.json["id"] == first.json["id"])

            let other = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], json: body.setting("terms.amount", .string("9.99")))
            #expect(other.status == .conflict)
            #expect(other.errorCode == "duplicate_merchant_reference")
        }
        #expect(try await merchant.rowCounts()["consents"] == 1)
    }

    @Test func concurrentRepeatsOfOneKeyCreateOneConsent() async throws {
        let merchant = try await TestMerchant.make()
        let body = ConsentBody.valid()
        let responses = try await merchant.test { client in
            try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        try await client.call(
                            .post, "/v1/consents", key: merchant.keys[.checkout], json: body,
                            headers: [Self.idempotencyKey: "same"])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(responses.count == 16)
        #expect(responses.allSatisfy { $0.status == .created && $0.bytes == responses[0].bytes })
        let counts = try await merchant.rowCounts()
        #expect(counts["consents"] == 1)
        #expect(counts["consent_events"] == 2)
    }

    @Test func concurrentRepeatsOfOneReferenceCreateOneConsent() async throws {
        let merchant = try await TestMerchant.make()
        let body = ConsentBody.valid()
        let statuses = try await merchant.test { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(statuses.filter { $0 == .created }.count == 1)
        #expect(statuses.filter { $0 == .ok }.count == 15)
        #expect(try await merchant.rowCounts()["consents"] == 1)
    }

    @Test func aRecurrenceIdBelongsToOneConsent() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let first = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(recurrenceId: "rec-x"))
            #expect(first.status == .created)
            let second = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(recurrenceId: "rec-x"))
            #expect(second.status == .conflict)
            #expect(second.errorCode == "duplicate_recurrence_id")
        }
        #expect(try await merchant.rowCounts()["consents"] == 1)
    }
}
