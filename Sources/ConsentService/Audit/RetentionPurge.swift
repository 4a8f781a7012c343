import ConsentRules
import Foundation
import Logging
import PGClient
import ServiceLifecycle

/// The retention purge (CONTRACT.md, "Retention"): deletes every consent whose `retainUntil` has passed in its
/// merchant's time zone, that holds no legal hold and has no message still queued, with all its rows, through
/// `purge_consent()` (migration 0013), which leaves a tombstone with the SHA-256 of the consent's evidence bundle
/// as of the purge. Due rows are claimed with SKIP LOCKED and the function decides again under the lock, on the
/// database's own clock, so instances running at once delete each consent once and nothing before it is due.
/// Each run also deletes idempotency records past their lifetime.
struct RetentionPurge: Service {
    let pool: PGPool
    let clock: AppClock
    let keyring: PersonalDataKeyring
    let interval: Duration
    let logger: Logger

    static let batchSize = 100

    /// `$1` now; the first condition lets the index find candidates (no zone is more than a day ahead of UTC),
    /// the second is the rule itself.
    static func dueStatement(locking: Bool) -> PGStatement {
        PGStatement(
            """
            SELECT c.merchant_id, c.id, c.merchant_reference
            FROM consents c JOIN merchants m ON m.merchant_id = c.merchant_id
            WHERE c.retain_until IS NOT NULL AND NOT c.legal_hold
              AND c.retain_until < (($1::timestamptz) AT TIME ZONE 'UTC')::date + 1
              AND c.retain_until < (($1::timestamptz) AT TIME ZONE m.timezone)::date
              AND NOT EXISTS (SELECT 1 FROM outbox o
                              WHERE o.merchant_id = c.merchant_id AND o.consent_id = c.id AND o.state = 'queued')
            ORDER BY c.retain_until, c.merchant_id, c.id
            \(locking ? "LIMIT $2 FOR UPDATE OF c SKIP LOCKED" : "")
            """)
    }
    static let due = dueStatement(locking: true)
    static let listDue = dueStatement(locking: false)
    static let purge = PGStatement("SELECT purge_consent($1, $2, $3)")
    static let expireIdempotencyRecords = PGStatement("DELETE FROM idempotency_keys WHERE created_at < $1")

    struct Purged: Sendable, Equatable {
        let merchantId: String
        let consentId: UUID
        let merchantReference: String
    }

    func run() async throws {
        await PeriodicWork(name: "retention purge", interval: interval, logger: logger) {
            let purged = try await purgeDue()
            if !purged.isEmpty { logger.info("retention purge deleted consents", metadata: ["count": "\(purged.count)"]) }
            let expired = try await expireIdempotencyRecords()
            if expired > 0 { logger.info("expired idempotency records", metadata: ["count": "\(expired)"]) }
            return false
        }.run()
    }

    /// What a purge now would delete, deleting nothing.
    func listDue() async throws -> [Purged] {
        let now = clock.now()
        return try await pool.withConnection { connection in
            try connection.query(Self.listDue, [now.rfc3339]).map { row in
                Purged(
                    merchantId: try row.decode(String.self, 0), consentId: try row.decode(UUID.self, 1),
                    merchantReference: try row.decode(String.self, 2))
            }
        }
    }

    /// Deletes the idempotency records older than their lifetime; returns how many.
    func expireIdempotencyRecords() async throws -> Int {
        let before = IdempotencyRecords.expiredBefore(clock.now())
        return try await pool.withConnection { connection in
            try connection.query(Self.expireIdempotencyRecords, [before.rfc3339]).affectedRows
        }
    }

    /// Deletes every due consent, a batch per transaction; returns what this call deleted.
    func purgeDue() async throws -> [Purged] {
        var all: [Purged] = []
        while true {
            let (claimed, purged) = try await purgeBatch()
            all += purged
            // A full batch of which none could be purged (the function's clock disagrees, or a hold came
            // between) would be claimed again at once: stop until the next run.
            if claimed < Self.batchSize || purged.isEmpty { return all }
        }
    }

    private func purgeBatch() async throws -> (claimed: Int, purged: [Purged]) {
        let now = clock.now()
        return try await pool.withTransaction { connection in
            let due = try connection.query(Self.due, [now.rfc3339, Self.batchSize])
            var purged: [Purged] = []
            for row in due {
                let merchantId: String = try row.decode(String.self, 0)
                let consentId: UUID = try row.decode(UUID.self, 1)
                guard
                    let consent = try ConsentQueries.one(
                        ConsentQueries.byIdForUpdate, [merchantId, consentId], keyring: keyring, on: connection)
                else { continue }
                let bundle = try EvidenceBundle.build(consent, generatedAt: now, keyring: keyring, on: connection)
                let digest = Digest.sha256Hex(bundle.serialized())
                let deleted = try connection.query(Self.purge, [merchantId, consentId, digest])
                if try deleted[0].decode(Bool.self, 0) {
                    purged.append(
                        Purged(merchantId: merchantId, consentId: consentId, merchantReference: try row.decode(String.self, 2)))
                }
            }
            return (due.rowCount, purged)
        }
    }
}
