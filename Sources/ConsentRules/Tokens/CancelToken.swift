import Crypto
import Foundation

/// The token of a consumer's cancel link, `{PUBLIC_URL}/cancel/{token}`: it names one consent of one merchant
/// and carries an HMAC-SHA256 under the service's secret, so it needs no API key and cannot be forged or
/// pointed at another consent.
public enum CancelToken {
    public struct Subject: Hashable, Sendable {
        public let merchantId: String
        public let consentId: UUID

        public init(merchantId: String, consentId: UUID) {
            self.merchantId = merchantId
            self.consentId = consentId
        }
    }

    /// `base64url(consent id bytes ‖ merchant id) "." base64url(HMAC)`.
    public static func issue(for subject: Subject, key: SymmetricKey) -> String {
        let payload = payload(of: subject)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return Base64URL.encode(payload) + "." + Base64URL.encode(Array(mac))
    }

    /// The consent a token names, or nil for anything altered, truncated or signed with another key.
    public static func verify(_ token: String, key: SymmetricKey) -> Subject? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count <= 200,
            let payload = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]),
            payload.count > 16, mac.count == SHA256.byteCount,
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key)
        else { return nil }
        let idBytes = Array(payload.prefix(16))
        let consentId = UUID(uuid: (
            idBytes[0], idBytes[1], idBytes[2], idBytes[3], idBytes[4], idBytes[5], idBytes[6], idBytes[7],
            idBytes[8], idBytes[9], idBytes[10], idBytes[11], idBytes[12], idBytes[13], idBytes[14], idBytes[15]))
        guard let merchantId = String(bytes: payload.dropFirst(16), encoding: .utf8) else { return nil }
        return Subject(merchantId: merchantId, consentId: consentId)
    }

    /// The merchant a token claims to belong to, read without checking it, only to find the key to verify it with.
    public static func claimedMerchantId(_ token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count <= 200, let payload = Base64URL.decode(parts[0]), payload.count > 16
        else { return nil }
        // Merchant ids are short ASCII identifiers; anything else is an altered token, not worth a lookup.
        let id = payload.dropFirst(16)
        guard id.count <= 64, id.allSatisfy({ byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }) else { return nil }
        return String(decoding: id, as: UTF8.self)
    }

    private static func payload(of subject: Subject) -> [UInt8] {
        let id = subject.consentId.uuid
        return [
            id.0, id.1, id.2, id.3, id.4, id.5, id.6, id.7, id.8, id.9, id.10, id.11, id.12, id.13, id.14, id.15,
        ] + Array(subject.merchantId.utf8)
    }
}

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5), as tokens travel in paths.
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        // Byte by byte: Foundation's string replacing goes through NSString, three times per token.
        var encoded: [UInt8] = []
        encoded.reserveCapacity((bytes.count + 2) / 3 * 4)
        for byte in Data(bytes).base64EncodedData() {
            switch byte {
            case UInt8(ascii: "+"): encoded.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): encoded.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): break
            default: encoded.append(byte)
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// nil for any character outside the URL-safe alphabet (padding included) or an impossible length.
    public static func decode(_ text: Substring) -> [UInt8]? {
        guard text.utf8.allSatisfy({ isAlphabet($0) }), text.utf8.count % 4 != 1 else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: standard) else { return nil }
        // Reject non-canonical encodings (unused bits set), so one token has exactly one spelling.
        guard encode(Array(data)) == text else { return nil }
        return Array(data)
    }

    private static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
