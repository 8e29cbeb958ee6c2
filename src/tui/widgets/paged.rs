//! A list read one page at a time by key: the screen holds the rows it shows and no more.
//! Moving past the last row reads the next page after its key, moving above the first reads
//! the page before; Home and End read the first and the last page.

use super::table::ListState;
use crate::service::ServiceError;
use crate::service::queries::{Page, Seek};
use crate::tui::action::Action;

/// Reads one page: where it starts and how many rows.
pub type Fetch<'a, T> = dyn FnMut(Seek, usize) -> Result<Page<T>, ServiceError> + 'a;

/// The page on screen and where it came from.
#[derive(Debug)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub list: ListState,
    /// How the page on screen was read, to read it again.
    anchor: Seek,
    more_before: bool,
    more_after: bool,
}

impl<T> Default for Paged<T> {
    fn default() -> Self {
        Paged {
            rows: Vec::new(),
            list: ListState::default(),
            anchor: Seek::First,
            more_before: false,
            more_after: false,
        }
    }
}

/// Where the selection goes on the page read.
#[derive(Clone, Copy)]
enum Land {
    First,
    Last,
    Same,
}

impl<T> Paged<T> {
    #[must_use]
    pub fn selected(&self) -> Option<&T> {
        self.rows.get(self.list.selected)
    }

    /// Whether rows exist past either end of the page.
    #[must_use]
    pub fn more(&self) -> (bool, bool) {
        (self.more_before, self.more_after)
    }

    /// Reads the first page.
    pub fn first(&mut self, size: usize, fetch: &mut Fetch<'_, T>) -> Result<(), ServiceError> {
        self.read(Seek::First, size, Land::First, fetch)
    }

    /// Reads the last page and selects its last row (after adding a row, to show it).
    pub fn last(&mut self, size: usize, fetch: &mut Fetch<'_, T>) -> Result<(), ServiceError> {
        self.read(Seek::Last, size, Land::Last, fetch)
    }

    /// Reads the page on screen again, keeping the selection where it can.
    pub fn reload(&mut self, size: usize, fetch: &mut Fetch<'_, T>) -> Result<(), ServiceError> {
        self.read(self.anchor, size, Land::Same, fetch)?;
        if self.rows.is_empty() && self.anchor != Seek::First {
            self.read(Seek::First, size, Land::First, fetch)?;
        }
        Ok(())
    }

    fn read(
        &mut self,
        seek: Seek,
        size: usize,
        land: Land,
        fetch: &mut Fetch<'_, T>,
    ) -> Result<(), ServiceError> {
        let page = fetch(seek, size)?;
        let moving = matches!(seek, Seek::After(_) | Seek::Before(_));
        if page.rows.is_empty() && moving {
            // Nothing there any more (rows went away meanwhile): stay on this page.
            return Ok(());
        }
        self.rows = page.rows;
        self.more_before = page.more_before;
        self.more_after = page.more_after;
        self.anchor = seek;
        let len = self.rows.len();
        self.list.selected = match land {
            Land::First => 0,
            Land::Last => len.saturating_sub(1),
            Land::Same => self.list.selected.min(len.saturating_sub(1)),
        };
        self.list.offset = 0;
        Ok(())
    }

    /// Acts on a movement key; returns false for any other action.
    pub fn update(
        &mut self,
        action: Action,
        size: usize,
        key: fn(&T) -> i64,
        fetch: &mut Fetch<'_, T>,
    ) -> Result<bool, ServiceError> {
        let len = self.rows.len();
        let first = self.rows.first().map(key);
        let last = self.rows.last().map(key);
        match action {
            Action::Down if self.list.selected + 1 < len => self.list.step(1, len, len),
            Action::Down => {
                if let (true, Some(k)) = (self.more_after, last) {
                    self.read(Seek::After(k), size, Land::First, fetch)?;
                }
            }
            Action::Up if self.list.selected > 0 => self.list.step(-1, len, len),
            Action::Up => {
                if let (true, Some(k)) = (self.more_before, first) {
                    self.read(Seek::Before(k), size, Land::Last, fetch)?;
                }
            }
            Action::PageDown => match (self.more_after, last) {
                (true, Some(k)) => self.read(Seek::After(k), size, Land::Same, fetch)?,
                _ => self.list.bottom(len, len),
            },
            Action::PageUp => match (self.more_before, first) {
                (true, Some(k)) => self.read(Seek::Before(k), size, Land::Same, fetch)?,
                _ => self.list.top(),
            },
            Action::Top => self.read(Seek::First, size, Land::First, fetch)?,
            Action::Bottom => self.read(Seek::Last, size, Land::Last, fetch)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The mouse wheel: one row at a time, across pages.
    pub fn scroll(
        &mut self,
        lines: isize,
        size: usize,
        key: fn(&T) -> i64,
        fetch: &mut Fetch<'_, T>,
    ) -> Result<(), ServiceError> {
        let action = if lines < 0 { Action::Up } else { Action::Down };
        for _ in 0..lines.unsigned_abs() {
            self.update(action, size, key, fetch)?;
        }
        Ok(())
    }
}
