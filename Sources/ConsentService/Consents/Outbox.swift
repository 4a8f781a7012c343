import ConsentRules
import Foundation
import PGClient

/// Messages implied by a change, queued in the same transaction as the change; the notifier sends them.
enum Outbox {
    enum Kind: String, Sendable {
        case confirmation
        case notice
        case cancellation
    }

    static let enqueue = PGStatement(
        """
        INSERT INTO outbox (merchant_id, id, consent_id, kind, payload, due_at)
        VALUES ($1, $2, $3, $4, $5::jsonb, $6)
        """)

    static func enqueue(
        _ kind: Kind, for consent: ConsentRecord, dueAt: Instant, payload: JSONValue = .object([:]),
        on connection: PGConnection
    ) throws {
        _ = try connection.query(enqueue, [
            consent.merchantId, UUID.v7(at: dueAt), consent.id, kind.rawValue,
            String(decoding: payload.serialized(), as: UTF8.self), dueAt.rfc3339,
        ])
    }
}
