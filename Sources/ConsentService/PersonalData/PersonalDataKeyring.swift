import Crypto
import Foundation
import PGClient

/// Bytes sealed with AES-256-GCM under one of the configured keys: `bytes` is nonce (12) ‖ ciphertext ‖ tag (16),
/// and `keyId` names the key, stored beside it so keys can be rotated without rewriting everything at once.
struct SealedValue: Sendable, Equatable {
    let keyId: String
    let bytes: [UInt8]
}

/// The keys personal data is sealed with: the current one seals, every listed one opens. A value is bound to the
/// row it belongs to through its associated data (`context`), so a ciphertext copied to another row fails to open.
struct PersonalDataKeyring: Sendable {
    /// `SymmetricKey` is an immutable value that swift-crypto has not yet marked Sendable.
    private struct SealingKey: @unchecked Sendable {
        let value: SymmetricKey
    }

    let currentKeyId: String
    private let keys: [String: SealingKey]

    /// `keys` in order of preference: the first seals.
    init(keys: [(id: String, key: SymmetricKey)]) throws {
        guard let first = keys.first else { throw ConfigurationError(message: "no personal data key is configured") }
        var byId: [String: SealingKey] = [:]
        for entry in keys {
            guard byId.updateValue(SealingKey(value: entry.key), forKey: entry.id) == nil else {
                throw ConfigurationError(message: "personal data key id \(entry.id) is listed twice")
            }
        }
        currentKeyId = first.id
        self.keys = byId
    }

    var keyIds: Set<String> { Set(keys.keys) }

    func seal(_ plaintext: [UInt8], context: SealingContext) -> SealedValue {
        // A random 96-bit nonce per value; keys are rotated long before 2^32 values make a repeat likely.
        guard let key = keys[currentKeyId],
            let box = try? AES.GCM.seal(plaintext, using: key.value, authenticating: context.associatedData),
            let combined = box.combined
        else {
            // Only a malformed key could get here, and keys are checked when read.
            preconditionFailure("sealing with a 32-byte key cannot fail")
        }
        return SealedValue(keyId: currentKeyId, bytes: Array(combined))
    }

    func open(_ sealed: SealedValue, context: SealingContext) throws -> [UInt8] {
        guard let key = keys[sealed.keyId] else { throw PersonalDataError.unknownKey(sealed.keyId) }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.bytes)
            return Array(try AES.GCM.open(box, using: key.value, authenticating: context.associatedData))
        } catch {
            throw PersonalDataError.notAuthentic(context.description)
        }
    }
}

/// What a sealed value belongs to; sealed into its tag so it opens only there.
struct SealingContext: Sendable, CustomStringConvertible {
    let description: String

    static func consent(merchantId: String, consentId: UUID) -> SealingContext {
        SealingContext(description: "consent/\(merchantId)/\(consentId.lowercasedString)")
    }

    static func message(merchantId: String, outboxId: UUID) -> SealingContext {
        SealingContext(description: "message/\(merchantId)/\(outboxId.lowercasedString)")
    }

    static func amendment(merchantId: String, amendmentId: UUID) -> SealingContext {
        SealingContext(description: "amendment/\(merchantId)/\(amendmentId.lowercasedString)")
    }

    static func idempotentResponse(merchantId: String, key: String) -> SealingContext {
        SealingContext(description: "idempotency/\(merchantId)/\(key)")
    }

    var associatedData: [UInt8] { Array(("consent-service/v1/" + description).utf8) }
}

enum PersonalDataError: Error, CustomStringConvertible {
    /// Sealed under a key that is not configured (removed too early, or the wrong key file).
    case unknownKey(String)
    /// The value fails authentication: altered, moved from another row, or the key under its id is not the one
    /// that sealed it.
    case notAuthentic(String)
    case malformed(String)

    var description: String {
        switch self {
        case .unknownKey(let id): "personal data is sealed with key \(id), which is not configured"
        case .notAuthentic(let context): "sealed personal data of \(context) does not authenticate"
        case .malformed(let context): "sealed personal data of \(context) is not in the expected layout"
        }
    }
}
