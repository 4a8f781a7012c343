-- The validity check's lookup as the service runs it (Sources/ConsentService/Billing/ValidityQueries.swift):
-- the key's principal, one consent's status, terms and card, its policy's notice period, the matching sent
-- notice, the amendment in force on the debit's date and the card in force then.
\set n random(1, :count)
WITH principal AS (
    SELECT k.key_id, k.role, m.merchant_id, m.country, m.timezone,
           p.version, p.confirmation_business_days, p.notice_days, p.retention_months, p.activation_window_seconds,
           p.increases_by_notice, p.card_reminder_days
    FROM api_keys k
    JOIN merchants m ON m.merchant_id = k.merchant_id
    JOIN LATERAL (
        SELECT * FROM merchant_policies mp WHERE mp.merchant_id = k.merchant_id ORDER BY mp.version DESC LIMIT 1
    ) p ON true
    WHERE k.key_hash = decode(:keyhash, 'hex') AND k.revoked_at IS NULL
)
SELECT principal.*, c.status, (extract(epoch FROM c.expires_at) * 1000000)::bigint, c.terms_type, c.amount_minor,
       c.currency, c.amount_type, c.max_amount_minor, c.first_debit_date::text, c.date_type, c.frequency_interval,
       c.frequency_days, c.end_date::text, c.objective_criteria, c.card_brand, c.card_last4, c.card_expiry_month,
       c.card_expiry_year, p.notice_days,
       (SELECT min(d.notice_sent_at) FROM debits d
        WHERE d.merchant_id = c.merchant_id AND d.consent_id = c.id AND d.debit_date = '2026-12-15'
          AND d.amount_minor = 1023 AND d.currency = 'EUR' AND d.notice_sent_at IS NOT NULL),
       amended.*, card.*
FROM principal
LEFT JOIN consents c ON c.merchant_id = principal.merchant_id AND c.id = md5('bench-' || :n)::uuid
LEFT JOIN merchant_policies p ON p.merchant_id = c.merchant_id AND p.version = c.policy_version
LEFT JOIN LATERAL (
    SELECT a.terms_type, a.amount_minor, a.currency, a.amount_type, a.max_amount_minor, a.first_debit_date::text,
           a.date_type, a.frequency_interval, a.frequency_days, a.end_date::text, a.objective_criteria,
           a.consent = 'notified', (extract(epoch FROM a.notice_sent_at) * 1000000)::bigint, a.notice_days
    FROM consent_amendments a
    WHERE a.merchant_id = c.merchant_id AND a.consent_id = c.id AND a.withdrawn_at IS NULL
      AND a.effective_from <= DATE '2026-12-15'
    ORDER BY a.version DESC LIMIT 1
) amended ON true
LEFT JOIN LATERAL (
    SELECT k.brand, k.last4, k.expiry_month, k.expiry_year, k.account_closed FROM consent_cards k
    WHERE k.merchant_id = c.merchant_id AND k.consent_id = c.id AND k.effective_from <= DATE '2026-12-15'
    ORDER BY k.seq DESC LIMIT 1
) card ON true;
