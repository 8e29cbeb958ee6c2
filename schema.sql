-- p2pdesk: the complete current schema.
--
-- A new database gets this file whole and its user_version set to the number of migrations in
-- src/store/migrations.rs; an older database is brought here by those migrations instead.
-- Money is integer fen (1 yuan = 100 fen). Business dates are local calendar dates
-- ('YYYY-MM-DD'); timestamps ending in _at are UTC (RFC 3339).

-- The platform itself: one row.
CREATE TABLE platform (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    business_date  TEXT    NOT NULL,            -- advanced only by the daily job
    timezone       TEXT    NOT NULL DEFAULT 'Asia/Shanghai',
    is_demo        INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at     TEXT    NOT NULL
) STRICT;

-- Settings changeable by an administrator; defaults live in the program.
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER NOT NULL REFERENCES staff (id)
) STRICT;

-- Staff accounts. Row 1 is the built-in system actor of scheduled jobs; it cannot log in.
-- Passwords are argon2id PHC strings; nothing here is ever a password in clear.
CREATE TABLE staff (
    id                    INTEGER PRIMARY KEY,
    username              TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name          TEXT    NOT NULL,
    department            TEXT    NOT NULL
                          CHECK (department IN ('business', 'risk', 'finance', 'hr', 'audit', 'ops')),
    duties                TEXT    NOT NULL DEFAULT '',
    is_head               INTEGER NOT NULL DEFAULT 0 CHECK (is_head IN (0, 1)),  -- 部门负责人
    is_system             INTEGER NOT NULL DEFAULT 0 CHECK (is_system IN (0, 1)),
    status                TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    password_hash         TEXT,
    must_change_password  INTEGER NOT NULL DEFAULT 1 CHECK (must_change_password IN (0, 1)),
    password_changed_at   TEXT,
    failed_logins         INTEGER NOT NULL DEFAULT 0,
    locked_until          TEXT,                   -- UTC; survives restarts
    last_login_at         TEXT,
    previous_login_at     TEXT,                   -- shown at login: the one before this
    totp_secret           TEXT,                   -- base32, set once enrolment is confirmed
    totp_last_step        INTEGER,                -- a code is accepted only once
    created_at            TEXT    NOT NULL,
    created_by            INTEGER REFERENCES staff (id),
    created_at_bootstrap  INTEGER NOT NULL DEFAULT 0 CHECK (created_at_bootstrap IN (0, 1)),
    request_id            INTEGER REFERENCES account_requests (id),
    disabled_at           TEXT,
    disabled_reason       TEXT
) STRICT;

-- Permission level of each account in each module (absent = none).
CREATE TABLE staff_levels (
    staff_id  INTEGER NOT NULL REFERENCES staff (id),
    module    TEXT    NOT NULL
              CHECK (module IN ('business', 'risk', 'finance', 'hr', 'audit', 'ops', 'admin')),
    level     TEXT    NOT NULL CHECK (level IN ('ordinary', 'advanced')),
    PRIMARY KEY (staff_id, module)
) STRICT;

-- The three administrator roles; one row per account makes them mutually exclusive.
CREATE TABLE staff_roles (
    staff_id    INTEGER PRIMARY KEY REFERENCES staff (id),
    role        TEXT    NOT NULL CHECK (role IN ('system_admin', 'security_admin', 'audit_admin')),
    granted_by  INTEGER NOT NULL REFERENCES staff (id),
    granted_at  TEXT    NOT NULL,
    CHECK (granted_by <> staff_id)
) STRICT;

-- Earlier password hashes, for the "not one of the last N" rule.
CREATE TABLE password_history (
    staff_id  INTEGER NOT NULL REFERENCES staff (id),
    hash      TEXT    NOT NULL,
    set_at    TEXT    NOT NULL
) STRICT;

CREATE INDEX password_history_by_staff ON password_history (staff_id, set_at);

