//! Popups: a stack above the screens. The top one takes the keys.
//!
//! A confirmation and a prompt carry what to do next as a closure, so the screen that opens
//! one says in one place what happens on "yes" or on submit.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use secrecy::{ExposeSecret, SecretString};
use unicode_width::UnicodeWidthStr;

use super::action::Action;
use super::keymap::Layer;
use super::screens::{Ctx, View};
use super::widgets::centered;
use super::widgets::form::Form;

/// What a prompt does after its submit handler ran.
pub enum PromptOutcome {
    Close,
    /// Stay open with this message (a wrong password, an out-of-range value).
    Retry(String),
}

type OnYes = Box<dyn FnOnce(&mut Ctx<'_>)>;
type OnSubmit = Box<dyn FnMut(&mut Ctx<'_>, &mut Form) -> PromptOutcome>;

/// A popup.
pub enum Popup {
    Confirm {
        text: String,
        on_yes: Option<OnYes>,
    },
    Prompt {
        title: String,
        form: Form,
        error: Option<String>,
        on_submit: OnSubmit,
    },
    /// Text to read; `secret` is shown once and overwritten when the popup closes.
    Notice {
        title: String,
        lines: Vec<String>,
        secret: Option<SecretString>,
    },
    /// The keys of the screen below.
    Help {
        layer: Layer,
    },
}

impl Popup {
    pub fn confirm(text: String, on_yes: impl FnOnce(&mut Ctx<'_>) + 'static) -> Popup {
        Popup::Confirm { text, on_yes: Some(Box::new(on_yes)) }
    }

    pub fn prompt(
        title: String,
        form: Form,
        on_submit: impl FnMut(&mut Ctx<'_>, &mut Form) -> PromptOutcome + 'static,
    ) -> Popup {
        Popup::Prompt { title, form, error: None, on_submit: Box::new(on_submit) }
    }

    #[must_use]
    pub fn layer(&self) -> Layer {
        match self {
            Popup::Confirm { .. } => Layer::Confirm,
            Popup::Prompt { .. } => Layer::Prompt,
            Popup::Notice { .. } => Layer::Notice,
            Popup::Help { .. } => Layer::Help,
        }
    }

    #[must_use]
    pub fn form(&mut self) -> Option<&mut Form> {
        match self {
            Popup::Prompt { form, .. } => Some(form),
            _ => None,
        }
    }

    /// Acts on a key; returns whether the popup stays open.
    pub fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) -> bool {
        match (self, action) {
            (Popup::Confirm { on_yes, .. }, Action::Confirm) => {
                if let Some(f) = on_yes.take() {
                    f(ctx);
                }
                false
            }
            (Popup::Prompt { form, error, on_submit, .. }, Action::Submit) => {
                match on_submit(ctx, form) {
                    PromptOutcome::Close => false,
                    PromptOutcome::Retry(text) => {
                        *error = Some(text);
                        true
                    }
                }
            }
            (Popup::Prompt { form, .. }, Action::NextField) => {
                form.next();
                true
            }
            (Popup::Prompt { form, .. }, Action::PrevField) => {
                form.prev();
                true
            }
            (_, Action::Cancel | Action::Close) => false,
            _ => true,
        }
    }

    /// Draws the popup over `area`.
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        match self {
            Popup::Confirm { text, .. } => {
                let lines = vec![Line::from(text.as_str())];
                let title = view.tr.t("popup.confirm").to_owned();
                draw_text(frame, area, view, &title, lines);
            }
            Popup::Prompt { title, form, error, .. } => {
                let width = area.width.saturating_sub(4).min(64);
                let height = form.height() + 4 + u16::from(error.is_some()) * 2;
                let rect = centered(area, width, height);
                frame.render_widget(Clear, rect);
                let block =
                    view.theme.block(true).title(format!(" {title} ")).style(view.theme.popup);
                let inner = block.inner(rect);
                frame.render_widget(block, rect);
                let [body, _, err] = Layout::vertical([
                    Constraint::Length(form.height()),
                    Constraint::Length(1),
                    Constraint::Fill(1),
                ])
                .areas(inner.inner(ratatui::layout::Margin::new(1, 1)));
                form.render(frame, body, view.theme, view.tr, true);
                if let Some(e) = error {
                    frame.render_widget(
                        Paragraph::new(e.as_str())
                            .style(view.theme.danger)
                            .wrap(Wrap { trim: true }),
                        err,
                    );
                }
            }
            Popup::Notice { title, lines, secret } => {
                let mut text: Vec<Line<'_>> =
                    lines.iter().map(|l| Line::from(l.as_str())).collect();
                if let Some(s) = secret {
                    text.push(Line::from(""));
                    text.push(Line::from(Span::styled(
                        format!("  {}  ", s.expose_secret()),
                        view.theme.selected,
                    )));
                }
                draw_text(frame, area, view, title, text);
            }
            Popup::Help { layer } => draw_help(frame, area, view, *layer),
        }
    }
}

fn draw_text(
    frame: &mut Frame<'_>,
    area: Rect,
    view: &View<'_>,
    title: &str,
    lines: Vec<Line<'_>>,
) {
    let widest = lines.iter().map(Line::width).max().unwrap_or(0);
    let width = u16::try_from(widest + 6)
        .unwrap_or(u16::MAX)
        .clamp(30, area.width.saturating_sub(4).max(1));
    let height = u16::try_from(lines.len()).unwrap_or(u16::MAX).saturating_add(4);
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = view.theme.block(true).title(format!(" {title} ")).style(view.theme.popup);
    let inner = block.inner(rect).inner(ratatui::layout::Margin::new(2, 1));
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The help overlay: every entry of the screen's keymap, in columns when they do not fit in
/// one.
fn draw_help(frame: &mut Frame<'_>, area: Rect, view: &View<'_>, layer: Layer) {
    let entries = view.keymaps.entries(layer);
    let rows: Vec<(String, String)> = entries
        .iter()
        .map(|e| {
            let keys: Vec<String> = e.keys.iter().map(ToString::to_string).collect();
            (keys.join(" / "), view.tr.t(e.label).to_owned())
        })
        .collect();
    let rect = area.inner(ratatui::layout::Margin::new(2, 1));
    frame.render_widget(Clear, rect);
    let block = view
        .theme
        .block(true)
        .title(format!(" {} ", view.tr.t("help.title")))
        .style(view.theme.popup);
    let inner = block.inner(rect).inner(ratatui::layout::Margin::new(1, 0));
    frame.render_widget(block, rect);
    let per_column = usize::from(inner.height).max(1);
    let columns = rows.len().div_ceil(per_column).max(1);
    let col_width = inner.width / u16::try_from(columns).unwrap_or(1).max(1);
    let key_width = rows.iter().map(|(k, _)| k.width()).max().unwrap_or(0) + 2;
    for (c, chunk) in rows.chunks(per_column).enumerate() {
        let x = inner.x + col_width * u16::try_from(c).unwrap_or(0);
        let lines: Vec<Line<'_>> = chunk
            .iter()
            .map(|(k, label)| {
                Line::from(vec![
                    Span::styled(format!("{k:<key_width$}"), view.theme.header),
                    Span::styled(label.as_str(), view.theme.text),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), Rect::new(x, inner.y, col_width, inner.height));
    }
}
