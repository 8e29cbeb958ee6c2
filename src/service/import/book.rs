//! Booking one imported loan: borrower, loan, history, state, schedule, claims and ledger.

use chrono::{Months, NaiveDate};
use rusqlite::{OptionalExtension, params};

use super::ImportReport;
use super::layout::{SourceLoan, Status};
use crate::domain::ledger::{Account, EntryKind, Line};
use crate::domain::lending::LprTable;
use crate::domain::schedule::{Rounding, level_payment};
use crate::domain::{Money, round_fen};
use crate::service::changes::Changes;
use crate::service::{ServiceError, Tx};
use crate::store::ledger::{self as books, Draft};

/// Largest fully-paid shortfall treated as rounding and written off (one yuan).
const ROUNDING_LIMIT: Money = Money::from_fen(100);

pub(super) fn apply_batch(
    tx: &mut Tx<'_>,
    loans: &[SourceLoan],
    as_of: NaiveDate,
    report: &mut ImportReport,
) -> Result<(), ServiceError> {
    let lpr = crate::service::settings::get_lpr(tx.conn())?;
    let (mut first, mut last, mut count) = (None, None, 0_u64);
    for loan in loans {
        let exists: Option<i64> = tx
            .conn()
            .prepare_cached("SELECT id FROM loans WHERE source_ref = ?1")?
            .query_row([&loan.key], |r| r.get(0))
            .optional()?;
        if exists.is_some() {
            report.already_imported += 1;
            continue;
        }
        if let Some(id) = book_one(tx, loan, as_of, &lpr, report)? {
            first.get_or_insert(id);
            last = Some(id);
            count += 1;
            report.imported += 1;
        }
    }
    if let Some(date) = report.business_date_set.as_deref() {
        let pending: bool = tx.conn().query_row(
            "SELECT business_date <> ?1 FROM platform WHERE id = 1",
            [date],
            |r| r.get(0),
        )?;
        if pending && count > 0 {
            let old: String = tx.conn().query_row(
                "SELECT business_date FROM platform WHERE id = 1",
                [],
                |r| r.get(0),
            )?;
            crate::store::platform::set_business_date(tx.conn(), as_of)?;
            tx.audit(
                "import.business_date",
                "business_date",
                &as_of,
                crate::service::changes::Changes::new()
                    .set("business_date", Some(&old), Some(date))
                    .into_value(),
            );
        }
    }
    let detail = Changes::new()
        .note("loans", count)
        .note("first_loan", first)
        .note("last_loan", last)
        .note("as_of", as_of.to_string())
        .into_value();
    tx.audit("import.loans", "loan_book", &report.file, detail);
    Ok(())
}

/// How a source loan stands after import.
struct Standing {
    state: &'static str,
    outstanding: Money,
    written_off: Money,
    dpd: i64,
}

/// Books one loan; `None` if the row was refused (recorded in the report).
fn book_one(
    tx: &mut Tx<'_>,
    s: &SourceLoan,
    as_of: NaiveDate,
    lpr: &LprTable,
    report: &mut ImportReport,
) -> Result<Option<i64>, ServiceError> {
    let level = level_payment(s.amount, s.rate, s.term, Rounding::Up);
    let Some(st) = classify(s, as_of, lpr, level, report) else {
        return Ok(None);
    };
    let loan = insert_loan(tx, s, &st, level, as_of)?;
    insert_history(tx, s, loan, as_of)?;
    if st.outstanding > Money::ZERO {
        insert_schedule(tx, s, loan, &st, level, as_of)?;
    }
    post_opening(tx, s, loan, &st, as_of)?;
    Ok(Some(loan))
}

