-- Merchants' webhook endpoints, and their deliveries as outbox rows of kind 'webhook'.

CREATE TABLE webhook_endpoints (
    merchant_id     text NOT NULL REFERENCES merchants (merchant_id),
    id              uuid NOT NULL,
    url             text NOT NULL,
    events          text[] NOT NULL CHECK (cardinality(events) >= 1),
    -- The signing key itself, not a hash of it: every delivery is signed with it.
    secret          bytea NOT NULL CHECK (length(secret) >= 24),
    created_at      timestamptz NOT NULL,
    disabled_at     timestamptz,
    disabled_reason text,
    PRIMARY KEY (merchant_id, id),
    CHECK ((disabled_at IS NULL) = (disabled_reason IS NULL))
);

ALTER TABLE outbox ADD COLUMN endpoint_id uuid,
    ADD FOREIGN KEY (merchant_id, endpoint_id) REFERENCES webhook_endpoints (merchant_id, id);

-- A merchant's deliveries in the order they were queued, for GET /v1/webhook-deliveries.
CREATE INDEX outbox_webhook_deliveries ON outbox (merchant_id, id) WHERE kind = 'webhook';

-- Outbox ids are UUIDv7 (time first) so that a listing by id is a listing by time; gen_random_uuid gives the
-- random bits and the variant, this sets the 48-bit millisecond time and the version.
CREATE FUNCTION outbox_uuid_v7(at timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
    SELECT encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send(floor(extract(epoch FROM at) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6),
            52, 1), 53, 1),
        'hex')::uuid
$$;

-- Every event of a type that merchants can subscribe to becomes one delivery per enabled endpoint that asked
-- for it, in the transaction that records the event. Doing it here rather than in each code path that appends
-- such an event means no path (present or future) can record the event and forget its webhooks. The body is
-- built by the notifier from the event row, which never changes, so every retry carries the same body. A
-- delivery counts as queued at the event's time, which its two hours of retries are measured from.
CREATE FUNCTION webhook_deliveries_for_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (merchant_id, id, consent_id, kind, payload, due_at, created_at, endpoint_id)
    SELECT NEW.merchant_id, outbox_uuid_v7(NEW.at), NEW.consent_id, 'webhook',
           jsonb_build_object('type', NEW.type, 'eventSeq', NEW.seq, 'endpointId', w.id), NEW.at, NEW.at, w.id
    FROM webhook_endpoints w
    WHERE w.merchant_id = NEW.merchant_id AND w.disabled_at IS NULL AND NEW.type = ANY (w.events);
    RETURN NULL;
END
$$;

CREATE TRIGGER consent_event_webhooks AFTER INSERT ON consent_events
    FOR EACH ROW
    WHEN (NEW.type IN ('consent.activated', 'consent.cancelled', 'confirmation.sent', 'confirmation.overdue',
                       'notice.sent', 'notice.failed', 'consent.completed', 'consent.expired'))
    EXECUTE FUNCTION webhook_deliveries_for_event();
