//! The footer hint bar, drawn from the keymap entries of the screen in front: the same table
//! that dispatches the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::tui::i18n::Tr;
use crate::tui::keymap::Entry;
use crate::tui::theme::Theme;

/// Draws as many `key label` hints as fit. `pending` is the first key of a chord in progress.
pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    entries: &[Entry],
    pending: Option<&str>,
    tr: &Tr,
    theme: &Theme,
) {
    let mut spans = Vec::new();
    let mut used = 0;
    let room = usize::from(area.width);
    if let Some(p) = pending {
        // "…" is East-Asian ambiguous (two cells in some terminals): plain ASCII here.
        let text = format!(" {p}- ");
        used += text.width();
        spans.push(Span::styled(text, theme.footer_key));
        spans.push(Span::raw(" "));
        used += 1;
    }
    for e in entries.iter().filter(|e| e.footer) {
        let Some(first) = e.keys.first() else { continue };
        let key = format!(" {first} ");
        let label = format!(" {}  ", tr.t(e.label));
        let w = key.width() + label.width();
        if used + w > room {
            break;
        }
        used += w;
        spans.push(Span::styled(key, theme.footer_key));
        spans.push(Span::styled(label, theme.footer_text));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
