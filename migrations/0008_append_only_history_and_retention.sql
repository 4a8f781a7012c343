-- A consent's history can only grow, and a consent leaves the database only through the retention purge.

-- Legal holds keep a consent past its retainUntil; why, and since when, is kept beside the flag of 0002.
ALTER TABLE consents
    ADD COLUMN legal_hold_reason text,
    ADD COLUMN legal_hold_since  timestamptz,
    ADD CHECK (legal_hold = (legal_hold_reason IS NOT NULL));

-- What is left of a purged consent: enough to answer "it existed, and was deleted when it was due", and the
-- SHA-256 of its evidence bundle as it was just before, for anyone holding a copy of that bundle.
CREATE TABLE consent_tombstones (
    merchant_id        text NOT NULL REFERENCES merchants (merchant_id),
    consent_id         uuid NOT NULL,
    merchant_reference text NOT NULL,
    retain_until       date NOT NULL,
    purged_at          timestamptz NOT NULL,
    evidence_sha256    text NOT NULL CHECK (evidence_sha256 ~ '^[0-9a-f]{64}$'),
    PRIMARY KEY (merchant_id, consent_id)
);

-- Consents whose retention has run out, for the purge to find without reading the others.
CREATE INDEX consents_retention_due ON consents (retain_until) WHERE retain_until IS NOT NULL AND NOT legal_hold;

CREATE FUNCTION consent_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('consent.purging', true) = OLD.merchant_id || '/' || OLD.consent_id::text THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'consent events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Only purge_consent() deletes events, and only of a consent past its retainUntil.';
END
$$;

CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION consent_events_refuse_change();

CREATE FUNCTION consent_events_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'consent events are append-only: TRUNCATE refused' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events
    FOR EACH STATEMENT EXECUTE FUNCTION consent_events_refuse_truncate();

-- The one way a consent is deleted: with every row that belongs to it, leaving its tombstone, and only when it
-- is due as of p_as_of (its retainUntil has passed) and holds no legal hold; otherwise it deletes nothing and
-- answers false. The consent row is locked first, so concurrent purges of one consent delete it once.
CREATE FUNCTION purge_consent(p_merchant text, p_consent uuid, p_as_of date, p_purged_at timestamptz,
                              p_evidence_sha256 text)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    target consents%ROWTYPE;
BEGIN
    SELECT * INTO target FROM consents WHERE merchant_id = p_merchant AND id = p_consent FOR UPDATE;
    IF NOT FOUND OR target.retain_until IS NULL OR target.retain_until >= p_as_of OR target.legal_hold THEN
        RETURN false;
    END IF;
    PERFORM set_config('consent.purging', p_merchant || '/' || p_consent::text, true);
    DELETE FROM outbox WHERE merchant_id = p_merchant AND consent_id = p_consent;
    DELETE FROM debits WHERE merchant_id = p_merchant AND consent_id = p_consent;
    DELETE FROM payments WHERE merchant_id = p_merchant AND consent_id = p_consent;
    DELETE FROM idempotency_keys WHERE merchant_id = p_merchant AND consent_id = p_consent;
    DELETE FROM consent_events WHERE merchant_id = p_merchant AND consent_id = p_consent;
    DELETE FROM consents WHERE merchant_id = p_merchant AND id = p_consent;
    PERFORM set_config('consent.purging', '', true);
    INSERT INTO consent_tombstones (merchant_id, consent_id, merchant_reference, retain_until, purged_at,
                                    evidence_sha256)
    VALUES (p_merchant, p_consent, target.merchant_reference, target.retain_until, p_purged_at, p_evidence_sha256);
    RETURN true;
END
$$;
