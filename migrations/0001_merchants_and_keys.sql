-- Merchants, their policy versions and their API keys. Every table carries merchant_id so that it can be
-- distributed by merchant later without rewriting queries.

CREATE TABLE merchants (
    merchant_id   text PRIMARY KEY CHECK (merchant_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    country       text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    timezone      text NOT NULL,
    sender        text NOT NULL,
    support_email text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- A policy is never edited in place: a stricter one is a new version, so every deadline that names the
-- version it was computed from stays explainable.
CREATE TABLE merchant_policies (
    merchant_id                text NOT NULL REFERENCES merchants (merchant_id),
    version                    int  NOT NULL CHECK (version >= 1),
    confirmation_business_days int  NOT NULL CHECK (confirmation_business_days BETWEEN 0 AND 2),
    notice_days                int  NOT NULL CHECK (notice_days BETWEEN 14 AND 365),
    retention_months           int  NOT NULL CHECK (retention_months BETWEEN 18 AND 240),
    activation_window_seconds  int  NOT NULL CHECK (activation_window_seconds BETWEEN 60 AND 86400),
    created_at                 timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, version)
);

-- Only a SHA-256 of each key is kept; the key itself is shown once when created.
CREATE TABLE api_keys (
    merchant_id text  NOT NULL REFERENCES merchants (merchant_id),
    key_id      uuid  NOT NULL,
    role        text  NOT NULL CHECK (role IN ('checkout', 'billing', 'auditor', 'admin')),
    key_hash    bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    key_prefix  text  NOT NULL,
    label       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    PRIMARY KEY (merchant_id, key_id)
);
