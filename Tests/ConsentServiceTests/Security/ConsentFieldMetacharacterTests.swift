import ConsentRules
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ConsentService

/// SQL and C metacharacters in every string field of a consent: each request is stored and read back exactly,
/// or refused with the contract's 422 naming the field; invalid UTF-8 is 400 `malformed_json`. Never a 5xx.
@Suite struct ConsentFieldMetacharacterTests {
    /// Every string field of `POST /v1/consents`, with where a payload goes inside an otherwise valid value.
    static let fields: [(path: String, template: String)] = [
        ("merchantReference", "ref-{r}-{}"), ("recurrenceId", "rec-{r}-{}"),
        ("consumer.firstName", "Dar{}rel"), ("consumer.lastName", "Kee{}ling"),
        ("consumer.email", "dar{}rel@example.com"), ("consumer.phone", "+3706{}6666666"),
        ("consumer.language", "en{}"), ("terms.type", "scheduled{}"), ("terms.amount", "10.23{}"),
        ("terms.currency", "EUR{}"), ("terms.amountType", "fixed{}"), ("terms.maxAmount", "50.00{}"),
        ("terms.firstDebitDate", "2026-12-15{}"), ("terms.dateType", "fixed{}"),
        ("terms.frequency.interval", "custom{}"), ("terms.endDate", "2028-12-15{}"),
        ("terms.objectiveCriteria", "criteria {} agreed"), ("communication.method", "email{}"),
        ("communication.address", "dar{}rel@example.com"), ("card.brand", "VISA{}"), ("card.last4", "10{}96"),
        ("evidence.acceptedAt", "2026-11-21T10:15:00Z{}"), ("evidence.ipAddress", "235.114.187.1{}"),
        ("evidence.userAgent", "Mozilla/5.0 {}"), ("evidence.disclosureText", "I agree {} to pay"),
        ("evidence.disclosureVersion", "2026-11{}"),
    ]

    static func value(_ template: String, _ payload: String) -> String {
        template.replacingOccurrences(of: "{r}", with: randomLetters(8)).replacingOccurrences(of: "{}", with: payload)
    }

    @Test(arguments: fields.indices)
    func eachPayloadIsStoredExactlyOrRefused(fieldIndex: Int) async throws {
        let (path, template) = Self.fields[fieldIndex]
        let merchant = try await TestMerchant.make()
        let tables = try await Metacharacters.tables(pool: merchant.shared.pool)
        let stored = try await merchant.test { client -> Int in
            var stored = 0
            for payload in Metacharacters.payloads {
                let value = Self.value(template, payload)
                let body = ConsentBody.valid().setting(path, .string(value))
                let comment = "\(path) = \(value.debugDescription)"
                let response = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body)
                guard Metacharacters.outcome(response, field: path, accepted: [201], comment) == .accepted else { continue }
                stored += 1
                let id = try #require(try response.json["id"]?.stringValue)
                let read = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.auditor])
                #expect(try read.json.value(at: path) == .string(value), "\(comment) read back")
                #expect(try response.json.value(at: path) == .string(value), "\(comment) answered")
            }
            for bytes in Metacharacters.invalidUTF8 {
                let marker = "XQXQXQ"
                let body = ConsentBody.valid().setting(path, .string(Self.value(template, marker))).serialized()
                let raw = body.replacing(Array(marker.utf8), with: bytes)
                #expect(raw.count != body.count || bytes.count == marker.utf8.count)
                let response = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], rawBody: raw)
                _ = Metacharacters.outcome(
                    response, field: path, accepted: [], malformedJSON: true, "\(path) with bytes \(bytes)")
            }
            return stored
        }
        #expect(try await merchant.rowCounts()["consents"] == stored)
        try await Metacharacters.expectTablesIntact(before: tables, pool: merchant.shared.pool)
    }

    /// The Idempotency-Key header is printable ASCII: metacharacters in it work as a key (a repeat replays the
    /// first answer exactly), control characters are refused.
    @Test func idempotencyKeysWithMetacharactersReplayExactly() async throws {
        let merchant = try await TestMerchant.make()
        let tables = try await Metacharacters.tables(pool: merchant.shared.pool)
        let name = try #require(HTTPField.Name("Idempotency-Key"))
        let stored = try await merchant.test { client -> Int in
            var stored = 0
            for payload in Metacharacters.payloads where !payload.contains("\u{0}") {
                let headers: HTTPFields = [name: "key-" + payload]
                let body = ConsentBody.valid()
                let first = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: body, headers: headers)
                guard Metacharacters.outcome(first, field: "Idempotency-Key", accepted: [201], payload) == .accepted
                else { continue }
                stored += 1
                let again = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: body, headers: headers)
                #expect(again.status == .created, "\(payload)")
                #expect(again.bytes == first.bytes, "\(payload)")
            }
            // A header value cannot carry NUL on the wire; a tab, the control character it can carry, is refused.
            let control = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(),
                headers: [name: "key\twith-tab"])
            _ = Metacharacters.outcome(control, field: "Idempotency-Key", accepted: [], "a tab")
            return stored
        }
        #expect(stored == Metacharacters.payloads.count - 1)
        #expect(try await merchant.rowCounts()["consents"] == stored)
        try await Metacharacters.expectTablesIntact(before: tables, pool: merchant.shared.pool)
    }
}

extension JSONValue {
    /// The value at a dotted path, or nil.
    func value(at path: String) -> JSONValue? {
        var value: JSONValue? = self
        for key in path.split(separator: ".") { value = value?[String(key)] }
        return value
    }
}
