import ConsentRules
import Foundation
import HummingbirdTesting
import Testing

@testable import ConsentService

/// `GET …/validity` through the router against the real database.
@Suite struct ValidityTests {
    static func capture(_ merchant: TestMerchant, _ body: JSONValue, client: any TestClientProtocol) async throws -> String {
        let response = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body)
        #expect(response.status == .created)
        return try #require(try response.json["id"]?.stringValue)
    }

    static func check(
        _ client: any TestClientProtocol, _ path: String, key: String?, _ query: String
    ) async throws -> APIResponse {
        try await client.call(.get, "\(path)/validity?\(query)", key: key, contentType: nil)
    }

    @Test func aFixedScheduleIsValidOnItsDatesAndSaysWhyNotElsewhere() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            // Every 15 days from 2026-12-15, 10.23 EUR fixed, until 2028-12-15, card valid through 12/2028.
            let id = try await Self.capture(merchant, ConsentBody.valid(recurrenceId: "rec-validity"), client: client)
            let billing = merchant.keys[.billing]
            let ok = try await Self.check(client, "/v1/consents/\(id)", key: billing, "amount=10.23&currency=EUR&date=2026-12-30")
            #expect(ok.status == .ok)
            #expect(try ok.json == ["valid": true, "reasons": [], "status": "active", "earliestPermittedDate": nil])
            let byRecurrence = try await Self.check(
                client, "/v1/recurrences/rec-validity", key: billing, "amount=10.23&currency=EUR&date=2026-12-30")
            #expect(try byRecurrence.json["valid"] == true)

            let cases: [(String, [JSONValue])] = [
                ("amount=10.23&currency=EUR&date=2026-12-31", ["date_not_in_schedule"]),
                ("amount=10.24&currency=EUR&date=2026-12-30", ["amount_mismatch"]),
                ("amount=10.23&currency=USD&date=2026-12-30", ["currency_mismatch"]),
                ("amount=10.23&currency=EUR&date=2026-11-30", ["before_first_debit", "date_not_in_schedule"]),
                ("amount=10.23&currency=EUR&date=2029-01-01", ["ended", "card_expired", "date_not_in_schedule"]),
            ]
            for (query, reasons) in cases {
                let answer = try await Self.check(client, "/v1/consents/\(id)", key: billing, query)
                #expect(try answer.json["valid"] == false, "\(query)")
                #expect(try answer.json["reasons"] == .array(reasons), "\(query)")
            }
        }
    }

    @Test func aPendingConsentIsNotActiveAndAfterItsWindowExpired() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await Self.capture(merchant, ConsentBody.valid(recurrenceId: nil), client: client)
            let query = "amount=10.23&currency=EUR&date=2026-12-15"
            let pending = try await Self.check(client, "/v1/consents/\(id)", key: merchant.keys[.billing], query)
            #expect(try pending.json["status"] == "pending")
            #expect(try pending.json["reasons"] == ["not_active"])
            merchant.clock.advance(seconds: 25 * 3600)
            let expired = try await Self.check(client, "/v1/consents/\(id)", key: merchant.keys[.billing], query)
            #expect(try expired.json["status"] == "expired")
            #expect(try expired.json["reasons"] == ["not_active"])
        }
    }

    @Test func aVariableAmountNeedsANoticeFourteenDaysAhead() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let body = ConsentBody.valid().setting("terms.amountType", "variable").setting("terms.maxAmount", "50.00")
            let id = try await Self.capture(merchant, body, client: client)
            let answer = try await Self.check(
                client, "/v1/consents/\(id)", key: merchant.keys[.billing], "amount=49.99&currency=EUR&date=2026-12-30")
            #expect(try answer.json["reasons"] == ["notice_required"])
            // Today is 2026-11-21 in Vilnius; no notice went out yet.
            #expect(try answer.json["earliestPermittedDate"] == "2026-12-05")
            let above = try await Self.check(
                client, "/v1/consents/\(id)", key: merchant.keys[.billing], "amount=50.01&currency=EUR&date=2026-12-30")
            #expect(try above.json["reasons"] == ["amount_above_maximum", "notice_required"])
        }
    }

    @Test func badQueriesAre422WithEveryFieldAndWriteNothing() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await Self.capture(merchant, ConsentBody.valid(), client: client)
            let before = try await merchant.rowCounts()
            let cases: [(String, [String])] = [
                ("", ["amount", "currency", "date"]),
                ("amount=&currency=EUR&date=2026-12-30", ["amount"]),
                ("amount=ten&currency=EUR&date=2026-12-30", ["amount"]),
                ("amount=-10.23&currency=EUR&date=2026-12-30", ["amount"]),
                ("amount=0&currency=EUR&date=2026-12-30", ["amount"]),
                ("amount=10.234&currency=EUR&date=2026-12-30", ["amount"]),
                ("amount=10.23&currency=EURO&date=2026-12-30", ["currency"]),
                ("amount=10.23&currency=eur&date=2026-12-30", ["currency"]),
                ("amount=10.23&currency=EUR&date=2026-02-30", ["date"]),
                ("amount=10.23&currency=EUR&date=30.12.2026", ["date"]),
                ("amount=10.23&currency=EUR&date=0000-01-01", ["date"]),
                ("amount=1e3&currency=XYZ&date=tomorrow", ["currency", "amount", "date"]),
            ]
            for (query, fields) in cases {
                let answer = try await Self.check(client, "/v1/consents/\(id)", key: merchant.keys[.billing], query)
                #expect(answer.status == .unprocessableContent, "\(query)")
                #expect(answer.errorCode == "validation_failed", "\(query)")
                #expect(Set(answer.errorFields) == Set(fields), "\(query)")
            }
            #expect(try await merchant.rowCounts() == before)
        }
    }

    @Test func onlyBillingAndAdminMayAskAndOnlyAboutTheirOwnConsents() async throws {
        let merchant = try await TestMerchant.make()
        let other = try await TestMerchant.make()
        let query = "amount=10.23&currency=EUR&date=2026-12-30"
        let id = try await merchant.test { client in try await Self.capture(merchant, ConsentBody.valid(), client: client) }
        try await merchant.test { client in
            #expect(try await Self.check(client, "/v1/consents/\(id)", key: nil, query).status == .unauthorized)
            #expect(try await Self.check(client, "/v1/consents/\(id)", key: "csk_unknown", query).status == .unauthorized)
            for role in [Role.checkout, .auditor] {
                #expect(try await Self.check(client, "/v1/consents/\(id)", key: merchant.keys[role], query).status == .forbidden)
            }
            for role in [Role.billing, .admin] {
                #expect(try await Self.check(client, "/v1/consents/\(id)", key: merchant.keys[role], query).status == .ok)
            }
            let elsewhere = try await Self.check(client, "/v1/consents/\(id)", key: other.keys[.billing], query)
            #expect(elsewhere.status == .notFound)
            #expect(try await Self.check(client, "/v1/recurrences/nobody", key: merchant.keys[.billing], query).status == .notFound)
        }
    }

    /// Concurrent questions share statements (`StatementBatcher`); each must still get the answer for its own
    /// key, consent and debit.
    @Test func concurrentQuestionsEachGetTheirOwnAnswer() async throws {
        let merchant = try await TestMerchant.make()
        let other = try await TestMerchant.make()
        try await merchant.test { client in
            let fixed = try await Self.capture(merchant, ConsentBody.valid(recurrenceId: "rec-\(merchant.id)"), client: client)
            let pending = try await Self.capture(merchant, ConsentBody.valid(recurrenceId: nil), client: client)
            let elsewhere = try await other.test { otherClient in
                try await Self.capture(other, ConsentBody.valid(recurrenceId: nil), client: otherClient)
            }
            let onSchedule = "amount=10.23&currency=EUR&date=2026-12-30"
            let offSchedule = "amount=10.23&currency=EUR&date=2026-12-31"
            // (path, key, query, expected status, expected reasons when 200)
            let questions: [(String, String?, String, Int, [JSONValue]?)] = [
                ("/v1/consents/\(fixed)", merchant.keys[.billing], onSchedule, 200, []),
                ("/v1/consents/\(fixed)", merchant.keys[.admin], offSchedule, 200, ["date_not_in_schedule"]),
                ("/v1/consents/\(pending)", merchant.keys[.billing], onSchedule, 200, ["not_active"]),
                ("/v1/recurrences/rec-\(merchant.id)", merchant.keys[.billing], onSchedule, 200, []),
                ("/v1/recurrences/a%2C%22b%5C%7D", merchant.keys[.billing], onSchedule, 404, nil),
                ("/v1/consents/\(fixed)", other.keys[.billing], onSchedule, 404, nil),
                ("/v1/consents/\(elsewhere)", other.keys[.billing], onSchedule, 200, ["not_active"]),
                ("/v1/consents/\(fixed)", merchant.keys[.checkout], onSchedule, 403, nil),
                ("/v1/consents/\(fixed)", "csk_unknown", onSchedule, 401, nil),
                ("/v1/consents/not-a-uuid", merchant.keys[.billing], onSchedule, 404, nil),
            ]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<20 {
                    for (index, question) in questions.enumerated() {
                        group.addTask {
                            let (path, key, query, status, reasons) = question
                            let answer = try await Self.check(client, path, key: key, query)
                            #expect(Int(answer.status.code) == status, "question \(index), round \(round)")
                            if let reasons { #expect(try answer.json["reasons"] == .array(reasons), "question \(index)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