-- Applications for accounts (§3.1.1): filed, approved by the department's head, then created.
CREATE TABLE account_requests (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL COLLATE NOCASE,
    display_name   TEXT    NOT NULL,
    department     TEXT    NOT NULL
                   CHECK (department IN ('business', 'risk', 'finance', 'hr', 'audit', 'ops')),
    duties         TEXT    NOT NULL,
    levels         TEXT    NOT NULL,              -- JSON object: module -> level
    is_head        INTEGER NOT NULL DEFAULT 0 CHECK (is_head IN (0, 1)),
    status         TEXT    NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'approved', 'rejected', 'created')),
    filed_by       INTEGER NOT NULL REFERENCES staff (id),
    filed_at       TEXT    NOT NULL,
    decided_by     INTEGER REFERENCES staff (id),
    decided_at     TEXT,
    decision_note  TEXT    NOT NULL DEFAULT '',
    CHECK (decided_by IS NULL OR decided_by <> filed_by)
) STRICT;

CREATE INDEX account_requests_by_status ON account_requests (status, id);

-- Console and headless sessions: who, where, since, last activity.
CREATE TABLE sessions (
    id             INTEGER PRIMARY KEY,
    staff_id       INTEGER NOT NULL REFERENCES staff (id),
    origin         TEXT    NOT NULL,
    started_at     TEXT    NOT NULL,
    last_active_at TEXT    NOT NULL,
    ended_at       TEXT,
    end_reason     TEXT
) STRICT;

CREATE INDEX sessions_open ON sessions (ended_at, staff_id);

-- Messages to staff, e.g. a profile flagged as wrong (§3.2.2) for the system administrators.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    recipient   TEXT    NOT NULL,                 -- 'role:system_admin' or 'staff:ID'
    kind        TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    from_staff  INTEGER REFERENCES staff (id),
    created_at  TEXT    NOT NULL,
    read_at     TEXT
) STRICT;

CREATE INDEX notifications_by_recipient ON notifications (recipient, read_at, id);

-- Reversals of journal entries: requested by one member of finance, approved by another
-- (maker ≠ checker); the approval posts the reversing entry.
CREATE TABLE reversal_requests (
    id             INTEGER PRIMARY KEY,
    entry_id       INTEGER NOT NULL REFERENCES journal_entries (id),
    idem_key       TEXT    NOT NULL UNIQUE,
    reason         TEXT    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by   INTEGER NOT NULL REFERENCES staff (id),
    requested_at   TEXT    NOT NULL,
    decided_by     INTEGER REFERENCES staff (id),
    decided_at     TEXT,
    reversal_entry INTEGER REFERENCES journal_entries (id),
    CHECK (decided_by IS NULL OR decided_by <> requested_by)
) STRICT;

-- Borrowers (借款人): natural persons and companies. Imported borrowers are anonymous: their
-- facts from the source file are kept in `attributes`, no name or ID is invented.
CREATE TABLE borrowers (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('person', 'company')),
    name         TEXT    NOT NULL,
    id_number    TEXT,                            -- ID card or unified social credit code
    phone        TEXT,
    attributes   TEXT    NOT NULL DEFAULT '{}',   -- JSON
    source_ref   TEXT    UNIQUE,                  -- import key (native id or row hash)
    created_at   TEXT    NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES staff (id)
) STRICT;

-- Investors (出借人) with their risk tolerance (风险承受能力), A (lowest) to G (highest).
CREATE TABLE investors (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    id_number       TEXT,
    phone           TEXT,
    risk_tolerance  TEXT    NOT NULL CHECK (risk_tolerance IN ('A', 'B', 'C', 'D', 'E', 'F', 'G')),
    created_at      TEXT    NOT NULL,
    created_by      INTEGER NOT NULL REFERENCES staff (id)
) STRICT;

