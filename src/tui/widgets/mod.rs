//! Widgets shared by the screens.

pub mod field;
pub mod footer;
pub mod form;
pub mod message;
pub mod paged;
pub mod table;

use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Cell;
use unicode_width::UnicodeWidthStr;

use super::i18n::Tr;
use super::theme::Theme;
use crate::domain::Money;
use crate::domain::money::grouped;

/// A rectangle of at most `width` × `height` in the middle of `area`.
#[must_use]
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}

/// `text` followed by spaces up to `width` display cells (CJK characters count two).
#[must_use]
pub fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

/// `label  value` lines with the values lined up, labels given as translation keys.
#[must_use]
pub fn labelled(tr: &Tr, theme: &Theme, rows: Vec<(&str, String)>) -> Vec<Line<'static>> {
    let width = rows.iter().map(|(l, _)| tr.t(l).width()).max().unwrap_or(0);
    rows.into_iter()
        .map(|(label, value)| {
            Line::from(vec![
                Span::styled(format!(" {}  ", pad(tr.t(label), width)), theme.muted),
                Span::styled(value, theme.text),
            ])
        })
        .collect()
}

/// An amount with thousands separators, right-aligned in its table cell.
#[must_use]
pub fn money_cell(m: Money) -> Cell<'static> {
    Cell::from(Line::from(grouped(m)).alignment(Alignment::Right))
}

/// Any text right-aligned in its table cell.
#[must_use]
pub fn right_cell(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).alignment(Alignment::Right))
}
