import ConsentRules
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ConsentService

/// Every rejected request gets the contract's status and code, and leaves nothing in the database.
@Suite struct BadInputTests {
    @Test func malformedJSONIs400() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let response = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], rawBody: Array(#"{"merchantReference": "#.utf8))
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "malformed_json")
        }
        try await merchant.expectNothingStored()
    }

    @Test func aBodyThatIsNotJSONMediaTypeIs415() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let body = ConsentBody.valid().serialized()
            for contentType in ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"] {
                let response = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], rawBody: body, contentType: contentType)
                #expect(response.status == .unsupportedMediaType, "\(contentType)")
                #expect(response.errorCode == "unsupported_media_type")
            }
            let missing = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], rawBody: body, contentType: nil)
            #expect(missing.status == .unsupportedMediaType)
        }
        try await merchant.expectNothingStored()
    }

    @Test func jsonMediaTypeAcceptsOnlyJSONInUTF8() {
        for accepted in ["application/json", "Application/JSON", "application/json; charset=utf-8",
                         "application/json;charset=\"UTF-8\"", " application/json "] {
            #expect(RequestBody.isJSONMediaType(accepted), "\(accepted)")
        }
        for refused in [nil, "", "application/json-seq", "application/jsonx", "text/json",
                        "application/json; charset=latin1", "application/problem+json"] {
            #expect(!RequestBody.isJSONMediaType(refused), "\(refused ?? "nil")")
        }
    }

    @Test func aBodyOver64KiBIs413() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let large = ConsentBody.valid().setting(
                "evidence.disclosureText", .string(String(repeating: "a", count: 64 * 1024)))
            let response = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: large)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "payload_too_large")
        }
        try await merchant.expectNothingStored()
    }

    /// Each contract rule broken alone: (path, value, the field the error must name).
    static let brokenRules: [(String, JSONValue?, String)] = [
        ("merchantReference", nil, "merchantReference"),
        ("consumer.email", .string("not-an-address"), "consumer.email"),
        ("consumer.firstName", nil, "consumer.firstName"),
        ("terms.type", .string("weekly"), "terms.type"),
        ("terms.amount", .string("10.234"), "terms.amount"),
        ("terms.amount", .number("10.23"), "terms.amount"),
        ("terms.amount", .string("-1.00"), "terms.amount"),
        ("terms.amount", .string("0"), "terms.amount"),
        ("terms.currency", .string("EUX"), "terms.currency"),
        ("terms.amountType", .string("sometimes"), "terms.amountType"),
        ("terms.dateType", nil, "terms.dateType"),
        ("terms.maxAmount", .string("50.00"), "terms.maxAmount"),
        ("terms.frequency", nil, "terms.frequency"),
        ("terms.frequency.interval", .string("yearly"), "terms.frequency.interval"),
        ("terms.frequency.days", .number("0"), "terms.frequency.days"),
        ("terms.frequency.days", .number("367"), "terms.frequency.days"),
        ("terms.frequency.days", nil, "terms.frequency.days"),
        ("terms.firstDebitDate", .string("2026-02-30"), "terms.firstDebitDate"),
        ("terms.endDate", .string("2026-12-01"), "terms.endDate"),
        ("terms.endDate", .string("2030-11-22"), "terms.endDate"),
        ("communication.method", .string("sms"), "communication.method"),
        ("card.last4", .string("10a6"), "card.last4"),
        ("card.expiryMonth", .number("13"), "card.expiryMonth"),
        ("card.expiryYear", .number("2025"), "card.expiryYear"),
        ("evidence.acceptedAt", .string("2026-11-21T12:00:01Z"), "evidence.acceptedAt"),
        ("evidence.acceptedAt", .string("yesterday"), "evidence.acceptedAt"),
        ("evidence.ipAddress", .string("300.1.1.1"), "evidence.ipAddress"),
        ("evidence.disclosureText", .string(""), "evidence.disclosureText"),
        // PostgreSQL can store neither U+0000 in text nor year 0.
        ("evidence.disclosureText", .string("I agree\u{0}"), "evidence.disclosureText"),
        ("terms.objectiveCriteria", .string("the index\u{0}"), "terms.objectiveCriteria"),
        ("evidence.acceptedAt", .string("0000-01-01T00:00:00Z"), "evidence.acceptedAt"),
        ("evidence.acceptedAt", .string("0001-01-01T00:30:00+01:00"), "evidence.acceptedAt"),
        ("terms.firstDebitDate", .string("0000-01-01"), "terms.firstDebitDate"),
        ("recurrenceId", .string("has space"), "recurrenceId"),
        ("unexpected", .string("x"), "unexpected"),
    ]

    @Test(arguments: brokenRules.indices)
    func eachBrokenRuleIs422NamingTheField(index: Int) async throws {
        let (path, value, field) = Self.brokenRules[index]
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let body = ConsentBody.valid().setting(path, value)
            let response = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body)
            #expect(response.status == .unprocessableContent, "\(path)")
            #expect(response.errorCode == "validation_failed", "\(path)")
            #expect(response.errorFields == [field], "\(path)")
        }
        try await merchant.expectNothingStored()
    }

    @Test func aCustomFrequencyOnAnUnscheduledConsentIsRefused() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let body = ConsentBody.valid().setting("terms.type", .string("unscheduled"))
            let response = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorFields == ["terms.frequency"])
        }
        try await merchant.expectNothingStored()
    }

    @Test func severalBrokenRulesAreAllReportedAtOnce() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let body = ConsentBody.valid()
                .setting("terms.amount", .string("1.234"))
                .setting("consumer.email", .string("nope"))
                .setting("terms.frequency.days", .number("0"))
                .setting("evidence.acceptedAt", .string("2027-01-01T00:00:00Z"))
            let response = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body)
            #expect(response.status == .unprocessableContent)
            #expect(
                Set(response.errorFields)
                    == ["terms.amount", "consumer.email", "terms.frequency.days", "evidence.acceptedAt"])
        }
        try await merchant.expectNothingStored()
    }

    @Test(arguments: [
        ("merchantReference", "order-4111111111111111"),
        ("evidence.disclosureText", "I agree; my card is 4111 1111 1111 1111, exp 12/28"),
        ("consumer.lastName", "5500-0000-0000-0004"),
    ])
    func aCardNumberAnywhereIsRefused(path: String, text: String) async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let body = ConsentBody.valid().setting(path, .string(text))
            let response = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], json: body,
                headers: [HTTPField.Name("Idempotency-Key")!: "card-test"])
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "card_number_not_allowed")
            #expect(!String(decoding: response.bytes, as: UTF8.self).contains("1111"))
        }
        try await merchant.expectNothingStored()
    }

    @Test func anIdempotencyKeyOver255CharactersIsRefused() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let response = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(),
                headers: [HTTPField.Name("Idempotency-Key")!: String(repeating: "k", count: 256)])
            #expect(response.status == .unprocessableContent)
            #expect(response.errorFields == ["Idempotency-Key"])
        }
        try await merchant.expectNothingStored()
    }

    @Test func badActivationBodiesAre422() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let created = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(recurrenceId: nil))
            let id = try #require(try created.json["id"]?.stringValue)
            let missing = try await client.call(
                .post, "/v1/consents/\(id)/activate", key: merchant.keys[.billing], json: .object([:]))
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorFields == ["recurrenceId"])
            let pending = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.billing])
            #expect(try pending.json["status"]?.stringValue == "pending")
        }
    }
}
