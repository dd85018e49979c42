-- Each webhook recipient signs with its own secret (issue 10), sealed under a master key with
-- the user's id and its purpose bound into the AAD. A webhook URL set before this migration has
-- no secret until the URL is set again or the secret rotated: its messages are not sent
-- (`no_secret`) until then.
CREATE TABLE webhook_secrets (
    user_id        UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    master_key_id  TEXT NOT NULL,
    sealed         BYTEA NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    rewrapped_at   TIMESTAMPTZ
);
CREATE INDEX webhook_secrets_by_master ON webhook_secrets (master_key_id);

-- Admins see why a delivery failed as a category only, never the text of a connection error
-- (which would tell them what listens where inside the network). Earlier messages are mapped.
UPDATE outbox SET last_error = CASE
    WHEN last_error LIKE 'the webhook answered%' THEN 'http_status'
    WHEN last_error LIKE 'the recipient has no webhook URL%' THEN 'no_webhook'
    WHEN last_error LIKE '%timed out%' THEN 'timeout'
    ELSE 'connect_failed'
END
WHERE last_error IS NOT NULL;
