import ConsentRules
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

@testable import ConsentService

/// The consumer's cancel page through the router against the real database.
@Suite struct CancelPageTests {
    static func token(_ merchant: TestMerchant, consentId: String, keyOf keyMerchant: TestMerchant? = nil) async throws
        -> String
    {
        let owner = (keyMerchant ?? merchant).id
        let key = try await merchant.shared.pool.withConnection { connection in
            try connection.query("SELECT cancel_token_key FROM merchants WHERE merchant_id = $1", [owner])[0]
                .decode([UInt8].self, 0)
        }
        let id = try #require(UUID(uuidString: consentId))
        return CancelToken.issue(for: .init(merchantId: merchant.id, consentId: id), key: SymmetricKey(data: key))
    }

    static func post(_ client: any TestClientProtocol, _ token: String, form: String, crossSite: Bool = false)
        async throws -> APIResponse
    {
        var headers: HTTPFields = [:]
        if crossSite, let name = HTTPField.Name("Sec-Fetch-Site") { headers[name] = "cross-site" }
        return try await client.call(
            .post, "/cancel/\(token)", key: nil, rawBody: Array(form.utf8),
            contentType: "application/x-www-form-urlencoded", headers: headers)
    }

    static func status(_ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String) async throws -> String? {
        try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.billing]).json["status"]?.stringValue
    }

    @Test func theConsumerSeesTheTermsAndCancelsWithTheButton() async throws {
        let merchant = try await TestMerchant.make(name: "Žalias Turgus")
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            let token = try await Self.token(merchant, consentId: id)
            let page = try await client.call(.get, "/cancel/\(token)", key: nil)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("frame-ancestors 'none'") == true)
            let html = String(decoding: page.bytes, as: UTF8.self)
            for detail in ["Žalias Turgus", "€10.23", "15 December 2028", "name=\"viewport\"", "<form method=\"post\""] {
                #expect(html.contains(detail), "missing \(detail)")
            }
            #expect(!html.lowercased().contains("<script"))
            let csrf = try #require(html.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)

            // Without the form's token, or from another site: back to the form, nothing cancelled.
            for (form, crossSite) in [("", false), ("csrf=forged", false), ("csrf=\(csrf)", true)] {
                let refused = try await Self.post(client, token, form: form, crossSite: crossSite)
                #expect(refused.status == .seeOther)
                #expect(refused.headers[.location] == "\(TestEnvironment.publicURL)/cancel/\(token)")
                #expect(try await Self.status(client, merchant, id) == "active")
            }

            let done = try await Self.post(client, token, form: "csrf=\(csrf)")
            #expect(done.status == .ok)
            let vilnius = try #require(TimeZone(identifier: "Europe/Vilnius"))
            let cancelledAt = ReaderFormat(language: "en").dateTime(merchant.clock.now, in: vilnius) + " (Europe/Vilnius)"
            #expect(String(decoding: done.bytes, as: UTF8.self).contains(cancelledAt))
            let consent = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.billing]).json
            #expect(consent["status"] == "cancelled")
            #expect(consent["cancellation"]?["requestedBy"] == "consumer")
            #expect(try await EventRows.chain(merchant: merchant, consentId: id).last?.actor == "consumer:cancel-link")

            // The link still works afterwards, showing what happened.
            let again = try await client.call(.get, "/cancel/\(token)", key: nil)
            #expect(again.status == .ok)
            #expect(!String(decoding: again.bytes, as: UTF8.self).contains("<form"))
        }
    }

    /// A consent whose consumer name, merchant reference and criteria each carry `CombiningMarkup.text`.
    static func markupBody() -> JSONValue {
        ConsentBody.valid(reference: "order-" + randomLetters(8) + " " + CombiningMarkup.text)
            .setting("consumer.firstName", .string("Ona " + CombiningMarkup.text))
            .setting("terms.objectiveCriteria", .string("usage " + CombiningMarkup.text))
    }

    @Test func markupFollowedByACombiningMarkIsEscapedOnThePage() async throws {
        let merchant = try await TestMerchant.make(name: "Shop " + CombiningMarkup.text)
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, Self.markupBody(), client: client)
            let token = try await Self.token(merchant, consentId: id)
            let page = try await client.call(.get, "/cancel/\(token)", key: nil)
            #expect(page.status == .ok)
            let html = String(decoding: page.bytes, as: UTF8.self)
            #expect(CombiningMarkup.isEscaped(in: html), "\(html)")
        }
    }

    @Test func anAlteredOrForeignTokenFindsNothing() async throws {
        let merchant = try await TestMerchant.make()
        let other = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            let token = try await Self.token(merchant, consentId: id)
            var altered: [String] = []
            for index in stride(from: 0, to: token.count, by: 7) {
                var characters = Array(token)
                characters[index] = characters[index] == "A" ? "B" : "A"
                altered.append(String(characters))
            }
            let foreign = try await Self.token(merchant, consentId: id, keyOf: other)
            for bad in altered + [foreign, "not-a-token", String(token.dropLast())] {
                let page = try await client.call(.get, "/cancel/\(bad)", key: nil)
                #expect(page.status == .notFound, "\(bad)")
                let post = try await Self.post(client, bad, form: "csrf=x")
                #expect(post.status == .notFound, "\(bad)")
            }
            #expect(try await Self.status(client, merchant, id) == "active")
        }
    }
}
