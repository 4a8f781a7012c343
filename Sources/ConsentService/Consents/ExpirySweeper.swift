import ConsentRules
import Foundation
import Logging
import PGClient
import ServiceLifecycle

/// Expires pending consents whose activation window has closed. Rows are claimed with SKIP LOCKED, so any
/// number of instances can sweep at once without waiting on each other or expiring a consent twice.
struct ExpirySweeper: Service {
    let pool: PGPool
    let clock: AppClock
    let metrics: ServiceMetrics
    let keyring: PersonalDataKeyring
    let interval: Duration
    let logger: Logger

    static let batchSize = 500

    static let due = PGStatement(
        """
        SELECT \(ConsentRow.selectList),
               (SELECT retention_months FROM merchant_policies p
                WHERE p.merchant_id = consents.merchant_id AND p.version = consents.policy_version),
               (SELECT timezone FROM merchants m WHERE m.merchant_id = consents.merchant_id)
        FROM consents
        WHERE status = 'pending' AND expires_at <= $1
        ORDER BY expires_at
        LIMIT $2
        FOR UPDATE SKIP LOCKED
        """)

    func run() async throws {
        await PeriodicWork(name: "expiry sweep", interval: interval, logger: logger) {
            try await sweepOnce() == Self.batchSize
        }.run()
    }

    /// Expires one batch of due consents; returns how many.
    func sweepOnce() async throws -> Int {
        let now = clock.now()
        let count = try await pool.withTransaction { connection in
            let result = try connection.query(Self.due, [now.rfc3339, Self.batchSize])
            for row in result {
                var consent = try ConsentRow.decode(row, keyring: keyring)
                let months = try row.decode(Int.self, ConsentRow.columnCount)
                let zone = try row.decode(String.self, ConsentRow.columnCount + 1)
                guard let timeZone = TimeZone(identifier: zone) else { throw StoredDataError(column: "timezone") }
                try ConsentExpiry.expire(
                    &consent, retentionMonths: months, timeZone: timeZone, now: now, on: connection)
            }
            return result.rowCount
        }
        if count > 0 {
            metrics.consentExpired(count)
            logger.info("expired pending consents", metadata: ["count": "\(count)"])
        }
        return count
    }
}
