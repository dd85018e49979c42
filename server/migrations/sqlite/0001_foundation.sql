-- Territories, users and the on-call rota.
-- Ids are UUID blobs; times are RFC 3339 UTC text, which sorts chronologically.

CREATE TABLE territories (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    timezone    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE territory_fallbacks (
    territory_code TEXT NOT NULL REFERENCES territories (code) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    fallback_code  TEXT NOT NULL REFERENCES territories (code),
    PRIMARY KEY (territory_code, position),
    UNIQUE (territory_code, fallback_code),
    CHECK (territory_code <> fallback_code)
);

CREATE TABLE users (
    id              BLOB PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('gp', 'dermatologist', 'coordinator', 'admin')),
    password_hash   TEXT NOT NULL,
    home_territory  TEXT REFERENCES territories (code),
    rpps            TEXT,
    webhook_url     TEXT,
    disabled_at     TEXT,
    created_at      TEXT NOT NULL,
    CHECK ((role = 'gp') = (home_territory IS NOT NULL))
);

CREATE TABLE coordinator_territories (
    user_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    territory_code  TEXT NOT NULL REFERENCES territories (code),
    PRIMARY KEY (user_id, territory_code)
);

CREATE TABLE oncall_shifts (
    id                BLOB PRIMARY KEY,
    dermatologist_id  BLOB NOT NULL REFERENCES users (id),
    territory_code    TEXT NOT NULL REFERENCES territories (code),
    starts_at         TEXT NOT NULL,
    ends_at           TEXT NOT NULL,
    created_by        BLOB NOT NULL REFERENCES users (id),
    created_at        TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);

CREATE INDEX oncall_shifts_by_territory ON oncall_shifts (territory_code, starts_at, ends_at);
CREATE INDEX oncall_shifts_by_dermatologist ON oncall_shifts (dermatologist_id, starts_at);
