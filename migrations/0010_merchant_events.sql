-- What happened to a merchant's records as a whole, beside each consent's own history: first of all, who
-- exported its consents, when, which range and how many rows. Append-only, like consent events.

CREATE TABLE merchant_events (
    merchant_id text        NOT NULL REFERENCES merchants (merchant_id),
    seq         bigint      GENERATED ALWAYS AS IDENTITY,
    type        text        NOT NULL,
    at          timestamptz NOT NULL,
    actor       text        NOT NULL,
    data        jsonb       NOT NULL,
    PRIMARY KEY (merchant_id, seq)
);

CREATE FUNCTION merchant_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'merchant events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER merchant_events_append_only BEFORE UPDATE OR DELETE ON merchant_events
    FOR EACH ROW EXECUTE FUNCTION merchant_events_refuse_change();
CREATE TRIGGER merchant_events_no_truncate BEFORE TRUNCATE ON merchant_events
    FOR EACH STATEMENT EXECUTE FUNCTION merchant_events_refuse_change();
