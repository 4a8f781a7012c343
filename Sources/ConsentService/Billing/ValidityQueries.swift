import ConsentRules
import Foundation
import PGClient

/// "May I take this debit?" in one statement: the caller's principal, the consent's status, terms and card (no
/// more: the answer needs nothing else, and never the consumer's personal data), the notice period of the policy
/// its deadlines came from, and the earliest sent notice for exactly this amount and date.
enum ValidityQueries {
    static func statement(where condition: String) -> PGStatement {
        PGStatement(
            """
            WITH principal AS (\(Authenticator.principalSelect))
            SELECT principal.*, c.status, \(microseconds("c.expires_at")), \(ConsentRow.termsAndCardList(alias: "c")),
                   p.notice_days,
                   (SELECT \(microseconds("min(d.notice_sent_at)")) FROM debits d
                    WHERE d.merchant_id = c.merchant_id AND d.consent_id = c.id AND d.debit_date = $3::date
                      AND d.amount_minor = $4 AND d.currency = $5 AND d.notice_sent_at IS NOT NULL)
            FROM principal
            LEFT JOIN consents c ON c.merchant_id = principal.merchant_id AND \(condition)
            LEFT JOIN merchant_policies p ON p.merchant_id = c.merchant_id AND p.version = c.policy_version
            """)
    }

    static let byId = statement(where: "c.id = $2::uuid")
    static let byRecurrence = statement(where: "c.recurrence_id = $2")
}

/// Answers validity questions from storage; no writes, ever.
struct ValidityStore: Sendable {
    let pool: PGPool
    let clock: AppClock

    func decide(_ statement: PGStatement, match: any PGBindable, debit: DebitRequest, keyHash: [UInt8]) async throws
        -> JSONValue
    {
        let now = clock.now()
        let binds: [any PGBindable] = [
            keyHash, match, debit.date.iso, debit.amount.minorUnits, debit.amount.currency.code,
        ]
        return try await pool.withConnection { connection in
            let result = try connection.query(statement, binds)
            guard result.rowCount == 1 else { throw APIError.unauthorized }
            var cursor = RowCursor(result[0])
            let principal = try Authenticator.principal(from: &cursor, permission: .checkValidity)
            guard !cursor.isNullAhead else { throw APIError.consentNotFound }
            guard let storedStatus = try ConsentStatus(rawValue: cursor.next(String.self)) else {
                throw StoredDataError(column: "status")
            }
            let expiresAt = Instant(microsecondsSinceEpoch: try cursor.next())
            let terms = try ConsentRow.decodeTerms(&cursor)
            let card = try ConsentRow.decodeCard(&cursor)
            let noticeDays: Int = try cursor.next()
            let noticeSentAt: Int64? = try cursor.next()
            let status = ConsentRecord.effectiveStatus(storedStatus, expiresAt: expiresAt, at: now)
            let decision = DebitValidity.decide(
                DebitConsent(
                    status: status, terms: terms, card: card, noticeDays: noticeDays,
                    timeZone: principal.merchant.timeZone),
                amount: debit.amount, date: debit.date,
                notices: noticeSentAt.map {
                    [SentNotice(amount: debit.amount, date: debit.date, sentAt: Instant(microsecondsSinceEpoch: $0))]
                } ?? [],
                now: now)
            return [
                "valid": .bool(decision.valid),
                "reasons": .array(decision.reasons.map { .string($0.rawValue) }),
                "status": .string(status.rawValue),
                "earliestPermittedDate": decision.earliestPermittedDate.map { .string($0.iso) } ?? .null,
            ]
        }
    }
}
