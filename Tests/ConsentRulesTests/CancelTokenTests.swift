import Crypto
import Foundation
import Testing

@testable import ConsentRules

@Suite struct CancelTokenTests {
    static var key: SymmetricKey { SymmetricKey(data: Array(repeating: UInt8(7), count: 32)) }
    static let subject = CancelToken.Subject(merchantId: "shop-1", consentId: UUID())

    @Test func aTokenNamesItsConsent() {
        let token = CancelToken.issue(for: Self.subject, key: Self.key)
        #expect(CancelToken.verify(token, key: Self.key) == Self.subject)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) })
    }

    @Test func everyAlteredCharacterIsRefused() {
        let token = CancelToken.issue(for: Self.subject, key: Self.key)
        let characters = Array(token)
        for index in characters.indices {
            for replacement in ["A", "b", "_", "."] where String(characters[index]) != replacement {
                var altered = characters
                altered[index] = Character(replacement)
                #expect(CancelToken.verify(String(altered), key: Self.key) == nil, "position \(index)")
            }
        }
    }

    @Test func anotherKeyOrAnotherConsentsSignatureIsRefused() {
        let token = CancelToken.issue(for: Self.subject, key: Self.key)
        #expect(CancelToken.verify(token, key: SymmetricKey(size: .bits256)) == nil)
        let other = CancelToken.issue(
            for: .init(merchantId: "shop-1", consentId: UUID()), key: Self.key)
        let spliced = token.split(separator: ".")[0] + "." + other.split(separator: ".")[1]
        #expect(CancelToken.verify(String(spliced), key: Self.key) == nil)
    }

    @Test(arguments: ["", ".", "abc", "abc.def", "a.b.c", "====.===="])
    func malformedTokensAreRefused(token: String) {
        #expect(CancelToken.verify(token, key: Self.key) == nil)
    }

    /// Every length up to three blocks, so that each padding case and both substituted characters occur.
    @Test func base64URLIsStandardBase64WithTheURLAlphabetAndNoPadding() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...48 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let standard = Data(bytes).base64EncodedString()
                let expected = String(
                    standard.compactMap { character -> Character? in
                        switch character {
                        case "+": "-"
                        case "/": "_"
                        case "=": nil
                        default: character
                        }
                    })
                let encoded = Base64URL.encode(bytes)
                #expect(encoded == expected)
                #expect(Base64URL.decode(Substring(encoded)) == bytes)
            }
        }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }
}
