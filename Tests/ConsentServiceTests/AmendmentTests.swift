import ConsentRules
import Foundation
import HummingbirdTesting
import Notifier
import TestSupport
import Testing

@testable import ConsentService

/// Amendments through the router against the real database, their emails sent by the notifier to a real SMTP
/// server, and validity before, on and after the date they take effect. The consent: 10.23 EUR fixed every 15
/// days from 2026-12-15 until 2028-12-15; the clock starts on Saturday 2026-11-21, 14:00 in Vilnius.
@Suite struct AmendmentTests {
    static func amend(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String, _ body: JSONValue, role: Role = .billing
    ) async throws -> APIResponse {
        try await client.call(.post, "/v1/consents/\(id)/amendments", key: merchant.keys[role], json: body)
    }

    static func validity(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String, _ amount: String, _ date: String
    ) async throws -> JSONValue {
        try await ValidityTests.check(
            client, "/v1/consents/\(id)", key: merchant.keys[.billing], "amount=\(amount)&currency=EUR&date=\(date)"
        ).json
    }

    static let evidence: JSONValue = [
        "acceptedAt": "2026-11-21T11:30:00Z", "ipAddress": "235.114.187.9", "userAgent": "Mozilla/5.0 (account page)",
        "disclosureText": "From 2027-01-14 you pay 12.99 EUR every 15 days.", "disclosureVersion": "2027-01",
    ]

    static func emails(_ server: SMTPTestServer, containing text: String) throws -> [ParsedEmail] {
        try server.storedMessages().values.map { try ParsedEmail.parse($0) }
            .filter { $0.part("text/plain")?.contains(text) == true }
    }

    @Test func aLowerPriceByNoticeAppliesFromItsDateOnceItsNoticeHasHadFourteenDays() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            try await SMTPTestServer.with { server in
                let notifier = try await ConfirmationDeliveryTests.notifier(
                    merchant, url: url, smtp: ConfirmationDeliveryTests.plaintext(server))
                try await merchant.test { client in
                    let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
                    let body: JSONValue = [
                        "terms": ["amount": "9.99"], "effectiveFrom": "2027-01-14", "reason": "loyalty discount",
                    ]
                    let created = try await Self.amend(client, merchant, id, body)
                    #expect(created.status == .created)
                    let amendment = try created.json
                    #expect(amendment["version"] == 2)
                    #expect(amendment["consent"] == "notified")
                    #expect(amendment["status"] == "pending")
                    #expect(amendment["terms"]?["amount"] == "9.99")
                    #expect(amendment["terms"]?["firstDebitDate"] == "2027-01-14", "the schedule restarts")
                    #expect(amendment["notice"] == ["status": "queued", "sentAt": nil])
                    #expect(amendment["confirmation"] == .null)

                    let read = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.auditor]).json
                    #expect(read["termsVersion"] == 1)
                    #expect(read["terms"]?["amount"] == "10.23")
                    #expect(read["pendingAmendment"]?["version"] == 2)
                    #expect(read["pendingAmendment"]?["effectiveFrom"] == "2027-01-14")

                    let second = try await Self.amend(
                        client, merchant, id, ["terms": ["amount": "9.49"], "effectiveFrom": "2027-02-13", "reason": "x"])
                    #expect(second.status == .conflict)
                    #expect(second.errorCode == "amendment_pending")

