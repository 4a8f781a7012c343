import ConsentRules
import Foundation
import HummingbirdTesting
import Testing

@testable import ConsentService

/// `POST /v1/consents/{id}/payments` through the router against the real database.
@Suite struct PaymentTests {
    static func pay(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String, _ body: JSONValue
    ) async throws -> APIResponse {
        try await client.call(.post, "/v1/consents/\(id)/payments", key: merchant.keys[.billing], json: body)
    }

    static func payment(_ paymentId: String, amount: String = "10.23", final: Bool = false, status: String = "approved")
        -> JSONValue
    {
        [
            "paymentId": .string(paymentId), "amount": .string(amount), "currency": "EUR",
            "executedAt": "2026-11-21T11:00:00Z", "status": .string(status), "final": .bool(final),
        ]
    }

    @Test func aPaymentIsRecordedOnceAndAReportWithOtherDetailsIsRefused() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            let first = try await Self.pay(client, merchant, id, Self.payment("pay-1"))
            #expect(first.status == .created)
            #expect(try first.json["afterCancellation"] == false)
            #expect(try first.json["consentStatus"] == "active")
            let again = try await Self.pay(client, merchant, id, Self.payment("pay-1"))
            #expect(again.status == .ok)
            #expect(try again.json == first.json)
            let other = try await Self.pay(client, merchant, id, Self.payment("pay-1", amount: "10.24"))
            #expect(other.status == .conflict)
            #expect(other.errorCode == "payment_id_reused")
            let declined = try await Self.pay(client, merchant, id, Self.payment("pay-2", status: "declined"))
            #expect(declined.status == .created)
            let types = try await EventRows.chain(merchant: merchant, consentId: id).map(\.type)
            #expect(types.filter { $0 == "payment.recorded" }.count == 2)
        }
    }

    @Test func aFinalApprovedPaymentCompletesTheConsentAndSetsItsRetention() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            let last = try await Self.pay(client, merchant, id, Self.payment("pay-last", final: true))
            #expect(try last.json["consentStatus"] == "completed")
            let consent = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.billing])
            #expect(try consent.json["status"] == "completed")
            #expect(try consent.json["retainUntil"] == "2028-05-21", "18 months after the final payment")
            let validity = try await ValidityTests.check(
                client, "/v1/consents/\(id)", key: merchant.keys[.billing], "amount=10.23&currency=EUR&date=2026-12-30")
            #expect(try validity.json["reasons"] == ["completed"])
            #expect(try await CancellationTests.cancel(client, merchant, id, ["requestedBy": "consumer"]).status == .conflict)
            #expect(try await EventRows.chain(merchant: merchant, consentId: id).last?.type == "consent.completed")
        }
    }

    @Test func aPaymentAfterCancellationIsKeptAndFlagged() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            _ = try await Self.pay(client, merchant, id, Self.payment("pay-before"))
            merchant.clock.advance(seconds: 3600)
            let cancelled = try await CancellationTests.cancel(client, merchant, id, ["requestedBy": "consumer"])
            #expect(try cancelled.json["retainUntil"] == "2028-05-21", "18 months after the last approved payment")
            let late = try await Self.pay(client, merchant, id, Self.payment("pay-late"))
            #expect(late.status == .created)
            #expect(try late.json["afterCancellation"] == true)
            #expect(try late.json["consentStatus"] == "cancelled")
            let types = try await EventRows.chain(merchant: merchant, consentId: id).map(\.type)
            #expect(types.suffix(2) == ["payment.recorded", "payment.after_cancellation"])
            let metrics = try await client.call(.get, "/metrics", key: nil)
            #expect(String(decoding: metrics.bytes, as: UTF8.self).contains("payments_after_cancellation_total 1"))
        }
    }

    @Test func badPaymentsAreRefusedAndStoreNothing() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            let before = try await merchant.rowCounts()
            let cases: [(JSONValue, [String])] = [
                (Self.payment("p").setting("currency", "USD"), ["currency"]),
                (Self.payment("p").setting("amount", "0"), ["amount"]),
                (Self.payment("p").setting("amount", 10), ["amount"]),
                (Self.payment("p").setting("amount", .null), ["amount"]),
                (Self.payment("p").setting("currency", nil), ["currency"]),
                (Self.payment("p").setting("executedAt", "2030-01-01T00:00:00Z"), ["executedAt"]),
                (Self.payment("p").setting("status", "pending"), ["status"]),
                (Self.payment("p").setting("final", "yes"), ["final"]),
                (Self.payment("has space"), ["paymentId"]),
                (Self.payment("p").setting("note", "x"), ["note"]),
                ([:], ["paymentId", "amount", "currency", "executedAt", "status"]),
            ]
            for (body, fields) in cases {
                let response = try await Self.pay(client, merchant, id, body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(Set(response.errorFields) == Set(fields), "\(body)")
            }
            #expect(try await merchant.rowCounts() == before)
        }
    }
}
