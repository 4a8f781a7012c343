import ConsentRules
import Crypto
import Foundation

/// API keys: 32 random bytes, shown once, kept only as a SHA-256. A key is high-entropy, so a plain hash is
/// enough to make the stored value useless to whoever reads the table.
enum APIKey {
    static let prefix = "csk_"

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + Data(bytes).base64URLEncoded
    }

    static func hash(_ key: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(key.utf8)))
    }

    /// The first characters, enough for an operator to tell keys apart in a listing.
    static func displayPrefix(_ key: String) -> String {
        String(key.prefix(prefix.count + 6))
    }

    /// The key of an `Authorization: Bearer <key>` header, or nil. Runs on every request, so it stays
    /// away from Foundation's character-set trimming.
    static func bearerToken(_ header: String?) -> String? {
        guard let header, let space = header.firstIndex(of: " ") else { return nil }
        // Setting bit 5 lowercases an ASCII letter, and no other byte becomes one of "bearer"'s letters.
        guard header[..<space].utf8.elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }) else { return nil }
        var token = header[header.index(after: space)...].drop(while: { $0 == " " })
        while token.last == " " { token = token.dropLast() }
        guard !token.isEmpty, token.utf8.count <= 200 else { return nil }
        return String(token)
    }
}

extension Data {
    var base64URLEncoded: String { Base64URL.encode(Array(self)) }
}