-- Loan projects (借款项目) from draft to disbursement. Rates are annual percent as text
-- ('12.5'), fees a percentage of the amount deducted from the proceeds.
CREATE TABLE projects (
    id                  INTEGER PRIMARY KEY,
    borrower_id         INTEGER NOT NULL REFERENCES borrowers (id),
    title               TEXT    NOT NULL,
    purpose             TEXT    NOT NULL,
    amount_fen          INTEGER NOT NULL CHECK (amount_fen > 0),
    rate                TEXT    NOT NULL,
    term_months         INTEGER NOT NULL CHECK (term_months BETWEEN 1 AND 360),
    method              TEXT    NOT NULL
                        CHECK (method IN ('equal-installment', 'equal-principal', 'interest-first', 'bullet')),
    min_bid_fen         INTEGER NOT NULL CHECK (min_bid_fen > 0),
    bid_step_fen        INTEGER NOT NULL CHECK (bid_step_fen > 0),
    raise_days          INTEGER NOT NULL CHECK (raise_days BETWEEN 1 AND 60),
    fee_rate            TEXT    NOT NULL,
    status              TEXT    NOT NULL DEFAULT 'draft'
                        CHECK (status IN ('draft', 'submitted', 'approved', 'raising', 'full',
                                          'failed', 'proposed', 'disbursed')),
    risk_grade          TEXT    CHECK (risk_grade IN ('A', 'B', 'C', 'D', 'E', 'F', 'G')),
    review_opinion      TEXT    NOT NULL DEFAULT '',
    raised_fen          INTEGER NOT NULL DEFAULT 0,
    created_by          INTEGER NOT NULL REFERENCES staff (id),
    created_at          TEXT    NOT NULL,
    submitted_by        INTEGER REFERENCES staff (id),
    reviewed_by         INTEGER REFERENCES staff (id),
    published_on        TEXT,                     -- business date
    raise_deadline      TEXT,                     -- business date, last day of bidding
    contract_no         TEXT,
    contract_signed_on  TEXT,
    proposed_by         INTEGER REFERENCES staff (id),
    disbursed_by        INTEGER REFERENCES staff (id),
    loan_id             INTEGER UNIQUE REFERENCES loans (id),
    CHECK (raised_fen <= amount_fen),
    CHECK (reviewed_by IS NULL OR reviewed_by <> submitted_by),
    CHECK (disbursed_by IS NULL OR disbursed_by <> proposed_by)
) STRICT;

CREATE INDEX projects_by_status ON projects (status, id);
CREATE INDEX projects_by_borrower ON projects (borrower_id, id);

-- Bids (投标): money frozen on the investor's custody account until disbursement or release.
CREATE TABLE bids (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects (id),
    investor_id    INTEGER NOT NULL REFERENCES investors (id),
    amount_fen     INTEGER NOT NULL CHECK (amount_fen > 0),
    status         TEXT    NOT NULL DEFAULT 'frozen' CHECK (status IN ('frozen', 'released', 'funded')),
    freeze_entry   INTEGER NOT NULL REFERENCES journal_entries (id),
    business_date  TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES staff (id)
) STRICT;

CREATE INDEX bids_by_project ON bids (project_id, id);

-- Disbursed loans: from a project, or imported with a book from another system.
CREATE TABLE loans (
    id                 INTEGER PRIMARY KEY,
    borrower_id        INTEGER NOT NULL REFERENCES borrowers (id),
    amount_fen         INTEGER NOT NULL CHECK (amount_fen > 0),
    rate               TEXT    NOT NULL,
    term_months        INTEGER NOT NULL,
    method             TEXT    NOT NULL,
    rounding           TEXT    NOT NULL DEFAULT 'half-up' CHECK (rounding IN ('half-up', 'up')),
    value_date         TEXT    NOT NULL,
    contract_date      TEXT    NOT NULL,
    booked_on          TEXT    NOT NULL,          -- business date it entered these books
    risk_grade         TEXT,
    state              TEXT    NOT NULL DEFAULT 'current'
                       CHECK (state IN ('current', 'overdue', 'settled', 'written_off')),
    outstanding_fen    INTEGER NOT NULL CHECK (outstanding_fen >= 0),
    written_off_fen    INTEGER NOT NULL DEFAULT 0 CHECK (written_off_fen >= 0),
    level_payment_fen  INTEGER,                   -- equal-installment loans
    days_past_due      INTEGER NOT NULL DEFAULT 0,
    dpd_estimated      INTEGER NOT NULL DEFAULT 0 CHECK (dpd_estimated IN (0, 1)),
    closed_on          TEXT,
    source             TEXT    NOT NULL DEFAULT 'platform' CHECK (source IN ('platform', 'import')),
    source_ref         TEXT    UNIQUE,
    created_at         TEXT    NOT NULL
) STRICT;

