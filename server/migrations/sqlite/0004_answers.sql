-- Answers, requests for information and the GP's replies. Their free text is sealed under the
-- case's data key, like the rest of the clinical text.

ALTER TABLE cases ADD COLUMN info_requested_by BLOB REFERENCES users (id);

CREATE TABLE answers (
    case_id           BLOB PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    dermatologist_id  BLOB NOT NULL REFERENCES users (id),
    answered_at       TEXT NOT NULL,
    management        TEXT NOT NULL CHECK (management IN ('reassure', 'treat', 'follow_up_photos',
                          'in_person_consult', 'urgent_biopsy_or_excision')),
    delay_days        INTEGER,
    -- sealed JSON: diagnosis, icd10, report
    sealed            BLOB NOT NULL
);

CREATE TABLE info_requests (
    id                BLOB PRIMARY KEY,
    case_id           BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    dermatologist_id  BLOB NOT NULL REFERENCES users (id),
    asked_at          TEXT NOT NULL,
    wants_new_photos  INTEGER NOT NULL,
    -- sealed message
    sealed            BLOB NOT NULL,
    replied_at        TEXT,
    -- sealed reply
    reply_sealed      BLOB
);
CREATE INDEX info_requests_by_case ON info_requests (case_id, asked_at);

ALTER TABLE cases ADD COLUMN usefulness INTEGER CHECK (usefulness BETWEEN 1 AND 5);
