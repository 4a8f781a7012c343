-- What the running notifier needs beyond the columns of 0003.

-- Wakes notifier workers (LISTEN outbox_due) when a message is queued. The empty payload lets PostgreSQL fold
-- every notification of one transaction into one; workers poll as well, so a lost notification only delays.

CREATE FUNCTION outbox_wake_workers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox_due', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_queued AFTER INSERT ON outbox
    FOR EACH ROW WHEN (NEW.state = 'queued') EXECUTE FUNCTION outbox_wake_workers();

-- Every merchant gets its cancel-link key when created: 32 bytes from PostgreSQL's strong random source
-- (two random UUIDs, 244 random bits), so no process ever has to race another to make one.
UPDATE merchants
SET cancel_token_key = decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex')
WHERE cancel_token_key IS NULL;
ALTER TABLE merchants
    ALTER COLUMN cancel_token_key SET DEFAULT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'),
    ALTER COLUMN cancel_token_key SET NOT NULL;
