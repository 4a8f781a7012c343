import ConsentRules
import Foundation
import Logging
import PGClient
import ServiceLifecycle

/// Flags, once each, active consents whose confirmation was not sent by `confirmation.dueBy`: a
/// `confirmation.overdue` event on the consent and a metric. Due dates are days on the merchant's calendar, so
/// a confirmation is overdue once that day has ended in the merchant's time zone. Rows are claimed with SKIP
/// LOCKED, so any number of instances can check at once.
struct ConfirmationOverdueCheck: Service {
    let pool: PGPool
    let clock: AppClock
    let metrics: NotifierMetrics
    let interval: Duration
    let logger: Logger

    static let actor = "system:notifier"
    static let batchSize = 500

    /// The first bound only lets the partial index narrow the scan: no time zone is more than a day ahead of UTC.
    static let due = PGStatement(
        """
        SELECT c.merchant_id, c.id, c.confirmation_due_by::text, c.last_event_seq, c.last_event_hash
        FROM consents c JOIN merchants m ON m.merchant_id = c.merchant_id
        WHERE c.status = 'active' AND c.confirmation_sent_at IS NULL AND c.confirmation_overdue_at IS NULL
          AND c.confirmation_due_by < ($1::timestamptz AT TIME ZONE 'UTC')::date + 1
          AND c.confirmation_due_by < ($1::timestamptz AT TIME ZONE m.timezone)::date
        ORDER BY c.confirmation_due_by
        LIMIT $2
        FOR UPDATE OF c SKIP LOCKED
        """)

    static let flag = PGStatement(
        "UPDATE consents SET confirmation_overdue_at = $3 WHERE merchant_id = $1 AND id = $2")

    /// The same for changes of terms the consumer accepted: each owes its own confirmation.
    static let dueAmendments = PGStatement(
        """
        SELECT c.merchant_id, c.id, a.confirmation_due_by::text, c.last_event_seq, c.last_event_hash, a.id, a.version
        FROM consent_amendments a
        JOIN consents c ON c.merchant_id = a.merchant_id AND c.id = a.consent_id
        JOIN merchants m ON m.merchant_id = c.merchant_id
        WHERE a.consent = 'agreed' AND a.confirmation_sent_at IS NULL AND a.confirmation_overdue_at IS NULL
          AND a.withdrawn_at IS NULL AND c.status = 'active'
          AND a.confirmation_due_by < ($1::timestamptz AT TIME ZONE 'UTC')::date + 1
          AND a.confirmation_due_by < ($1::timestamptz AT TIME ZONE m.timezone)::date
        ORDER BY a.confirmation_due_by
        LIMIT $2
        FOR UPDATE OF c, a SKIP LOCKED
        """)

    static let flagAmendment = PGStatement(
        "UPDATE consent_amendments SET confirmation_overdue_at = $3 WHERE merchant_id = $1 AND id = $2")

    func run() async throws {
        await PeriodicWork(name: "confirmation overdue check", interval: interval, logger: logger) {
            let consents = try await checkOnce()
            let amendments = try await checkAmendmentsOnce()
            return consents == Self.batchSize || amendments == Self.batchSize
        }.run()
    }

    /// Flags one batch; returns how many consents it flagged.
    func checkOnce() async throws -> Int {
        let now = clock.now()
        let flagged = try await pool.withTransaction { connection in
            let result = try connection.query(Self.due, [now.rfc3339, Self.batchSize])
            for row in result {
                var head = ConsentChainHead(
                    merchantId: try row.decode(String.self, 0), consentId: try row.decode(UUID.self, 1),
                    lastEventSeq: try row.decode(Int.self, 3), lastEventHash: try row.decode(String.self, 4))
                _ = try connection.query(Self.flag, [head.merchantId, head.consentId, now.rfc3339])
                try head.append(
                    "confirmation.overdue", data: ["dueBy": .string(try row.decode(String.self, 2))],
                    actor: Self.actor, at: now, on: connection)
            }
            return result.rowCount
        }
        if flagged > 0 {
            metrics.confirmationsOverdue(flagged)
            logger.warning("confirmations overdue", metadata: ["count": "\(flagged)"])
        }
        return flagged
    }

    /// Flags one batch of agreed changes whose confirmation is overdue; returns how many it flagged. A consent
    /// with two of them in one batch appends both events in order.
    func checkAmendmentsOnce() async throws -> Int {
        let now = clock.now()
        let flagged = try await pool.withTransaction { connection in
            let result = try connection.query(Self.dueAmendments, [now.rfc3339, Self.batchSize])
            var heads: [UUID: ConsentChainHead] = [:]
            for row in result {
                let consentId = try row.decode(UUID.self, 1)
                var head = try heads[consentId]
                    ?? ConsentChainHead(
                        merchantId: row.decode(String.self, 0), consentId: consentId,
                        lastEventSeq: row.decode(Int.self, 3), lastEventHash: row.decode(String.self, 4))
                let amendmentId = try row.decode(UUID.self, 5)
                _ = try connection.query(Self.flagAmendment, [head.merchantId, amendmentId, now.rfc3339])
                try head.append(
                    "amendment_confirmation.overdue",
                    data: [
                        "amendmentId": .string(amendmentId.lowercasedString),
                        "version": .integer(try row.decode(Int.self, 6)),
                        "dueBy": .string(try row.decode(String.self, 2)),
                    ],
                    actor: Self.actor, at: now, on: connection)
                heads[consentId] = head
            }
            return result.rowCount
        }
        if flagged > 0 {
            metrics.confirmationsOverdue(flagged)
            logger.warning("amended agreements' confirmations overdue", metadata: ["count": "\(flagged)"])
        }
        return flagged
    }
}
