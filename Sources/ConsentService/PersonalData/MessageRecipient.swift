import Notifier

/// Where a message went, as the outbox keeps it: an email's address sealed like the rest of the consumer's
/// personal data, a webhook's URL (the merchant's) as it is.
enum MessageRecipient {
    /// An email's recipient, to record once the message is sent.
    static func sealed(_ address: String, context: SealingContext, keyring: PersonalDataKeyring) -> StoredRecipient {
        let sealed = keyring.seal(Array(address.utf8), context: context)
        return .sealed(bytes: sealed.bytes, keyId: sealed.keyId)
    }

    static func open(
        plain: String?, sealed: [UInt8]?, keyId: String?, context: SealingContext, keyring: PersonalDataKeyring
    ) throws -> String? {
        guard let sealed, let keyId else { return plain }
        let bytes = try keyring.open(SealedValue(keyId: keyId, bytes: sealed), context: context)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PersonalDataError.malformed(context.description)
        }
        return text
    }
}
