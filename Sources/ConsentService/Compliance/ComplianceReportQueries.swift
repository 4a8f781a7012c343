import PGClient

/// What the compliance report reads: per duty, the rows whose deadline can fall in the range, each statement a
/// range scan on an index leading with the merchant (migration 0018). The statements only fetch; the rules in
/// ConsentRules judge every row. `$1` is always the merchant.
enum ComplianceReportQueries {
    /// Where an outbox message stands: when it was sent (microseconds) and its state.
    static func delivery(sentAt: String, outbox alias: String) -> String {
        "\(microseconds(sentAt)), \(alias).state"
    }

    /// The shortest and longest notice any of the merchant's policies ever set: the notice deadlines in the range
    /// belong to events between `from` plus the one and `to` plus the other.
    static let noticeDaysBounds = PGStatement(
        "SELECT min(notice_days), max(notice_days) FROM merchant_policies WHERE merchant_id = $1")

    /// Confirmations of activated consents due from `$2` to `$3`.
    static let confirmations = PGStatement(
        """
        SELECT c.id, c.confirmation_due_by::text, \(microseconds("c.confirmation_sent_at"))
        FROM consents c
        WHERE c.merchant_id = $1 AND c.activated_at IS NOT NULL
          AND c.confirmation_due_by BETWEEN $2::date AND $3::date
        """)

    /// Confirmations of agreed changes due from `$2` to `$3`; one withdrawn before it went out is owed no more.
    static let amendmentConfirmations = PGStatement(
        """
        SELECT a.consent_id, a.confirmation_due_by::text, \(microseconds("a.confirmation_sent_at"))
        FROM consent_amendments a
        WHERE a.merchant_id = $1 AND a.consent = 'agreed'
          AND a.confirmation_due_by BETWEEN $2::date AND $3::date
          AND (a.withdrawn_at IS NULL OR a.confirmation_sent_at IS NOT NULL)
        """)

    /// Debits announced with a notice owed, dated from `$2` to `$3`, with the notice period validity applies to
    /// them: the policy's, and the amendment in force on the debit's date if any (as `ValidityQueries`).
    static let debitNotices = PGStatement(
        """
        SELECT d.consent_id, d.debit_date::text, p.notice_days, amended.consent = 'notified', amended.notice_days,
               \(delivery(sentAt: "coalesce(d.notice_sent_at, o.sent_at)", outbox: "o"))
        FROM debits d
        JOIN consents c ON c.merchant_id = d.merchant_id AND c.id = d.consent_id
        JOIN merchant_policies p ON p.merchant_id = c.merchant_id AND p.version = c.policy_version
        LEFT JOIN outbox o ON o.merchant_id = d.merchant_id AND o.id = d.notice_outbox_id
        LEFT JOIN LATERAL (
            SELECT amendment.consent, amendment.notice_days FROM consent_amendments amendment
            WHERE amendment.merchant_id = d.merchant_id AND amendment.consent_id = d.consent_id
              AND amendment.withdrawn_at IS NULL AND amendment.effective_from <= d.debit_date
            ORDER BY amendment.version DESC LIMIT 1
        ) amended ON true
        WHERE d.merchant_id = $1 AND d.notice_required AND d.debit_date BETWEEN $2::date AND $3::date
        """)

    /// Changes made by notice taking effect from `$2` to `$3`, with their notice period and notice.
    static let amendmentNotices = PGStatement(
        """
        SELECT a.consent_id, a.effective_from::text, a.notice_days,
               \(delivery(sentAt: "coalesce(a.notice_sent_at, o.sent_at)", outbox: "o"))
        FROM consent_amendments a
        LEFT JOIN outbox o ON o.merchant_id = a.merchant_id AND o.id = a.notice_outbox_id
        WHERE a.merchant_id = $1 AND a.consent = 'notified' AND a.effective_from BETWEEN $2::date AND $3::date
        """)

    /// Card-expiry reminders for debits dated from `$2` to `$3`.
    static let cardReminders = PGStatement(
        """
        SELECT r.consent_id, r.debit_date::text, \(delivery(sentAt: "o.sent_at", outbox: "o"))
        FROM card_expiry_reminders r
        LEFT JOIN outbox o ON o.merchant_id = r.merchant_id AND o.id = r.outbox_id
        WHERE r.merchant_id = $1 AND r.debit_date BETWEEN $2::date AND $3::date
        """)

    /// Payments recorded while their consent was cancelled and executed from `$2` to `$3` in time zone `$4`,
    /// with the moments that decide whether the cancellation had taken effect when each was executed.
    static let paymentsWhileCancelled = PGStatement(
        """
        SELECT p.consent_id, \(microseconds("p.executed_at")), \(microseconds("c.activated_at")),
               \(microseconds("c.expires_at")), \(microseconds("c.cancel_effective_at"))
        FROM payments p
        JOIN consents c ON c.merchant_id = p.merchant_id AND c.id = p.consent_id
        WHERE p.merchant_id = $1 AND p.after_cancellation
          AND p.executed_at >= $2::date::timestamp AT TIME ZONE $4
          AND p.executed_at < ($3::date + 1)::timestamp AT TIME ZONE $4
        """)

    /// Consents kept until before `$2` and not held.
    static let retainedUntilBefore = PGStatement(
        """
        SELECT id, retain_until::text FROM consents
        WHERE merchant_id = $1 AND retain_until IS NOT NULL AND NOT legal_hold AND retain_until < $2::date
        """)

    static let legalHolds = PGStatement(
        "SELECT id FROM consents WHERE merchant_id = $1 AND legal_hold")
}
