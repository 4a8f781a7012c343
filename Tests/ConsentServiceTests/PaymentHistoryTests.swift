import ConsentRules
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

@testable import ConsentService

/// `GET /v1/consents/{id}/payments` and `GET /v1/recurrences/{recurrenceId}/payments` against the real database:
/// every payment oldest first, page by page, each with the terms version it was taken under.
@Suite struct PaymentHistoryTests {
    static func pay(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String, _ paymentId: String, _ amount: String,
        at executedAt: String, status: String = "approved"
    ) async throws {
        let response = try await client.call(
            .post, "/v1/consents/\(id)/payments", key: merchant.keys[.billing],
            json: [
                "paymentId": .string(paymentId), "amount": .string(amount), "currency": "EUR",
                "executedAt": .string(executedAt), "status": .string(status),
            ])
        #expect(response.status == .created, "\(paymentId): \(String(decoding: response.bytes, as: UTF8.self))")
    }

    @Test func everyPaymentOldestFirstWithTheTermsVersionItWasTakenUnder() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let recurrenceId = "rec-" + randomLetters()
            let id = try await ValidityTests.capture(
                merchant, ConsentBody.valid(recurrenceId: recurrenceId), client: client)
            // An accepted change from 2026-11-22 on: payments from that day (in Vilnius) were taken under version 2.
            let amended = try await AmendmentTests.amend(
                client, merchant, id,
                ["terms": ["amount": "12.99"], "effectiveFrom": "2026-11-22", "reason": "review",
                 "evidence": AmendmentTests.evidence])
            #expect(amended.status == .created)
            merchant.clock.advance(seconds: 3 * 86400)
            try await Self.pay(client, merchant, id, "pay-b", "12.99", at: "2026-11-21T22:30:00Z")
            try await Self.pay(client, merchant, id, "pay-a", "10.23", at: "2026-11-21T12:30:00Z")
            try await Self.pay(client, merchant, id, "pay-c", "12.99", at: "2026-11-23T08:00:00Z", status: "declined")

            let first = try await client.call(
                .get, "/v1/consents/\(id)/payments?limit=2", key: merchant.keys[.auditor], contentType: nil
            ).json
            #expect(first["type"] == "scheduled")
            #expect(first["status"] == "active")
            guard case .array(let page)? = first["payments"] else {
                Issue.record("no payments: \(first)")
                return
            }
            #expect(page.map { $0["paymentId"] } == ["pay-a", "pay-b"])
            #expect(page.map { $0["termsVersion"] } == [1, 2])
            #expect(first["nextAfter"] == "pay-b")

            let rest = try await client.call(
                .get, "/v1/recurrences/\(recurrenceId)/payments?after=pay-b", key: merchant.keys[.billing],
                contentType: nil
            ).json
            #expect(rest["payments"] == [[
                "paymentId": "pay-c", "amount": "12.99", "currency": "EUR", "executedAt": "2026-11-23T08:00:00Z",
                "status": "declined", "final": false, "afterCancellation": false, "termsVersion": 2,
            ]])
            #expect(rest["nextAfter"] == .null)

            let bad = try await client.call(
                .get, "/v1/consents/\(id)/payments?limit=0", key: merchant.keys[.billing], contentType: nil)
            #expect(bad.errorFields == ["limit"])
            let checkout = try await client.call(
                .get, "/v1/consents/\(id)/payments", key: merchant.keys[.checkout], contentType: nil)
            #expect(checkout.status == .forbidden)
        }
    }
}