                    // Before the notice is sent, no debit under the new terms; under the old ones, as before.
                    let unsent = try await Self.validity(client, merchant, id, "9.99", "2027-01-14")
                    #expect(unsent["reasons"] == ["amendment_notice_required"])
                    #expect(unsent["earliestPermittedDate"] == "2026-12-05")
                    #expect(try await Self.validity(client, merchant, id, "10.23", "2026-12-30")["valid"] == true)
                    #expect(try await Self.validity(client, merchant, id, "10.23", "2027-01-14")["reasons"] == [
                        "amount_mismatch", "amendment_notice_required",
                    ])

                    #expect(try await notifier.worker.drainOneBatch() == 2, "the confirmation and the notice")
                    await ConfirmationDeliveryTests.stop(notifier)
                    let notices = try Self.emails(server, containing: "loyalty discount")
                    #expect(notices.count == 1)
                    let text = try #require(notices.first?.part("text/plain"))
                    for fact in ["€10.23", "€9.99", "14 January 2027", "13 January 2027", TestEnvironment.publicURL + "/cancel/"] {
                        #expect(text.contains(fact), "the notice shows \(fact)")
                    }
                    #expect(notices.first?.part("text/html")?.contains("€9.99") == true)

                    #expect(try await Self.validity(client, merchant, id, "9.99", "2027-01-14")["valid"] == true)
                    #expect(try await Self.validity(client, merchant, id, "9.99", "2027-01-29")["valid"] == true)
                    #expect(try await Self.validity(client, merchant, id, "9.99", "2027-01-24")["reasons"] == [
                        "date_not_in_schedule",
                    ])
                    #expect(try await Self.validity(client, merchant, id, "10.23", "2027-01-14")["reasons"] == [
                        "amount_mismatch",
                    ])

                    // The day it takes effect, in Vilnius: 2027-01-13 22:30 UTC is already the 14th there.
                    merchant.clock.set(Instant(rfc3339: "2027-01-13T22:30:00Z")!)
                    let amended = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.auditor]).json
                    #expect(amended["termsVersion"] == 2)
                    #expect(amended["terms"]?["amount"] == "9.99")
                    #expect(amended["pendingAmendment"] == .null)

                    let versions = try await client.call(
                        .get, "/v1/consents/\(id)/amendments", key: merchant.keys[.auditor]
                    ).json
                    guard case .array(let list)? = versions["versions"] else {
                        Issue.record("no versions: \(versions)")
                        return
                    }
                    #expect(list.map { $0["version"] } == [1, 2])
                    #expect(list.map { $0["status"] } == ["superseded", "in_force"])
                    #expect(list[1]["notice"]?["status"] == "sent")
                    #expect(list[1]["reason"] == "loyalty discount")

                    let events = try await EventRows.chain(merchant: merchant, consentId: id).map(\.type)
                    #expect(events.contains("consent.amended"))
                    #expect(events.contains("amendment_notice.sent"))
                }
            }
        }
    }

    @Test func anIncreaseNeedsTheConsumersAcceptanceWhichIsConfirmedLikeANewConsent() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            try await SMTPTestServer.with { server in
                let notifier = try await ConfirmationDeliveryTests.notifier(
                    merchant, url: url, smtp: ConfirmationDeliveryTests.plaintext(server))
                try await merchant.test { client in
                    let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
                    let before = try await merchant.rowCounts()
                    let rise: JSONValue = [
                        "terms": ["amount": "12.99", "endDate": nil], "effectiveFrom": "2027-01-14",
                        "reason": "yearly price review",
                    ]
                    let refused = try await Self.amend(client, merchant, id, rise)
                    #expect(refused.status == .unprocessableContent)
                    #expect(refused.errorCode == "consumer_consent_required")
                    #expect(refused.errorFields == ["terms.amount", "terms.endDate"])
                    #expect(try await merchant.rowCounts() == before)

                    let agreed = try await Self.amend(
                        client, merchant, id, rise.setting("evidence", Self.evidence).setting("effectiveFrom", "2026-12-30"))
                    #expect(agreed.status == .created)
                    let amendment = try agreed.json
                    #expect(amendment["consent"] == "agreed")
                    #expect(amendment["terms"]?["endDate"] == .null)
                    #expect(amendment["evidence"]?["disclosureSha256"] == .string(
                        Digest.sha256Hex(Array("From 2027-01-14 you pay 12.99 EUR every 15 days.".utf8))))
                    // Accepted on Saturday 2026-11-21: two business days after it is Tuesday the 24th.
                    #expect(amendment["confirmation"]?["dueBy"] == "2026-11-24")

                    // Before its date the old terms; from it the new ones, with no notice needed.
                    #expect(try await Self.validity(client, merchant, id, "10.23", "2026-12-15")["valid"] == true)
                    #expect(try await Self.validity(client, merchant, id, "12.99", "2026-12-15")["reasons"] == [
                        "amount_mismatch",
                    ])
                    #expect(try await Self.validity(client, merchant, id, "12.99", "2026-12-30")["valid"] == true)
                    #expect(try await Self.validity(client, merchant, id, "10.23", "2026-12-30")["reasons"] == [
                        "amount_mismatch",
                    ])
                    #expect(try await Self.validity(client, merchant, id, "12.99", "2027-01-14")["valid"] == true)

                    #expect(try await notifier.worker.drainOneBatch() == 2)
                    await ConfirmationDeliveryTests.stop(notifier)
                    let confirmations = try Self.emails(server, containing: "€12.99")
                    #expect(confirmations.count == 1)
                    #expect(confirmations.first?.part("text/plain")?.contains("yearly price review") == true)

                    let versions = try await client.call(
                        .get, "/v1/consents/\(id)/amendments", key: merchant.keys[.billing]
                    ).json
                    guard case .array(let list)? = versions["versions"], list.count == 2 else {
                        Issue.record("two versions expected: \(versions)")
                        return
                    }
                    #expect(list[1]["confirmation"]?["sentAt"]?.stringValue != nil)
                    #expect(list[1]["evidence"]?["ipAddress"] == "235.114.187.9")
                    let events = try await EventRows.chain(merchant: merchant, consentId: id).map(\.type)
                    #expect(events.contains("amendment_confirmation.sent"))
                }
            }
        }
    }

    /// Accepted on Saturday 2026-11-21 in Vilnius: due by Tuesday the 24th, overdue once that day has ended there.
    @Test func anAgreedChangesUnsentConfirmationIsFlaggedOverdueOnce() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            let merchant = try await TestMerchant.make(in: database)
            let id = try await ConfirmationDeliveryTests.capture(merchant, ConsentBody.valid())
            try await merchant.test { client in
                let agreed = try await Self.amend(
                    client, merchant, id,
                    ["terms": ["amount": "12.99"], "effectiveFrom": "2027-01-14", "reason": "review", "evidence": Self.evidence])
                #expect(agreed.status == .created)
            }
            let check = ConfirmationOverdueCheck(
                pool: database.pool, clock: merchant.clock.appClock, metrics: NotifierMetrics(registry: merchant.registry),
                interval: .seconds(60), logger: ConfirmationDeliveryTests.TestLogging.quiet)
            merchant.clock.set(Instant(rfc3339: "2026-11-24T21:59:00Z")!)
            #expect(try await check.checkAmendmentsOnce() == 0)
            merchant.clock.set(Instant(rfc3339: "2026-11-24T22:01:00Z")!)
            #expect(try await check.checkAmendmentsOnce() == 1)
            #expect(try await check.checkAmendmentsOnce() == 0, "flagged once")
            let events = try await EventRows.chain(merchant: merchant, consentId: id)
            let overdue = events.filter { $0.type == "amendment_confirmation.overdue" }
            #expect(overdue.count == 1)
            #expect(overdue.first?.data["dueBy"] == "2026-11-24")
            #expect(overdue.first?.data["version"] == 2)
            try await merchant.test { client in
                let versions = try await client.call(.get, "/v1/consents/\(id)/amendments", key: merchant.keys[.auditor])
                    .json
                guard case .array(let list)? = versions["versions"], list.count == 2 else {
                    Issue.record("two versions expected: \(versions)")
                    return
                }
                #expect(list[1]["confirmation"]?["overdueAt"] == "2026-11-24T22:01:00Z")
            }
        }
    }

    @Test func aWithdrawnChangeNeverAppliesAndTheConsumerIsToldOnlyIfTheyHeardOfIt() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            try await SMTPTestServer.with { server in
                let notifier = try await ConfirmationDeliveryTests.notifier(
                    merchant, url: url, smtp: ConfirmationDeliveryTests.plaintext(server))
                try await merchant.test { client in
                    let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
                    let lower: JSONValue = ["terms": ["amount": "9.99"], "effectiveFrom": "2027-01-14", "reason": "promo"]

                    // Withdrawn while its notice still waits: the notice never goes, and nothing else does.
                    let first = try await Self.amend(client, merchant, id, lower).json
                    let firstId = try #require(first["id"]?.stringValue)
                    let quiet = try await client.call(
                        .delete, "/v1/consents/\(id)/amendments/\(firstId)", key: merchant.keys[.billing])
                    #expect(quiet.status == .ok)
                    #expect(try quiet.json["status"] == "withdrawn")
                    #expect(try quiet.json["notice"]?["status"] == "withdrawn")
                    #expect(try await notifier.worker.drainOneBatch() == 1, "the consent's confirmation only")

                    // Withdrawn after its notice went out: the consumer is told.
                    let second = try await Self.amend(client, merchant, id, lower).json
                    #expect(second["version"] == 3)
                    let secondId = try #require(second["id"]?.stringValue)
                    #expect(try await notifier.worker.drainOneBatch() == 1, "the notice")
                    let told = try await client.call(
                        .delete, "/v1/consents/\(id)/amendments/\(secondId)", key: merchant.keys[.admin])
                    #expect(told.status == .ok)
                    #expect(try await notifier.worker.drainOneBatch() == 1, "the withdrawal")
                    await ConfirmationDeliveryTests.stop(notifier)
                    let withdrawals = try server.storedMessages().values.map { try ParsedEmail.parse($0) }
                        .filter { $0.headers["Subject"]?.contains("will not happen") == true }
                    #expect(withdrawals.count == 1)

                    #expect(try await Self.validity(client, merchant, id, "9.99", "2027-01-14")["reasons"] == [
                        "amount_mismatch",
                    ])
                    #expect(try await Self.validity(client, merchant, id, "10.23", "2027-01-14")["valid"] == true)
                    let read = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.billing]).json
                    #expect(read["termsVersion"] == 1)
                    #expect(read["pendingAmendment"] == .null)
                    let again = try await client.call(
                        .delete, "/v1/consents/\(id)/amendments/\(secondId)", key: merchant.keys[.billing])
                    #expect(again.status == .ok, "withdrawing twice answers with the withdrawal")
                    let events = try await EventRows.chain(merchant: merchant, consentId: id)
                    let withdrawn = events.filter { $0.type == "amendment.withdrawn" }.map { $0.data["consumerTold"] }
                    #expect(withdrawn == [false, true])
                }
            }
        }
    }

    @Test func badAmendmentsAreRefusedWithTheirCodesAndStoreNothing() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            let before = try await merchant.rowCounts()
            let lower: JSONValue = ["terms": ["amount": "9.99"], "effectiveFrom": "2027-01-14", "reason": "promo"]

            let soon = try await Self.amend(client, merchant, id, lower.setting("effectiveFrom", "2026-12-04"))
            #expect(soon.status == .unprocessableContent)
            #expect(soon.errorFields == ["effectiveFrom"])
            #expect(try soon.json["error"]?["earliestEffectiveFrom"] == "2026-12-05")

            let currency = try await Self.amend(client, merchant, id, lower.setting("terms.currency", "USD"))
            #expect(currency.status == .unprocessableContent)
            #expect(currency.errorFields == ["terms.currency"])

            let card = try await Self.amend(client, merchant, id, lower.setting("reason", "card 4111 1111 1111 1111"))
            #expect(card.errorCode == "card_number_not_allowed")

            let checkout = try await Self.amend(client, merchant, id, lower, role: .checkout)
            #expect(checkout.status == .forbidden)
            let auditor = try await Self.amend(client, merchant, id, lower, role: .auditor)
            #expect(auditor.status == .forbidden)

            let other = try await TestMerchant.make()
            let foreign = try await client.call(
                .post, "/v1/consents/\(id)/amendments", key: other.keys[.billing], json: lower)
            #expect(foreign.status == .notFound)

            let unknown = try await client.call(
                .delete, "/v1/consents/\(id)/amendments/\(UUID().uuidString.lowercased())", key: merchant.keys[.billing])
            #expect(unknown.status == .notFound)
            #expect(try await merchant.rowCounts() == before)

            let cancelled = try await client.call(
                .post, "/v1/consents/\(id)/cancel", key: merchant.keys[.billing], json: ["requestedBy": "merchant"])
            #expect(cancelled.status == .ok)
            let late = try await Self.amend(client, merchant, id, lower)
            #expect(late.status == .conflict)
            #expect(late.errorCode == "invalid_state")
        }
    }
}
