-- What happened after the answer: the dates that measure the delay to diagnosis.

CREATE TABLE outcomes (
    case_id           BLOB PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    in_person_date    TEXT,
    biopsy_date       TEXT,
    histology_date    TEXT,
    -- sealed histology result text
    histology_sealed  BLOB,
    treatment_date    TEXT,
    updated_at        TEXT NOT NULL,
    updated_by        BLOB NOT NULL REFERENCES users (id)
);
