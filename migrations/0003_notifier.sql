-- What the notifier needs: per message, what was sent (for evidence); per consent, when its confirmation was
-- found overdue (flagged once); per merchant, the key its consumers' cancel links are signed with.

ALTER TABLE outbox
    ADD COLUMN recipient   text,
    ADD COLUMN subject     text,
    ADD COLUMN language    text,
    ADD COLUMN body_sha256 text;

ALTER TABLE consents ADD COLUMN confirmation_overdue_at timestamptz;

-- Active consents still waiting for their confirmation, by deadline: the overdue check reads only these.
CREATE INDEX consents_confirmation_pending ON consents (confirmation_due_by)
    WHERE confirmation_sent_at IS NULL AND confirmation_overdue_at IS NULL AND status = 'active';

-- 32 random bytes made by the service when it first needs them; never sent anywhere.
ALTER TABLE merchants ADD COLUMN cancel_token_key bytea CHECK (length(cancel_token_key) = 32);
