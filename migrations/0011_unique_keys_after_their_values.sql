-- The primary key must be the only index of `consents` that leads with merchant_id. Foreign-key checks from
-- events, outbox rows, debits and payments look a consent up by (merchant_id, id), and each backend plans that
-- lookup once and keeps the plan for its whole life. A backend that made the plan while the table was small
-- found the two unique indexes leading with merchant_id as cheap as the primary key, and with one of them every
-- later check read the merchant's every consent: captures slowed down in proportion to the merchant's consents
-- until the connection was replaced. Putting the value first keeps each unique index as useful for its own
-- lookups, which always name both columns, and useless for anything else.
ALTER TABLE consents
    ADD CONSTRAINT consents_merchant_reference_unique UNIQUE (merchant_reference, merchant_id),
    ADD CONSTRAINT consents_recurrence_id_unique UNIQUE (recurrence_id, merchant_id);
ALTER TABLE consents
    DROP CONSTRAINT consents_merchant_id_merchant_reference_key,
    DROP CONSTRAINT consents_merchant_id_recurrence_id_key;
