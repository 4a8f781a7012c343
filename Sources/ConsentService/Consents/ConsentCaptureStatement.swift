import ConsentRules
import Foundation
import Notifier
import PGClient

/// A new consent with its first events and, when it is active, its queued confirmation.
struct PendingCapture: Sendable {
    let consent: ConsentRecord
    /// One or two: `consent.created`, and `consent.activated` for a consent captured active.
    let events: [ConsentEvent]
    /// The confirmation's outbox id; nil for a pending consent, which is confirmed once activated.
    let confirmationId: UUID?
    let capturedAt: Instant
}

/// New consents, their first events and their confirmations in one statement: one round trip and one commit
/// for every capture that arrived together, atomic without an explicit transaction. A consent whose reference
/// or recurrenceId is taken is left out, with its events and confirmation, and the others still go in.
enum ConsentCaptureStatement {
    /// The most captures one statement carries: PostgreSQL takes at most 65,535 placeholders.
    static let maxRows = 64
    private static let eventBindCount = 8
    private static let bindsPerCapture = ConsentRow.insertBindCount + 2 * eventBindCount + 3

    /// The statement for 1…`maxRows` captures, made once; each connection prepares those it runs.
    private static let statements = (1...maxRows).map(statement(rows:))

    static func statement(rows: Int) -> PGStatement {
        /// Placeholder `n` of row `row` after the consent's own values.
        func p(_ row: Int, _ n: Int) -> String { "$\(row * bindsPerCapture + ConsentRow.insertBindCount + n)" }
        let events = (0..<rows).flatMap { row in
            [0, eventBindCount].map { b in
                "(\(p(row, b + 1))::uuid, \(p(row, b + 2))::int, \(p(row, b + 3))::text, "
                    + "\(p(row, b + 4))::timestamptz, \(p(row, b + 5))::text, \(p(row, b + 6))::jsonb, "
                    + "\(p(row, b + 7))::text, \(p(row, b + 8))::text)"
            }
        }
        let confirmations = (0..<rows).map { row in
            let b = 2 * eventBindCount
            return "(\(p(row, b + 1))::uuid, \(p(row, b + 2))::uuid, \(p(row, b + 3))::timestamptz)"
        }
        let queueConfirmations = OutboxQueue.enqueueSQL(
            .confirmation,
            from: """
                SELECT inserted.merchant_id, q.id, inserted.id, q.due_at
                FROM inserted
                JOIN (VALUES \(confirmations.joined(separator: ",\n    ")))
                    AS q (consent_id, id, due_at) ON q.consent_id = inserted.id
                WHERE q.id IS NOT NULL
                """)
        return PGStatement(
            """
            WITH inserted AS (
                \(ConsentRow.insertSQL(rows: rows, stride: bindsPerCapture))
            ), events AS (
                INSERT INTO consent_events (merchant_id, consent_id, seq, type, at, actor, data, prev_hash, hash)
                SELECT inserted.merchant_id, inserted.id, e.seq, e.type, e.at, e.actor, e.data, e.prev_hash, e.hash
                FROM inserted
                JOIN (VALUES \(events.joined(separator: ",\n    ")))
                    AS e (consent_id, seq, type, at, actor, data, prev_hash, hash) ON e.consent_id = inserted.id
                WHERE e.seq IS NOT NULL
            ), queued AS (
                \(queueConfirmations)
            )
            SELECT id FROM inserted
            """, planning: .generic)
    }

    /// Inserts `captures` in one statement; per capture, true when it was inserted and false when a unique
    /// conflict (reference or recurrenceId) kept it out. If the statement fails as a whole (two batches racing
    /// for the same reference can deadlock), each capture is tried alone, so one capture's trouble is its own.
    static func insert(_ captures: [PendingCapture], keyring: PersonalDataKeyring, on connection: PGConnection)
        -> [Result<Bool, any Error>]
    {
        do {
            return try run(captures, keyring: keyring, on: connection).map { .success($0) }
        } catch {
            guard captures.count > 1 else { return [.failure(error)] }
            return captures.map { capture in
                Result { try run([capture], keyring: keyring, on: connection)[0] }
            }
        }
    }

    static func run(_ captures: [PendingCapture], keyring: PersonalDataKeyring, on connection: PGConnection) throws
        -> [Bool]
    {
        precondition((1...maxRows).contains(captures.count), "a capture statement carries 1…\(maxRows) consents")
        var binds: [any PGBindable] = []
        binds.reserveCapacity(captures.count * bindsPerCapture)
        for capture in captures {
            precondition((1...2).contains(capture.events.count), "a new consent starts with one or two events")
            binds += ConsentRow.insertBinds(capture.consent, keyring: keyring)
            for slot in 0..<2 {
                if slot < capture.events.count {
                    let event = capture.events[slot]
                    binds += [
                        capture.consent.id, event.seq, event.type, event.at.rfc3339, event.actor,
                        String(decoding: event.data.serialized(), as: UTF8.self), event.prevHash, event.hash,
                    ] as [any PGBindable]
                } else {
                    binds += [
                        UUID?.none, Int?.none, String?.none, String?.none, String?.none, String?.none, String?.none,
                        String?.none,
                    ] as [any PGBindable]
                }
            }
            binds += [capture.consent.id, capture.confirmationId, capture.capturedAt.rfc3339] as [any PGBindable]
        }
        let result = try connection.query(statements[captures.count - 1], binds)
        var inserted = Set<UUID>()
        for row in result { inserted.insert(try row.decode(UUID.self, 0)) }
        return captures.map { inserted.contains($0.consent.id) }
    }
}
