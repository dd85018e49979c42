-- E-mail beside webhooks (issue 14). Each user has a language (its e-mails', and its pages' once
-- signed in) and, per kind of event, the channels it chose where they differ from its role's
-- defaults (JSON, e.g. {"case.answered":"email"}).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en'));
ALTER TABLE users ADD COLUMN notification_channels TEXT NOT NULL DEFAULT '{}';

-- One outbox row per recipient and channel: an e-mail and a webhook of the same event are
-- retried and parked apart.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'webhook'
    CHECK (channel IN ('webhook', 'email'));
-- The "new cases" e-mails of a dermatologist go out together, at most one per 15 minutes:
-- the last one sent and the ones still waiting are looked up by recipient.
CREATE INDEX outbox_by_recipient ON outbox (recipient_id, channel, event, delivered_at);
