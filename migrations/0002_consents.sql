-- Consents with every field of the contract. Money is integer minor units beside its ISO 4217 currency.

CREATE TABLE consents (
    merchant_id            text NOT NULL REFERENCES merchants (merchant_id),
    id                     uuid NOT NULL,
    merchant_reference     text NOT NULL,
    status                 text NOT NULL CHECK (status IN ('pending', 'active', 'cancelled', 'completed', 'expired')),
    request_hash           text NOT NULL,

    consumer_first_name    text NOT NULL,
    consumer_last_name     text NOT NULL,
    consumer_email         text NOT NULL,
    consumer_phone         text,
    consumer_language      text NOT NULL,

    terms_type             text   NOT NULL CHECK (terms_type IN ('scheduled', 'unscheduled')),
    amount_minor           bigint NOT NULL CHECK (amount_minor > 0),
    currency               text   NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount_type            text   NOT NULL CHECK (amount_type IN ('fixed', 'variable')),
    max_amount_minor       bigint CHECK (max_amount_minor >= amount_minor),
    first_debit_date       date,
    date_type              text   NOT NULL CHECK (date_type IN ('fixed', 'variable')),
    frequency_interval     text   CHECK (frequency_interval IN ('monthly', 'custom')),
    frequency_days         int    CHECK (frequency_days BETWEEN 1 AND 366),
    end_date               date,
    objective_criteria     text,

    communication_method   text NOT NULL CHECK (communication_method = 'email'),
    communication_address  text NOT NULL,

    card_brand             text     NOT NULL,
    card_last4             text     NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
    card_expiry_month      smallint NOT NULL CHECK (card_expiry_month BETWEEN 1 AND 12),
    card_expiry_year       smallint NOT NULL,

    accepted_at            timestamptz NOT NULL,
    ip_address             text NOT NULL,
    user_agent             text,
    disclosure_text        text NOT NULL,
    disclosure_version     text NOT NULL,
    disclosure_sha256      text NOT NULL,

    recurrence_id          text,
    initial_payment_id     text,
    activated_at           timestamptz,
    expires_at             timestamptz NOT NULL,

    policy_version         int  NOT NULL,
    confirmation_due_by    date NOT NULL,
    confirmation_sent_at   timestamptz,

    cancel_requested_by    text CHECK (cancel_requested_by IN ('consumer', 'merchant')),
    cancel_requested_at    timestamptz,
    cancel_effective_at    timestamptz,
    cancel_reason          text,

    retain_until           date,
    legal_hold             boolean NOT NULL DEFAULT false,

    last_event_seq         int  NOT NULL,
    last_event_hash        text NOT NULL,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,

    PRIMARY KEY (merchant_id, id),
    UNIQUE (merchant_id, merchant_reference),
    UNIQUE (merchant_id, recurrence_id),
    FOREIGN KEY (merchant_id, policy_version) REFERENCES merchant_policies (merchant_id, version),
    CHECK ((status = 'pending') = (activated_at IS NULL) OR status IN ('expired', 'cancelled')),
    CHECK ((terms_type = 'scheduled') = (frequency_interval IS NOT NULL)),
    CHECK (frequency_interval IS DISTINCT FROM 'custom' OR frequency_days IS NOT NULL)
);

-- The expiry sweep looks only at pending consents whose activation window has closed.
CREATE INDEX consents_pending_expiry ON consents (expires_at) WHERE status = 'pending';
-- No index on created_at: ids are UUIDv7, so the primary key (merchant_id, id) is already in creation order.
-- (An index leading with merchant_id alone also tempted the planner's cached foreign-key checks, made while
-- the table was empty, into scanning a merchant's every consent per inserted event.)

-- The append-only history of each consent, a hash chain: hash = SHA-256 of the canonical JSON of the event
-- with prevHash inside it.
CREATE TABLE consent_events (
    merchant_id text NOT NULL,
    consent_id  uuid NOT NULL,
    seq         int  NOT NULL CHECK (seq >= 1),
    type        text NOT NULL,
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    data        jsonb NOT NULL,
    prev_hash   text NOT NULL,
    hash        text NOT NULL,
    PRIMARY KEY (merchant_id, consent_id, seq),
    FOREIGN KEY (merchant_id, consent_id) REFERENCES consents (merchant_id, id)
);

-- The first response to each Idempotency-Key, replayed byte for byte on a repeat. Only successful
-- responses are kept: a rejected request leaves nothing behind.
CREATE TABLE idempotency_keys (
    merchant_id     text NOT NULL REFERENCES merchants (merchant_id),
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request_hash    text NOT NULL,
    response_status int  NOT NULL,
    response_body   bytea NOT NULL,
    consent_id      uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, idempotency_key)
);

-- Messages to send (confirmations, notices, webhooks), written in the same transaction as the change that
-- implies them, and claimed by notifier workers.
CREATE TABLE outbox (
    merchant_id  text NOT NULL REFERENCES merchants (merchant_id),
    id           uuid NOT NULL,
    consent_id   uuid,
    kind         text NOT NULL,
    payload      jsonb NOT NULL DEFAULT '{}',
    state        text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed', 'withdrawn')),
    due_at       timestamptz NOT NULL,
    attempts     int NOT NULL DEFAULT 0,
    lease_owner  uuid,
    lease_until  timestamptz,
    message_id   text,
    last_error   text,
    server_reply text,
    sent_at      timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, id),
    FOREIGN KEY (merchant_id, consent_id) REFERENCES consents (merchant_id, id)
);

CREATE INDEX outbox_due ON outbox (due_at) WHERE state = 'queued';
