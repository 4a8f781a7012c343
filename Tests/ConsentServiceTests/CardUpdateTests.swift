import ConsentRules
import Foundation
import HummingbirdTesting
import Notifier
import TestSupport
import Testing

@testable import ConsentService

/// `PUT /v1/consents/{id}/card` through the router against the real database, validity by the card in force on
/// a debit's date, and the card-expiry reminder sent by the notifier to a real SMTP server. The consent debits
/// 10.23 EUR every 15 days from 2026-12-15 (12-30, 01-14, …) with a card valid through December 2026.
@Suite struct CardUpdateTests {
    static let expiring = ConsentBody.valid().setting("card.expiryYear", 2026)

    static func put(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String, _ body: JSONValue, role: Role = .billing
    ) async throws -> APIResponse {
        try await client.call(.put, "/v1/consents/\(id)/card", key: merchant.keys[role], json: body)
    }

    static func reasons(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String, on date: String
    ) async throws -> JSONValue? {
        try await AmendmentTests.validity(client, merchant, id, "10.23", date)["reasons"]
    }

    static let reissued: JSONValue = [
        "brand": "VISA", "last4": "4242", "expiryMonth": 3, "expiryYear": 2030, "source": "account_updater",
    ]

    @Test func aReissuedCardMakesADebitAfterTheOldExpiryValid() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, Self.expiring, client: client)
            #expect(try await Self.reasons(client, merchant, id, on: "2027-01-14") == ["card_expired"])
            let updated = try await Self.put(client, merchant, id, Self.reissued)
            #expect(updated.status == .ok)
            #expect(
                try updated.json["card"]
                    == ["brand": "VISA", "last4": "4242", "expiryMonth": 3, "expiryYear": 2030, "accountStatus": "open"])
            #expect(try await Self.reasons(client, merchant, id, on: "2027-01-14") == [])
            #expect(try await Self.reasons(client, merchant, id, on: "2026-12-30") == [])
            let read = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.auditor]).json
            #expect(read["card"]?["last4"] == "4242")

            let events = try await EventRows.chain(merchant: merchant, consentId: id)
            let update = try #require(events.last)
            #expect(update.type == "card.updated")
            #expect(update.data["old"] == ["brand": "VISA", "last4": "1096", "expiryMonth": 12, "expiryYear": 2026])
            #expect(update.data["new"]?["last4"] == "4242")
            #expect(update.data["source"] == "account_updater")
            let evidence = try await client.call(.get, "/v1/consents/\(id)/evidence", key: merchant.keys[.auditor]).json
            guard case .array(let cards)? = evidence["cards"] else {
                Issue.record("no card history: \(evidence)")
                return
            }
            #expect(cards.map { $0["last4"] } == ["1096", "4242"])
            #expect(cards.map { $0["source"] } == ["capture", "account_updater"])
        }
    }

    @Test func aClosedAccountRefusesEveryDebitUntilAnotherCardIsRecorded() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            let closed = try await Self.put(
                client, merchant, id,
                ["brand": "VISA", "last4": "1096", "expiryMonth": 12, "expiryYear": 2028, "source": "account_updater",
                 "accountStatus": "closed"])
            #expect(closed.status == .ok)
            #expect(try closed.json["card"]?["accountStatus"] == "closed")
            #expect(try await Self.reasons(client, merchant, id, on: "2026-12-30") == ["card_closed"])
            #expect(try await Self.reasons(client, merchant, id, on: "2027-06-13") == ["card_closed"])
            let replaced = try await Self.put(
                client, merchant, id,
                ["brand": "MASTERCARD", "last4": "5454", "expiryMonth": 8, "expiryYear": 2029, "source": "consumer"])
            #expect(replaced.status == .ok)
            #expect(try replaced.json["card"]?["accountStatus"] == "open")
            #expect(try await Self.reasons(client, merchant, id, on: "2026-12-30") == [])
        }
    }

    @Test func badCardUpdatesAreRefusedAndStoreNothing() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            let before = try await merchant.rowCounts()
            let number = try await Self.put(
                client, merchant, id, Self.reissued.setting("brand", "4111 1111 1111 1111"))
            #expect(number.errorCode == "card_number_not_allowed")
            let expired = try await Self.put(client, merchant, id, Self.reissued.setting("expiryYear", 2025))
            #expect(expired.status == .unprocessableContent)
            #expect(expired.errorFields == ["expiryYear"])
            let closedByConsumer = try await Self.put(
                client, merchant, id, Self.reissued.setting("source", "consumer").setting("accountStatus", "closed"))
            #expect(closedByConsumer.errorFields == ["accountStatus"])
            #expect(try await Self.put(client, merchant, id, Self.reissued, role: .checkout).status == .forbidden)
            #expect(try await Self.put(client, merchant, id, Self.reissued, role: .auditor).status == .forbidden)
            #expect(try await merchant.rowCounts() == before)
            let cancelled = try await client.call(
                .post, "/v1/consents/\(id)/cancel", key: merchant.keys[.billing], json: ["requestedBy": "merchant"])
            #expect(cancelled.status == .ok)
            #expect(try await Self.put(client, merchant, id, Self.reissued).errorCode == "invalid_state")
        }
    }

    /// Monthly from 2026-12-15 with a card valid through January 2027: 15 February is the first debit it cannot
    /// pay, so the reminder is owed 30 days before, on 16 January in Vilnius, once for that card.
    @Test func theReminderGoesOncePerCardThirtyDaysBeforeTheFirstDebitItCannotPay() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            try await SMTPTestServer.with { server in
                let notifier = try await ConfirmationDeliveryTests.notifier(
                    merchant, url: url, smtp: ConfirmationDeliveryTests.plaintext(server))
                let body = ConsentBody.valid().setting("terms.frequency", ["interval": "monthly"])
                    .setting("card.expiryMonth", 1).setting("card.expiryYear", 2027)
                let id = try await ConfirmationDeliveryTests.capture(merchant, body)
                let sweep = CardExpirySweep(
                    pool: database.pool, clock: merchant.clock.appClock, interval: .seconds(60),
                    logger: ConfirmationDeliveryTests.TestLogging.quiet)
                merchant.clock.set(Instant(rfc3339: "2027-01-15T21:59:00Z")!)
                #expect(try await sweep.sweepOnce().reminded == 0, "still the 15th in Vilnius")
                merchant.clock.set(Instant(rfc3339: "2027-01-15T22:01:00Z")!)
                #expect(try await sweep.sweepOnce().reminded == 1)
                #expect(try await sweep.sweepOnce().reminded == 0, "once per card")
                #expect(try await notifier.worker.drainOneBatch() == 2, "the confirmation and the reminder")

                let reminders = try server.storedMessages().values.map { try ParsedEmail.parse($0) }
                    .filter { $0.headers["Subject"]?.contains("expires before your next payment") == true }
                #expect(reminders.count == 1)
                let text = try #require(reminders.first?.part("text/plain"))
                for fact in ["1096", "01/2027", "15 February 2027", TestEnvironment.publicURL + "/cancel/"] {
                    #expect(text.contains(fact), "the reminder shows \(fact)")
                }

                // A new card that also runs out first is a new card to remind about.
                try await merchant.test { client in
                    let updated = try await Self.put(
                        client, merchant, id,
                        ["brand": "VISA", "last4": "7777", "expiryMonth": 1, "expiryYear": 2027, "source": "consumer"])
                    #expect(updated.status == .ok)
                }
                #expect(try await sweep.sweepOnce().reminded == 1)
                #expect(try await sweep.sweepOnce().reminded == 0)
                #expect(try await notifier.worker.drainOneBatch() == 1)
                await ConfirmationDeliveryTests.stop(notifier)

                let events = try await EventRows.chain(merchant: merchant, consentId: id).map(\.type)
                #expect(events.filter { $0 == "card.expiring" }.count == 2)
                #expect(events.filter { $0 == "card_expiring.sent" }.count == 2)
            }
        }
    }
}