/// Decides the loan's state and amounts from the source, noting anomalies; `None` refuses.
fn classify(
    s: &SourceLoan,
    as_of: NaiveDate,
    lpr: &LprTable,
    level: Money,
    report: &mut ImportReport,
) -> Option<Standing> {
    let line = s.line;
    for a in &s.anomalies {
        report.note(line, a.kind, a.detail.clone());
    }
    let refuse = |report: &mut ImportReport, reason: String| {
        report.refused.push(super::Refusal { line, reason });
        None
    };
    if s.paid_principal > s.amount {
        return refuse(
            report,
            format!("paid principal {} exceeds the amount {}", s.paid_principal, s.amount),
        );
    }
    if s.issued > as_of {
        return refuse(report, format!("issued {} after the as-of date {as_of}", s.issued));
    }
    if let Some(stated) = s.stated_installment.filter(|st| *st != level) {
        report.note(
            line,
            "installment differs from the computed one",
            format!("stated {stated}, computed {level}"),
        );
    }
    let cap = lpr.cap_on(s.issued);
    if s.rate > cap {
        report.note(
            line,
            "rate above the legal cap",
            format!("{} above {cap} in force on {}", s.rate, s.issued),
        );
    }
    let mut outstanding = s.amount.checked_sub(s.paid_principal).unwrap_or(Money::ZERO);
    let mut written_off = Money::ZERO;
    let (mut state, dpd) = match s.status {
        Status::Current => ("current", 0),
        Status::Late(d) => ("overdue", d),
        Status::FullyPaid => {
            if outstanding > ROUNDING_LIMIT {
                return refuse(
                    report,
                    format!("fully paid but {outstanding} of principal is unpaid"),
                );
            }
            if outstanding > Money::ZERO {
                report.note(
                    line,
                    "fully paid loan short of its principal",
                    format!("{outstanding} written off as a rounding adjustment"),
                );
                report.rounding_written_off = report
                    .rounding_written_off
                    .checked_add(outstanding)
                    .unwrap_or(report.rounding_written_off);
                written_off = outstanding;
                outstanding = Money::ZERO;
            }
            ("settled", 0)
        }
        Status::ChargedOff => {
            written_off = outstanding;
            outstanding = Money::ZERO;
            ("written_off", 0)
        }
    };
    if outstanding.is_zero() && matches!(s.status, Status::Current | Status::Late(_)) {
        report.note(line, "active loan with nothing outstanding", "settled on import".into());
        state = "settled";
    }
    if let Some(balance) = s.balance {
        report.file_balance =
            report.file_balance.checked_add(balance).unwrap_or(report.file_balance);
        if balance != outstanding {
            report.note(
                line,
                "balance differs from amount − paid principal",
                format!("file {balance}, computed {outstanding}"),
            );
        }
    }
    report.outstanding = report.outstanding.checked_add(outstanding).unwrap_or(report.outstanding);
    Some(Standing {
        state,
        outstanding,
        written_off,
        dpd: if state == "overdue" { dpd } else { 0 },
    })
}

/// The anonymous borrower (his facts from the file) and the loan row.
fn insert_loan(
    tx: &Tx<'_>,
    s: &SourceLoan,
    st: &Standing,
    level: Money,
    as_of: NaiveDate,
) -> Result<i64, ServiceError> {
    let now = tx.now_text();
    let actor = tx.actor().id;
    let attributes = serde_json::to_string(&s.attributes).unwrap_or_else(|_| "{}".into());
    tx.conn()
        .prepare_cached(
            "INSERT INTO borrowers (kind, name, attributes, source_ref, created_at, created_by)
             VALUES ('person', '', ?1, ?2, ?3, ?4)",
        )?
        .execute(params![attributes, s.key, now, actor])?;
    let borrower = tx.conn().last_insert_rowid();
    let grade = s
        .grade
        .as_deref()
        .filter(|g| g.len() == 1 && ('A'..='G').contains(&g.chars().next().unwrap_or('?')));
    let closed_on = match st.state {
        "settled" | "written_off" => Some(s.last_payment.unwrap_or(as_of).min(as_of).to_string()),
        _ => None,
    };
    tx.conn()
        .prepare_cached(
            "INSERT INTO loans (borrower_id, amount_fen, rate, term_months, method, rounding, value_date, contract_date,
                                risk_grade, state, outstanding_fen, written_off_fen, level_payment_fen,
                                days_past_due, dpd_estimated, closed_on, source, source_ref, created_at, booked_on)
             VALUES (?1, ?2, ?3, ?4, 'equal-installment', 'up', ?5, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'import', ?14, ?15, ?16)",
        )?
        .execute(params![
            borrower,
            s.amount.fen(),
            s.rate.percent().to_string(),
            s.term,
            s.issued.to_string(),
            grade,
            st.state,
            st.outstanding.fen(),
            st.written_off.fen(),
            level.fen(),
            st.dpd,
            st.dpd > 0,
            closed_on,
            s.key,
            now,
            as_of.to_string()
        ])?;
    Ok(tx.conn().last_insert_rowid())
}

const INSERT_INSTALLMENT: &str =
    "INSERT INTO installments (loan_id, period, due_date, principal_fen, interest_fen,
        paid_principal_fen, paid_interest_fen, penalty_fen, paid_penalty_fen, paid_on)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

