//! The message bar: one line telling the user what just happened, in his language.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::theme::Theme;

/// How a message reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Warning,
    Error,
}

/// A message for the bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub level: Level,
    pub text: String,
}

impl Message {
    #[must_use]
    pub fn info(text: impl Into<String>) -> Message {
        Message { level: Level::Info, text: text.into() }
    }

    #[must_use]
    pub fn success(text: impl Into<String>) -> Message {
        Message { level: Level::Success, text: text.into() }
    }

    #[must_use]
    pub fn warning(text: impl Into<String>) -> Message {
        Message { level: Level::Warning, text: text.into() }
    }

    #[must_use]
    pub fn error(text: impl Into<String>) -> Message {
        Message { level: Level::Error, text: text.into() }
    }
}

/// Draws the message (or nothing) on one line.
pub fn render(frame: &mut Frame<'_>, area: Rect, message: Option<&Message>, theme: &Theme) {
    let Some(m) = message else {
        return;
    };
    let style = match m.level {
        Level::Info => theme.text,
        Level::Success => theme.success,
        Level::Warning => theme.warning,
        Level::Error => theme.danger,
    };
    let line = Line::from(vec![Span::raw(" "), Span::styled(m.text.as_str(), style)]);
    frame.render_widget(Paragraph::new(line), area);
}
