-- Answers, requests for information and the GP's replies. Their free text is sealed under the
-- case's data key, like the rest of the clinical text.

ALTER TABLE cases ADD COLUMN info_requested_by UUID REFERENCES users (id);

CREATE TABLE answers (
    case_id           UUID PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    dermatologist_id  UUID NOT NULL REFERENCES users (id),
    answered_at       TIMESTAMPTZ NOT NULL,
    management        TEXT NOT NULL CHECK (management IN ('reassure', 'treat', 'follow_up_photos',
                          'in_person_consult', 'urgent_biopsy_or_excision')),
    delay_days        INTEGER,
    -- sealed JSON: diagnosis, icd10, report
    sealed            BYTEA NOT NULL
);

CREATE TABLE info_requests (
    id                UUID PRIMARY KEY,
    case_id           UUID NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    dermatologist_id  UUID NOT NULL REFERENCES users (id),
    asked_at          TIMESTAMPTZ NOT NULL,
    wants_new_photos  BOOLEAN NOT NULL,
    -- sealed message
    sealed            BYTEA NOT NULL,
    replied_at        TIMESTAMPTZ,
    -- sealed reply
    reply_sealed      BYTEA
);
CREATE INDEX info_requests_by_case ON info_requests (case_id, asked_at);

ALTER TABLE cases ADD COLUMN usefulness INTEGER CHECK (usefulness BETWEEN 1 AND 5);
