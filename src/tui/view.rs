//! Drawing the console from its state. Nothing here changes state or reads the database.
//!
//! The frame: a title row, the department tabs, the body (the screen in front, popups over
//! it), the message bar and the footer hint bar. The geometry functions are shared with the
//! update, which uses them for page sizes and mouse hits.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::app::App;
use super::nav;
use super::screens::View;
use super::session::{Session, Stage};
use super::widgets::{footer, message};
use super::wording;

/// The smallest terminal the console draws in; below it a notice asks for a larger one.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Rows: title, tabs, body, message, footer.
fn rows(size: Rect) -> [Rect; 5] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(size)
}

/// The area of the screen in front.
#[must_use]
pub fn body_area(size: Rect) -> Rect {
    rows(size)[2]
}

/// The row of department tabs.
#[must_use]
pub fn tab_bar(size: Rect) -> Rect {
    let bar = rows(size)[1];
    Rect { x: bar.x + 1, width: bar.width.saturating_sub(2), ..bar }
}

impl App {
    /// Draws the whole console. Call [`App::tick`] first, so an idle session is locked before
    /// anything of it is drawn.
    pub fn draw(&self, frame: &mut Frame<'_>) {
        let area = frame.area();
        if area.width == 0 || area.height == 0 {
            return;
        }
        let view = View { theme: &self.theme, tr: self.tr, keymaps: &self.keymaps };
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            too_small(frame, area, &view);
            return;
        }
        frame.render_widget(Block::default().style(self.theme.text), area);
        let [title, _, body, msg, foot] = rows(area);
        match &self.stage {
            Stage::Login(login) => {
                title_row(frame, title, &view, None);
                login.draw(frame, body, &view);
            }
            Stage::Session(s) => {
                if let Some(lock) = &s.lock {
                    // Above everything, and alone: nothing of the session is drawn.
                    lock.draw(frame, area, &view);
                    return;
                }
                title_row(frame, title, &view, Some(s));
                if let Some(p) = &s.password {
                    p.draw(frame, body, &view);
                } else {
                    tab_row(frame, area, &view, s);
                    if let Some(screen) = s.screens.last() {
                        screen.draw(frame, body, &view);
                    }
                    for p in &s.popups {
                        p.draw(frame, body, &view);
                    }
                }
            }
        }
        message::render(frame, msg, self.message.as_ref(), &self.theme);
        let entries = self.keymaps.entries(self.front_layer());
        let pending = (!self.pending.is_empty())
            .then(|| self.pending.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "));
        footer::render(frame, foot, &entries, pending.as_deref(), self.tr, &self.theme);
    }
}

fn title_row(frame: &mut Frame<'_>, area: Rect, view: &View<'_>, s: Option<&Session>) {
    let (tr, theme) = (view.tr, view.theme);
    let left = format!(" p2pdesk | {}", tr.t("app.name"));
    frame.render_widget(Paragraph::new(Span::styled(left, theme.title)), area);
    let Some(s) = s else { return };
    let actor = &s.login.actor;
    let mut right = format!("{} | {}", actor.username, wording::department(tr, &actor.department));
    if let Some(d) = s.business_date {
        right = format!("{right} | {} {d}", tr.t("app.business_date"));
    }
    frame.render_widget(
        Paragraph::new(Span::styled(format!("{right} "), theme.muted)).alignment(Alignment::Right),
        area,
    );
}

/// The tabs, placed by the same function the mouse hit-test uses.
fn tab_row(frame: &mut Frame<'_>, size: Rect, view: &View<'_>, s: &Session) {
    let active = s.screens.last().map(|x| x.tab());
    let tabs = nav::tabs(&s.login.actor);
    for (rect, tab, caption) in nav::tab_layout(tab_bar(size), &tabs, view.tr) {
        let style = if Some(tab) == active { view.theme.tab_active } else { view.theme.tab };
        frame.render_widget(Paragraph::new(Span::styled(caption, style)), rect);
    }
}

/// A notice in place of the console when the terminal is too small for it.
fn too_small(frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
    let text = view.tr.f(
        "too_small",
        &[
            ("width", &area.width.to_string()),
            ("height", &area.height.to_string()),
            ("min_width", &MIN_WIDTH.to_string()),
            ("min_height", &MIN_HEIGHT.to_string()),
        ],
    );
    let lines = u16::try_from(text.width() / usize::from(area.width).max(1) + 1).unwrap_or(1);
    let top = area.height.saturating_sub(lines) / 2;
    let rect = Rect { y: area.y + top, height: area.height - top, ..area };
    frame.render_widget(
        Paragraph::new(Line::from(text))
            .style(view.theme.warning)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        rect,
    );
}
