import ConsentRules
import Foundation
import PGClient

/// Builds the compliance report in one read-only snapshot, on a standby when there is one: each duty's rows that
/// can fall in the range are fetched, and `ComplianceJudge` decides each by the rules validity, the overdue check
/// and the purge apply.
struct ComplianceReportStore: Sendable {
    let pools: ReadPools
    let clock: AppClock

    func report(_ request: ComplianceReportRequest, keyHash: [UInt8]) async throws -> ComplianceReport {
        let now = clock.now()
        return try await pools.read { pool in
            try await report(request, keyHash: keyHash, now: now, on: pool)
        }
    }

    private func report(_ request: ComplianceReportRequest, keyHash: [UInt8], now: Instant, on pool: PGPool)
        async throws -> ComplianceReport
    {
        try await pool.withTransaction { connection in
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            let lag = try pools.lag(of: pool, on: connection)
            let merchant = try Authenticator.principal(
                keyHash: keyHash, on: connection, permission: .readComplianceReport
            ).merchant
            var judge = ComplianceJudge(
                from: request.from, to: request.to, today: now.localDate(in: merchant.timeZone),
                timeZone: merchant.timeZone)
            let id = merchant.merchantId
            /// The range of the days a deadline is counted back from, for deadlines `days` before them.
            func ahead(_ days: Int, _ most: Int? = nil) -> [any PGBindable] {
                [id, request.from.adding(days: days).iso, request.to.adding(days: most ?? days).iso]
            }
            typealias Queries = ComplianceReportQueries

            for row in try connection.query(Queries.confirmations, ahead(0)) {
                var cursor = RowCursor(row)
                try judge.confirmation(
                    .confirmation, consentId: cursor.next(), dueBy: Self.date(&cursor), sentAt: Self.instant(&cursor))
            }
            for row in try connection.query(Queries.amendmentConfirmations, ahead(0)) {
                var cursor = RowCursor(row)
                try judge.confirmation(
                    .amendmentConfirmation, consentId: cursor.next(), dueBy: Self.date(&cursor),
                    sentAt: Self.instant(&cursor))
            }

            let bounds = try connection.query(Queries.noticeDaysBounds, [id])
            if bounds.rowCount == 1, !bounds[0].isNull(0) {
                let noticed = ahead(try bounds[0].decode(Int.self, 0), try bounds[0].decode(Int.self, 1))
                for row in try connection.query(Queries.debitNotices, noticed) {
                    var cursor = RowCursor(row)
                    let consentId: UUID = try cursor.next()
                    let debitDate = try Self.date(&cursor)
                    let policyDays: Int = try cursor.next()
                    let notified = try cursor.next(Bool?.self) ?? false
                    let amendmentDays: Int? = try cursor.next()
                    let days = NoticePeriod.days(
                        policyDays: policyDays, notifiedAmendmentDays: notified ? amendmentDays : nil)
                    judge.notice(
                        .preDebitNotice, consentId: consentId, eventOn: debitDate, days: days,
                        delivery: try Self.delivery(&cursor))
                }
                for row in try connection.query(Queries.amendmentNotices, noticed) {
                    var cursor = RowCursor(row)
                    try judge.notice(
                        .amendmentNotice, consentId: cursor.next(), eventOn: Self.date(&cursor), days: cursor.next(),
                        delivery: Self.delivery(&cursor))
                }
            }

            for row in try connection.query(Queries.cardReminders, ahead(ComplianceJudge.reminderDays)) {
                var cursor = RowCursor(row)
                try judge.notice(
                    .cardExpiryReminder, consentId: cursor.next(), eventOn: Self.date(&cursor),
                    days: ComplianceJudge.reminderDays, delivery: Self.delivery(&cursor))
            }

            for row in try connection.query(Queries.paymentsWhileCancelled, ahead(0) + [merchant.timeZone.identifier]) {
                var cursor = RowCursor(row)
                let consentId: UUID = try cursor.next()
                let executedAt = Instant(microsecondsSinceEpoch: try cursor.next())
                let history = ConsentHistory(
                    activatedAt: try Self.instant(&cursor),
                    expiresAt: Instant(microsecondsSinceEpoch: try cursor.next()),
                    cancelledAt: try Self.instant(&cursor))
                judge.payment(consentId: consentId, executedAt: executedAt, history: history)
            }

            let horizon = judge.today.adding(days: ComplianceJudge.purgeHorizonDays)
            for row in try connection.query(Queries.retainedUntilBefore, [id, horizon.iso]) {
                var cursor = RowCursor(row)
                try judge.retention(consentId: cursor.next(), retainUntil: Self.date(&cursor))
            }
            for row in try connection.query(Queries.legalHolds, [id]) {
                judge.legalHold(consentId: try row.decode(UUID.self, 0))
            }
            return ComplianceReport(
                merchantId: id, request: request, timeZone: merchant.timeZone.identifier, today: judge.today,
                generatedAt: now, lines: judge.tally.lines, lag: lag)
        }
    }

    private static func date(_ cursor: inout RowCursor) throws -> LocalDate {
        let text: String = try cursor.next()
        guard let date = LocalDate(iso: text) else { throw StoredDataError(column: "date") }
        return date
    }

    private static func instant(_ cursor: inout RowCursor) throws -> Instant? {
        try cursor.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:))
    }

    /// A message's sent time and outbox state: sent whenever a time is recorded, whatever the state says.
    private static func delivery(_ cursor: inout RowCursor) throws -> NoticeDuty.Delivery {
        let sentAt = try instant(&cursor)
        let state: String? = try cursor.next()
        if let sentAt { return .sent(at: sentAt) }
        switch state {
        case "failed": return .failed
        case "withdrawn": return .withdrawn
        default: return .waiting
        }
    }
}
