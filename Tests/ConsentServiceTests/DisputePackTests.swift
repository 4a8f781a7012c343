import ConsentRules
import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

@testable import ConsentService

/// The chargeback pack through the router against the real database, read back with qpdf and pdftotext: for
/// each reason, a payment the record supports and one it does not. The consent of `ConsentBody.valid()`
/// debits 10.23 EUR every 15 days from 2026-12-15; the clock starts on 2026-11-21 at 14:00 in Vilnius.
@Suite struct DisputePackTests {
    static let supportsHeader = HTTPField.Name("X-Evidence-Supports-Merchant")!

    static func pack(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String, payment: String, reason: String,
        role: Role = .auditor
    ) async throws -> APIResponse {
        try await client.call(
            .get, "/v1/consents/\(id)/dispute-evidence?paymentId=\(payment)&reason=\(reason)", key: merchant.keys[role])
    }

    static func pay(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String, _ paymentId: String, amount: String,
        at time: String
    ) async throws {
        let body = PaymentTests.payment(paymentId, amount: amount).setting("executedAt", .string(time))
        #expect(try await PaymentTests.pay(client, merchant, id, body).status == .created)
    }

    /// Advances the merchant's clock to `time`.
    static func advance(_ merchant: TestMerchant, to time: String) throws {
        let target = try #require(Instant(rfc3339: time))
        merchant.clock.advance(seconds: (target.microsecondsSinceEpoch - merchant.clock.now.microsecondsSinceEpoch) / 1_000_000)
    }

    static func read(_ response: APIResponse) async throws -> PDFReadBack {
        #expect(response.status == .ok, "\(String(decoding: response.bytes.prefix(300), as: UTF8.self))")
        #expect(response.headers[.contentType] == "application/pdf")
        #expect(response.bytes.count <= 5 * 1024 * 1024)
        let read = try await PDFReadBack.read(response.bytes)
        #expect(read.structureOK, "\(read.qpdfReport)")
        #expect((read.pageCount ?? 99) <= 20)
        return read
    }

    static func contains(_ read: PDFReadBack, _ fact: String) -> Bool {
        EvidenceDocumentTests.compact(read.text).contains(EvidenceDocumentTests.compact(fact))
    }

    @Test func paymentsBeforeTheCancellationAreSupportedForBothReasonsAndOneAfterItIsNot() async throws {
        let merchant = try await TestMerchant.make(name: "Žalias Turgus")
        let words = TestEnvironment.documentWording.language("en")
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            try Self.advance(merchant, to: "2026-12-30T12:00:00Z")
            try await Self.pay(client, merchant, id, "pay-dec15", amount: "10.23", at: "2026-12-15T08:00:00Z")
            try await Self.pay(client, merchant, id, "pay-dec30", amount: "10.23", at: "2026-12-30T08:00:00Z")
            try Self.advance(merchant, to: "2026-12-31T09:00:00Z")
            #expect(try await CancellationTests.cancel(client, merchant, id, ["requestedBy": "consumer"]).status == .ok)
            try Self.advance(merchant, to: "2027-01-14T12:00:00Z")
            try await Self.pay(client, merchant, id, "pay-jan14", amount: "10.23", at: "2027-01-14T08:00:00Z")

            let recurring = try await Self.pack(client, merchant, id, payment: "pay-dec30", reason: "cancelled_recurring")
            #expect(recurring.headers[Self.supportsHeader] == "true")
            let letter = try await Self.read(recurring)
            for fact in [
                words.text(.disputeTitle, ["paymentId": "pay-dec30"]), words.text(.disputeCancelledRecurring),
                words.text(.disputeNoNoticeOwed), words.text(.disputeSupported), "Žalias Turgus", "€10.23",
                "31 December 2026", "30 December 2026",
                "the exact text the consumer agreed to", "235.114.187.1",
            ] {
                #expect(Self.contains(letter, fact), "missing: \(fact)")
            }
            #expect(!Self.contains(letter, words.text(.disputeEarlierPayments)))

            let unauthorised = try await Self.pack(client, merchant, id, payment: "pay-dec30", reason: "not_authorised")
            #expect(unauthorised.headers[Self.supportsHeader] == "true")
            let answer = try await Self.read(unauthorised)
            #expect(Self.contains(answer, words.text(.disputeNotAuthorised)))
            #expect(Self.contains(answer, words.text(.disputeEarlierPayments)))
            #expect(Self.contains(answer, "pay-dec15"))

            for reason in ["cancelled_recurring", "not_authorised"] {
                let late = try await Self.pack(client, merchant, id, payment: "pay-jan14", reason: reason)
                #expect(late.headers[Self.supportsHeader] == "false")
                let read = try await Self.read(late)
                #expect(Self.contains(read, words.text(.disputeNotSupported, ["breaches": words.text(.breachCancelled)])))
                #expect(Self.contains(read, "14 January 2027"))
            }
        }
    }

    @Test func aVariableDebitTakenWithoutItsNoticeIsNotSupported() async throws {
        let merchant = try await TestMerchant.make(language: "de")
        let words = TestEnvironment.documentWording.language("de")
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, DebitAnnouncementTests.variableTerms, client: client)
            try Self.advance(merchant, to: "2026-12-30T12:00:00Z")
            try await Self.pay(client, merchant, id, "pay-unnoticed", amount: "25.00", at: "2026-12-30T08:00:00Z")
            let response = try await Self.pack(client, merchant, id, payment: "pay-unnoticed", reason: "not_authorised")
            #expect(response.headers[Self.supportsHeader] == "false")
            let read = try await Self.read(response)
            #expect(Self.contains(read, words.text(.disputeNoticeNotSent, ["amount": "25,00 €", "date": "30.12.2026"])))
            #expect(Self.contains(read, words.text(.disputeNotSupported, ["breaches": words.text(.breachNoticeRequired)])))
            #expect(Self.contains(read, words.text(.disputeNoEarlierPayments)))
        }
    }

    @Test func badRequestsAreRefusedWithTheirFields() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            let noReason = try await client.call(
                .get, "/v1/consents/\(id)/dispute-evidence?paymentId=x", key: merchant.keys[.auditor])
            #expect(noReason.status == .unprocessableContent)
            #expect(noReason.errorFields == ["reason"])
            let both = try await client.call(
                .get, "/v1/consents/\(id)/dispute-evidence?reason=fraud", key: merchant.keys[.auditor])
            #expect(both.errorFields.sorted() == ["paymentId", "reason"])
            let unknown = try await Self.pack(client, merchant, id, payment: "no-such-payment", reason: "not_authorised")
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorFields == ["paymentId"])
            let billing = try await Self.pack(client, merchant, id, payment: "x", reason: "not_authorised", role: .billing)
            #expect(billing.status == .forbidden)
        }
    }
}
