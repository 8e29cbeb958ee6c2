//! Money movements on the custody ledger.

use rusqlite::OptionalExtension;
use serde_json::json;

use super::access::ops;
use super::{Actor, Op, Service, ServiceError, Tx};
use crate::domain::ledger::{Account, EntryKind, Line, Side};
use crate::domain::money::Money;
use crate::store::ledger::{self as books, BooksCheck, Draft, Posted};

impl Service {
    /// Money arrived at the custodian for a holder's sub-account (the bank's notice, keyed by its
    /// reference).
    pub fn deposit(
        &mut self,
        actor: &Actor,
        holder: Account,
        amount: Money,
        bank_ref: &str,
    ) -> Result<Posted, ServiceError> {
        let lines = vec![Line::debit(Account::Bank, amount), Line::credit(holder, amount)];
        self.movement(
            actor,
            Movement {
                op: ops::DEPOSIT,
                kind: EntryKind::Deposit,
                key: bank_ref,
                lines,
                memo: "",
                holder: Some(holder),
            },
        )
    }

    /// Money left a holder's sub-account for his bank card.
    pub fn withdraw(
        &mut self,
        actor: &Actor,
        holder: Account,
        amount: Money,
        bank_ref: &str,
    ) -> Result<Posted, ServiceError> {
        let lines = vec![Line::debit(holder, amount), Line::credit(Account::Bank, amount)];
        self.movement(
            actor,
            Movement {
                op: ops::WITHDRAW,
                kind: EntryKind::Withdrawal,
                key: bank_ref,
                lines,
                memo: "",
                holder: Some(holder),
            },
        )
    }

    /// Freezes an investor's money for a bid.
    pub fn freeze(
        &mut self,
        actor: &Actor,
        investor: i64,
        amount: Money,
        key: &str,
    ) -> Result<Posted, ServiceError> {
        let lines = vec![
            Line::debit(Account::InvestorCustody(investor), amount),
            Line::credit(Account::InvestorFrozen(investor), amount),
        ];
        self.movement(
            actor,
            Movement {
                op: ops::FREEZE,
                kind: EntryKind::BidFreeze,
                key,
                lines,
                memo: "",
                holder: None,
            },
        )
    }

    /// Releases frozen money back to the investor (a failed raise, a cancelled bid).
    pub fn release(
        &mut self,
        actor: &Actor,
        investor: i64,
        amount: Money,
        key: &str,
    ) -> Result<Posted, ServiceError> {
        let lines = vec![
            Line::debit(Account::InvestorFrozen(investor), amount),
            Line::credit(Account::InvestorCustody(investor), amount),
        ];
        self.movement(
            actor,
            Movement {
                op: ops::RELEASE,
                kind: EntryKind::BidRelease,
                key,
                lines,
                memo: "",
                holder: None,
            },
        )
    }

    /// Posts a balanced entry of any kind (finance, advanced).
    pub fn post(
        &mut self,
        actor: &Actor,
        kind: EntryKind,
        key: &str,
        lines: Vec<Line>,
        memo: &str,
    ) -> Result<Posted, ServiceError> {
        self.movement(actor, Movement { op: ops::POST, kind, key, lines, memo, holder: None })
    }

