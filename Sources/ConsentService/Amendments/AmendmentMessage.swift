import ConsentRules
import Foundation
import Notifier
import PGClient

/// What the emails about an amendment need, found by the amendment id in the message's payload, and what
/// their sending records on the amendment.
enum AmendmentMessage {
    /// The amendment and the terms it changes: those of the version before it still standing, or nil for the
    /// consent's own.
    struct Loaded: Sendable {
        let amendment: StoredAmendment
        let previousTerms: Terms?
    }

    static let previous = PGStatement(
        """
        SELECT \(ConsentRow.termsList(alias: "a")) FROM consent_amendments a
        WHERE a.merchant_id = $1 AND a.consent_id = $2 AND a.version < $3 AND a.withdrawn_at IS NULL
        ORDER BY a.version DESC LIMIT 1
        """)

    static func amendmentId(of message: ClaimedMessage) -> UUID? {
        (try? JSONValue.parse(Array(message.payload.utf8)))?["amendmentId"]?.stringValue
            .flatMap(UUID.init(canonicalText:))
    }

    /// Nil when the message names no amendment of its consent (any more).
    static func load(_ message: ClaimedMessage, pool: PGPool, keyring: PersonalDataKeyring) async throws -> Loaded? {
        guard let consentId = message.consentId, let amendmentId = amendmentId(of: message) else { return nil }
        return try await pool.withConnection { connection in
            let rows = try connection.query(AmendmentRow.list, [message.merchantId, consentId, amendmentId])
            guard rows.rowCount == 1 else { return nil }
            let amendment = try StoredAmendment.decode(rows[0], merchantId: message.merchantId, keyring: keyring)
            let before = try connection.query(previous, [message.merchantId, consentId, amendment.version])
            var previousTerms: Terms?
            if before.rowCount == 1 {
                var cursor = RowCursor(before[0])
                previousTerms = try ConsentRow.decodeTerms(&cursor)
            }
            return Loaded(amendment: amendment, previousTerms: previousTerms)
        }
    }

    static let noticeSent = PGStatement(
        """
        UPDATE consent_amendments SET notice_sent_at = coalesce(notice_sent_at, $3)
        WHERE merchant_id = $1 AND notice_outbox_id = $2 RETURNING id
        """)
    static let confirmationSent = PGStatement(
        """
        UPDATE consent_amendments SET confirmation_sent_at = coalesce(confirmation_sent_at, $3)
        WHERE merchant_id = $1 AND confirmation_outbox_id = $2 RETURNING id
        """)

    /// Records on its amendment when a notice or confirmation went out; the amendment's id, or nil for another
    /// kind of message.
    static func recordSent(_ message: ClaimedMessage, at sentAt: Instant, on connection: PGConnection) throws -> UUID? {
        let statement: PGStatement
        switch message.kind {
        case .amendmentNotice: statement = noticeSent
        case .amendmentConfirmation: statement = confirmationSent
        default: return amendmentId(of: message)
        }
        let result = try connection.query(statement, [message.merchantId, message.id, sentAt.rfc3339])
        return result.rowCount == 1 ? try result[0].decode(UUID.self, 0) : nil
    }
}
