-- Browser sessions (issue 12). The cookie holds a random id; only its SHA-256 is stored, so a
-- copy of this table opens no session. The CSRF token is the session's own, put in its forms.
CREATE TABLE web_sessions (
    id_hash       BYTEA PRIMARY KEY,
    user_id       UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    language      TEXT CHECK (language IN ('fr', 'en')),
    created_at    TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX web_sessions_by_user ON web_sessions (user_id);
CREATE INDEX web_sessions_by_last_seen ON web_sessions (last_seen_at);
