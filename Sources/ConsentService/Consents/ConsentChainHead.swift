import ConsentRules
import Foundation
import PGClient

/// The end of one consent's event chain, read with the consent row locked: what a writer that is not
/// changing the consent itself (the notifier, the overdue check) needs to append an event.
struct ConsentChainHead: Sendable {
    let merchantId: String
    let consentId: UUID
    var lastEventSeq: Int
    var lastEventHash: String

    static let lock = PGStatement(
        "SELECT last_event_seq, last_event_hash FROM consents WHERE merchant_id = $1 AND id = $2 FOR UPDATE")
    /// The event and the consent's new head in one statement. `$10`, when not null, is also recorded as the
    /// confirmation's sent time unless one is recorded already.
    static let appendStatement = PGStatement(
        """
        WITH event AS (
            INSERT INTO consent_events (merchant_id, consent_id, seq, type, at, actor, data, prev_hash, hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)
        )
        UPDATE consents
        SET last_event_seq = $3, last_event_hash = $9, updated_at = $5,
            confirmation_sent_at = COALESCE(confirmation_sent_at, $10::timestamptz)
        WHERE merchant_id = $1 AND id = $2
        """)

    /// Locks the consent row until the transaction ends; nil when the consent does not exist (any more).
    static func lock(merchantId: String, consentId: UUID, on connection: PGConnection) throws -> ConsentChainHead? {
        let result = try connection.query(lock, [merchantId, consentId])
        guard result.rowCount == 1 else { return nil }
        return ConsentChainHead(
            merchantId: merchantId, consentId: consentId, lastEventSeq: try result[0].decode(Int.self, 0),
            lastEventHash: try result[0].decode(String.self, 1))
    }

    /// An event chained onto a head, ready to write.
    struct ChainedEvent: Sendable {
        let merchantId: String
        let consentId: UUID
        let seq: Int
        let type: String
        let at: Instant
        let actor: String
        /// The event's data as JSON text.
        let data: String
        let prevHash: String
        let hash: String
    }

    /// Chains one event onto this head and moves the head past it, without writing anything.
    mutating func chain(_ type: String, data: JSONValue, actor: String, at: Instant) -> ChainedEvent {
        let seq = lastEventSeq + 1
        let hash = EventChain.hash(seq: seq, type: type, at: at, actor: actor, data: data, prevHash: lastEventHash)
        let event = ChainedEvent(
            merchantId: merchantId, consentId: consentId, seq: seq, type: type, at: at, actor: actor,
            data: String(decoding: data.serialized(), as: UTF8.self), prevHash: lastEventHash, hash: hash)
        lastEventSeq = seq
        lastEventHash = hash
        return event
    }

    /// Chains one event, writes it and moves the consent's head, in the caller's transaction.
    mutating func append(
        _ type: String, data: JSONValue, actor: String, at: Instant, confirmationSentAt: Instant? = nil,
        on connection: PGConnection
    ) throws {
        let event = chain(type, data: data, actor: actor, at: at)
        _ = try connection.query(Self.appendStatement, [
            merchantId, consentId, event.seq, event.type, event.at.rfc3339, event.actor, event.data, event.prevHash,
            event.hash, confirmationSentAt?.rfc3339,
        ])
    }
}

extension ConsentChainHead {
    /// The head of a consent whose row the transaction holds locked (`ConsentQueries.lockForChange`).
    init(of consent: ConsentRecord) {
        self.init(
            merchantId: consent.merchantId, consentId: consent.id, lastEventSeq: consent.lastEventSeq,
            lastEventHash: consent.lastEventHash)
    }
}
