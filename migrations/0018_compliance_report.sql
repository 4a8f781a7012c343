-- The compliance report reads, per merchant, only the duties whose deadlines fall in the asked range: each of
-- these indexes leads with the merchant and then the date a deadline is counted from.

CREATE INDEX consents_confirmation_by_due ON consents (merchant_id, confirmation_due_by)
    WHERE activated_at IS NOT NULL;

CREATE INDEX consent_amendments_agreed_by_due ON consent_amendments (merchant_id, confirmation_due_by)
    WHERE consent = 'agreed';

CREATE INDEX consent_amendments_notified_by_effect ON consent_amendments (merchant_id, effective_from)
    WHERE consent = 'notified';

CREATE INDEX debits_noticed_by_date ON debits (merchant_id, debit_date) WHERE notice_required;

CREATE INDEX card_expiry_reminders_by_debit ON card_expiry_reminders (merchant_id, debit_date);

-- Payments recorded while their consent was cancelled: the only ones that can have been taken after it.
CREATE INDEX payments_after_cancellation ON payments (merchant_id, executed_at) WHERE after_cancellation;

CREATE INDEX consents_under_legal_hold ON consents (merchant_id, id) WHERE legal_hold;

CREATE INDEX consents_retention_by_merchant ON consents (merchant_id, retain_until)
    WHERE retain_until IS NOT NULL AND NOT legal_hold;
