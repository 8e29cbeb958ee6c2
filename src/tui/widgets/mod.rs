//! Widgets shared by the screens.

pub mod field;
pub mod footer;
pub mod form;
pub mod message;
pub mod table;

use ratatui::layout::Rect;

/// A rectangle of at most `width` × `height` in the middle of `area`.
#[must_use]
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}
