-- Consumers' personal data is stored sealed by the service (AES-256-GCM under a key from its configuration,
-- never given to the database), with the id of that key beside it. The plain columns of 0002 and 0003 stay
-- only for rows written before this migration; the service seals those when it starts and empties them.

ALTER TABLE consents
    ADD COLUMN personal_data     bytea,
    ADD COLUMN personal_data_key text,
    ALTER COLUMN consumer_first_name DROP NOT NULL,
    ALTER COLUMN consumer_last_name DROP NOT NULL,
    ALTER COLUMN consumer_email DROP NOT NULL,
    ALTER COLUMN communication_address DROP NOT NULL,
    ALTER COLUMN ip_address DROP NOT NULL,
    ADD CONSTRAINT consents_personal_data_sealed CHECK (
        (personal_data IS NULL) = (personal_data_key IS NULL)
        AND CASE WHEN personal_data IS NULL
                 THEN consumer_first_name IS NOT NULL AND consumer_last_name IS NOT NULL
                      AND consumer_email IS NOT NULL AND communication_address IS NOT NULL AND ip_address IS NOT NULL
                 ELSE num_nonnulls(consumer_first_name, consumer_last_name, consumer_email, consumer_phone,
                                   communication_address, ip_address, user_agent) = 0
            END);

-- Rows still waiting to be sealed: none once the service has started, so this index stays empty.
CREATE INDEX consents_personal_data_unsealed ON consents (merchant_id, id) WHERE personal_data IS NULL;

-- The address an email went to is the consumer's; a webhook's URL is the merchant's and stays plain.
ALTER TABLE outbox
    ADD COLUMN recipient_sealed bytea,
    ADD COLUMN recipient_key    text,
    ADD CONSTRAINT outbox_recipient_sealed CHECK (
        (recipient_sealed IS NULL) = (recipient_key IS NULL)
        AND (recipient_sealed IS NULL OR recipient IS NULL));

CREATE INDEX outbox_recipient_unsealed ON outbox (merchant_id, id) WHERE recipient IS NOT NULL AND kind <> 'webhook';

-- A stored capture response repeats the consent, personal data included. response_key NULL: stored as is (the
-- empty body of a reservation, or a body from before this migration).
ALTER TABLE idempotency_keys ADD COLUMN response_key text;

CREATE INDEX idempotency_keys_unsealed ON idempotency_keys (merchant_id, idempotency_key)
    WHERE response_key IS NULL AND response_status <> 0;
