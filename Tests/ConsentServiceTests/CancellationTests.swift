import ConsentRules
import Foundation
import HummingbirdTesting
import Notifier
import TestSupport
import Testing

@testable import ConsentService

/// `POST /v1/consents/{id}/cancel` through the router against the real database.
@Suite struct CancellationTests {
    static func cancel(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String, _ body: JSONValue, role: Role = .billing
    ) async throws -> APIResponse {
        try await client.call(.post, "/v1/consents/\(id)/cancel", key: merchant.keys[role], json: body)
    }

    static func outboxStates(_ merchant: TestMerchant) async throws -> [String: String] {
        try await merchant.shared.pool.withConnection { connection in
            var states: [String: String] = [:]
            for row in try connection.query("SELECT kind, state FROM outbox WHERE merchant_id = $1", [merchant.id]) {
                states[try row.decode(String.self, 0), default: ""] += try row.decode(String.self, 1)
            }
            return states
        }
    }

    @Test func cancellingStopsValidityWithdrawsNoticesAndQueuesTheConfirmation() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, DebitAnnouncementTests.variableTerms, client: client)
            let announced = try await DebitAnnouncementTests.announce(
                client, merchant, id, ["amount": "25.00", "currency": "EUR", "date": "2026-12-30"])
            #expect(announced.status == .created)
            merchant.clock.advance(seconds: 60)
            let cancelled = try await Self.cancel(client, merchant, id, ["requestedBy": "consumer", "reason": "moving abroad"])
            #expect(cancelled.status == .ok)
            let json = try cancelled.json
            #expect(json["status"] == "cancelled")
            #expect(json["cancellation"]?["requestedBy"] == "consumer")
            #expect(json["cancellation"]?["effectiveAt"] == .string(merchant.clock.now.rfc3339))
            #expect(json["retainUntil"] == "2028-05-21", "18 months after the day it ended, no payment recorded")

            #expect(try await Self.outboxStates(merchant) == ["confirmation": "queued", "notice": "withdrawn", "cancellation": "queued"])
            let events = try await EventRows.chain(merchant: merchant, consentId: id)
            #expect(events.last?.type == "consent.cancelled")
            #expect(events.last?.data["noticesWithdrawn"] == 1)

            let validity = try await ValidityTests.check(
                client, "/v1/consents/\(id)", key: merchant.keys[.billing], "amount=25.00&currency=EUR&date=2026-12-30")
            #expect(try validity.json["valid"] == false)
            #expect(try validity.json["reasons"]?.arrayValue?.first == "cancelled")
            let debit = try await DebitAnnouncementTests.announce(
                client, merchant, id, ["amount": "25.00", "currency": "EUR", "date": "2026-12-30"])
            #expect(debit.status == .conflict)

            // Again: the same cancellation, nothing new recorded.
            merchant.clock.advance(seconds: 60)
            let again = try await Self.cancel(client, merchant, id, ["requestedBy": "merchant"])
            #expect(again.status == .ok)
            #expect(try again.json["cancellation"] == json["cancellation"])
            #expect(try await EventRows.chain(merchant: merchant, consentId: id).count == events.count)
        }
    }

    @Test func badOrLateCancellationsAreRefusedAndChangeNothing() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            let before = try await merchant.rowCounts()
            let cases: [(JSONValue, [String])] = [
                ([:], ["requestedBy"]),
                (["requestedBy": "bank"], ["requestedBy"]),
                (["requestedBy": "consumer", "requestedAt": "2030-01-01T00:00:00Z"], ["requestedAt"]),
                (["requestedBy": "consumer", "requestedAt": "yesterday"], ["requestedAt"]),
                (["requestedBy": "consumer", "reason": ""], ["reason"]),
                (["requestedBy": "consumer", "why": "x"], ["why"]),
            ]
            for (body, fields) in cases {
                let response = try await Self.cancel(client, merchant, id, body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(Set(response.errorFields) == Set(fields), "\(body)")
            }
            #expect(try await Self.cancel(client, merchant, id, ["requestedBy": "consumer"], role: .checkout).status == .forbidden)
            #expect(try await merchant.rowCounts() == before)

            let pending = try await ValidityTests.capture(merchant, ConsentBody.valid(recurrenceId: nil), client: client)
            merchant.clock.advance(seconds: 25 * 3600)
            let expired = try await Self.cancel(client, merchant, pending, ["requestedBy": "consumer"])
            #expect(expired.status == .conflict)
            #expect(expired.errorCode == "invalid_state")
        }
    }

    @Test func theCancellationConfirmationIsSentAndTheWithdrawnNoticeNever() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(name: "Žalias Turgus", in: database)
            try await SMTPTestServer.with { server in
                let notifier = try await ConfirmationDeliveryTests.notifier(
                    merchant, url: url, smtp: ConfirmationDeliveryTests.plaintext(server))
                try await merchant.test { client in
                    let id = try await ValidityTests.capture(merchant, DebitAnnouncementTests.variableTerms, client: client)
                    _ = try await DebitAnnouncementTests.announce(
                        client, merchant, id, ["amount": "25.00", "currency": "EUR", "date": "2026-12-30"])
                    _ = try await Self.cancel(client, merchant, id, ["requestedBy": "merchant"])
                    #expect(try await notifier.worker.drainOneBatch() == 2, "the confirmation and the cancellation")
                    await ConfirmationDeliveryTests.stop(notifier)
                    let messages = try server.storedMessages().values.map { try ParsedEmail.parse($0) }
                    #expect(messages.count == 2)
                    #expect(!messages.contains { $0.part("text/plain")?.contains("25.00 EUR") == true }, "no notice went out")
                    #expect(messages.allSatisfy { $0.part("text/plain")?.contains("Žalias Turgus") == true })
                    let events = try await EventRows.chain(merchant: merchant, consentId: id).map(\.type)
                    #expect(events.contains("cancellation_confirmation.sent"))
                    #expect(!events.contains("notice.sent"))
                }
            }
        }
    }
}
