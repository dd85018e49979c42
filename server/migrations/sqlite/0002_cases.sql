-- Cases, their photos and their data keys. Clinical free text is stored sealed (AES-256-GCM under
-- the case's data key); photos are sealed blobs in the blob store, referenced by blob_key.

CREATE TABLE cases (
    id              BLOB PRIMARY KEY,
    gp_id           BLOB NOT NULL REFERENCES users (id),
    territory_code  TEXT NOT NULL REFERENCES territories (code),
    status          TEXT NOT NULL CHECK (status IN
                        ('queued', 'claimed', 'info_requested', 'answered', 'closed', 'cancelled')),
    priority        TEXT NOT NULL CHECK (priority IN ('urgent', 'routine')),
    age             INTEGER NOT NULL CHECK (age BETWEEN 0 AND 130),
    sex             TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other')),
    phototype       INTEGER CHECK (phototype BETWEEN 1 AND 6),
    clinical        BLOB NOT NULL,
    consent_at      TEXT NOT NULL,
    submitted_at    TEXT NOT NULL,
    due_at          TEXT
);
CREATE INDEX cases_by_gp ON cases (gp_id, submitted_at);
CREATE INDEX cases_by_territory_status ON cases (territory_code, status);

-- One row per case; deleting it makes the case unreadable (its photos and text stay sealed).
CREATE TABLE data_keys (
    case_id        BLOB PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    master_key_id  TEXT NOT NULL,
    wrapped        BLOB NOT NULL,
    created_at     TEXT NOT NULL,
    rewrapped_at   TEXT
);
CREATE INDEX data_keys_by_master ON data_keys (master_key_id);

CREATE TABLE photos (
    id                BLOB PRIMARY KEY,
    case_id           BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('overview', 'closeup', 'dermoscopy')),
    format            TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp')),
    width             INTEGER NOT NULL,
    height            INTEGER NOT NULL,
    bytes             INTEGER NOT NULL,
    sha256            TEXT NOT NULL,
    blob_key          TEXT NOT NULL UNIQUE,
    metadata_removed  TEXT NOT NULL,
    quality_warnings  TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    UNIQUE (case_id, position)
);

-- Who downloaded which photo (a minimal audit record until the audit trail exists).
CREATE TABLE photo_reads (
    id          BLOB PRIMARY KEY,
    photo_id    BLOB NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    user_id     BLOB NOT NULL REFERENCES users (id),
    request_id  TEXT NOT NULL,
    read_at     TEXT NOT NULL
);
