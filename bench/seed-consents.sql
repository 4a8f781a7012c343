-- Stored consents for the read benchmark: :count active consents of merchant :'merchant', written in one
-- statement (the benchmark measures reads, not this).
INSERT INTO consents (
    merchant_id, id, merchant_reference, status, request_hash,
    consumer_first_name, consumer_last_name, consumer_email, consumer_phone, consumer_language,
    terms_type, amount_minor, currency, amount_type, first_debit_date, date_type, frequency_interval, end_date,
    communication_method, communication_address, card_brand, card_last4, card_expiry_month, card_expiry_year,
    accepted_at, ip_address, user_agent, disclosure_text, disclosure_version, disclosure_sha256,
    recurrence_id, activated_at, expires_at, policy_version, confirmation_due_by,
    last_event_seq, last_event_hash, created_at, updated_at)
SELECT :'merchant', gen_random_uuid(), 'seed-' || g, 'active', md5(g::text),
       'Ona', 'Seeded', 'ona' || g || '@example.com', '+37060000000', 'lt',
       'scheduled', 1023 + g % 500, 'EUR', 'fixed', date '2026-12-15' + (g % 28), 'fixed', 'monthly', date '2028-12-15',
       'email', 'ona' || g || '@example.com', 'VISA', lpad((g % 10000)::text, 4, '0'), 1 + g % 12, 2030,
       now() - interval '1 day', '203.0.113.7', 'seed', 'I agree to monthly debits.', '2026-11', repeat('0', 64),
       'seed-rec-' || g, now(), now() + interval '1 day', 1, current_date + 2,
       0, repeat('0', 64), now(), now()
FROM generate_series(1, :count) AS g;
ANALYZE consents;
