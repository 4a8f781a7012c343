import ConsentRules
import Foundation
import PGClient

/// Events appended to the chains of many consents in the caller's transaction with two statements, however many
/// there are: one locks the consents, one writes every event and every consent's new head. The notifier records
/// a batch of sent messages this way.
struct ConsentChainBatch {
    struct Key: Hashable {
        let merchantId: String
        let consentId: UUID
    }

    /// The consents locked, by key; a key whose consent no longer exists is absent.
    private var heads: [Key: ConsentChainHead]
    private var events: [ConsentChainHead.ChainedEvent] = []
    /// Per consent, the first confirmation's sent time among the events appended.
    private var confirmationsSentAt: [Key: Instant] = [:]

    /// Rows come back sorted, and are locked in that order, so that two batches locking some of the same
    /// consents take them in the same order and never each wait for the other.
    static let lockStatement = PGStatement(
        """
        SELECT c.merchant_id, c.id, c.last_event_seq, c.last_event_hash
        FROM consents c JOIN unnest($1::text[], $2::uuid[]) AS k(merchant_id, id)
            ON c.merchant_id = k.merchant_id AND c.id = k.id
        ORDER BY c.merchant_id, c.id
        FOR UPDATE OF c
        """, planning: .generic)

    /// The events ($1–$9, one array element per event, in chain order) and each consent's new head ($10–$15, one
    /// element per consent). `confirmation_sent_at` is only ever set once.
    static let writeStatement = PGStatement(
        """
        WITH events AS (
            INSERT INTO consent_events (merchant_id, consent_id, seq, type, at, actor, data, prev_hash, hash)
            SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[], $4::text[], $5::timestamptz[], $6::text[],
                                 $7::jsonb[], $8::text[], $9::text[])
        )
        UPDATE consents c
        SET last_event_seq = h.seq, last_event_hash = h.hash, updated_at = h.at,
            confirmation_sent_at = COALESCE(c.confirmation_sent_at, h.confirmation_sent_at)
        FROM unnest($10::text[], $11::uuid[], $12::int[], $13::text[], $14::timestamptz[], $15::timestamptz[])
            AS h(merchant_id, id, seq, hash, at, confirmation_sent_at)
        WHERE c.merchant_id = h.merchant_id AND c.id = h.id
        """, planning: .generic)

    /// Locks the consents until the transaction ends.
    static func lock(_ keys: some Sequence<Key>, on connection: PGConnection) throws -> ConsentChainBatch {
        let unique = Array(Set(keys))
        var heads: [Key: ConsentChainHead] = [:]
        guard !unique.isEmpty else { return ConsentChainBatch(heads: heads) }
        let result = try connection.query(lockStatement, [
            PGTextArray(unique.map { $0.merchantId }), PGTextArray(unique.map { $0.consentId.lowercasedString }),
        ])
        for row in result {
            let key = Key(merchantId: try row.decode(String.self, 0), consentId: try row.decode(UUID.self, 1))
            heads[key] = ConsentChainHead(
                merchantId: key.merchantId, consentId: key.consentId, lastEventSeq: try row.decode(Int.self, 2),
                lastEventHash: try row.decode(String.self, 3))
        }
        return ConsentChainBatch(heads: heads)
    }

    /// Whether the consent was there to lock.
    func contains(_ key: Key) -> Bool { heads[key] != nil }

    /// Chains an event onto the consent's head as it stands after the events appended before it. Does nothing
    /// for a consent that no longer exists.
    mutating func append(
        _ type: String, data: JSONValue, actor: String, at: Instant, confirmationSentAt: Instant? = nil, to key: Key
    ) {
        guard var head = heads[key] else { return }
        events.append(head.chain(type, data: data, actor: actor, at: at))
        heads[key] = head
        if let confirmationSentAt, confirmationsSentAt[key] == nil { confirmationsSentAt[key] = confirmationSentAt }
    }

    /// Writes every event appended and moves each consent's head to its last one.
    func write(on connection: PGConnection) throws {
        guard !events.isEmpty else { return }
        // One head per consent: its last event, which is where the chained head now stands.
        var lastEvents: [Key: ConsentChainHead.ChainedEvent] = [:]
        for event in events { lastEvents[Key(merchantId: event.merchantId, consentId: event.consentId)] = event }
        let moved = Array(lastEvents)
        func eventColumn(_ value: (ConsentChainHead.ChainedEvent) -> String?) -> PGTextArray {
            PGTextArray(events.map(value))
        }
        func headColumn(_ value: (Key, ConsentChainHead.ChainedEvent) -> String?) -> PGTextArray {
            PGTextArray(moved.map(value))
        }
        _ = try connection.query(Self.writeStatement, [
            eventColumn { $0.merchantId }, eventColumn { $0.consentId.lowercasedString },
            eventColumn { String($0.seq) }, eventColumn { $0.type }, eventColumn { $0.at.rfc3339 },
            eventColumn { $0.actor }, eventColumn { $0.data }, eventColumn { $0.prevHash }, eventColumn { $0.hash },
            headColumn { key, _ in key.merchantId }, headColumn { key, _ in key.consentId.lowercasedString },
            headColumn { _, event in String(event.seq) }, headColumn { _, event in event.hash },
            headColumn { _, event in event.at.rfc3339 }, headColumn { key, _ in confirmationsSentAt[key]?.rfc3339 },
        ])
    }
}
