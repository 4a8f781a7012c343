import ConsentRules
import Foundation
import HummingbirdTesting
import Testing

@testable import ConsentService

/// SQL and C metacharacters in every string field of every request body other than a consent's: activation,
/// debits, payments, cancellation, legal holds, webhook endpoints and the cancel form. Each is stored and read
/// back exactly, or refused with the contract's 422 naming the field; invalid UTF-8 is 400. Never a 5xx.
@Suite struct OperationBodyMetacharacterTests {
    struct Field: Sendable, CustomStringConvertible {
        let route: String
        let field: String
        /// A valid body with `{}` where the payload goes (`{r}`: random letters, for values that must be unique).
        let body: [String: String]
        let extra: [String: JSONValue]
        let setup: RouteSetup
        /// Where an accepted value can be read back: a path under the consent (`{id}`), or nil when the route's
        /// own answer is where it shows.
        let readBack: String?
        let accepted: Set<Int>

        var description: String { "\(route) \(field)" }
    }

    static let fields: [Field] = {
        let activate = "/v1/consents/{id}/activate"
        let debits = "/v1/consents/{id}/debits"
        let payments = "/v1/consents/{id}/payments"
        let cancel = "/v1/consents/{id}/cancel"
        let hold = "/v1/consents/{id}/legal-hold"
        let endpoints = "/v1/webhook-endpoints"
        let activation = ["recurrenceId": "rec-{r}", "initialPaymentId": "pay-{r}"]
        let debit = ["amount": "10.23", "currency": "EUR", "date": "2026-12-15"]
        let payment = [
            "paymentId": "pay-{r}", "amount": "10.23", "currency": "EUR", "executedAt": "2026-11-21T11:00:00Z",
            "status": "approved",
        ]
        let cancellation = ["requestedBy": "merchant", "reason": "moved away", "requestedAt": "2026-11-21T11:00:00Z"]
        var fields: [Field] = []
        func add(
            _ route: String, _ base: [String: String], _ field: String, _ template: String, setup: RouteSetup,
            readBack: String?, accepted: Set<Int>, extra: [String: JSONValue] = [:]
        ) {
            var body = base
            body[field] = template
            fields.append(
                Field(
                    route: route, field: field, body: body, extra: extra, setup: setup, readBack: readBack,
                    accepted: accepted))
        }
        add(activate, activation, "recurrenceId", "rec-{r}-{}", setup: .pendingConsent, readBack: "", accepted: [200])
        add(activate, activation, "initialPaymentId", "pay-{r}-{}", setup: .pendingConsent, readBack: "/events", accepted: [200])
        for field in ["amount", "currency", "date"] {
            add(debits, debit, field, (debit[field] ?? "") + "{}", setup: .activeConsent, readBack: nil, accepted: [201])
        }
        add(payments, payment, "paymentId", "pay-{r}-{}", setup: .activeConsent, readBack: "/evidence", accepted: [201],
            extra: ["final": .bool(false)])
        for field in ["amount", "currency", "executedAt", "status"] {
            add(payments, payment, field, (payment[field] ?? "") + "{}", setup: .activeConsent, readBack: nil,
                accepted: [201], extra: ["final": .bool(false)])
        }
        add(cancel, cancellation, "requestedBy", "merchant{}", setup: .activeConsent, readBack: nil, accepted: [200])
        add(cancel, cancellation, "reason", "moved {} away", setup: .activeConsent, readBack: "/events", accepted: [200])
        add(cancel, cancellation, "requestedAt", "2026-11-21T11:00:00Z{}", setup: .activeConsent, readBack: nil, accepted: [200])
        add(hold, [:], "reason", "litigation {} pending", setup: .activeConsent, readBack: "/evidence", accepted: [200])
        add(endpoints, [:], "url", "http://127.0.0.1:9/hooks/{}", setup: .nothing, readBack: nil, accepted: [201],
            extra: ["events": .array(["consent.cancelled"])])
        return fields
    }()

