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
}
