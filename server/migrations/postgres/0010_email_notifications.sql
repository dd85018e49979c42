-- E-mail beside webhooks (issue 14). Each user has a language (its e-mails'; saving it on the
-- settings page switches that session's pages too) and, per kind of event, the channels it chose
-- where they differ from its role's defaults (JSON, e.g. {"case.answered":"email"}).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en'));
ALTER TABLE users ADD COLUMN notification_channels TEXT NOT NULL DEFAULT '{}';
-- When the dermatologist's last "new cases" e-mail went: at most one per 15 minutes, whatever
-- the instances (each takes its turn with a conditional update).
ALTER TABLE users ADD COLUMN new_cases_mailed_at TIMESTAMPTZ;

-- One outbox row per recipient and channel: an e-mail and a webhook of the same event are
-- retried and parked apart.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'webhook'
    CHECK (channel IN ('webhook', 'email'));
-- A dermatologist's waiting "new cases" e-mails go out together: looked up by recipient.
CREATE INDEX outbox_by_recipient ON outbox (recipient_id, channel, event)
    WHERE delivered_at IS NULL AND parked_at IS NULL;
