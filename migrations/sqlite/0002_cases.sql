-- 0002: institutions, accounts, sessions, cases with their messages, events and entities, the
-- audit chain and the known-bad domain list.
--
-- Conventions: times are UTC milliseconds since the epoch (INTEGER); enumerations are stored as
-- their API codes (TEXT) except urgency, stored as a rank (0 critical, 1 high, 2 medium, 3 low)
-- so that the queue order is a plain ascending index scan. Secrets are never stored in clear:
-- access keys and session tokens as keyed BLAKE2b hashes, passwords as argon2id strings, contact
-- details sealed (XChaCha20-Poly1305, nonce || ciphertext).

CREATE TABLE institution (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    district   TEXT,
    students   INTEGER,
    staff      INTEGER,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE account (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('counsellor', 'lead', 'city', 'admin')),
    institution_id INTEGER REFERENCES institution(id),
    pw_hash        TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    -- counsellors and leads belong to exactly one institution; city and admin to none
    CHECK ((role IN ('counsellor', 'lead')) = (institution_id IS NOT NULL))
) STRICT;
CREATE INDEX account_institution ON account(institution_id);

CREATE TABLE session (
    token_hash BLOB PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account(id),
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX session_account ON session(account_id);

CREATE TABLE cases (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    access_hash       BLOB NOT NULL,
    institution_id    INTEGER NOT NULL REFERENCES institution(id),
    channel           TEXT NOT NULL CHECK (channel IN ('web', 'chat', 'phone', 'email', 'api')),
    status            TEXT NOT NULL
                      CHECK (status IN ('new', 'open', 'waiting', 'referred', 'resolved', 'closed')),
    category          TEXT NOT NULL,
    urgency           INTEGER NOT NULL CHECK (urgency BETWEEN 0 AND 3),
    score             INTEGER NOT NULL,
    needs_review      INTEGER NOT NULL DEFAULT 0,
    signals           TEXT NOT NULL DEFAULT '{}', -- JSON {"signals":[...],"reasons":[...]}
    text              TEXT NOT NULL,              -- NFC, as the student wrote it
    text_fold         TEXT NOT NULL,              -- vn_fold(text), indexed by case_fts
    assignee_id       INTEGER REFERENCES account(id),
    created_by        INTEGER REFERENCES account(id), -- staff who logged it (phone), else NULL
    opened_at         INTEGER NOT NULL,
    first_response_at INTEGER,
    due_at            INTEGER NOT NULL,
    resolved_at       INTEGER,
    closed_at         INTEGER,
    updated_at        INTEGER NOT NULL,
    contact           BLOB,                       -- sealed JSON {"name","phone","email"} or NULL
    consent_contact   INTEGER NOT NULL DEFAULT 0
) STRICT;
-- Queue order: urgency rank, due time, age, id (keyset pagination over the same tuple).
CREATE INDEX cases_queue ON cases(institution_id, urgency, due_at, opened_at, id);
CREATE INDEX cases_queue_city ON cases(urgency, due_at, opened_at, id);
CREATE INDEX cases_assignee ON cases(assignee_id);

CREATE VIRTUAL TABLE case_fts USING fts5(
    text_fold, content = 'cases', content_rowid = 'id', tokenize = 'unicode61'
);
-- Kept up to date by store_case_insert() (the text never changes afterwards). Not by triggers:
-- the connections run with trusted_schema=OFF, under which SQLite refuses FTS5 in triggers.

-- Append-only: a correction is a new message naming the one it corrects.
CREATE TABLE message (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    author_kind TEXT NOT NULL CHECK (author_kind IN ('student', 'staff', 'system')),
    author_id   INTEGER REFERENCES account(id),
    body        TEXT NOT NULL,
    internal    INTEGER NOT NULL DEFAULT 0,
    corrects_id INTEGER REFERENCES message(id),
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX message_case ON message(case_id, id);
CREATE TRIGGER message_no_update BEFORE UPDATE ON message BEGIN
    SELECT RAISE(ABORT, 'message is append-only');
END;
CREATE TRIGGER message_no_delete BEFORE DELETE ON message BEGIN
    SELECT RAISE(ABORT, 'message is append-only');
END;

CREATE TABLE case_event (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    actor_id   INTEGER REFERENCES account(id), -- NULL: the student or the system
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('student', 'staff', 'system')),
    kind       TEXT NOT NULL, -- created, status, assignee, category, urgency, reopened
    from_value TEXT,
    to_value   TEXT,
    reason     TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX case_event_case ON case_event(case_id, id);

-- Canonical entities (vn_canon_*). linkable: sharing it links two cases (phones, bank accounts,
-- URLs with a path, social handles, e-mail addresses; not money amounts or bare domains).
CREATE TABLE entity (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    linkable  INTEGER NOT NULL DEFAULT 0,
    known_bad INTEGER NOT NULL DEFAULT 0,
    first_seen INTEGER NOT NULL,
    UNIQUE (kind, value)
) STRICT;

CREATE TABLE case_entity (
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    entity_id INTEGER NOT NULL REFERENCES entity(id),
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    PRIMARY KEY (case_id, entity_id, span_start)
) STRICT, WITHOUT ROWID;
CREATE INDEX case_entity_entity ON case_entity(entity_id, case_id);

-- Append-only hash chain. hash = keyed BLAKE2b-256 over prev_hash and the row's fields
-- (src/store/audit.c has the exact byte layout); the first row's prev_hash is 32 zero bytes.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,  -- username, "student", "system" or "cli"
    action    TEXT NOT NULL,  -- login, login_failed, case.create, case.status, contact.unseal, ...
    object    TEXT NOT NULL,  -- "case:7KQ2M9XD", "account:alice", "institution:DEMO", ...
    detail    TEXT NOT NULL,  -- JSON object, never personal data
    prev_hash BLOB NOT NULL,
    hash      BLOB NOT NULL
) STRICT;
-- Defence in depth only: whoever can write the file can drop these; the chain is the proof.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
    SELECT RAISE(ABORT, 'audit is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
    SELECT RAISE(ABORT, 'audit is append-only');
END;

CREATE TABLE blocklist (
    domain      TEXT NOT NULL,
    source      TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (domain, source)
) STRICT, WITHOUT ROWID;
