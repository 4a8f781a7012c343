import ConsentRules
import Foundation
import PGClient

/// A new consent, its first events and its confirmation in one statement: one round trip, atomic without an
/// explicit transaction, and nothing but the consent's own conflict check when its reference is taken.
enum ConsentCaptureStatement {
    /// The placeholder `n` places after the consent's own values.
    private static func p(_ n: Int) -> Int { ConsentRow.insertBindCount + n }

    static let statement = PGStatement(
        """
        WITH inserted AS (
            \(ConsentRow.insertSQL)
        ), events AS (
            INSERT INTO consent_events (merchant_id, consent_id, seq, type, at, actor, data, prev_hash, hash)
            SELECT inserted.merchant_id, inserted.id, e.seq, e.type, e.at, e.actor, e.data, e.prev_hash, e.hash
            FROM inserted, (VALUES
                ($\(p(1))::int, $\(p(2))::text, $\(p(3))::timestamptz, $\(p(4))::text, $\(p(5))::jsonb, $\(p(6))::text, $\(p(7))::text),
                ($\(p(8))::int, $\(p(9))::text, $\(p(10))::timestamptz, $\(p(11))::text, $\(p(12))::jsonb, $\(p(13))::text, $\(p(14))::text)
            ) AS e (seq, type, at, actor, data, prev_hash, hash)
            WHERE e.seq IS NOT NULL
        ), queued AS (
            INSERT INTO outbox (merchant_id, id, consent_id, kind, payload, due_at)
            SELECT inserted.merchant_id, $\(p(15))::uuid, inserted.id, 'confirmation', '{}'::jsonb, $\(p(16))::timestamptz
            FROM inserted
            WHERE $\(p(17))::boolean
        )
        SELECT count(*)::int FROM inserted
        """)

    /// True when the consent was inserted; false when a unique conflict (reference or recurrenceId) kept it out.
    static func run(
        _ consent: ConsentRecord, events: [ConsentEvent], now: Instant, keyring: PersonalDataKeyring,
        on connection: PGConnection
    ) throws -> Bool {
        precondition((1...2).contains(events.count), "a new consent starts with one or two events")
        var binds = ConsentRow.insertBinds(consent, keyring: keyring)
        for slot in 0..<2 {
            if slot < events.count {
                let event = events[slot]
                binds += [
                    event.seq, event.type, event.at.rfc3339, event.actor,
                    String(decoding: event.data.serialized(), as: UTF8.self), event.prevHash, event.hash,
                ] as [any PGBindable]
            } else {
                binds += [Int?.none, String?.none, String?.none, String?.none, String?.none, String?.none, String?.none]
                    as [any PGBindable]
            }
        }
        binds += [UUID.v7(at: now), now.rfc3339, consent.status == .active] as [any PGBindable]
        let result = try connection.query(statement, binds)
        return try result[0].decode(Int.self, 0) == 1
    }
}
