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
        /// Where the merchant's days are: times in messages are shown there.
        let timeZone: TimeZone
    }

    let consent: ConsentRecord
    let merchant: Merchant

    static let load = PGStatement(
        """
        SELECT \(ConsentRow.selectList(alias: "c")), m.name, m.sender, m.support_email, m.cancel_token_key, m.timezone
        FROM consents c JOIN merchants m ON m.merchant_id = c.merchant_id
        WHERE c.merchant_id = $1 AND c.id = $2
        """)

    /// `load` for a batch: merchant ids $1 and consent ids $2, one row per pair in their order, all null for a
    /// consent that no longer exists.
    static let loadBatch = PGStatement(
        """
        SELECT \(ConsentRow.selectList(alias: "c")), m.name, m.sender, m.support_email, m.cancel_token_key, m.timezone
        FROM unnest($1::text[], $2::uuid[]) WITH ORDINALITY AS a(merchant_id, id, n)
        LEFT JOIN consents c ON c.merchant_id = a.merchant_id AND c.id = a.id
        LEFT JOIN merchants m ON m.merchant_id = c.merchant_id
        ORDER BY a.n
        """, planning: .generic)

    /// Nil when the consent no longer exists.
    static func load(merchantId: String, consentId: UUID, pool: PGPool, keyring: PersonalDataKeyring) async throws
        -> MessageSubject?
    {
        try await pool.withConnection { connection in
            let result = try connection.query(load, [merchantId, consentId])
            guard result.rowCount == 1 else { return nil }
            return try decode(result[0], keyring: keyring)
        }
    }

    /// A row of `load` or `loadBatch`; nil for the null row of a consent that no longer exists.
    static func decode(_ row: PGRow, keyring: PersonalDataKeyring) throws -> MessageSubject? {
        var cursor = RowCursor(row)
        guard !cursor.isNullAhead else { return nil }
        let consent = try ConsentRow.decode(&cursor, keyring: keyring)
        let name: String = try cursor.next()
        let sender: String = try cursor.next()
        let supportEmail: String = try cursor.next()
        let cancelTokenKey: [UInt8] = try cursor.next()
        guard let timeZone = TimeZone(identifier: try cursor.next(String.self)) else {
            throw StoredDataError(column: "merchants.timezone")
        }
        let merchant = Merchant(
            name: name, sender: sender, supportEmail: supportEmail, cancelTokenKey: cancelTokenKey, timeZone: timeZone)
        return MessageSubject(consent: consent, merchant: merchant)
    }

    func cancelURL(publicURL: String) -> String {
        let token = CancelToken.issue(
            for: .init(merchantId: consent.merchantId, consentId: consent.id), key: SymmetricKey(data: merchant.cancelTokenKey))
        return publicURL + "/cancel/" + token
    }

    /// What a message or a consumer page shows about this consent, with its cancel link.
    func facts(
        cancelURL: String, debit: MessageFacts.Debit? = nil, amendment: MessageFacts.Amendment? = nil
    ) -> MessageFacts {
        let draft = consent.draft
        return MessageFacts(
            merchantName: merchant.name, supportEmail: merchant.supportEmail,
            consumerFirstName: draft.consumer.firstName, consumerLastName: draft.consumer.lastName,
            merchantReference: draft.merchantReference, terms: amendment?.newTerms ?? draft.terms, card: draft.card,
            communicationAddress: draft.communication.address, cancelURL: cancelURL, debit: debit,
            cancellationEffectiveAt: consent.cancellation?.effectiveAt, amendment: amendment,
            timeZone: merchant.timeZone)
    }
}

/// The consent a message is about, by its key.
struct MessageSubjectKey: Sendable {
    let merchantId: String
    let consentId: UUID
}

/// Loads the subjects of messages composed at the same time with one statement (`StatementBatcher`), so that
/// a notifier sending many messages at once does not pay a database round trip for each. Each caller decodes
/// its own row, on its own thread.
struct MessageSubjectLoader: Sendable {
    private let batcher: StatementBatcher<MessageSubjectKey, PGRow>
    private let keyring: PersonalDataKeyring

    init(pool: PGPool, keyring: PersonalDataKeyring, concurrency: Int = 2, maxBatch: Int = 64) {
        self.keyring = keyring
        batcher = StatementBatcher(pool: pool, concurrency: concurrency, maxBatch: maxBatch) { connection, keys in
            try connection.query(
                MessageSubject.loadBatch,
                [PGTextArray(keys.map { $0.merchantId }), PGTextArray(keys.map { $0.consentId.lowercasedString })]
            ).oneRowPerQuestion(asked: keys.count).map { .success($0) }
        }
    }

    /// Nil when the consent no longer exists.
    func load(merchantId: String, consentId: UUID) async throws -> MessageSubject? {
        let row = try await batcher.answer(MessageSubjectKey(merchantId: merchantId, consentId: consentId))
        return try MessageSubject.decode(row, keyring: keyring)
    }
}
