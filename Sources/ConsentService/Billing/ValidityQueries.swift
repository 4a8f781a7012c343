import ConsentRules
import Foundation
import PGClient

/// "May I take this debit?" for a batch of questions in one statement: per question, the caller's principal,
/// the consent's status, terms and card (no more: the answer needs nothing else, and never the consumer's
/// personal data), the notice period of the policy its deadlines came from, the earliest sent notice for
/// exactly that amount and date, and the amendment in force on the debit's date, if any, with its own terms
/// and notice, and the card in force on that date when the consent has had more than one. One row per
/// question, in the questions' order.
enum ValidityQueries {
    /// `match` is the question's consent key in the statement (`a.match`) compared with the consent row `c`.
    static func statement(matchType: String, where condition: String) -> PGStatement {
        PGStatement(
            """
            SELECT principal.*, c.status, \(microseconds("c.expires_at")), \(ConsentRow.termsAndCardList(alias: "c")),
                   p.notice_days,
                   (SELECT \(microseconds("min(d.notice_sent_at)")) FROM debits d
                    WHERE d.merchant_id = c.merchant_id AND d.consent_id = c.id AND d.debit_date = a.debit_date
                      AND d.amount_minor = a.amount_minor AND d.currency = a.currency AND d.notice_sent_at IS NOT NULL),
                   amended.*, card.*
            FROM unnest($1::bytea[], $2::\(matchType)[], $3::date[], $4::bigint[], $5::text[]) WITH ORDINALITY
                AS a(key_hash, match, debit_date, amount_minor, currency, n)
            LEFT JOIN LATERAL (\(Authenticator.principalSelect(keyHash: "a.key_hash"))) principal ON true
            LEFT JOIN consents c ON c.merchant_id = principal.merchant_id AND \(condition)
            LEFT JOIN merchant_policies p ON p.merchant_id = c.merchant_id AND p.version = c.policy_version
            LEFT JOIN LATERAL (
                SELECT \(ConsentRow.termsList(alias: "amendment")), amendment.consent = 'notified',
                       \(microseconds("amendment.notice_sent_at")), amendment.notice_days
                FROM consent_amendments amendment
                WHERE amendment.merchant_id = c.merchant_id AND amendment.consent_id = c.id
                  AND amendment.withdrawn_at IS NULL AND amendment.effective_from <= a.debit_date
                ORDER BY amendment.version DESC LIMIT 1
            ) amended ON true
            LEFT JOIN LATERAL (
                SELECT k.brand, k.last4, k.expiry_month, k.expiry_year, k.account_closed FROM consent_cards k
                WHERE k.merchant_id = c.merchant_id AND k.consent_id = c.id AND k.effective_from <= a.debit_date
                ORDER BY k.seq DESC LIMIT 1
            ) card ON true
            ORDER BY a.n
            """, planning: .generic)
    }

    static let byId = statement(matchType: "uuid", where: "c.id = a.match")
    static let byRecurrence = statement(matchType: "text", where: "c.recurrence_id = a.match")
}

/// One "may I take this debit?" question: whose key asks, which consent, and the debit.
struct ValidityQuestion: Sendable {
    let keyHash: [UInt8]
    let match: String
    let debit: DebitRequest
}
