//! A table that builds only the rows it shows, whatever the length of the data, and the
//! selection/scroll state behind it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, HighlightSpacing, Row, Table, TableState};

use crate::tui::theme::Theme;

/// Selection and scroll position of a list or table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListState {
    pub selected: usize,
    pub offset: usize,
}

impl ListState {
    /// Moves the selection by `delta` rows within `len` rows, keeping it inside a window of
    /// `page` rows.
    pub fn step(&mut self, delta: isize, len: usize, page: usize) {
        if len == 0 {
            *self = ListState::default();
            return;
        }
        let target = self.selected.saturating_add_signed(delta).min(len - 1);
        self.selected = target;
        self.offset = window(self.offset, self.selected, page.max(1));
    }

    pub fn top(&mut self) {
        *self = ListState::default();
    }

    pub fn bottom(&mut self, len: usize, page: usize) {
        self.selected = len.saturating_sub(1);
        self.offset = window(self.offset, self.selected, page.max(1));
    }

    /// Keeps the selection inside `len` rows after the data changed.
    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
        self.offset = self.offset.min(self.selected);
    }
}

/// The first visible row for a selection in a window of `page` rows: the old one when the
/// selection is still inside it, otherwise just enough scrolling to show it.
#[must_use]
pub fn window(offset: usize, selected: usize, page: usize) -> usize {
    if page == 0 {
        return selected;
    }
    if selected < offset {
        selected
    } else if selected >= offset + page {
        selected + 1 - page
    } else {
        offset
    }
}

/// Draws a table of `len` rows inside `block`, building rows only for the visible window.
/// `state` is `None` for a table that is read, not browsed (no selected row).
#[allow(clippy::too_many_arguments)] // each one is a separate part of the picture
pub fn render<'a>(
    frame: &mut Frame<'_>,
    area: Rect,
    block: Block<'a>,
    header: Row<'a>,
    widths: &[Constraint],
    len: usize,
    state: Option<ListState>,
    theme: &Theme,
    row: impl Fn(usize) -> Row<'a>,
) {
    let inner = block.inner(area);
    let page = usize::from(inner.height.saturating_sub(1));
    // The window is worked out again here because the terminal may have shrunk since the
    // last update; drawing never changes the state.
    let (offset, selected) = match state {
        Some(s) if len > 0 => {
            let offset = window(s.offset, s.selected, page);
            (offset, Some(s.selected - offset))
        }
        _ => (0, None),
    };
    let end = len.min(offset + page);
    let rows: Vec<Row<'a>> = (offset..end).map(row).collect();
    let mut table_state = TableState::default().with_selected(selected);
    let table = Table::new(rows, widths.iter().copied())
        .header(header.style(theme.header))
        .block(block)
        .style(theme.text)
        .column_spacing(2)
        .row_highlight_style(theme.selected)
        // A marker as well as the colour, for monochrome terminals; the gutter is kept on
        // tables without a selection too, so all tables line up.
        .highlight_symbol("> ")
        .highlight_spacing(HighlightSpacing::Always);
    frame.render_stateful_widget(table, area, &mut table_state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_follows_the_selection() {
        let mut s = ListState::default();
        s.step(12, 100, 10);
        assert_eq!((s.selected, s.offset), (12, 3));
        s.step(-1, 100, 10);
        assert_eq!((s.selected, s.offset), (11, 3), "moving inside the window keeps it");
        s.bottom(100, 10);
        assert_eq!((s.selected, s.offset), (99, 90));
        s.step(5, 100, 10);
        assert_eq!(s.selected, 99);
        assert_eq!(window(0, 5, 0), 5);
    }

    #[test]
    fn only_the_visible_rows_are_built() {
        use std::cell::Cell;

        use ratatui::Terminal;
        use ratatui::backend::TestBackend;

        let theme = Theme::named(None).unwrap();
        let built = Cell::new(0);
        let mut term = Terminal::new(TestBackend::new(40, 12)).unwrap();
        let state = ListState { selected: 99_990, offset: 99_985 };
        term.draw(|f| {
            render(
                f,
                f.area(),
                theme.block(false),
                Row::new(["n"]),
                &[Constraint::Fill(1)],
                100_000,
                Some(state),
                &theme,
                |i| {
                    built.set(built.get() + 1);
                    Row::new([i.to_string()])
                },
            );
        })
        .unwrap();
        assert_eq!(built.get(), 9, "12 rows less borders and header");
    }
}
