import ConsentRules
import Crypto
import Foundation
import Notifier
import PGClient

/// What a message is about: the consent and its merchant, read in one statement when a message is composed.
struct MessageSubject: Sendable {
    struct Merchant: Sendable {
        let name: String
        let sender: String
        let supportEmail: String
        let cancelTokenKey: [UInt8]
    }

    let consent: ConsentRecord
    let merchant: Merchant

    static let load = PGStatement(
        """
        SELECT \(ConsentRow.selectList(alias: "c")), m.name, m.sender, m.support_email, m.cancel_token_key
        FROM consents c JOIN merchants m ON m.merchant_id = c.merchant_id
        WHERE c.merchant_id = $1 AND c.id = $2
        """)

    /// Nil when the consent no longer exists.
    static func load(merchantId: String, consentId: UUID, pool: PGPool, keyring: PersonalDataKeyring) async throws
        -> MessageSubject?
    {
        try await pool.withConnection { connection in
            let result = try connection.query(load, [merchantId, consentId])
            guard result.rowCount == 1 else { return nil }
            var cursor = RowCursor(result[0])
            let consent = try ConsentRow.decode(&cursor, keyring: keyring)
            let merchant = Merchant(
                name: try cursor.next(), sender: try cursor.next(), supportEmail: try cursor.next(),
                cancelTokenKey: try cursor.next())
            return MessageSubject(consent: consent, merchant: merchant)
        }
    }

    func cancelURL(publicURL: String) -> String {
        let token = CancelToken.issue(
            for: .init(merchantId: consent.merchantId, consentId: consent.id), key: SymmetricKey(data: merchant.cancelTokenKey))
        return publicURL + "/cancel/" + token
    }

    /// What a message or a consumer page shows about this consent, with its cancel link.
    func facts(cancelURL: String, debit: MessageFacts.Debit? = nil) -> MessageFacts {
        let draft = consent.draft
        return MessageFacts(
            merchantName: merchant.name, supportEmail: merchant.supportEmail,
            consumerFirstName: draft.consumer.firstName, consumerLastName: draft.consumer.lastName,
            merchantReference: draft.merchantReference, terms: draft.terms, card: draft.card,
            communicationAddress: draft.communication.address, cancelURL: cancelURL, debit: debit,
            cancellationEffectiveAt: consent.cancellation?.effectiveAt)
    }
}
