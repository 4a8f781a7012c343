import ConsentRules
import Foundation
import HummingbirdTesting
import Testing

@testable import ConsentService

/// A real cancel-link token altered at every position, cut short at every length and lengthened: every variant
/// gets the contract's 404 page on GET and POST, and the consent stays active with nothing stored. The same
/// for the form token the page carries: an altered one cancels nothing.
@Suite struct CancelTokenTamperingTests {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// Each character replaced by two others of the token alphabet: the next one, which at the MAC's last
    /// position may only touch unused bits (a non-canonical spelling), and one half the alphabet away, which
    /// always changes the decoded bytes. The separator is replaced by a letter and by another separator-like
    /// character.
    static func substitutions(of token: String) -> [String] {
        let characters = Array(token)
        var variants: [String] = []
        for index in characters.indices {
            let replacements: [Character]
            if let position = alphabet.firstIndex(of: characters[index]) {
                replacements = [alphabet[(position + 1) % alphabet.count], alphabet[(position + 32) % alphabet.count]]
            } else {
                replacements = ["A", "~"]
            }
            for replacement in replacements {
                var altered = characters
                altered[index] = replacement
                variants.append(String(altered))
            }
        }
        return variants
    }

    static func truncations(of token: String) -> [String] {
        (1..<token.count).map { String(token.prefix($0)) }
    }

    static func extensions(of token: String) -> [String] {
        let mac = token.split(separator: ".").last.map(String.init) ?? ""
        return ["A", "AA", "AAAA", "-", "_", ".", "~"].map { token + $0 } + [token + "." + mac, token + token, "A" + token]
    }

    @Test func everyAlteredTruncatedOrExtendedTokenIsA404PageAndCancelsNothing() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let target = try await RouteFixtures.make(.cancelLink, for: merchant, client: client)
            let token = target.token
            #expect(token.count > 60, "a real token: \(token)")
            let before = try await merchant.fingerprint()
            let substituted = Self.substitutions(of: token)
            let variants = substituted + Self.truncations(of: token) + Self.extensions(of: token)
            #expect(substituted.count == 2 * token.count)
            #expect(Set(variants).count == variants.count && !variants.contains(token))

            for variant in variants {
                let page = try await client.call(.get, "/cancel/\(variant)", key: nil)
                Self.expectNotFoundPage(page, variant)
                // The form token of the real link is sent along, so only the link itself is wrong.
                let post = try await CancelPageTests.post(client, variant, form: "csrf=\(target.csrf)")
                Self.expectNotFoundPage(post, variant)
            }
            #expect(try await merchant.fingerprint() == before, "a variant changed stored rows")
            #expect(try await CancelPageTests.status(client, merchant, target.consentId) == "active")

            // The untouched link still works, so the refusals above were about the alterations.
            let real = try await client.call(.get, "/cancel/\(token)", key: nil)
            #expect(real.status == .ok)
            #expect(String(decoding: real.bytes, as: UTF8.self).contains("<form"))
        }
    }

    /// The page's form token (an HMAC of the link) altered the same ways: the consumer is sent back to the page
    /// (303) and nothing is cancelled, until the real one is posted.
    @Test func everyAlteredFormTokenSendsTheConsumerBackAndCancelsNothing() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let target = try await RouteFixtures.make(.cancelLink, for: merchant, client: client)
            let before = try await merchant.fingerprint()
            let variants = Self.substitutions(of: target.csrf) + Self.truncations(of: target.csrf)
                + ["A", "AAAA", "-"].map { target.csrf + $0 }
            #expect(variants.count > 3 * 40)
            for variant in variants {
                let response = try await CancelPageTests.post(client, target.token, form: "csrf=\(variant)")
                #expect(response.status == .seeOther, "\(variant)")
            }
            #expect(try await merchant.fingerprint() == before)
            let real = try await CancelPageTests.post(client, target.token, form: "csrf=\(target.csrf)")
            #expect(real.status == .ok)
            #expect(try await CancelPageTests.status(client, merchant, target.consentId) == "cancelled")
        }
    }

    static func expectNotFoundPage(_ response: APIResponse, _ variant: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == .notFound, "\(variant)", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(variant)", sourceLocation: sourceLocation)
        let html = String(decoding: response.bytes, as: UTF8.self)
        #expect(!html.contains("<form"), "\(variant)", sourceLocation: sourceLocation)
    }
}
