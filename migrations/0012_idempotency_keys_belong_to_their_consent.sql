-- An idempotency record names the consent that answered it, and the database now refuses a record that names
-- a consent it does not hold: the purge finds a consent's records by this column, so a record pointing at
-- nothing would outlive the consent with its sealed copy of the consumer's data. Records written before this
-- migration could name a consent that was never inserted; they are dropped (replaying such a key again finds
-- the consent by its merchantReference).
DELETE FROM idempotency_keys k
WHERE k.consent_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.merchant_id = k.merchant_id AND c.id = k.consent_id);

ALTER TABLE idempotency_keys
    ADD CONSTRAINT idempotency_keys_consent_fk FOREIGN KEY (merchant_id, consent_id) REFERENCES consents (merchant_id, id);

-- For the purge, which deletes a consent's records, and for the foreign key's check when a consent is deleted.
CREATE INDEX idempotency_keys_by_consent ON idempotency_keys (merchant_id, consent_id) WHERE consent_id IS NOT NULL;
-- For the sweep of expired records.
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
