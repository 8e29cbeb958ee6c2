//! The portfolio report: loans and outstanding principal by state and delinquency bucket, as
//! of the business date or an earlier date rebuilt from the dated postings.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{business_date, date, money};
use crate::domain::Money;
use crate::domain::access::{Level, Module};
use crate::domain::lending::bucket;
use crate::service::{Actor, Need, Service, ServiceError};

/// Loans and their outstanding principal in one group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub loans: u64,
    pub outstanding_principal: Money,
}

/// The portfolio at a date.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Portfolio {
    pub as_of: String,
    pub loans: u64,
    pub outstanding_principal: Money,
    pub written_off_principal: Money,
    pub by_state: BTreeMap<String, Bucket>,
    pub by_bucket: BTreeMap<String, Bucket>,
}

impl Service {
    /// The portfolio as of `as_of` (default: the business date). Anyone with an ordinary level
    /// in business, risk, finance or audit may read it.
    pub fn portfolio(
        &self,
        actor: &Actor,
        as_of: Option<NaiveDate>,
    ) -> Result<Portfolio, ServiceError> {
        let may = [Module::Business, Module::Risk, Module::Finance, Module::Audit]
            .iter()
            .any(|m| actor.level(*m) >= Level::Ordinary);
        if !may && !actor.is_system {
            return Err(ServiceError::Forbidden {
                action: "report.portfolio",
                need: Need::Level(Module::Finance, Level::Ordinary),
            });
        }
        let conn = self.db().conn();
        let today = business_date(conn)?;
        let day = as_of.unwrap_or(today);
        if day > today {
            return Err(ServiceError::Invalid {
                field: "as-of",
                problem: format!("{day} is after the business date {today}"),
            });
        }
        if day == today {
            return current(conn, today);
        }
        let day_text = day.to_string();
        // Outstanding principal per loan from the receivable postings dated up to the day.
        let mut stmt = conn.prepare(
            "SELECT l.id, l.state, l.closed_on, l.value_date, l.amount_fen,
                    coalesce((SELECT sum(jl.debit_fen) - sum(jl.credit_fen)
                              FROM accounts a JOIN journal_lines jl ON jl.account_id = a.id
                              JOIN journal_entries je ON je.id = jl.entry_id
                              WHERE a.kind = 'receivable:loan' AND a.owner_id = l.id
                                AND je.business_date <= ?1), 0),
                    (SELECT min(i.due_date) FROM installments i
                      WHERE i.loan_id = l.id AND i.due_date < ?1
                        AND (i.paid_on IS NULL OR i.paid_on > ?1)),
                    l.days_past_due, l.dpd_estimated, l.written_off_fen
             FROM loans l WHERE l.value_date <= ?1 AND l.booked_on <= ?1 ORDER BY l.id",
        )?;
        let rows = stmt.query_map([&day_text], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, bool>(8)?,
                r.get::<_, i64>(9)?,
            ))
        })?;
        let mut p = Portfolio { as_of: day_text.clone(), ..Portfolio::default() };
        let mut written_off = 0_i64;
        for row in rows {
            let (_, state, closed_on, _, _, outstanding, oldest_unpaid, dpd_now, estimated, loss) =
                row?;
            let closed_by_then = closed_on.as_deref().is_some_and(|c| c <= day_text.as_str());
            let state_then = match state.as_str() {
                "settled" | "written_off" if closed_by_then => state.clone(),
                _ if oldest_unpaid.is_some() || (estimated && day == today && dpd_now > 0) => {
                    "overdue".to_owned()
                }
                _ => "current".to_owned(),
            };
            let dpd = if day == today && state == "overdue" {
                dpd_now
            } else {
                match &oldest_unpaid {
                    Some(d) => (day - date(d)?).num_days(),
                    None => 0,
                }
            };
            if closed_by_then {
                written_off += loss;
            }
            p.loans += 1;
            let o = money(outstanding.max(0));
            p.outstanding_principal =
                p.outstanding_principal.checked_add(o).unwrap_or(p.outstanding_principal);
            if state_then != "settled" && state_then != "written_off" {
                tally(&mut p.by_bucket, o, bucket(dpd).to_owned());
            }
            tally(&mut p.by_state, o, state_then);
        }
        p.written_off_principal = money(written_off);
        Ok(p)
    }
}

/// The portfolio on the business date, straight from the loans' current state: one pass over
/// the loans table, no postings to add up.
fn current(conn: &rusqlite::Connection, today: NaiveDate) -> Result<Portfolio, ServiceError> {
    let mut stmt = conn.prepare_cached(
        "SELECT state, outstanding_fen, days_past_due, written_off_fen FROM loans
         WHERE value_date <= ?1 AND booked_on <= ?1",
    )?;
    let rows = stmt.query_map([today.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))
    })?;
    let mut p = Portfolio { as_of: today.to_string(), ..Portfolio::default() };
    let mut written_off = 0_i64;
    for row in rows {
        let (state, outstanding, dpd, loss) = row?;
        written_off += loss;
        let o = money(outstanding);
        p.loans += 1;
        p.outstanding_principal =
            p.outstanding_principal.checked_add(o).unwrap_or(p.outstanding_principal);
        if state == "current" || state == "overdue" {
            tally(&mut p.by_bucket, o, bucket(if state == "overdue" { dpd } else { 0 }).to_owned());
        }
        tally(&mut p.by_state, o, state);
    }
    p.written_off_principal = money(written_off);
    Ok(p)
}

/// Counts one loan and its outstanding principal in a group.
fn tally(map: &mut BTreeMap<String, Bucket>, outstanding: Money, key: String) {
    let b = map.entry(key).or_default();
    b.loans += 1;
    b.outstanding_principal =
        b.outstanding_principal.checked_add(outstanding).unwrap_or(b.outstanding_principal);
}
