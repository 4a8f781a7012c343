-- Debits billing announced, with the pre-debit notice each needed. A notice's sent time is kept on its debit
-- (set in the transaction that records the message as sent), so that the validity check, the hottest path of
-- the service, reads it with the consent in one indexed statement.

CREATE TABLE debits (
    merchant_id      text   NOT NULL,
    id               uuid   NOT NULL,
    consent_id       uuid   NOT NULL,
    amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
    currency         text   NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    debit_date       date   NOT NULL,
    notice_required  boolean NOT NULL,
    notice_outbox_id uuid,
    notice_sent_at   timestamptz,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, id),
    FOREIGN KEY (merchant_id, consent_id) REFERENCES consents (merchant_id, id),
    CHECK (notice_required = (notice_outbox_id IS NOT NULL))
);

CREATE INDEX debits_by_consent ON debits (merchant_id, consent_id, debit_date);
