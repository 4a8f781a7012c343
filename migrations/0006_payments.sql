-- Payments billing reports having taken (or having had declined). paymentId is the gateway's, unique per
-- merchant, which makes reporting a payment again harmless. A payment on a cancelled consent is kept and
-- flagged: it is evidence of a debit that should not have happened.

CREATE TABLE payments (
    merchant_id        text   NOT NULL,
    payment_id         text   NOT NULL,
    consent_id         uuid   NOT NULL,
    amount_minor       bigint NOT NULL CHECK (amount_minor > 0),
    currency           text   NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    executed_at        timestamptz NOT NULL,
    status             text   NOT NULL CHECK (status IN ('approved', 'declined')),
    final              boolean NOT NULL,
    after_cancellation boolean NOT NULL,
    request_hash       text   NOT NULL,
    recorded_at        timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, payment_id),
    FOREIGN KEY (merchant_id, consent_id) REFERENCES consents (merchant_id, id)
);

CREATE INDEX payments_by_consent ON payments (merchant_id, consent_id, executed_at);