CREATE INDEX loans_by_state ON loans (state, id);
CREATE INDEX loans_by_borrower ON loans (borrower_id, id);

-- The repayment schedule (还款计划) with what has been paid of each period.
CREATE TABLE installments (
    loan_id             INTEGER NOT NULL REFERENCES loans (id),
    period              INTEGER NOT NULL,
    due_date            TEXT    NOT NULL,
    principal_fen       INTEGER NOT NULL CHECK (principal_fen >= 0),
    interest_fen        INTEGER NOT NULL CHECK (interest_fen >= 0),
    paid_principal_fen  INTEGER NOT NULL DEFAULT 0,
    paid_interest_fen   INTEGER NOT NULL DEFAULT 0,
    penalty_fen         INTEGER NOT NULL DEFAULT 0,   -- penalty interest charged so far
    paid_penalty_fen    INTEGER NOT NULL DEFAULT 0,
    penalty_through     TEXT,                         -- last day penalty was charged for
    paid_on             TEXT,                         -- business date it was fully paid
    PRIMARY KEY (loan_id, period),
    CHECK (paid_principal_fen BETWEEN 0 AND principal_fen),
    CHECK (paid_interest_fen BETWEEN 0 AND interest_fen),
    CHECK (paid_penalty_fen BETWEEN 0 AND penalty_fen)
) STRICT, WITHOUT ROWID;

CREATE INDEX installments_due ON installments (due_date, loan_id) WHERE paid_on IS NULL;

-- Investors' claims (债权) on a loan, in bid order. investor_id NULL: held on the opening
-- balance of an imported book until investors are assigned.
CREATE TABLE holdings (
    id               INTEGER PRIMARY KEY,
    loan_id          INTEGER NOT NULL REFERENCES loans (id),
    investor_id      INTEGER REFERENCES investors (id),
    bid_id           INTEGER REFERENCES bids (id),
    principal_fen    INTEGER NOT NULL CHECK (principal_fen > 0),   -- share of the original amount
    outstanding_fen  INTEGER NOT NULL CHECK (outstanding_fen >= 0)
) STRICT;

CREATE INDEX holdings_by_loan ON holdings (loan_id, id);
CREATE INDEX holdings_by_investor ON holdings (investor_id, loan_id);

-- Money received for a loan (the bank's notice), and how much of it has been applied.
CREATE TABLE repayments (
    id            INTEGER PRIMARY KEY,
    loan_id       INTEGER NOT NULL REFERENCES loans (id),
    bank_ref      TEXT    NOT NULL UNIQUE,
    received_on   TEXT    NOT NULL,              -- business date
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    kind          TEXT    NOT NULL DEFAULT 'regular'
                  CHECK (kind IN ('regular', 'settlement', 'historical', 'recovery')),
    principal_fen INTEGER NOT NULL DEFAULT 0,     -- components, for history and recoveries
    interest_fen  INTEGER NOT NULL DEFAULT 0,
    fees_fen      INTEGER NOT NULL DEFAULT 0,
    entry_id      INTEGER REFERENCES journal_entries (id),
    created_at    TEXT    NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES staff (id)
) STRICT;

CREATE INDEX repayments_by_loan ON repayments (loan_id, id);

-- Each business day's work, committed whole (the daily job resumes after a crash).
CREATE TABLE daily_runs (
    business_date  TEXT PRIMARY KEY,
    finished_at    TEXT NOT NULL,
    summary        TEXT NOT NULL                 -- JSON counts
) STRICT;

-- Chart of accounts. `code` names the account ('custody:investor:42', 'income:fee', …).
-- normal_side says which side increases it; balance_fen is kept on that side and equals the
-- sum of the account's journal lines (checked by tests and by `ledger check`).
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    code          TEXT    NOT NULL UNIQUE,
    kind          TEXT    NOT NULL,
    owner_id      INTEGER,                       -- investor, borrower or loan id, by kind
    normal_side   TEXT    NOT NULL CHECK (normal_side IN ('D', 'C')),
    non_negative  INTEGER NOT NULL CHECK (non_negative IN (0, 1)),
    balance_fen   INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL,
    CHECK (non_negative = 0 OR balance_fen >= 0)
) STRICT;

