-- A dermatologist's saved phrases (issue 13): a few sentences it puts in its reports again and
-- again ("Lésion bénigne, surveillance simple."). Its own wording, never a patient's data.
CREATE TABLE saved_phrases (
    id          BLOB PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX saved_phrases_by_user ON saved_phrases (user_id, created_at);
