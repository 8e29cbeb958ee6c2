//! Importing a loan book from another system (`p2pdesk import loans`): each row becomes an
//! anonymous borrower and a disbursed equal-installment loan with its history, its state and
//! the rest of its schedule. Rows are committed in batches; a re-run skips rows already
//! imported, so a crash is mended by running again.

mod book;
mod layout;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

pub use layout::Layout;

use super::{Actor, Need, Op, Service, ServiceError};
use crate::domain::Money;
use crate::domain::access::{Level, Module, Role};
use crate::store::platform;

const IMPORT: Op = Op { action: "import.loans", need: Need::Staff };
const BATCH: usize = 500;

/// Whether the file's first line ends with CRLF.
fn ends_lines_with_crlf(file: &Path) -> bool {
    use std::io::Read as _;
    let mut head = vec![0_u8; 1 << 16];
    let n = std::fs::File::open(file).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    head[..n].iter().position(|b| *b == b'\n').is_some_and(|i| i > 0 && head[i - 1] == b'\r')
}

/// How an import runs.
#[derive(Clone, Copy, Debug)]
pub struct ImportOptions {
    pub layout: Layout,
    pub as_of: NaiveDate,
    pub dry_run: bool,
    /// Read at most this many rows (a demonstration or a trial run).
    pub limit: Option<u64>,
}

/// A refused row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub line: u64,
    pub reason: String,
}

/// An anomaly found on a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub line: u64,
    pub detail: String,
}

/// What an import did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub as_of: String,
    pub dry_run: bool,
    pub rows_read: u64,
    pub imported: u64,
    pub already_imported: u64,
    pub refused: Vec<Refusal>,
    pub anomalies: BTreeMap<String, Vec<Finding>>,
    /// Σ outstanding principal of the imported loans.
    pub outstanding: Money,
    /// Σ of the file's balance column over the same rows.
    pub file_balance: Money,
    pub rounding_written_off: Money,
    pub business_date_set: Option<String>,
}

impl ImportReport {
    fn note(&mut self, line: u64, kind: &str, detail: String) {
        self.anomalies.entry(kind.to_owned()).or_default().push(Finding { line, detail });
    }
}

fn may_import(actor: &Actor) -> bool {
    actor.is_system
        || actor.level(Module::Finance) >= Level::Advanced
        || actor.role == Some(Role::SystemAdmin)
}

impl Service {
    /// Imports a loan book. `progress` is told the rows read so far (for a progress bar) and
    /// may return `false` to stop after the current batch.
    pub fn import_loans(
        &mut self,
        actor: &Actor,
        file: &Path,
        opts: ImportOptions,
        progress: &mut dyn FnMut(u64) -> bool,
    ) -> Result<ImportReport, ServiceError> {
        let source = std::fs::File::open(file).map_err(|e| ServiceError::Invalid {
            field: "file",
            problem: format!("{}: {e}", file.display()),
        })?;
        // The csv reader reports a record of a CRLF file one line early (it counts the LF of the
        // previous terminator only when it reads on; rust-csv issue 395): correct for it.
        let crlf = ends_lines_with_crlf(file);
        self.import_from(actor, &file.display().to_string(), source, crlf, opts, progress)
    }

    /// Imports from any reader; `name` is what the report calls it.
    pub fn import_from(
        &mut self,
        actor: &Actor,
        name: &str,
        source: impl std::io::Read,
        crlf: bool,
        opts: ImportOptions,
        progress: &mut dyn FnMut(u64) -> bool,
    ) -> Result<ImportReport, ServiceError> {
        if !may_import(actor) {
            // Recorded as an overreach attempt like any other refusal.
            return self.write(actor, IMPORT, |_| {
                Err(ServiceError::Forbidden {
                    action: IMPORT.action,
                    need: Need::Level(Module::Finance, Level::Advanced),
                })
            });
        }
        let bad = |problem: String| ServiceError::Invalid { field: "file", problem };
        // Rows with the wrong number of fields are refused one by one, not the whole file.
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(source);
        let headers = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
        let rows = layout::Reader::new(opts.layout, &headers).map_err(bad)?;
        let mut report = ImportReport {
            file: name.to_owned(),
            as_of: opts.as_of.to_string(),
            dry_run: opts.dry_run,
            ..ImportReport::default()
        };
        self.check_as_of(opts.as_of, &mut report)?;
        let line_fix = u64::from(crlf);
        let mut batch = Vec::with_capacity(BATCH);
        let mut record = csv::StringRecord::new();
        loop {
            let more = opts.limit.is_none_or(|l| report.rows_read < l)
                && reader.read_record(&mut record).map_err(|e| bad(e.to_string()))?;
            if more {
                report.rows_read += 1;
                let line = record.position().map_or(report.rows_read + 1, |p| p.line() + line_fix);
                match rows.read(&record, line) {
                    Ok(loan) => batch.push(loan),
                    Err(reason) => report.refused.push(Refusal { line, reason }),
                }
            }
            if batch.len() >= BATCH || (!more && !batch.is_empty()) {
                let loans = std::mem::take(&mut batch);
                let as_of = opts.as_of;
                let apply = |tx: &mut super::Tx<'_>, report: &mut ImportReport| {
                    book::apply_batch(tx, &loans, as_of, report)
                };
                if opts.dry_run {
                    self.simulate(actor, |tx| apply(tx, &mut report))?;
                } else {
                    self.write(actor, IMPORT, |tx| apply(tx, &mut report))?;
                }
                if !progress(report.rows_read) {
                    break;
                }
            }
            if !more {
                break;
            }
        }
        if report.imported == 0 {
            report.business_date_set = None;
        }
        Ok(report)
    }

    /// The first import into an empty platform sets the business date to the as-of date; an
    /// as-of date after the business date is refused.
    fn check_as_of(
        &mut self,
        as_of: NaiveDate,
        report: &mut ImportReport,
    ) -> Result<(), ServiceError> {
        let conn = self.db().conn();
        let platform = platform::get(conn)?
            .ok_or_else(|| ServiceError::NotFound("the platform was never initialised".into()))?;
        let current = platform.business_date;
        let empty: bool = conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM loans) AND NOT EXISTS (SELECT 1 FROM projects)",
            [],
            |r| r.get(0),
        )?;
        if empty {
            let today = super::platform::local_today(&platform.timezone)?;
            if as_of > today {
                return Err(ServiceError::Invalid {
                    field: "as-of",
                    problem: format!("{as_of} is after today ({today})"),
                });
            }
            if as_of != current {
                // Set with the first batch that books a loan, so that a file of no loans
                // changes nothing.
                report.business_date_set = Some(as_of.to_string());
            }
            return Ok(());
        }
        if as_of > current {
            return Err(ServiceError::Invalid {
                field: "as-of",
                problem: format!(
                    "{as_of} is after the business date {current}: advance it with batch daily first"
                ),
            });
        }
        Ok(())
    }
}
