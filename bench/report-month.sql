-- The duties of one month (:'from' to :'to'), the same number at every table size: 10,000 confirmations due in
-- it (one in ten never sent), 10,000 pre-debit notices whose last day falls in it (one in twenty failed, one in
-- twenty still queued), 200 consents cancelled early in it with a payment taken after that and their record due
-- for purge in ten days, and 100 consents under legal hold. Run as the database's owner.
CREATE TEMP TABLE month_consents AS
SELECT id, row_number() OVER (ORDER BY id) AS n, gen_random_uuid() AS notice_id
FROM (SELECT id FROM consents WHERE merchant_id = 'bench' ORDER BY id LIMIT 10300) first_ones;

UPDATE consents c
SET confirmation_due_by = :'from'::date + (m.n % 28)::int,
    confirmation_sent_at = CASE WHEN m.n % 10 = 0 THEN NULL
                                ELSE (:'from'::date + (m.n % 28)::int)::timestamp AT TIME ZONE 'UTC' + interval '9 hours' END
FROM month_consents m WHERE m.n <= 10000 AND c.merchant_id = 'bench' AND c.id = m.id;

INSERT INTO outbox (merchant_id, id, consent_id, kind, state, due_at, attempts, sent_at)
SELECT 'bench', notice_id, id, 'notice',
       CASE n % 20 WHEN 0 THEN 'failed' WHEN 1 THEN 'queued' ELSE 'sent' END,
       :'from'::date - 5, 1,
       CASE WHEN n % 20 > 1 THEN (:'from'::date + (n % 28)::int)::timestamp AT TIME ZONE 'UTC' END
FROM month_consents WHERE n <= 10000;
INSERT INTO debits (merchant_id, id, consent_id, amount_minor, currency, debit_date, notice_required, notice_outbox_id,
                    notice_sent_at, created_at)
SELECT 'bench', gen_random_uuid(), id, 1023, 'EUR', :'from'::date + (n % 28)::int + 14, true, notice_id,
       CASE WHEN n % 20 > 1 THEN (:'from'::date + (n % 28)::int)::timestamp AT TIME ZONE 'UTC' END,
       :'from'::date - 5
FROM month_consents WHERE n <= 10000;

UPDATE consents c
SET status = 'cancelled', cancel_requested_by = 'consumer', cancel_requested_at = :'from'::date + 1,
    cancel_effective_at = :'from'::date + 1, retain_until = current_date + 10
FROM month_consents m WHERE m.n > 10000 AND m.n <= 10200 AND c.merchant_id = 'bench' AND c.id = m.id;
INSERT INTO payments (merchant_id, payment_id, consent_id, amount_minor, currency, executed_at, status, final,
                      after_cancellation, request_hash, recorded_at)
SELECT 'bench', 'bench-after-' || n, id, 1023, 'EUR', :'from'::date + 5, 'approved', false, true, repeat('0', 64),
       :'from'::date + 6
FROM month_consents WHERE n > 10000 AND n <= 10200;

UPDATE consents c SET legal_hold = true, legal_hold_reason = 'bench', legal_hold_since = now()
FROM month_consents m WHERE m.n > 10200 AND c.merchant_id = 'bench' AND c.id = m.id;
ANALYZE consents;
ANALYZE outbox;
ANALYZE debits;
ANALYZE payments;