/// History: one dated, paid row with the components as the file gives them, and recoveries.
fn insert_history(
    tx: &Tx<'_>,
    s: &SourceLoan,
    loan: i64,
    as_of: NaiveDate,
) -> Result<(), ServiceError> {
    let now = tx.now_text();
    let actor = tx.actor().id;
    let history_date = s.last_payment.unwrap_or(as_of).min(as_of).to_string();
    // The history row stands before every period: it is due on the value date.
    let history_due = s.issued.to_string();
    let paid = s.paid_principal.fen() + s.paid_interest.fen() + s.paid_late_fees.fen();
    if paid > 0 {
        tx.conn().prepare_cached(INSERT_INSTALLMENT)?.execute(params![
            loan,
            0,
            history_due,
            s.paid_principal.fen(),
            s.paid_interest.fen(),
            s.paid_principal.fen(),
            s.paid_interest.fen(),
            s.paid_late_fees.fen(),
            s.paid_late_fees.fen(),
            history_date
        ])?;
        tx.conn()
            .prepare_cached(
                "INSERT INTO repayments (loan_id, bank_ref, received_on, amount_fen, kind, principal_fen, interest_fen,
                                         fees_fen, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, 'historical', ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                loan,
                format!("{}:history", s.key),
                history_date,
                paid,
                s.paid_principal.fen(),
                s.paid_interest.fen(),
                s.paid_late_fees.fen(),
                now,
                actor
            ])?;
    }
    if s.recoveries > Money::ZERO {
        tx.conn()
            .prepare_cached(
                "INSERT INTO repayments (loan_id, bank_ref, received_on, amount_fen, kind, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, 'recovery', ?5, ?6)",
            )?
            .execute(params![loan, format!("{}:recovery", s.key), history_date, s.recoveries.fen(), now, actor])?;
    }
    Ok(())
}

/// The rest of the schedule, rebuilt from the as-of date on the remaining principal with the
/// same level payment and due day; for a late loan its overdue periods come first. The loan's
/// claims are held on the opening balance.
fn insert_schedule(
    tx: &Tx<'_>,
    s: &SourceLoan,
    loan: i64,
    st: &Standing,
    level: Money,
    as_of: NaiveDate,
) -> Result<(), ServiceError> {
    let due = |k: u32| s.issued.checked_add_months(Months::new(k));
    let past = (1..=s.term + 120).take_while(|k| due(*k).is_some_and(|d| d <= as_of)).count();
    let past = u32::try_from(past).unwrap_or(0);
    let overdue = if st.dpd > 0 {
        u32::try_from((st.dpd + 29) / 30).unwrap_or(1).min(past.max(1))
    } else {
        0
    };
    let mut k = past + 1 - overdue.min(past);
    let mut left = st.outstanding;
    let mut period = 1_i64;
    let mut insert = tx.conn().prepare_cached(INSERT_INSTALLMENT)?;
    while left > Money::ZERO {
        let d = due(k).ok_or_else(|| {
            ServiceError::Refused(format!("line {}: schedule runs past the calendar", s.line))
        })?;
        let interest = round_fen(s.rate.monthly_interest(left.to_decimal()));
        let last = k >= s.term.max(past + 1) + 120;
        let principal = if last {
            left
        } else {
            level.checked_sub(interest).unwrap_or(Money::ZERO).max(Money::ZERO).min(left)
        };
        // A level payment that does not cover the interest would never end: take it all.
        let principal = if principal.is_zero() { left } else { principal };
        insert.execute(params![
            loan,
            period,
            d.to_string(),
            principal.fen(),
            interest.fen(),
            0,
            0,
            0,
            0,
            None::<String>
        ])?;
        if d <= as_of {
            // Penalty up to the as-of date is in the file's late fees: charge only from then on.
            tx.conn().execute(
                "UPDATE installments SET penalty_through = ?3 WHERE loan_id = ?1 AND period = ?2",
                params![loan, period, as_of.to_string()],
            )?;
        }
        left = left.checked_sub(principal).unwrap_or(Money::ZERO);
        k += 1;
        period += 1;
    }
    tx.conn()
        .prepare_cached("INSERT INTO holdings (loan_id, investor_id, principal_fen, outstanding_fen) VALUES (?1, NULL, ?2, ?2)")?
        .execute(params![loan, st.outstanding.fen()])?;
    Ok(())
}

/// Ledger: the receivable and the investors' claims, or the loss borne by the opening balance.
fn post_opening(
    tx: &Tx<'_>,
    s: &SourceLoan,
    loan: i64,
    st: &Standing,
    as_of: NaiveDate,
) -> Result<(), ServiceError> {
    let mut lines = Vec::new();
    if st.outstanding > Money::ZERO {
        lines.push(Line::debit(Account::LoanReceivable(loan), st.outstanding));
        lines.push(Line::credit(Account::LoanClaims(loan), st.outstanding));
    }
    if st.written_off > Money::ZERO {
        lines.push(Line::debit(Account::WriteOffLoss, st.written_off));
        lines.push(Line::credit(Account::OpeningBalance, st.written_off));
    }
    if lines.is_empty() {
        return Ok(());
    }
    // Posted without an audit record of its own: the batch's record covers the import.
    let draft = Draft {
        key: format!("import:{}", s.key),
        kind: EntryKind::Opening,
        business_date: as_of,
        memo: format!("imported loan {loan}"),
        lines,
    };
    books::post(tx.conn(), &draft, tx.actor().id, &tx.now_text(), None)
        .map_err(ServiceError::Post)?;
    Ok(())
}
