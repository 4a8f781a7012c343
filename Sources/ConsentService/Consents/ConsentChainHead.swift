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
    static let move = PGStatement(
        "UPDATE consents SET last_event_seq = $3, last_event_hash = $4, updated_at = $5 WHERE merchant_id = $1 AND id = $2")

    /// Locks the consent row until the transaction ends; nil when the consent does not exist (any more).
    static func lock(merchantId: String, consentId: UUID, on connection: PGConnection) throws -> ConsentChainHead? {
        let result = try connection.query(lock, [merchantId, consentId])
        guard result.rowCount == 1 else { return nil }
        return ConsentChainHead(
            merchantId: merchantId, consentId: consentId, lastEventSeq: try result[0].decode(Int.self, 0),
            lastEventHash: try result[0].decode(String.self, 1))
    }

    /// Chains one event, writes it and moves the consent's head, in the caller's transaction.
    mutating func append(_ type: String, data: JSONValue, actor: String, at: Instant, on connection: PGConnection)
        throws
    {
        let seq = lastEventSeq + 1
        let hash = EventChain.hash(seq: seq, type: type, at: at, actor: actor, data: data, prevHash: lastEventHash)
        _ = try connection.query(ConsentEventLog.insert, [
            merchantId, consentId, seq, type, at.rfc3339, actor, String(decoding: data.serialized(), as: UTF8.self),
            lastEventHash, hash,
        ])
        lastEventSeq = seq
        lastEventHash = hash
        _ = try connection.query(Self.move, [merchantId, consentId, seq, hash, at.rfc3339])
    }
}
