//! A one-line text field, plain or masked, on top of `tui-input`.
//!
//! The terminal's real cursor is put on the caret, measured in display columns, so an input
//! method's candidate window opens where the user is typing, also after wide (CJK) characters.
//! A masked field shows one `*` per character (an ASCII star: `•` and `●` are East-Asian
//! ambiguous and drawn two cells wide by many Chinese terminals).

use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::widgets::Paragraph;
use tui_input::backend::crossterm::to_input_request;
use tui_input::{Input, InputRequest};
use unicode_width::UnicodeWidthChar;
use zeroize::Zeroize;

/// The longest text a field takes, so a runaway paste cannot fill memory.
const MAX_CHARS: usize = 256;

/// A one-line text field.
#[derive(Debug, Default)]
pub struct TextField {
    input: Input,
    masked: bool,
}

impl TextField {
    #[must_use]
    pub fn plain() -> TextField {
        TextField::default()
    }

    /// A field whose characters are shown as `*`.
    #[must_use]
    pub fn masked() -> TextField {
        TextField { input: Input::default(), masked: true }
    }

    #[must_use]
    pub fn with_value(mut self, value: &str) -> TextField {
        self.input = Input::new(value.to_owned());
        self
    }

    /// Replaces the text, caret at its end.
    pub fn set(&mut self, value: &str) {
        self.clear();
        self.input = Input::new(value.to_owned());
    }

    #[must_use]
    pub fn value(&self) -> &str {
        self.input.value()
    }

    #[must_use]
    pub fn is_masked(&self) -> bool {
        self.masked
    }

    /// Empties the field, overwriting the text it held.
    pub fn clear(&mut self) {
        let mut old = self.input.value_and_reset();
        old.zeroize();
    }

    /// Applies an editing key; returns whether the field used it.
    pub fn edit(&mut self, key: &KeyEvent) -> bool {
        let Some(req) = to_input_request(&Event::Key(*key)) else {
            return false;
        };
        if matches!(req, InputRequest::InsertChar(_))
            && self.input.value().chars().count() >= MAX_CHARS
        {
            return true;
        }
        self.input.handle(req);
        true
    }

    /// Inserts pasted text at the caret. Line breaks (LF, CR LF, or CR as tmux sends them) and
    /// tabs become spaces, a trailing line break is dropped, so a paste never submits a form or
    /// moves to another field.
    pub fn paste(&mut self, text: &str) {
        let room = MAX_CHARS.saturating_sub(self.input.value().chars().count());
        let unified = text.replace("\r\n", "\n").replace('\r', "\n");
        let cleaned = unified
            .trim_end_matches('\n')
            .chars()
            .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
            .filter(|c| !c.is_control())
            .take(room);
        for c in cleaned {
            self.input.handle(InputRequest::InsertChar(c));
        }
    }

    /// The caret's column from the start of the text, in display cells.
    #[must_use]
    pub fn caret_column(&self) -> usize {
        self.shown_chars().iter().take(self.input.cursor()).map(|c| width(*c)).sum()
    }

    fn shown_chars(&self) -> Vec<char> {
        if self.masked {
            self.input.value().chars().map(|_| '*').collect()
        } else {
            self.input.value().chars().collect()
        }
    }

    /// Draws the field into a one-line `area`, scrolled so the caret is visible; with `focused`
    /// the terminal cursor goes on the caret.
    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, style: Style, focused: bool) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let chars = self.shown_chars();
        let room = usize::from(area.width);
        let caret = self.caret_column();
        // Scroll by whole characters until the caret fits inside the field.
        let (mut start, mut start_col) = (0, 0);
        while caret - start_col >= room && start < chars.len() {
            start_col += width(chars[start]);
            start += 1;
        }
        let mut text = String::new();
        let mut used = 0;
        for c in &chars[start..] {
            let w = width(*c);
            if used + w > room {
                break;
            }
            text.push(*c);
            used += w;
        }
        let line = Rect { height: 1, ..area };
        frame.render_widget(Paragraph::new(text).style(style), line);
        if focused {
            let x = u16::try_from(caret - start_col).unwrap_or(0);
            frame.set_cursor_position(Position::new(area.x.saturating_add(x), area.y));
        }
    }
}

impl Drop for TextField {
    fn drop(&mut self) {
        if self.masked {
            self.clear();
        }
    }
}

fn width(c: char) -> usize {
    c.width().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paste_never_carries_a_line_break() {
        let mut f = TextField::plain();
        f.paste("张三\nabc\r\n");
        assert_eq!(f.value(), "张三 abc");
        assert_eq!(f.caret_column(), 8);
        f.paste("x\ry\r");
        assert_eq!(f.value(), "张三 abcx y");
        let mut m = TextField::masked();
        m.paste("秘密x");
        assert_eq!(m.caret_column(), 3, "a masked field shows one star a character");
    }
}
