//! The audit trail newest first, filtered by actor and action, and the daily job's past runs.

use rusqlite::Row;
use rusqlite::types::Value;

use super::keyset::{self, List};
use super::{Page, Seek, may_read_audit};
use crate::domain::access::{Level, Module};
use crate::service::lending::DayReport;
use crate::service::{Actor, Need, Service, ServiceError};

/// One audit record as the viewer shows it (without its hashes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    /// UTC, RFC 3339.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// `ok`, `refused`, `failed`.
    pub outcome: String,
    /// JSON of the changed fields (masked).
    pub detail: String,
}

/// What the audit viewer is narrowed to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// A user name, exactly.
    pub actor: Option<String>,
    /// The start of an action name: `project.` shows every project action.
    pub action: Option<String>,
}

const AUDIT: &str =
    "SELECT seq, at, actor, action, entity, entity_id, outcome, detail FROM audit_log";

pub(super) fn audit_row(r: &Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        entity: r.get(4)?,
        entity_id: r.get(5)?,
        outcome: r.get(6)?,
        detail: r.get(7)?,
    })
}

/// `text` for a LIKE pattern that matches it literally.
fn like_escaped(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

impl Service {
    /// A page of the audit trail, newest first.
    pub fn audit_log(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        seek: Seek,
        n: usize,
    ) -> Result<Page<AuditRow>, ServiceError> {
        may_read_audit(actor)?;
        let mut list =
            List { select: AUDIT, key: "seq", filters: vec![], params: vec![], descending: true };
        if let Some(user) = filter.actor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            // By id, so the walk uses the (actor_id, seq) index; the name is as recorded then.
            let id: Option<i64> =
                crate::store::staff::by_username(self.db().conn(), user)?.map(|s| s.id);
            list.filters.push("actor_id = ?");
            list.params.push(Value::Integer(id.unwrap_or(-1)));
        }
        if let Some(action) = filter.action.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            list.filters.push("action LIKE ? ESCAPE '\\'");
            list.params.push(Value::Text(format!("{}%", like_escaped(action))));
        }
        keyset::page(self.db().conn(), &list, seek, n, audit_row)
    }

    /// The daily job's last `n` days, newest first (technology staff).
    pub fn daily_runs(&self, actor: &Actor, n: usize) -> Result<Vec<DayReport>, ServiceError> {
        if actor.level(Module::Ops) < Level::Ordinary && !actor.is_system {
            return Err(ServiceError::Forbidden {
                action: "batch.read",
                need: Need::Level(Module::Ops, Level::Ordinary),
            });
        }
        let mut stmt = self.db().conn().prepare_cached(
            "SELECT business_date, summary FROM daily_runs ORDER BY business_date DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::try_from(n).unwrap_or(i64::MAX)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (date, summary) = row?;
            let v: serde_json::Value = serde_json::from_str(&summary).unwrap_or_default();
            let count = |k: &str| {
                v.get(k)
                    .and_then(serde_json::Value::as_u64)
                    .map_or(0, |n| usize::try_from(n).unwrap_or(0))
            };
            out.push(DayReport {
                failed_raises: count("failed_raises"),
                advances_applied: count("advances_applied"),
                overdue_loans: count("overdue_loans"),
                penalty_charged: v
                    .get("penalty_charged")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("0.00")
                    .to_owned(),
                accounts_disabled: count("accounts_disabled"),
                date,
            });
        }
        Ok(out)
    }
}
