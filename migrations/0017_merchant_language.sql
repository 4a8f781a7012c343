-- The language a merchant's printed documents (evidence record, chargeback pack) are written in. Consumers'
-- emails keep following each consumer's own language.

ALTER TABLE merchants
    ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language ~ '^[a-z]{2,3}$');
