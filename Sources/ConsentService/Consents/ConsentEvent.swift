import ConsentRules
import Foundation
import PGClient

/// One link of a consent's hash chain: the rules module's own link, as the service stores and shows it.
typealias ConsentEvent = ChainCheck.Link

extension ChainCheck.Link {
    /// Decodes the columns `seq, type, at (microseconds), actor, data::text, prev_hash, hash`.
    init(from cursor: inout RowCursor) throws {
        self.init(
            seq: try cursor.next(), type: try cursor.next(), at: Instant(microsecondsSinceEpoch: try cursor.next()),
            actor: try cursor.next(), data: try JSONValue.parse(Array(try cursor.next(String.self).utf8)),
            prevHash: try cursor.next(), hash: try cursor.next())
    }

    var json: JSONValue {
        .object([
            "seq": .integer(seq), "type": .string(type), "at": .string(at.rfc3339), "actor": .string(actor),
            "data": data, "hash": .string(hash), "prevHash": .string(prevHash),
        ])
    }
}

/// Appends events to a consent's chain. The consent row keeps the chain's head (last seq and hash), and every
/// writer holds that row locked, so two writers can never fork a chain.
enum ConsentEventLog {
    static let insert = PGStatement(
        """
        INSERT INTO consent_events (merchant_id, consent_id, seq, type, at, actor, data, prev_hash, hash)
        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)
        """)

    /// Extends the chain in memory and moves the consent's head; the caller writes both in one transaction.
    static func chain(
        _ type: String, data: JSONValue, actor: String, at: Instant, onto consent: inout ConsentRecord
    ) -> ConsentEvent {
        let seq = consent.lastEventSeq + 1
        let hash = EventChain.hash(seq: seq, type: type, at: at, actor: actor, data: data, prevHash: consent.lastEventHash)
        let event = ConsentEvent(
            seq: seq, type: type, at: at, actor: actor, data: data, prevHash: consent.lastEventHash, hash: hash)
        consent.lastEventSeq = seq
        consent.lastEventHash = hash
        return event
    }

    static let history = PGStatement(
        """
        SELECT seq, type, \(microseconds("at")), actor, data::text, prev_hash, hash FROM consent_events
        WHERE merchant_id = $1 AND consent_id = $2 ORDER BY seq
        """)

    /// A consent's events, oldest first.
    static func load(merchantId: String, consentId: UUID, on connection: PGConnection) throws -> [ConsentEvent] {
        try connection.query(history, [merchantId, consentId]).map { row in
            var cursor = RowCursor(row)
            return try ConsentEvent(from: &cursor)
        }
    }

    static func write(_ events: [ConsentEvent], of consent: ConsentRecord, on connection: PGConnection) throws {
        for event in events {
            _ = try connection.query(insert, [
                consent.merchantId, consent.id, event.seq, event.type, event.at.rfc3339, event.actor,
                String(decoding: event.data.serialized(), as: UTF8.self), event.prevHash, event.hash,
            ])
        }
    }
}