    static func body(_ field: Field, payload: String) -> JSONValue {
        var object = field.extra
        for (name, template) in field.body {
            let value = template.replacingOccurrences(of: "{r}", with: randomLetters(8))
            object[name] = .string(name == field.field ? value.replacingOccurrences(of: "{}", with: payload) : value)
        }
        return .object(object)
    }

    @Test(arguments: fields.indices)
    func eachPayloadIsStoredExactlyOrRefused(fieldIndex: Int) async throws {
        let field = Self.fields[fieldIndex]
        let merchant = try await TestMerchant.make().allowingPrivateWebhooks()
        let tables = try await Metacharacters.tables(pool: merchant.shared.pool)
        try await merchant.test { client in
            for payload in Metacharacters.payloads {
                // Each payload on a resource of its own: an accepted cancellation or hold is not repeatable.
                let target = try await RouteFixtures.make(field.setup, for: merchant, client: client)
                let uri = field.route.replacingOccurrences(of: "{id}", with: target.consentId)
                let body = Self.body(field, payload: payload)
                let sent = try #require(body[field.field]?.stringValue)
                let comment = "\(field) = \(sent.debugDescription)"
                let response = try await client.call(.post, uri, key: merchant.keys[.admin], json: body)
                guard Metacharacters.outcome(response, field: field.field, accepted: field.accepted, comment) == .accepted
                else { continue }
                let shown: APIResponse
                if let readBack = field.readBack {
                    shown = try await client.call(.get, "/v1/consents/\(target.consentId)\(readBack)", key: merchant.keys[.admin])
                } else if field.route == "/v1/webhook-endpoints" {
                    shown = try await client.call(.get, field.route, key: merchant.keys[.admin])
                } else {
                    shown = response
                }
                #expect(try shown.json.containsString(sent), "\(comment) is not read back exactly")
            }
            // Bytes that are not UTF-8 where the payload would go.
            for bytes in Metacharacters.invalidUTF8 {
                let target = try await RouteFixtures.make(field.setup, for: merchant, client: client)
                let uri = field.route.replacingOccurrences(of: "{id}", with: target.consentId)
                let raw = Self.body(field, payload: "XQXQXQ").serialized().replacing(Array("XQXQXQ".utf8), with: bytes)
                let response = try await client.call(.post, uri, key: merchant.keys[.admin], rawBody: raw)
                _ = Metacharacters.outcome(
                    response, field: field.field, accepted: [], malformedJSON: true, "\(field) with bytes \(bytes)")
            }
        }
        try await Metacharacters.expectTablesIntact(before: tables, pool: merchant.shared.pool)
    }

    /// The cancel form's only field: whatever it holds, a wrong form token sends the consumer back to the page
    /// and cancels nothing.
    @Test func theCancelFormTokenFieldWithMetacharactersCancelsNothing() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let target = try await RouteFixtures.make(.cancelLink, for: merchant, client: client)
            let before = try await merchant.fingerprint()
            let forms = Metacharacters.payloads.map { "csrf=" + Metacharacters.percentEncoded($0) }
                + Metacharacters.invalidUTF8.map { "csrf=" + Metacharacters.percentEncoded($0) }
                + ["csrf=%", "csrf=%ZZ", "csrf=\(target.csrf)%00"]
            for form in forms {
                let response = try await CancelPageTests.post(client, target.token, form: form)
                #expect(response.status == .seeOther, "\(form)")
            }
            #expect(try await merchant.fingerprint() == before)
            #expect(try await CancelPageTests.status(client, merchant, target.consentId) == "active")
        }
    }
}

extension JSONValue {
    /// True when `text` is one of the strings anywhere in this value.
    func containsString(_ text: String) -> Bool {
        switch self {
        case .string(let value): value == text
        case .array(let items): items.contains { $0.containsString(text) }
        case .object(let members): members.values.contains { $0.containsString(text) }
        default: false
        }
    }
}