    /// Asks for an entry to be reversed (finance); another member of finance approves it.
    pub fn request_reversal(
        &mut self,
        actor: &Actor,
        entry_id: i64,
        key: &str,
        reason: &str,
    ) -> Result<i64, ServiceError> {
        self.write(actor, ops::REQUEST_REVERSAL, |tx| {
            require_key(key)?;
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(ServiceError::Invalid { field: "reason", problem: "is empty".into() });
            }
            let exists: bool = tx.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM journal_entries WHERE id = ?1 AND reverses IS NULL)",
                [entry_id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(ServiceError::NotFound(format!("no reversible entry {entry_id}")));
            }
            tx.conn().execute(
                "INSERT INTO reversal_requests (entry_id, idem_key, reason, requested_by, requested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![entry_id, key, reason, tx.actor().id, tx.now_text()],
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => ServiceError::Invalid {
                    field: "reference",
                    problem: format!("{key} was already used for a reversal request"),
                },
                _ => e.into(),
            })?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(
                ops::REQUEST_REVERSAL.action,
                "reversal_request",
                &id,
                json!({ "entry": entry_id, "key": key, "reason": reason }),
            );
            Ok(id)
        })
    }

    /// Approves a reversal request and posts the reversing entry: finance, advanced, with the
    /// password given again, never the requester.
    pub fn approve_reversal(
        &mut self,
        actor: &Actor,
        proof: &super::identity::StepUp,
        request_id: i64,
    ) -> Result<Posted, ServiceError> {
        self.write(actor, ops::APPROVE_REVERSAL, |tx| {
            proof.check(actor, tx.now())?;
            let row: Option<(i64, String, String, String, i64)> = tx
                .conn()
                .query_row(
                    "SELECT entry_id, idem_key, reason, status, requested_by FROM reversal_requests WHERE id = ?1",
                    [request_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()?;
            let (entry_id, key, reason, status, requester) =
                row.ok_or_else(|| ServiceError::NotFound(format!("no reversal request {request_id}")))?;
            if status != "pending" {
                return Err(ServiceError::Refused(format!("reversal request {request_id} is {status}")));
            }
            if requester == actor.id {
                return Err(ServiceError::Refused("the maker of a reversal cannot approve it".into()));
            }
            let date = business_date(tx)?;
            let now = tx.now_text();
            let posted = books::reverse(tx.conn(), entry_id, &key, date, &reason, actor.id, &now)?;
            tx.conn().execute(
                "UPDATE reversal_requests SET status = 'approved', decided_by = ?2, decided_at = ?3,
                        reversal_entry = ?4 WHERE id = ?1",
                rusqlite::params![request_id, actor.id, now, posted.entry_id()],
            )?;
            tx.audit(
                ops::APPROVE_REVERSAL.action,
                "journal_entry",
                &posted.entry_id(),
                json!({ "request": request_id, "reverses": entry_id, "key": key }),
            );
            Ok(posted)
        })
    }

    /// Reverses an entry with its mirror image, keyed by `key`.
    pub fn reverse(
        &mut self,
        actor: &Actor,
        entry_id: i64,
        key: &str,
        memo: &str,
    ) -> Result<Posted, ServiceError> {
        self.write(actor, ops::REVERSE, |tx| {
            require_key(key)?;
            let date = business_date(tx)?;
            let now = tx.now_text();
            let posted = books::reverse(tx.conn(), entry_id, key, date, memo, tx.actor().id, &now)?;
            tx.audit(
                ops::REVERSE.action,
                "journal_entry",
                &posted.entry_id(),
                json!({ "reverses": entry_id, "key": key, "replay": matches!(posted, Posted::AlreadyRecorded(_)) }),
            );
            Ok(posted)
        })
    }

    fn movement(&mut self, actor: &Actor, m: Movement<'_>) -> Result<Posted, ServiceError> {
        let Movement { op, kind, key, lines, memo, holder } = m;
        // Input is checked inside the write, after the permission: an unauthorised attempt is
        // recorded whatever it carried.
        self.write(actor, op, |tx| {
            if let Some(h) = holder {
                custody_holder(h)?;
            }
            post_in(tx, kind, key, lines, memo, op.action)
        })
    }

    /// An account's balance on its normal side.
    pub fn balance(&self, account: Account) -> Result<Money, ServiceError> {
        Ok(books::balance(self.db().conn(), account)?)
    }

    /// Checks the whole ledger.
    pub fn check_books(&self) -> Result<BooksCheck, ServiceError> {
        Ok(books::check(self.db().conn())?)
    }
}

/// Posts an entry inside an open write (dated on the business date) with its audit record.
pub(crate) fn post_in(
    tx: &mut Tx<'_>,
    kind: EntryKind,
    key: &str,
    lines: Vec<Line>,
    memo: &str,
    action: &str,
) -> Result<Posted, ServiceError> {
    require_key(key)?;
    let amount: i64 = lines.iter().filter(|l| l.side == Side::Debit).map(|l| l.amount.fen()).sum();
    let posted = post_quiet(tx, kind, key, lines, memo)?;
    tx.audit(
        action,
        "journal_entry",
        &posted.entry_id(),
        json!({
            "kind": kind.code(),
            "key": key,
            "amount": Money::from_fen(amount).to_string(),
            "replay": matches!(posted, Posted::AlreadyRecorded(_)),
        }),
    );
    Ok(posted)
}

/// Posts an entry inside an open write without an audit record of its own, for bulk work whose
/// one audit record covers many entries (an import, a demo's claim assignment).
pub(crate) fn post_quiet(
    tx: &mut Tx<'_>,
    kind: EntryKind,
    key: &str,
    lines: Vec<Line>,
    memo: &str,
) -> Result<Posted, ServiceError> {
    let draft = Draft {
        key: key.to_owned(),
        kind,
        business_date: business_date(tx)?,
        memo: memo.to_owned(),
        lines,
    };
    let now = tx.now_text();
    Ok(books::post(tx.conn(), &draft, tx.actor().id, &now, None)?)
}

/// One movement to post: what it is, its key and lines, and the custody holder it is for.
struct Movement<'a> {
    op: Op,
    kind: EntryKind,
    key: &'a str,
    lines: Vec<Line>,
    memo: &'a str,
    holder: Option<Account>,
}

fn business_date(tx: &Tx<'_>) -> Result<chrono::NaiveDate, ServiceError> {
    super::platform::business_date(tx.conn())
}

fn require_key(key: &str) -> Result<(), ServiceError> {
    if key.trim().is_empty() {
        return Err(ServiceError::Invalid { field: "reference", problem: "is empty".into() });
    }
    Ok(())
}

fn custody_holder(holder: Account) -> Result<(), ServiceError> {
    match holder {
        Account::InvestorCustody(_) | Account::BorrowerCustody(_) | Account::PlatformCustody => {
            Ok(())
        }
        other => Err(ServiceError::Invalid {
            field: "account",
            problem: format!("{other} is not a custody sub-account"),
        }),
    }
}
