//! Borrowers and investors, listed by id with their personal data masked.

use rusqlite::{OptionalExtension, Row};

use super::keyset::{self, List};
use super::{Page, Seek, may_read_lending};
use crate::domain::Money;
use crate::domain::mask::mask_middle;
use crate::service::{Actor, Service, ServiceError};

/// A borrower as a list shows him.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BorrowerRow {
    pub id: i64,
    /// `person` or `company`.
    pub kind: String,
    pub name: String,
    /// The ID number or credit code, masked.
    pub id_number: String,
    /// The phone number, masked.
    pub phone: String,
}

/// An investor with his custody balances.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvestorRow {
    pub id: i64,
    pub name: String,
    /// Masked.
    pub id_number: String,
    /// Masked.
    pub phone: String,
    /// `A` (lowest) to `G`.
    pub risk_tolerance: String,
    /// Available on his custody sub-account.
    pub available: Money,
    /// Frozen for bids.
    pub frozen: Money,
}

const BORROWERS: &str = "SELECT b.id, b.kind, b.name, b.id_number, b.phone FROM borrowers b";

const INVESTORS: &str = "SELECT i.id, i.name, i.id_number, i.phone, i.risk_tolerance,
        coalesce((SELECT a.balance_fen FROM accounts a
                  WHERE a.kind = 'custody:investor' AND a.owner_id = i.id), 0),
        coalesce((SELECT a.balance_fen FROM accounts a
                  WHERE a.kind = 'frozen:investor' AND a.owner_id = i.id), 0)
     FROM investors i";

fn masked(v: Option<&str>) -> String {
    v.map(str::trim).filter(|s| !s.is_empty()).map_or_else(String::new, mask_middle)
}

fn borrower(r: &Row<'_>) -> rusqlite::Result<BorrowerRow> {
    Ok(BorrowerRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        name: r.get(2)?,
        id_number: masked(r.get::<_, Option<String>>(3)?.as_deref()),
        phone: masked(r.get::<_, Option<String>>(4)?.as_deref()),
    })
}

fn investor(r: &Row<'_>) -> rusqlite::Result<InvestorRow> {
    Ok(InvestorRow {
        id: r.get(0)?,
        name: r.get(1)?,
        id_number: masked(r.get::<_, Option<String>>(2)?.as_deref()),
        phone: masked(r.get::<_, Option<String>>(3)?.as_deref()),
        risk_tolerance: r.get(4)?,
        available: Money::from_fen(r.get(5)?),
        frozen: Money::from_fen(r.get(6)?),
    })
}

impl Service {
    /// A page of borrowers by id.
    pub fn borrowers(
        &self,
        actor: &Actor,
        seek: Seek,
        n: usize,
    ) -> Result<Page<BorrowerRow>, ServiceError> {
        may_read_lending(actor, "borrower.read")?;
        let list = List {
            select: BORROWERS,
            key: "b.id",
            filters: vec![],
            params: vec![],
            descending: false,
        };
        keyset::page(self.db().conn(), &list, seek, n, borrower)
    }

    /// One borrower, masked as in the list.
    pub fn borrower_row(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Option<BorrowerRow>, ServiceError> {
        may_read_lending(actor, "borrower.read")?;
        let mut stmt = self.db().conn().prepare_cached(&format!("{BORROWERS} WHERE b.id = ?1"))?;
        Ok(stmt.query_row([id], borrower).optional()?)
    }

    /// A page of investors by id, with their available and frozen balances.
    pub fn investors(
        &self,
        actor: &Actor,
        seek: Seek,
        n: usize,
    ) -> Result<Page<InvestorRow>, ServiceError> {
        may_read_lending(actor, "investor.read")?;
        let list = List {
            select: INVESTORS,
            key: "i.id",
            filters: vec![],
            params: vec![],
            descending: false,
        };
        keyset::page(self.db().conn(), &list, seek, n, investor)
    }

    /// One investor with his balances.
    pub fn investor_row(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Option<InvestorRow>, ServiceError> {
        may_read_lending(actor, "investor.read")?;
        let mut stmt = self.db().conn().prepare_cached(&format!("{INVESTORS} WHERE i.id = ?1"))?;
        Ok(stmt.query_row([id], investor).optional()?)
    }
}