CREATE INDEX accounts_by_owner ON accounts (kind, owner_id);

-- One journal entry per movement of money; never edited, corrected by a reversing entry.
CREATE TABLE journal_entries (
    id             INTEGER PRIMARY KEY,
    idem_key       TEXT    NOT NULL UNIQUE,       -- bank reference or caller's key
    kind           TEXT    NOT NULL,
    business_date  TEXT    NOT NULL,
    memo           TEXT    NOT NULL DEFAULT '',
    amount_fen     INTEGER NOT NULL CHECK (amount_fen > 0),  -- sum of the debits
    fingerprint    TEXT    NOT NULL,              -- SHA-256 of kind and lines, for replays
    reverses       INTEGER UNIQUE REFERENCES journal_entries (id),
    actor_id       INTEGER NOT NULL REFERENCES staff (id),
    created_at     TEXT    NOT NULL
) STRICT;

CREATE INDEX journal_entries_by_date ON journal_entries (business_date, id);

CREATE TABLE journal_lines (
    entry_id    INTEGER NOT NULL REFERENCES journal_entries (id),
    line_no     INTEGER NOT NULL,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    debit_fen   INTEGER NOT NULL DEFAULT 0 CHECK (debit_fen >= 0),
    credit_fen  INTEGER NOT NULL DEFAULT 0 CHECK (credit_fen >= 0),
    CHECK ((debit_fen > 0) + (credit_fen > 0) = 1),
    PRIMARY KEY (entry_id, line_no)
) STRICT, WITHOUT ROWID;

CREATE INDEX journal_lines_by_account ON journal_lines (account_id, entry_id);

-- The audit trail: a hash chain, hash = SHA-256(prev_hash ‖ canonical record).
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         TEXT    NOT NULL,                  -- UTC
    actor_id   INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    entity     TEXT    NOT NULL,
    entity_id  TEXT    NOT NULL,
    outcome    TEXT    NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed')),
    origin     TEXT    NOT NULL,                  -- host and process
    detail     TEXT    NOT NULL,                  -- JSON: changed fields, old and new (masked)
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL
) STRICT;

CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id, seq);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, seq);

-- A demo database (platform.is_demo = 1) holds only synthetic people and may keep its demo
-- passwords to show them on the login screen; a real database refuses to store any.
CREATE TABLE demo_credentials (
    username    TEXT PRIMARY KEY,
    role        TEXT NOT NULL,
    department  TEXT NOT NULL,
    password    TEXT NOT NULL
) STRICT;

CREATE TRIGGER demo_credentials_only_in_demo BEFORE INSERT ON demo_credentials
WHEN coalesce((SELECT is_demo FROM platform WHERE id = 1), 0) <> 1
BEGIN SELECT RAISE(ABORT, 'passwords are kept only in a demo database'); END;

-- Journal and audit rows are append-only.
CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal entries are never edited'); END;
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal entries are never deleted'); END;
CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'journal lines are never edited'); END;
CREATE TRIGGER journal_lines_no_delete BEFORE DELETE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'journal lines are never deleted'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit records are never edited'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit records are never deleted'); END;

-- The built-in system actor.
INSERT INTO staff (id, username, display_name, department, is_system, must_change_password,
                   created_at)
VALUES (1, 'system', 'System', 'ops', 1, 0, '1970-01-01T00:00:00Z');
