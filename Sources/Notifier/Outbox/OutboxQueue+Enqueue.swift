import ConsentRules
import Foundation
import PGClient

/// The writes that put messages into the outbox or take them out before they are sent. They run in the caller's
/// transaction, beside the change that owes the message, so the change and its messages commit together or not
/// at all. Webhook posts are the exception: the database queues those itself for each new consent event.
extension OutboxQueue {
    static let enqueueStatement = PGStatement(
        """
        INSERT INTO outbox (merchant_id, id, consent_id, kind, payload, due_at)
        VALUES ($1, $2, $3, $4, $5::jsonb, $6)
        """)

    /// Queues one message for `consentId`, due at `dueAt`; `id` orders it among the consent's messages.
    public static func enqueue(
        _ kind: OutboxKind, id: UUID, merchantId: String, consentId: UUID, dueAt: Instant,
        payload: JSONValue = .object([:]), on connection: PGConnection
    ) throws {
        _ = try connection.query(enqueueStatement, [
            merchantId, id, consentId, kind.rawValue, String(decoding: payload.serialized(), as: UTF8.self),
            dueAt.rfc3339,
        ])
    }

    /// SQL that queues a message of `kind`, with an empty payload, for each row of `rows`: a query whose columns
    /// are the merchant id, the message id, the consent id and the due time, in that order. For a statement
    /// that writes messages together with what owes them in one round trip.
    public static func enqueueSQL(_ kind: OutboxKind, from rows: String) -> String {
        // The kind's raw value is one of this enum's fixed words, never outside input.
        """
        INSERT INTO outbox (merchant_id, id, consent_id, kind, payload, due_at)
        SELECT queued.merchant_id, queued.id, queued.consent_id, '\(kind.rawValue)', '{}'::jsonb, queued.due_at
        FROM (\(rows)) AS queued (merchant_id, id, consent_id, due_at)
        """
    }

    /// Messages a worker holds are left to it: it asks the handler's `stillWanted` right before handing one over
    /// and gives it back unsent, or, if it went out first, records it as sent, which it was. `$4` now.
    static let withdrawQueuedStatement = PGStatement(
        """
        UPDATE outbox SET state = 'withdrawn', last_error = $5, lease_owner = NULL, lease_until = NULL
        WHERE merchant_id = $1 AND consent_id = $2 AND kind = $3 AND state = 'queued'
          AND (lease_until IS NULL OR lease_until < $4)
        """)

    /// Withdraws the consent's queued messages of `kind` that no worker holds; answers how many.
    public static func withdrawQueued(
        _ kind: OutboxKind, merchantId: String, consentId: UUID, reason: String, now: Instant,
        on connection: PGConnection
    ) throws -> Int {
        try connection.query(withdrawQueuedStatement, [merchantId, consentId, kind.rawValue, now.rfc3339, reason])
            .affectedRows
    }

    /// Up to `$2` emails whose recipient is stored as is, or (`$1` not null) sealed under another key than `$1`,
    /// locked for resealing: merchant id, id, the plain address, the sealed bytes and their key id.
    public static let recipientsToSealStatement = PGStatement(
        """
        SELECT merchant_id, id, recipient, recipient_sealed, recipient_key FROM outbox
        WHERE kind <> 'webhook'
          AND (recipient IS NOT NULL OR ($1::text IS NOT NULL AND recipient_key <> $1))
        LIMIT $2 FOR UPDATE
        """)

    /// Replaces a message's recipient (`$1` merchant id, `$2` id) with its sealed form (`$3` bytes, `$4` key id).
    public static let sealRecipientStatement = PGStatement(
        "UPDATE outbox SET recipient = NULL, recipient_sealed = $3, recipient_key = $4 WHERE merchant_id = $1 AND id = $2"
    )
}
