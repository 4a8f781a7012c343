import ConsentRules
import Crypto
import Foundation

/// Standard Webhooks signing: the receiver gets `webhook-id`, `webhook-timestamp` (Unix seconds) and
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the bytes of the endpoint's
/// `whsec_<base64>` secret.
public enum WebhookSignature {
    public static let secretPrefix = "whsec_"

    /// A new secret of 32 random bytes, as shown once to the merchant.
    public static func makeSecret() -> String {
        secretPrefix + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The key bytes of a `whsec_…` secret, or nil when it is not one.
    public static func keyBytes(ofSecret secret: String) -> [UInt8]? {
        guard secret.hasPrefix(secretPrefix), let data = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))),
            !data.isEmpty
        else { return nil }
        return Array(data)
    }

    public static func sign(id: String, timestamp: Int64, body: [UInt8], key: [UInt8]) -> String {
        let content = Array("\(id).\(timestamp).".utf8) + body
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three headers of one delivery attempt.
    public static func headers(id: String, timestamp: Int64, body: [UInt8], key: [UInt8]) -> [(String, String)] {
        [
            ("webhook-id", id), ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", sign(id: id, timestamp: timestamp, body: body, key: key)),
        ]
    }
}
