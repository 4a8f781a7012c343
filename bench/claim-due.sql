-- How long the notifier's database work takes to find :due due messages: claims of :batch rows at a time (the
-- statement of OutboxQueue.claimStatement in Sources/Notifier/Outbox/OutboxQueue.swift, kept in step by hand),
-- each batch then marked sent by primary key as the notifier does after sending, until no due message is left.
-- Prints "claimed N in MS ms". Run inside a transaction that is rolled back, so every repetition finds the same
-- rows.
SET bench.due = :due;
SET bench.batch = :batch;
DO $$
DECLARE
    batch_size int := current_setting('bench.batch')::int;
    owner uuid := gen_random_uuid();
    started timestamptz := clock_timestamp();
    claimed int := 0;
    merchants text[];
    ids uuid[];
BEGIN
    LOOP
        WITH due AS MATERIALIZED (
            SELECT merchant_id, id FROM outbox
            WHERE state = 'queued' AND due_at <= now() AND (lease_until IS NULL OR lease_until <= now())
            ORDER BY due_at
            LIMIT batch_size
            FOR UPDATE SKIP LOCKED
        ), leased AS (
            UPDATE outbox o SET lease_owner = owner, lease_until = now() + interval '2 minutes',
                attempts = o.attempts + 1
            FROM due
            WHERE o.merchant_id = due.merchant_id AND o.id = due.id
            RETURNING o.merchant_id, o.id, o.consent_id, o.kind, o.payload::text, o.attempts
        )
        SELECT array_agg(merchant_id), array_agg(id) INTO merchants, ids FROM leased;
        EXIT WHEN ids IS NULL;
        claimed := claimed + cardinality(ids);
        UPDATE outbox o SET state = 'sent', sent_at = now(), lease_owner = NULL, lease_until = NULL
        FROM unnest(merchants, ids) AS s(merchant_id, id)
        WHERE o.merchant_id = s.merchant_id AND o.id = s.id AND o.lease_owner = owner;
    END LOOP;
    RAISE NOTICE 'claimed % in % ms', claimed,
        round(extract(epoch FROM clock_timestamp() - started)::numeric * 1000, 3);
END
$$;
