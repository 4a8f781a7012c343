-- Agreements that change. A consent's row keeps the terms it was captured with (version 1); every later version
-- is a row here, in force from its effective_from until a later version's, unless withdrawn before then.
-- (Purging a consent with its amendments, and their webhooks, come with 0016.)

ALTER TABLE merchant_policies ADD COLUMN increases_by_notice boolean NOT NULL DEFAULT false;

CREATE TABLE consent_amendments (
    merchant_id            text NOT NULL,
    consent_id             uuid NOT NULL,
    version                int  NOT NULL CHECK (version >= 2),
    id                     uuid NOT NULL,
    consent                text NOT NULL CHECK (consent IN ('agreed', 'notified')),
    effective_from         date NOT NULL,
    reason                 text NOT NULL,
    changed                text[] NOT NULL,

    -- The whole terms from effective_from on, in the consents table's columns.
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

    -- An agreed amendment's evidence: the address and user agent sealed like a consent's personal data.
    accepted_at            timestamptz,
    evidence_sealed        bytea,
    evidence_key           text,
    disclosure_text        text,
    disclosure_version     text,
    disclosure_sha256      text,
    confirmation_due_by    date,
    confirmation_outbox_id uuid,
    confirmation_sent_at   timestamptz,
    confirmation_overdue_at timestamptz,

    -- A notified amendment's notice, and the days it must precede a debit under these terms (from the policy
    -- of policy_version).
    notice_outbox_id       uuid,
    notice_sent_at         timestamptz,
    notice_days            int NOT NULL CHECK (notice_days BETWEEN 14 AND 365),

    policy_version         int NOT NULL,
    created_at             timestamptz NOT NULL,
    created_by             text NOT NULL,
    withdrawn_at           timestamptz,
    withdrawn_by           text,

    PRIMARY KEY (merchant_id, consent_id, version),
    UNIQUE (merchant_id, id),
    FOREIGN KEY (merchant_id, consent_id) REFERENCES consents (merchant_id, id),
    CHECK ((consent = 'agreed') = (accepted_at IS NOT NULL AND evidence_sealed IS NOT NULL
                                   AND disclosure_text IS NOT NULL AND confirmation_due_by IS NOT NULL)),
    CHECK ((consent = 'notified') = (notice_outbox_id IS NOT NULL))
);

-- Validity finds the version in force on a debit's date by (merchant_id, consent_id) and the newest version
-- first; only versions not withdrawn count.
CREATE INDEX consent_amendments_in_force ON consent_amendments (merchant_id, consent_id, version DESC)
    INCLUDE (effective_from) WHERE withdrawn_at IS NULL;

-- Agreed changes whose confirmation is still owed, for the overdue check.
CREATE INDEX consent_amendments_confirmation_pending ON consent_amendments (confirmation_due_by)
    WHERE consent = 'agreed' AND confirmation_sent_at IS NULL AND confirmation_overdue_at IS NULL
      AND withdrawn_at IS NULL;
