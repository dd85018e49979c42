-- What happened after the answer: the dates that measure the delay to diagnosis.

CREATE TABLE outcomes (
    case_id           UUID PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    in_person_date    DATE,
    biopsy_date       DATE,
    histology_date    DATE,
    -- sealed histology result text
    histology_sealed  BYTEA,
    treatment_date    DATE,
    updated_at        TIMESTAMPTZ NOT NULL,
    updated_by        UUID NOT NULL REFERENCES users (id)
);
