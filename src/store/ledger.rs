//! Journal storage: accounts, entries and lines, with the idempotency and balance rules.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::domain::ledger::{Account, EntryError, EntryKind, Line, Side, check_balanced};
use crate::domain::money::Money;

/// Why a posting was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum PostError {
    #[error(transparent)]
    Entry(#[from] EntryError),
    #[error("key \"{key}\" was already used for a different movement (entry {entry_id})")]
    KeyConflict { key: String, entry_id: i64 },
    #[error("{account} would go negative: balance {balance}, needs {needed}")]
    Insufficient { account: String, balance: Money, needed: Money },
    #[error("entry {0} does not exist")]
    NoSuchEntry(i64),
    #[error("entry {0} has already been reversed")]
    AlreadyReversed(i64),
    #[error("a reversal cannot itself be reversed; post the movement again")]
    ReversingReversal,
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// A movement ready to post.
#[derive(Clone, Debug)]
pub struct Draft {
    /// Idempotency key: the bank reference, or a key the caller made and kept.
    pub key: String,
    pub kind: EntryKind,
    pub business_date: chrono::NaiveDate,
    pub memo: String,
    pub lines: Vec<Line>,
}

/// What happened to a posting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Posted {
    Recorded(i64),
    /// The same key with the same movement was recorded before: nothing new was written.
    AlreadyRecorded(i64),
}

impl Posted {
    #[must_use]
    pub const fn entry_id(self) -> i64 {
        match self {
            Posted::Recorded(id) | Posted::AlreadyRecorded(id) => id,
        }
    }
}

