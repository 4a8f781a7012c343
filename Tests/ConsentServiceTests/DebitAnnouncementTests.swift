import ConsentRules
import Foundation
import HummingbirdTesting
import Notifier
import TestSupport
import Testing

@testable import ConsentService

/// `POST /v1/consents/{id}/debits` through the router, and the pre-debit notice it queues, sent by the notifier
/// to a real SMTP server.
@Suite struct DebitAnnouncementTests {
    static func announce(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String, _ body: JSONValue, role: Role = .billing
    ) async throws -> APIResponse {
        try await client.call(.post, "/v1/consents/\(id)/debits", key: merchant.keys[role], json: body)
    }

    /// Variable amounts up to 50.00 EUR on variable dates from 2026-11-30: every debit needs its notice.
    static let variableTerms = ConsentBody.valid().setting("terms.amountType", "variable").setting("terms.maxAmount", "50.00")
        .setting("terms.dateType", "variable").setting("terms.firstDebitDate", "2026-11-30")

    @Test func aFixedConsentsDebitNeedsNoNotice() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            let response = try await Self.announce(
                client, merchant, id, ["amount": "10.23", "currency": "EUR", "date": "2026-12-30"])
            #expect(response.status == .created)
            #expect(try response.json["noticeRequired"] == false)
            #expect(try response.json["notice"] == ["status": "not_required", "sentAt": nil])
            #expect(try response.json["earliestPermittedDate"] == .null)
            let counts = try await merchant.rowCounts()
            #expect(counts["outbox"] == 1, "the confirmation only")
            let events = try await EventRows.chain(merchant: merchant, consentId: id)
            #expect(events.last?.type == "debit.announced")
            #expect(events.last?.data["noticeRequired"] == false)
        }
    }

    @Test func badAnnouncementsAreRefusedAndStoreNothing() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, Self.variableTerms, client: client)
            let before = try await merchant.rowCounts()
            let cases: [(JSONValue, [String])] = [
                (["amount": "10.00", "currency": "EUR", "date": "2026-11-20"], ["date"]),
                (["amount": "10.00", "currency": "USD", "date": "2026-12-30"], ["currency"]),
                (["amount": 10, "currency": "EUR", "date": "2026-12-30"], ["amount"]),
                (["amount": "-1.00", "currency": "EUR", "date": "2026-12-30"], ["amount"]),
                (["amount": "10.00", "currency": "EUR", "date": "2026-02-30"], ["date"]),
                (["amount": "10.00", "currency": "EUR", "date": "2026-12-30", "note": "x"], ["note"]),
                ([:], ["amount", "currency", "date"]),
            ]
            for (body, fields) in cases {
                let response = try await Self.announce(client, merchant, id, body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(Set(response.errorFields) == Set(fields), "\(body)")
            }
            let forbidden = try await Self.announce(
                client, merchant, id, ["amount": "10.00", "currency": "EUR", "date": "2026-12-30"], role: .checkout)
            #expect(forbidden.status == .forbidden)
            #expect(try await merchant.rowCounts() == before)
        }
    }

    @Test func anExpiredConsentTakesNoDebit() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(recurrenceId: nil), client: client)
            merchant.clock.advance(seconds: 25 * 3600)
            let response = try await Self.announce(
                client, merchant, id, ["amount": "10.23", "currency": "EUR", "date": "2026-12-30"])
            #expect(response.status == .conflict)
            #expect(response.errorCode == "invalid_state")
        }
    }

    @Test func aVariableDebitsNoticeIsSentAndMakesItValidFourteenDaysLater() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            try await SMTPTestServer.with { server in
                let notifier = try await ConfirmationDeliveryTests.notifier(
                    merchant, url: url, smtp: ConfirmationDeliveryTests.plaintext(server))
                try await merchant.test { client in
                    let id = try await ValidityTests.capture(merchant, Self.variableTerms, client: client)
                    #expect(try await notifier.worker.drainOneBatch() == 1, "the confirmation")
                    // Ten days ahead: too soon for a notice sent today; a month ahead: fine once it is sent.
                    for date in ["2026-12-01", "2026-12-30"] {
                        let announced = try await Self.announce(
                            client, merchant, id, ["amount": "25.00", "currency": "EUR", "date": .string(date)])
                        #expect(announced.status == .created)
                        #expect(try announced.json["noticeRequired"] == true)
                        #expect(try announced.json["notice"]?["status"] == "scheduled")
                        #expect(try announced.json["earliestPermittedDate"] == "2026-12-05")
                    }
                    let before = try await ValidityTests.check(
                        client, "/v1/consents/\(id)", key: merchant.keys[.billing], "amount=25.00&currency=EUR&date=2026-12-30")
                    #expect(try before.json["reasons"] == ["notice_required"], "not sent yet")

                    #expect(try await notifier.worker.drainOneBatch() == 2, "both notices")
                    await ConfirmationDeliveryTests.stop(notifier)

                    let notices = try server.storedMessages().values.map { try ParsedEmail.parse($0) }
                        .filter { $0.part("text/plain")?.contains("€25.00") == true }
                    #expect(notices.count == 2)
                    #expect(notices.contains { $0.part("text/plain")?.contains("30 December 2026") == true })

                    let later = try await ValidityTests.check(
                        client, "/v1/consents/\(id)", key: merchant.keys[.billing], "amount=25.00&currency=EUR&date=2026-12-30")
                    #expect(try later.json["valid"] == true)
                    let soon = try await ValidityTests.check(
                        client, "/v1/consents/\(id)", key: merchant.keys[.billing], "amount=25.00&currency=EUR&date=2026-12-01")
                    #expect(try soon.json["reasons"] == ["notice_required"])
                    #expect(try soon.json["earliestPermittedDate"] == "2026-12-05")
                    let otherAmount = try await ValidityTests.check(
                        client, "/v1/consents/\(id)", key: merchant.keys[.billing], "amount=26.00&currency=EUR&date=2026-12-30")
                    #expect(try otherAmount.json["reasons"] == ["notice_required"])

                    let events = try await EventRows.chain(merchant: merchant, consentId: id).map(\.type)
                    #expect(events.filter { $0 == "notice.sent" }.count == 2)
                    #expect(events.filter { $0 == "debit.announced" }.count == 2)
                }
            }
        }
    }
}
