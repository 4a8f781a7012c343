-- Cards recorded after capture. The consents row always holds the card now used (card_* columns, with
-- card_seq and card_account_closed); this table keeps every card a consent has had, from the one captured
-- (seq 0, written when the first update arrives) on, each in force from its effective_from, so validity can
-- judge a debit by the card in force on its date.

ALTER TABLE consents
    ADD COLUMN card_seq int NOT NULL DEFAULT 0,
    ADD COLUMN card_account_closed boolean NOT NULL DEFAULT false;

ALTER TABLE merchant_policies
    ADD COLUMN card_reminder_days int NOT NULL DEFAULT 30 CHECK (card_reminder_days BETWEEN 7 AND 90);

CREATE TABLE consent_cards (
    merchant_id        text     NOT NULL,
    consent_id         uuid     NOT NULL,
    seq                int      NOT NULL CHECK (seq >= 0),
    brand              text     NOT NULL,
    last4              text     NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
    expiry_month       smallint NOT NULL CHECK (expiry_month BETWEEN 1 AND 12),
    expiry_year        smallint NOT NULL,
    source             text     NOT NULL CHECK (source IN ('capture', 'account_updater', 'consumer', 'merchant')),
    account_closed     boolean  NOT NULL,
    effective_from     date     NOT NULL,
    recorded_at        timestamptz NOT NULL,
    recorded_by        text     NOT NULL,
    PRIMARY KEY (merchant_id, consent_id, seq),
    FOREIGN KEY (merchant_id, consent_id) REFERENCES consents (merchant_id, id)
);

-- One card-expiry reminder per card: the row is the promise that it was queued.
CREATE TABLE card_expiry_reminders (
    merchant_id  text NOT NULL,
    consent_id   uuid NOT NULL,
    card_seq     int  NOT NULL,
    outbox_id    uuid NOT NULL,
    debit_date   date NOT NULL,
    queued_at    timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, consent_id, card_seq),
    FOREIGN KEY (merchant_id, consent_id) REFERENCES consents (merchant_id, id)
);

-- The reminder sweep's candidates: active scheduled consents by the card they use now.
CREATE INDEX consents_card_expiry ON consents (card_expiry_year, card_expiry_month)
    WHERE status = 'active' AND terms_type = 'scheduled';

CREATE OR REPLACE FUNCTION purge_consent(p_merchant text, p_consent uuid, p_evidence_sha256 text)
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
    DELETE FROM consent_amendments WHERE merchant_id = p_merchant AND consent_id = p_consent;
    DELETE FROM consent_cards WHERE merchant_id = p_merchant AND consent_id = p_consent;
    DELETE FROM card_expiry_reminders WHERE merchant_id = p_merchant AND consent_id = p_consent;
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

-- Amendments, card changes and reminders reach webhooks too.
DROP TRIGGER consent_event_webhooks ON consent_events;
CREATE TRIGGER consent_event_webhooks AFTER INSERT ON consent_events
    FOR EACH ROW
    WHEN (NEW.type IN ('consent.activated', 'consent.cancelled', 'confirmation.sent', 'confirmation.overdue',
                       'notice.sent', 'notice.failed', 'consent.completed', 'consent.expired', 'consent.amended',
                       'card.updated', 'card.expiring'))
    EXECUTE FUNCTION webhook_deliveries_for_event();

-- GET /v1/consents: a page in id order per status, and of overdue confirmations, each from an index that
-- leads with the merchant. They are partial, so that a foreign-key check (by merchant and id) can never plan
-- itself onto one of them instead of the primary key (see 0011).
CREATE INDEX consents_list_active ON consents (merchant_id, id) WHERE status = 'active';
CREATE INDEX consents_list_cancelled ON consents (merchant_id, id) WHERE status = 'cancelled';
CREATE INDEX consents_list_completed ON consents (merchant_id, id) WHERE status = 'completed';
CREATE INDEX consents_list_pending_or_expired ON consents (merchant_id, id) WHERE status IN ('pending', 'expired');
CREATE INDEX consents_list_confirmation_overdue ON consents (merchant_id, id)
    WHERE confirmation_overdue_at IS NOT NULL AND confirmation_sent_at IS NULL;
-- cardExpiringBefore: the merchant's cards by expiry month (the predicate only keeps foreign-key checks off it).
CREATE INDEX consents_list_card_expiry ON consents (merchant_id, card_expiry_year, card_expiry_month, id)
    WHERE card_expiry_year IS NOT NULL;
