//! One page of a list by key: the SQL shape every list of the console shares.

use rusqlite::types::Value;
use rusqlite::{Connection, Row, params_from_iter};

use super::{Page, Seek};
use crate::service::ServiceError;

/// The most rows one page may ask for, whatever the terminal's height.
const MAX_PAGE: usize = 500;

/// A list query: its columns and tables, its key and its filter.
pub(super) struct List<'a> {
    /// `SELECT … FROM …` with no WHERE.
    pub select: &'a str,
    /// The unique integer key the list is ordered by (`b.id`, `seq`).
    pub key: &'a str,
    /// Conditions joined by AND, with `?` placeholders bound from `params` in order.
    pub filters: Vec<&'a str>,
    pub params: Vec<Value>,
    /// Newest first: the list runs from the highest key down.
    pub descending: bool,
}

/// Reads the page `seek` names, of at most `n` rows, in the list's order.
pub(super) fn page<T>(
    conn: &Connection,
    list: &List<'_>,
    seek: Seek,
    n: usize,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Page<T>, ServiceError> {
    let n = n.clamp(1, MAX_PAGE);
    let (from, forward) = match seek {
        Seek::First => (None, true),
        Seek::Last => (None, false),
        Seek::After(k) => (Some(k), true),
        Seek::Before(k) => (Some(k), false),
    };
    // Going forward in a newest-first list walks the key down, and so on.
    let ascending = forward != list.descending;
    let mut filters: Vec<String> = list.filters.iter().map(|f| format!("({f})")).collect();
    let mut params = list.params.clone();
    if let Some(k) = from {
        filters.push(format!("{} {} ?", list.key, if ascending { ">" } else { "<" }));
        params.push(Value::Integer(k));
    }
    let clause = if filters.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", filters.join(" AND "))
    };
    let sql = format!(
        "{}{clause} ORDER BY {} {} LIMIT ?",
        list.select,
        list.key,
        if ascending { "ASC" } else { "DESC" }
    );
    // One row more than asked says whether the list goes on.
    params.push(Value::Integer(i64::try_from(n + 1).unwrap_or(i64::MAX)));
    let mut rows: Vec<T> = {
        let mut stmt = conn.prepare_cached(&sql)?;
        stmt.query_map(params_from_iter(params), map)?.collect::<Result<_, _>>()?
    };
    let more = rows.len() > n;
    rows.truncate(n);
    if !forward {
        rows.reverse();
    }
    let (more_before, more_after) = match seek {
        Seek::First => (false, more),
        Seek::After(_) => (true, more),
        Seek::Before(_) => (more, true),
        Seek::Last => (more, false),
    };
    Ok(Page { rows, more_before, more_after })
}
