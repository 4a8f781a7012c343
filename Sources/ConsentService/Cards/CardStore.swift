import ConsentRules
import Foundation
import PGClient

/// Records the card a consent now uses. In one transaction with the consent locked: the history keeps the
/// card captured (on the first update) and the new one from today on, the consent's row shows the new card,
/// and `card.updated` is appended.
struct CardStore: Sendable {
    let pool: PGPool
    let clock: AppClock
    let keyring: PersonalDataKeyring

    static let currentSeq = PGStatement("SELECT card_seq FROM consents WHERE merchant_id = $1 AND id = $2")

    static let insertCard = PGStatement(
        """
        INSERT INTO consent_cards (merchant_id, consent_id, seq, brand, last4, expiry_month, expiry_year, source,
                                   account_closed, effective_from, recorded_at, recorded_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        """)

    static let useCard = PGStatement(
        """
        UPDATE consents
        SET card_brand = $3, card_last4 = $4, card_expiry_month = $5, card_expiry_year = $6, card_seq = $7,
            card_account_closed = $8, updated_at = $9
        WHERE merchant_id = $1 AND id = $2
        """)

    func update(consentId: UUID, body: JSONValue, keyHash: [UInt8]) async throws -> JSONValue {
        let now = clock.now()
        return try await pool.withTransaction { connection in
            var (principal, consent) = try ConsentQueries.lockForChange(
                consentId: consentId, keyHash: keyHash, permission: .updateCard, keyring: keyring, on: connection)
            let timeZone = principal.merchant.timeZone
            let today = now.localDate(in: timeZone)
            let status = consent.effectiveStatus(at: now)
            guard status == .active || status == .pending else {
                throw APIError.invalidState("The consent is \(status.rawValue); only a pending or active consent takes a new card.")
            }
            let update: CardUpdate
            switch CardUpdateValidator.validate(body, today: today) {
            case .valid(let valid): update = valid
            case .cardNumber: throw APIError.cardNumber
            case .invalid(let fields): throw APIError.validation(fields)
            }
            let seq = try connection.query(Self.currentSeq, [consent.merchantId, consent.id])[0].decode(Int.self, 0)
            let old = consent.draft.card
            if seq == 0 {
                // The card captured, in force until today.
                try Self.insert(
                    old, seq: 0, source: "capture", closed: false, from: consent.createdAt.localDate(in: timeZone),
                    consent: consent, at: now, by: principal.actor, on: connection)
            }
            try Self.insert(
                update.card, seq: seq + 1, source: update.source.rawValue, closed: update.accountClosed, from: today,
                consent: consent, at: now, by: principal.actor, on: connection)
            let card = update.card
            _ = try connection.query(Self.useCard, [
                consent.merchantId, consent.id, card.brand, card.last4, card.expiryMonth, card.expiryYear, seq + 1,
                update.accountClosed, now.rfc3339,
            ])
            var head = ConsentChainHead(of: consent)
            try head.append(
                "card.updated",
                data: [
                    "cardSeq": .integer(seq + 1), "source": .string(update.source.rawValue),
                    "accountStatus": .string(update.accountClosed ? "closed" : "open"), "effectiveFrom": .string(today.iso),
                    "old": Self.summary(old), "new": Self.summary(card),
                ],
                actor: principal.actor, at: now, on: connection)
            consent.draft = ConsentDraft(
                merchantReference: consent.draft.merchantReference, consumer: consent.draft.consumer,
                terms: consent.draft.terms, communication: consent.draft.communication, card: card,
                evidence: consent.draft.evidence, recurrenceId: consent.draft.recurrenceId)
            consent.cardAccountClosed = update.accountClosed
            consent.lastEventSeq = head.lastEventSeq
            consent.lastEventHash = head.lastEventHash
            let terms = try ConsentTermsVersions.load(of: consent, at: now, on: connection)
            return ConsentRepresentation.json(consent, terms: terms, now: now)
        }
    }

    /// What events keep of a card: never more than its brand, last four digits and expiry.
    static func summary(_ card: Card) -> JSONValue {
        [
            "brand": .string(card.brand), "last4": .string(card.last4), "expiryMonth": .integer(card.expiryMonth),
            "expiryYear": .integer(card.expiryYear),
        ]
    }

    private static func insert(
        _ card: Card, seq: Int, source: String, closed: Bool, from day: LocalDate, consent: ConsentRecord,
        at now: Instant, by actor: String, on connection: PGConnection
    ) throws {
        _ = try connection.query(insertCard, [
            consent.merchantId, consent.id, seq, card.brand, card.last4, card.expiryMonth, card.expiryYear, source,
            closed, day.iso, now.rfc3339, actor,
        ])
    }
}
