//! A column of labelled text fields with one focused: the login, password change, lock
//! screen and prompts are all forms. A form screen may put a note under each field: a hint
//! (what the value reads as) or the field's problem.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::field::TextField;
use crate::tui::i18n::Tr;
use crate::tui::theme::Theme;

/// A line under a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// What the value reads as, or what the field wants.
    Hint(String),
    /// What is wrong with the value.
    Problem(String),
}

/// Labelled fields; the label is a translation key.
#[derive(Debug, Default)]
pub struct Form {
    fields: Vec<(&'static str, TextField)>,
    focus: usize,
}

impl Form {
    #[must_use]
    pub fn new(fields: Vec<(&'static str, TextField)>) -> Form {
        Form { fields, focus: 0 }
    }

    /// Adds a field at the end unless one with this label is there.
    pub fn ensure(&mut self, label: &'static str, field: TextField) {
        if !self.fields.iter().any(|(l, _)| *l == label) {
            self.fields.push((label, field));
        }
    }

    /// Moves the focus to the field with this label.
    pub fn focus_on(&mut self, label: &str) {
        if let Some(i) = self.fields.iter().position(|(l, _)| *l == label) {
            self.focus = i;
        }
    }

    pub fn next(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }

    pub fn prev(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }

    #[must_use]
    pub fn focus(&self) -> usize {
        self.focus
    }

    /// The label of the focused field.
    #[must_use]
    pub fn focused_label(&self) -> Option<&'static str> {
        self.fields.get(self.focus).map(|(l, _)| *l)
    }

    /// Replaces the text of the field with this label.
    pub fn set_value(&mut self, label: &str, value: &str) {
        if let Some((_, f)) = self.fields.iter_mut().find(|(l, _)| *l == label) {
            f.set(value);
        }
    }

    /// The labels, in order.
    #[must_use]
    pub fn labels(&self) -> Vec<&'static str> {
        self.fields.iter().map(|(l, _)| *l).collect()
    }

    /// The value of the field with this label ("" when there is none).
    #[must_use]
    pub fn value(&self, label: &str) -> &str {
        self.fields.iter().find(|(l, _)| *l == label).map_or("", |(_, f)| f.value())
    }

    /// Whether the form has a field with this label.
    #[must_use]
    pub fn has(&self, label: &str) -> bool {
        self.fields.iter().any(|(l, _)| *l == label)
    }

    pub fn edit(&mut self, key: &KeyEvent) -> bool {
        self.fields.get_mut(self.focus).is_some_and(|(_, f)| f.edit(key))
    }

    pub fn paste(&mut self, text: &str) {
        if let Some((_, f)) = self.fields.get_mut(self.focus) {
            f.paste(text);
        }
    }

    /// Empties the masked fields (after a failed attempt) and puts the focus on the first.
    pub fn clear_secrets(&mut self) {
        let mut first = None;
        for (i, (_, f)) in self.fields.iter_mut().enumerate() {
            if f.is_masked() {
                f.clear();
                first.get_or_insert(i);
            }
        }
        if let Some(i) = first {
            self.focus = i;
        }
    }

    /// Rows the form needs: one a field, a blank row between fields.
    #[must_use]
    pub fn height(&self) -> u16 {
        u16::try_from((self.fields.len() * 2).saturating_sub(1)).unwrap_or(u16::MAX)
    }

    /// Draws the labels and fields into `area`; the focused field gets the cursor when
    /// `active` (a form under a popup does not).
    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme, tr: &Tr, active: bool) {
        self.render_noted(frame, area, theme, tr, active, &[]);
    }

    /// Like [`Form::render`], with each field's note in the row under it.
    pub fn render_noted(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        theme: &Theme,
        tr: &Tr,
        active: bool,
        notes: &[(&str, Note)],
    ) {
        let label_w = self.fields.iter().map(|(l, _)| tr.t(l).width()).max().unwrap_or(0) + 2;
        let label_w = u16::try_from(label_w).unwrap_or(u16::MAX).min(area.width / 2);
        for (i, (label, field)) in self.fields.iter().enumerate() {
            let y = area.y.saturating_add(u16::try_from(i * 2).unwrap_or(u16::MAX));
            if y >= area.y.saturating_add(area.height) {
                break;
            }
            let focused = i == self.focus;
            let label_area = Rect::new(area.x, y, label_w, 1);
            frame.render_widget(
                Paragraph::new(tr.t(label)).style(if focused { theme.title } else { theme.text }),
                label_area,
            );
            let field_area = Rect::new(area.x + label_w, y, area.width.saturating_sub(label_w), 1);
            let style = if focused { theme.input_focused } else { theme.input };
            // Fill the whole field so its extent shows even when empty.
            frame.render_widget(Paragraph::new("").style(style), field_area);
            field.render(frame, field_area, style, focused && active);
            let note_y = y.saturating_add(1);
            if let Some((_, note)) = notes.iter().find(|(l, _)| l == label)
                && note_y < area.y.saturating_add(area.height)
            {
                let (text, style) = match note {
                    Note::Hint(t) => (t.as_str(), theme.muted),
                    Note::Problem(t) => (t.as_str(), theme.danger),
                };
                let at = Rect::new(field_area.x, note_y, field_area.width, 1);
                frame.render_widget(Paragraph::new(text).style(style), at);
            }
        }
    }
}
