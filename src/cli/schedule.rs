//! `p2pdesk schedule`: the repayment calculator.

use std::fmt::Write as _;
use std::io::Write;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{Exit, Failure};
use crate::domain::Rate;
use crate::domain::money::{Money, grouped};
use crate::domain::schedule::{self, Installment, LoanTerms, Method, Rounding};
use crate::service::platform::{DEFAULT_TIMEZONE, local_today};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// equal-installment, equal-principal, interest-first or bullet.
    #[arg(long, value_parser = parse_method)]
    pub method: Method,
    /// Principal, e.g. 100000 or 100,000.00.
    #[arg(long, value_parser = parse_amount)]
    pub amount: Money,
    /// Annual rate in percent: 12 or 12%.
    #[arg(long, value_parser = parse_rate)]
    pub rate: Rate,
    /// Term in months (1–360).
    #[arg(long)]
    pub term: u32,
    /// Value date, YYYY-MM-DD (default: today); the first period falls due a month later.
    #[arg(long, value_parser = parse_date)]
    pub start: Option<NaiveDate>,
    /// Rounding of the equal-installment level payment: half-up (default) or up.
    #[arg(long, value_parser = parse_rounding)]
    pub rounding: Option<Rounding>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn parse_method(s: &str) -> Result<Method, String> {
    s.parse()
}

fn parse_amount(s: &str) -> Result<Money, String> {
    Money::parse(s).map_err(|e| format!("amount {e}"))
}

fn parse_rate(s: &str) -> Result<Rate, String> {
    Rate::parse(s).map_err(|e| format!("rate {e}"))
}

fn parse_rounding(s: &str) -> Result<Rounding, String> {
    s.parse()
}

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("\"{s}\" is not a date in the form YYYY-MM-DD"))
}

#[derive(Serialize)]
struct JsonRow<'a> {
    period: u32,
    due_date: String,
    principal: &'a Money,
    interest: &'a Money,
    total: &'a Money,
    remaining: &'a Money,
}

pub fn run(args: &ScheduleArgs, out: &mut dyn Write) -> Result<Exit, Failure> {
    if args.rounding.is_some() && args.method != Method::EqualInstallment {
        return Err(Failure::bad_input(format!(
            "--rounding: applies only to equal-installment, not {}",
            args.method
        )));
    }
    let value_date = match args.start {
        Some(d) => d,
        None => local_today(DEFAULT_TIMEZONE).map_err(|e| Failure::failed(e.to_string()))?,
    };
    let terms = LoanTerms {
        amount: args.amount,
        rate: args.rate,
        term_months: args.term,
        value_date,
        method: args.method,
        rounding: args.rounding.unwrap_or_default(),
    };
    let rows =
        schedule::build(&terms).map_err(|e| Failure::bad_input(format!("--{}: {e}", e.field())))?;
    match args.format {
        Format::Json => {
            let json: Vec<JsonRow<'_>> = rows.iter().map(json_row).collect();
            serde_json::to_writer_pretty(&mut *out, &json)
                .map_err(|e| Failure::failed(e.to_string()))?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(["period", "due_date", "principal", "interest", "total", "remaining"])
                .map_err(|e| Failure::failed(e.to_string()))?;
            for r in &rows {
                w.write_record([
                    r.period.to_string(),
                    r.due_date.to_string(),
                    r.principal.to_string(),
                    r.interest.to_string(),
                    r.total.to_string(),
                    r.remaining.to_string(),
                ])
                .map_err(|e| Failure::failed(e.to_string()))?;
            }
            w.flush()?;
        }
        Format::Table => write_table(out, &terms, &rows)?,
    }
    Ok(Exit::Done)
}

fn json_row(r: &Installment) -> JsonRow<'_> {
    JsonRow {
        period: r.period,
        due_date: r.due_date.to_string(),
        principal: &r.principal,
        interest: &r.interest,
        total: &r.total,
        remaining: &r.remaining,
    }
}

fn write_table(
    out: &mut dyn Write,
    terms: &LoanTerms,
    rows: &[Installment],
) -> std::io::Result<()> {
    let t = schedule::totals(rows);
    writeln!(
        out,
        "{} {} at {} for {} months from {}",
        terms.method,
        grouped(terms.amount),
        terms.rate,
        terms.term_months,
        terms.value_date
    )?;
    let header = ["period", "due date", "principal", "interest", "total", "remaining"];
    let body: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            [
                r.period.to_string(),
                r.due_date.to_string(),
                grouped(r.principal),
                grouped(r.interest),
                grouped(r.total),
                grouped(r.remaining),
            ]
        })
        .collect();
    let footer = [
        "total".to_owned(),
        String::new(),
        grouped(t.principal),
        grouped(t.interest),
        grouped(t.total),
        String::new(),
    ];
    let mut widths = header.map(str::len);
    for row in body.iter().chain(std::iter::once(&footer)) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let line = |out: &mut dyn Write, cells: &[String]| -> std::io::Result<()> {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            if i == 1 {
                let _ = write!(s, "{cell:<w$}");
            } else {
                let _ = write!(s, "{cell:>w$}");
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, &header.map(str::to_owned))?;
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(out, &rule)?;
    for row in &body {
        line(out, row)?;
    }
    line(out, &rule)?;
    line(out, &footer)
}
