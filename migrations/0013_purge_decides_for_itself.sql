-- Retention from now on: a consent is purged only when its retainUntil has passed on the database's own clock,
-- in its merchant's time zone, it holds no legal hold, and none of its messages (emails or webhook deliveries)
-- is still queued or leased. The function decides all of this itself, so no caller can purge early by passing
-- a later date. It runs as the schema's owner; the role that serves has no DELETE on any history table.

-- For the check above, and for withdrawing a cancelled consent's notices, without reading a merchant's whole
-- outbox.
CREATE INDEX outbox_queued_by_consent ON outbox (merchant_id, consent_id) WHERE state = 'queued';

DROP FUNCTION purge_consent(text, uuid, date, timestamptz, text);

CREATE FUNCTION purge_consent(p_merchant text, p_consent uuid, p_evidence_sha256 text)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    target consents%ROWTYPE;
    today date;
BEGIN
    SELECT * INTO target FROM consents WHERE merchant_id = p_merchant AND id = p_consent FOR UPDATE;
    IF NOT FOUND OR target.retain_until IS NULL OR target.legal_hold THEN
        RETURN false;
    END IF;
    SELECT (now() AT TIME ZONE m.timezone)::date INTO today FROM merchants m WHERE m.merchant_id = p_merchant;
    IF today IS NULL OR target.retain_until >= today THEN
        RETURN false;
    END IF;
    IF EXISTS (SELECT 1 FROM outbox WHERE merchant_id = p_merchant AND consent_id = p_consent AND state = 'queued') THEN
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
    VALUES (p_merchant, p_consent, target.merchant_reference, target.retain_until, now(), p_evidence_sha256);
    RETURN true;
END
$$;
REVOKE ALL ON FUNCTION purge_consent(text, uuid, text) FROM PUBLIC;

-- The setting alone no longer lets a DELETE through: it must also come from the schema's owner, which for the
-- serving role means from inside purge_consent(). (Where one role both owns and serves, the setting is all
-- that is left; the service warns about that set-up at start.)
CREATE OR REPLACE FUNCTION consent_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('consent.purging', true) = OLD.merchant_id || '/' || OLD.consent_id::text
       AND current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'consent events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Only purge_consent() deletes events, and only of a consent past its retainUntil.';
END
$$;

-- A consent's retention only ever grows, starts only once the consent has ended, and an ended consent stays
-- ended: otherwise the serving role could bring a record's purge forward by rewriting the date. The owner may
-- still correct a row by hand.
CREATE FUNCTION consents_guard_retention() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID) THEN
        RETURN NEW;
    END IF;
    IF OLD.status IN ('cancelled', 'completed', 'expired') AND NEW.status IS DISTINCT FROM OLD.status THEN
        RAISE EXCEPTION 'a % consent cannot become %', OLD.status, NEW.status USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.retain_until IS NOT NULL AND (NEW.retain_until IS NULL OR NEW.retain_until < OLD.retain_until) THEN
        RAISE EXCEPTION 'retain_until can only move later' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.retain_until IS NOT NULL AND NEW.status NOT IN ('cancelled', 'completed', 'expired') THEN
        RAISE EXCEPTION 'retain_until is set only once a consent has ended' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER consents_retention_guard BEFORE UPDATE OF status, retain_until ON consents
    FOR EACH ROW EXECUTE FUNCTION consents_guard_retention();

-- What the serving role may do, granted by the owner after every migration (`grant_serving_role` is called by
-- the service with the serving role's name, so tables added later are covered too): read everything; insert
-- and update what the service writes; never update history, never delete anything but expired idempotency
-- records; purge only through purge_consent().
CREATE FUNCTION grant_serving_role(p_role name) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', p_role);
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', p_role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO %I', p_role);
    EXECUTE format('REVOKE INSERT, UPDATE ON schema_migrations, consent_tombstones FROM %I', p_role);
    EXECUTE format('REVOKE UPDATE ON consent_events, merchant_events FROM %I', p_role);
    EXECUTE format('GRANT DELETE ON idempotency_keys TO %I', p_role);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', p_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION purge_consent(text, uuid, text) TO %I', p_role);
END
$$;
REVOKE ALL ON FUNCTION grant_serving_role(name) FROM PUBLIC;
