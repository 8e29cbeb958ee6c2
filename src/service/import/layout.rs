//! Reading one row of a loan book: the two LendingClub layouts, their quirks (money with more
//! than two decimals, `NA` and empty cells, month-only dates), into one source loan.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::domain::{Money, Rate, round_fen};

/// The file's layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// OpenIntro's `loans_full_schema` (first column an unnamed row number).
    OpenIntro,
    /// LendingClub's own export.
    LendingClub,
}

impl FromStr for Layout {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "openintro" => Ok(Layout::OpenIntro),
            "lendingclub" => Ok(Layout::LendingClub),
            _ => Err(format!("unknown layout \"{s}\" (expected openintro or lendingclub)")),
        }
    }
}

/// The source's loan status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Current,
    /// Late, with the estimated days past due (the middle of the source's range).
    Late(i64),
    FullyPaid,
    ChargedOff,
}

/// A data quirk worth reporting (not fatal).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anomaly {
    pub kind: &'static str,
    pub detail: String,
}

/// One loan as the file states it.
#[derive(Clone, Debug)]
pub struct SourceLoan {
    pub line: u64,
    pub key: String,
    pub amount: Money,
    pub term: u32,
    pub rate: Rate,
    pub stated_installment: Option<Money>,
    pub grade: Option<String>,
    pub issued: NaiveDate,
    pub status: Status,
    pub balance: Option<Money>,
    pub paid_principal: Money,
    pub paid_interest: Money,
    pub paid_late_fees: Money,
    pub recoveries: Money,
    pub last_payment: Option<NaiveDate>,
    pub attributes: BTreeMap<String, String>,
    pub anomalies: Vec<Anomaly>,
}

struct Columns {
    key: Option<usize>,
    amount: usize,
    term: usize,
    rate: usize,
    installment: usize,
    grade: usize,
    issued: usize,
    status: usize,
    balance: Option<usize>,
    paid_principal: usize,
    paid_interest: usize,
    paid_late_fees: usize,
    recoveries: Option<usize>,
    last_payment: Option<usize>,
}

/// Column positions of a layout, found by name in the header.
pub struct Reader {
    layout: Layout,
    cols: Columns,
    headers: Vec<String>,
    loan_columns: Vec<usize>,
}

impl Reader {
    pub fn new(layout: Layout, headers: &csv::StringRecord) -> Result<Reader, String> {
        let names: Vec<String> = headers.iter().map(|h| h.trim().to_owned()).collect();
        let find = |n: &str| {
            names
                .iter()
                .position(|h| h == n)
                .ok_or_else(|| format!("the header has no column \"{n}\""))
        };
        let cols = match layout {
            Layout::OpenIntro => Columns {
                key: None,
                amount: find("loan_amount")?,
                term: find("term")?,
                rate: find("interest_rate")?,
                installment: find("installment")?,
                grade: find("grade")?,
                issued: find("issue_month")?,
                status: find("loan_status")?,
                balance: Some(find("balance")?),
                paid_principal: find("paid_principal")?,
                paid_interest: find("paid_interest")?,
                paid_late_fees: find("paid_late_fees")?,
                recoveries: None,
                last_payment: None,
            },
            Layout::LendingClub => Columns {
                key: Some(find("id")?),
                amount: find("funded_amnt")?,
                term: find("term")?,
                rate: find("int_rate")?,
                installment: find("installment")?,
                grade: find("grade")?,
                issued: find("issue_d")?,
                status: find("loan_status")?,
                balance: Some(find("out_prncp")?),
                paid_principal: find("total_rec_prncp")?,
                paid_interest: find("total_rec_int")?,
                paid_late_fees: find("total_rec_late_fee")?,
                recoveries: Some(find("recoveries")?),
                last_payment: Some(find("last_pymnt_d")?),
            },
        };
        let c = &cols;
        let mut loan_columns = vec![
            c.amount,
            c.term,
            c.rate,
            c.installment,
            c.issued,
            c.status,
            c.paid_principal,
            c.paid_interest,
            c.paid_late_fees,
        ];
        loan_columns
            .extend(c.key.iter().chain(&c.balance).chain(&c.recoveries).chain(&c.last_payment));
        if layout == Layout::OpenIntro {
            loan_columns.push(0);
        }
        Ok(Reader { layout, cols, headers: names, loan_columns })
    }

    /// The row's import key: the native id, or a hash of the whole row.
    fn key_of(&self, record: &csv::StringRecord, id: Option<&str>) -> Result<String, String> {
        match (self.layout, id) {
            (Layout::LendingClub, Some(id)) => Ok(format!("lc:{id}")),
            (Layout::LendingClub, None) => Err("id is missing".into()),
            (Layout::OpenIntro, _) => {
                let mut h = Sha256::new();
                for f in record {
                    h.update(f.as_bytes());
                    h.update([0x1f]);
                }
                Ok(format!("oi:{}", &hex::encode(h.finalize())[..32]))
            }
        }
    }

