import ConsentRules
import Foundation
import PGClient

/// The payments of one consent, as a gateway's "recurrence details" show them: the consent's type, status and
/// first payment, then every payment oldest first with the terms version it was taken under (the version in
/// force on the day it was executed, in the merchant's time zone). Paged like the consent list.
struct PaymentHistory: Sendable {
    let pool: PGPool
    let clock: AppClock
    let keyring: PersonalDataKeyring

    static let page = PGStatement(
        """
        SELECT p.payment_id, p.amount_minor, p.currency, \(microseconds("p.executed_at")), p.status, p.final,
               p.after_cancellation, coalesce(version.version, 1)
        FROM payments p
        JOIN merchants m ON m.merchant_id = p.merchant_id
        LEFT JOIN LATERAL (
            SELECT amendment.version FROM consent_amendments amendment
            WHERE amendment.merchant_id = p.merchant_id AND amendment.consent_id = p.consent_id
              AND amendment.withdrawn_at IS NULL
              AND amendment.effective_from <= (p.executed_at AT TIME ZONE m.timezone)::date
            ORDER BY amendment.version DESC LIMIT 1
        ) version ON true
        WHERE p.merchant_id = $1 AND p.consent_id = $2
          AND ($3::text IS NULL OR (p.executed_at, p.payment_id) > (
              SELECT a.executed_at, a.payment_id FROM payments a
              WHERE a.merchant_id = $1 AND a.consent_id = $2 AND a.payment_id = $3))
        ORDER BY p.executed_at, p.payment_id
        LIMIT $4
        """)

    /// `match` is the consent's id or recurrence id, as the statement of `read` expects.
    func history(
        _ read: PGStatement, match: any PGBindable, keyHash: [UInt8], limit: Int, after: String?
    ) async throws -> JSONValue {
        let now = clock.now()
        let keyring = self.keyring
        return try await pool.withConnection { connection in
            let (consent, _) = try ConsentQueries.readable(
                read, keyHash: keyHash, match: match, now: now, permission: .readPayments, keyring: keyring,
                on: connection)
            let rows = try connection.query(Self.page, [consent.merchantId, consent.id, after, limit + 1])
            var payments: [JSONValue] = []
            for index in 0..<min(rows.rowCount, limit) {
                var cursor = RowCursor(rows[index])
                let paymentId: String = try cursor.next()
                let minor: Int64 = try cursor.next()
                guard let currency = Currency.iso4217(try cursor.next()) else {
                    throw StoredDataError(column: "payments.currency")
                }
                payments.append([
                    "paymentId": .string(paymentId),
                    "amount": .string(Money(minorUnits: minor, currency: currency).decimalString),
                    "currency": .string(currency.code),
                    "executedAt": .string(Instant(microsecondsSinceEpoch: try cursor.next()).rfc3339),
                    "status": .string(try cursor.next()), "final": .bool(try cursor.next()),
                    "afterCancellation": .bool(try cursor.next()), "termsVersion": .integer(try cursor.next()),
                ])
            }
            let more = rows.rowCount > limit
            return [
                "consentId": .string(consent.id.lowercasedString), "type": .string(consent.draft.terms.type.rawValue),
                "status": .string(consent.effectiveStatus(at: now).rawValue),
                "recurrenceId": .optional(consent.draft.recurrenceId),
                "initialPaymentId": .optional(consent.initialPaymentId), "payments": .array(payments),
                "nextAfter": more ? payments.last?["paymentId"] ?? .null : .null,
            ]
        }
    }
}