/// The id of an account, creating it on first use.
pub fn account_id(conn: &Connection, account: Account, now: &str) -> Result<i64, rusqlite::Error> {
    let code = account.code();
    if let Some(id) = conn
        .prepare_cached("SELECT id FROM accounts WHERE code = ?1")?
        .query_row([&code], |r| r.get(0))
        .optional()?
    {
        return Ok(id);
    }
    conn.prepare_cached(
        "INSERT INTO accounts (code, kind, owner_id, normal_side, non_negative, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        code,
        account.kind(),
        account.owner(),
        account.normal_side().code(),
        account.non_negative(),
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// An account's balance on its normal side (zero if it was never used).
pub fn balance(conn: &Connection, account: Account) -> Result<Money, rusqlite::Error> {
    let fen: Option<i64> = conn
        .prepare_cached("SELECT balance_fen FROM accounts WHERE code = ?1")?
        .query_row([account.code()], |r| r.get(0))
        .optional()?;
    Ok(Money::from_fen(fen.unwrap_or(0)))
}

fn fingerprint(kind: EntryKind, lines: &[Line]) -> String {
    let mut h = Sha256::new();
    h.update(kind.code().as_bytes());
    for l in lines {
        h.update(format!("|{}|{}|{}", l.account.code(), l.side.code(), l.amount.fen()).as_bytes());
    }
    hex::encode(h.finalize())
}

/// Posts an entry inside the caller's transaction. Checks balance, idempotency and that no
/// non-negative account goes below zero; on any refusal nothing is written.
pub fn post(
    conn: &Connection,
    draft: &Draft,
    actor_id: i64,
    now: &str,
    reverses: Option<i64>,
) -> Result<Posted, PostError> {
    let amount = check_balanced(&draft.lines)?;
    let print = fingerprint(draft.kind, &draft.lines);
    let existing: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, fingerprint FROM journal_entries WHERE idem_key = ?1")?
        .query_row([&draft.key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((entry_id, old)) = existing {
        return if old == print {
            Ok(Posted::AlreadyRecorded(entry_id))
        } else {
            Err(PostError::KeyConflict { key: draft.key.clone(), entry_id })
        };
    }
    // Net effect per account on its normal side, checked before anything is written.
    let mut net: Vec<(Account, i64)> = Vec::new();
    for l in &draft.lines {
        let signed =
            if l.side == l.account.normal_side() { l.amount.fen() } else { -l.amount.fen() };
        match net.iter_mut().find(|(a, _)| *a == l.account) {
            Some((_, v)) => *v += signed,
            None => net.push((l.account, signed)),
        }
    }
    // The holders' accounts are checked before the bank's, so a refusal names the customer
    // whose balance is short rather than the custodian's total.
    net.sort_by_key(|(a, _)| *a == Account::Bank);
    for (account, delta) in &net {
        if account.non_negative() && *delta < 0 {
            let bal = balance(conn, *account)?;
            if bal.fen() + delta < 0 {
                return Err(PostError::Insufficient {
                    account: account.code(),
                    balance: bal,
                    needed: Money::from_fen(-delta),
                });
            }
        }
    }
    conn.prepare_cached(
        "INSERT INTO journal_entries (idem_key, kind, business_date, memo, amount_fen,
                                      fingerprint, reverses, actor_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        draft.key,
        draft.kind.code(),
        draft.business_date.to_string(),
        draft.memo,
        amount.fen(),
        print,
        reverses,
        actor_id,
        now
    ])?;
    let entry_id = conn.last_insert_rowid();
    let mut insert_line = conn.prepare_cached(
        "INSERT INTO journal_lines (entry_id, line_no, account_id, debit_fen, credit_fen)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, l) in draft.lines.iter().enumerate() {
        let id = account_id(conn, l.account, now)?;
        let (d, c) = match l.side {
            Side::Debit => (l.amount.fen(), 0),
            Side::Credit => (0, l.amount.fen()),
        };
        insert_line.execute(params![
            entry_id,
            i64::try_from(i + 1).unwrap_or(i64::MAX),
            id,
            d,
            c
        ])?;
    }
    let mut update =
        conn.prepare_cached("UPDATE accounts SET balance_fen = balance_fen + ?2 WHERE code = ?1")?;
    for (account, delta) in net {
        update.execute(params![account.code(), delta])?;
    }
    Ok(Posted::Recorded(entry_id))
}

/// Posts the mirror image of an entry (every debit a credit and back) as a new entry.
pub fn reverse(
    conn: &Connection,
    entry_id: i64,
    key: &str,
    business_date: chrono::NaiveDate,
    memo: &str,
    actor_id: i64,
    now: &str,
) -> Result<Posted, PostError> {
    let found: Option<(Option<i64>, String)> = conn
        .query_row("SELECT reverses, kind FROM journal_entries WHERE id = ?1", [entry_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((reverses, _kind)) = found else {
        return Err(PostError::NoSuchEntry(entry_id));
    };
    if reverses.is_some() {
        return Err(PostError::ReversingReversal);
    }
    let lines = entry_lines(conn, entry_id)?
        .into_iter()
        .map(|l| Line {
            side: match l.side {
                Side::Debit => Side::Credit,
                Side::Credit => Side::Debit,
            },
            ..l
        })
        .collect();
    let draft = Draft {
        key: key.to_owned(),
        kind: EntryKind::Reversal,
        business_date,
        memo: memo.to_owned(),
        lines,
    };
    let already: Option<i64> = conn
        .query_row("SELECT id FROM journal_entries WHERE reverses = ?1", [entry_id], |r| r.get(0))
        .optional()?;
    if let Some(id) = already {
        // The same reversal replayed under its own key is idempotent; any other is refused.
        let same_key: bool = conn.query_row(
            "SELECT idem_key = ?2 FROM journal_entries WHERE id = ?1",
            params![id, key],
            |r| r.get(0),
        )?;
        return if same_key {
            Ok(Posted::AlreadyRecorded(id))
        } else {
            Err(PostError::AlreadyReversed(entry_id))
        };
    }
    // The entry is not reversed yet, so a key already in use belongs to another entry, even
    // if that entry's lines look the same (the reversal of an identical movement): a conflict,
    // not a replay.
    let taken: Option<i64> = conn
        .query_row("SELECT id FROM journal_entries WHERE idem_key = ?1", [key], |r| r.get(0))
        .optional()?;
    if let Some(id) = taken {
        return Err(PostError::KeyConflict { key: key.to_owned(), entry_id: id });
    }
    post(conn, &draft, actor_id, now, Some(entry_id))
}

/// The lines of an entry, in order.
pub fn entry_lines(conn: &Connection, entry_id: i64) -> Result<Vec<Line>, PostError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.kind, a.owner_id, l.debit_fen, l.credit_fen
         FROM journal_lines l JOIN accounts a ON a.id = l.account_id
         WHERE l.entry_id = ?1 ORDER BY l.line_no",
    )?;
    let rows = stmt.query_map([entry_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, owner, d, c) = row?;
        let account = account_from_kind(&kind, owner)
            .ok_or(PostError::Sqlite(rusqlite::Error::InvalidColumnName(kind)))?;
        out.push(if d > 0 {
            Line::debit(account, Money::from_fen(d))
        } else {
            Line::credit(account, Money::from_fen(c))
        });
    }
    if out.is_empty() {
        return Err(PostError::NoSuchEntry(entry_id));
    }
    Ok(out)
}

/// Rebuilds an account from its stored kind and owner.
#[must_use]
pub fn account_from_kind(kind: &str, owner: Option<i64>) -> Option<Account> {
    Some(match (kind, owner) {
        ("bank", None) => Account::Bank,
        ("custody:investor", Some(id)) => Account::InvestorCustody(id),
        ("frozen:investor", Some(id)) => Account::InvestorFrozen(id),
        ("custody:borrower", Some(id)) => Account::BorrowerCustody(id),
        ("repayment:borrower", Some(id)) => Account::RepaymentHeld(id),
        ("custody:platform", None) => Account::PlatformCustody,
        ("receivable:loan", Some(id)) => Account::LoanReceivable(id),
        ("claims:loan", Some(id)) => Account::LoanClaims(id),
        ("income:fee", None) => Account::FeeIncome,
        ("income:penalty", None) => Account::PenaltyIncome,
        ("loss:write-off", None) => Account::WriteOffLoss,
        ("suspense", None) => Account::Suspense,
        ("clearing", None) => Account::Clearing,
        ("opening", None) => Account::OpeningBalance,
        _ => return None,
    })
}

/// What `check` found wrong with the books.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BooksCheck {
    pub entries: i64,
    /// Entries whose debits and credits differ.
    pub unbalanced_entries: Vec<i64>,
    /// Accounts whose stored balance differs from the sum of their lines.
    pub drifted_accounts: Vec<String>,
    /// Non-negative accounts below zero.
    pub negative_accounts: Vec<String>,
    /// Sum of debit-normal balances minus sum of credit-normal balances (must be zero).
    pub trial_difference: i64,
}

impl BooksCheck {
    #[must_use]
    pub fn ok(&self) -> bool {
        self.unbalanced_entries.is_empty()
            && self.drifted_accounts.is_empty()
            && self.negative_accounts.is_empty()
            && self.trial_difference == 0
    }
}

/// Checks the whole ledger: every entry balanced, every stored balance equal to its lines,
/// no non-negative account below zero, and the trial balance at zero.
pub fn check(conn: &Connection) -> Result<BooksCheck, rusqlite::Error> {
    let mut out = BooksCheck {
        entries: conn.query_row("SELECT count(*) FROM journal_entries", [], |r| r.get(0))?,
        ..BooksCheck::default()
    };
    let mut stmt = conn.prepare(
        "SELECT entry_id FROM journal_lines GROUP BY entry_id
         HAVING sum(debit_fen) <> sum(credit_fen) ORDER BY entry_id",
    )?;
    out.unbalanced_entries = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT a.code, a.normal_side, a.non_negative, a.balance_fen,
                coalesce(sum(l.debit_fen), 0) - coalesce(sum(l.credit_fen), 0)
         FROM accounts a LEFT JOIN journal_lines l ON l.account_id = a.id
         GROUP BY a.id ORDER BY a.code",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, bool>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    for row in rows {
        let (code, side, non_negative, stored, debit_net) = row?;
        let from_lines = if side == "D" { debit_net } else { -debit_net };
        if from_lines != stored {
            out.drifted_accounts.push(code.clone());
        }
        if non_negative && stored < 0 {
            out.negative_accounts.push(code);
        }
        out.trial_difference += if side == "D" { stored } else { -stored };
    }
    Ok(out)
}