    /// Reads one record. `Err` is the reason the row cannot be imported.
    pub fn read(&self, record: &csv::StringRecord, line: u64) -> Result<SourceLoan, String> {
        if record.len() != self.headers.len() {
            return Err(format!(
                "has {} fields, the header has {}",
                record.len(),
                self.headers.len()
            ));
        }
        let c = &self.cols;
        let mut anomalies = Vec::new();
        let cell = |i: usize| record.get(i).map(str::trim).filter(|v| !v.is_empty() && *v != "NA");
        let mut money = |name: &str, i: usize, required: bool| -> Result<Money, String> {
            match cell(i) {
                None if required => Err(format!("{name} is missing")),
                None => Ok(Money::ZERO),
                Some(v) => {
                    let (m, rounded) = lenient_money(v)
                        .ok_or_else(|| format!("{name} \"{v}\" is not an amount"))?;
                    if rounded {
                        anomalies.push(Anomaly {
                            kind: "money rounded to the fen",
                            detail: format!("{name} {v} → {m}"),
                        });
                    }
                    Ok(m)
                }
            }
        };
        let amount = money("amount", c.amount, true)?;
        if amount <= Money::ZERO {
            return Err("amount is not positive".into());
        }
        let paid_principal = money("paid principal", c.paid_principal, false)?;
        let paid_interest = money("paid interest", c.paid_interest, false)?;
        let paid_late_fees = money("paid late fees", c.paid_late_fees, false)?;
        let recoveries = match c.recoveries {
            Some(i) => money("recoveries", i, false)?,
            None => Money::ZERO,
        };
        let balance = match c.balance {
            Some(i) if cell(i).is_some() => Some(money("balance", i, false)?),
            _ => None,
        };
        let stated_installment = if cell(c.installment).is_some() {
            Some(money("installment", c.installment, false)?)
        } else {
            None
        };
        let term_text = cell(c.term).ok_or("term is missing")?;
        let term: u32 = term_text
            .trim_end_matches("months")
            .trim()
            .parse()
            .map_err(|_| format!("term \"{term_text}\" is not a number of months"))?;
        if term == 0 || term > 360 {
            return Err(format!("term {term} is outside 1 to 360 months"));
        }
        let rate_text = cell(c.rate).ok_or("rate is missing")?;
        let rate = Rate::parse(&format!("{}%", rate_text.trim_end_matches('%')))
            .map_err(|e| format!("rate {e}"))?;
        let issued_text = cell(c.issued).ok_or("issue month is missing")?;
        let issued = month(issued_text)
            .ok_or_else(|| format!("issue month \"{issued_text}\" is not like Mar-2018"))?;
        let status_text = cell(c.status).ok_or("loan status is missing")?;
        let status = status_of(status_text)?;
        let last_payment = c.last_payment.and_then(cell).and_then(month);
        let key = self.key_of(record, c.key.and_then(cell))?;
        let mut attributes = BTreeMap::new();
        for (i, v) in record.iter().enumerate() {
            let v = v.trim();
            if self.loan_columns.contains(&i) || v.is_empty() || v == "NA" {
                continue;
            }
            if let Some(name) = self.headers.get(i).filter(|n| !n.is_empty() && *n != "url") {
                attributes.insert(name.clone(), v.to_owned());
            }
        }
        let grade = cell(c.grade).map(str::to_owned);
        Ok(SourceLoan {
            line,
            key,
            amount,
            term,
            rate,
            stated_installment,
            grade,
            issued,
            status,
            balance,
            paid_principal,
            paid_interest,
            paid_late_fees,
            recoveries,
            last_payment,
            attributes,
            anomalies,
        })
    }
}

/// The source's status, with the estimated days past due of a late loan.
fn status_of(text: &str) -> Result<Status, String> {
    Ok(match text {
        "Current" => Status::Current,
        "In Grace Period" => Status::Late(8),
        "Late (16-30 days)" => Status::Late(23),
        "Late (31-120 days)" => Status::Late(75),
        "Fully Paid" => Status::FullyPaid,
        "Charged Off" => Status::ChargedOff,
        other => return Err(format!("loan status \"{other}\" is not known")),
    })
}

/// Parses an amount exactly; more than two decimals are rounded half up to the fen and
/// flagged. Never goes through a float.
fn lenient_money(text: &str) -> Option<(Money, bool)> {
    let d = Decimal::from_str(text.trim()).ok()?;
    let d = d.normalize();
    if d.scale() <= 2 {
        return Some((Money::from_decimal_exact(d)?, false));
    }
    Some((round_fen(d), true))
}

/// "Mar-2018" → 2018-03-01.
fn month(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("01-{}", text.trim()), "%d-%b-%Y").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_months() {
        assert_eq!(lenient_money("20000.0"), Some((Money::from_fen(2_000_000), false)));
        assert_eq!(lenient_money("5202.6426724643"), Some((Money::from_fen(520_264), true)));
        assert_eq!(lenient_money("0.005"), Some((Money::from_fen(1), true)));
        assert_eq!(lenient_money("abc"), None);
        assert_eq!(month("Mar-2018"), NaiveDate::from_ymd_opt(2018, 3, 1));
        assert_eq!(month("2018-03"), None);
    }
}
