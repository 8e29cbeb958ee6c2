//! Home: who I am, what I may do, and what waits for me.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row};

use super::{Ctx, Screen, View};
use crate::domain::access::{Level, Module};
use crate::service::ServiceError;
use crate::service::identity::Profile;
use crate::service::queries::Work;
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::Tab;
use crate::tui::popup::{Popup, PromptOutcome};
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::message::Message;
use crate::tui::widgets::{labelled, table};
use crate::tui::wording::{self, level_label, module_label, role_label};

/// Something waiting for the user's action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkItem {
    pub title: String,
    pub detail: String,
}

/// The work queue of the signed-in user: what waits for his levels, each with where to find
/// it.
fn work_queue(ctx: &mut Ctx<'_>) -> Vec<WorkItem> {
    let work = match ctx.svc.work_queue(&ctx.login.actor) {
        Ok(w) => w,
        Err(e) => {
            ctx.error(&e);
            return Vec::new();
        }
    };
    let tr = ctx.tr;
    work.into_iter()
        .map(|w| {
            let (key, n, place) = match w {
                Work::Review(n) => ("work.review", n, "menu.risk.review"),
                Work::Execute(n) => ("work.execute", n, "menu.finance.disbursements"),
                Work::Publish(n) => ("work.publish", n, "menu.business.projects"),
                Work::Propose(n) => ("work.propose", n, "menu.business.disbursement"),
                Work::Overdue(n) => ("work.overdue", n, "menu.finance.loans"),
                Work::Decide(n) => ("work.decide", n, "menu.hr.requests"),
                Work::Pending(n) => ("work.pending", n, "menu.hr.requests"),
                Work::Create(n) => ("work.create", n, "menu.hr.requests"),
            };
            WorkItem {
                title: tr.f(key, &[("n", &n.to_string())]),
                detail: tr.f("work.where", &[("place", tr.t(place))]),
            }
        })
        .collect()
}

/// The home screen.
#[derive(Default)]
pub struct HomeScreen {
    profile: Option<Profile>,
    queue: Vec<WorkItem>,
}

impl HomeScreen {
    #[must_use]
    pub fn new() -> HomeScreen {
        HomeScreen::default()
    }
}

fn flag_prompt(tr: &Tr) -> Popup {
    let form = Form::new(vec![("flag.message", TextField::plain())]);
    Popup::prompt(tr.t("flag.title").to_owned(), form, |ctx, form| {
        match ctx.svc.flag_profile(&ctx.login.actor, form.value("flag.message")) {
            Ok(_) => {
                ctx.message(Message::success(ctx.tr.t("flag.sent")));
                PromptOutcome::Close
            }
            Err(ServiceError::Invalid { .. }) => {
                PromptOutcome::Retry(ctx.tr.t("flag.empty").into())
            }
            Err(e) => {
                ctx.error(&e);
                PromptOutcome::Close
            }
        }
    })
}

impl Screen for HomeScreen {
    fn layer(&self) -> Layer {
        Layer::Home
    }

    fn tab(&self) -> Tab {
        Tab::Home
    }

    fn title(&self, tr: &Tr) -> String {
        tr.t("nav.home").to_owned()
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        match ctx.svc.profile(ctx.login.actor.id) {
            Ok(p) => self.profile = Some(p),
            Err(e) => ctx.error(&e),
        }
        self.queue = work_queue(ctx);
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        match action {
            Action::Flag => ctx.popup(flag_prompt(ctx.tr)),
            Action::Refresh => self.load(ctx),
            _ => {}
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(58), Constraint::Fill(1)]).areas(area);
        let [profile_area, levels_area] =
            Layout::vertical([Constraint::Length(8), Constraint::Fill(1)]).areas(left);
        self.draw_profile(frame, profile_area, view);
        self.draw_levels(frame, levels_area, view);
        self.draw_queue(frame, right, view);
    }
}

impl HomeScreen {
    fn draw_profile(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let block = theme.block(false).title(format!(" {} ", tr.t("home.profile")));
        let Some(p) = &self.profile else {
            frame.render_widget(Paragraph::new(tr.t("home.no_profile")).block(block), area);
            return;
        };
        let mut dept = wording::department(tr, &p.department).to_owned();
        if p.head_of_department {
            dept = format!("{dept} ({})", tr.t("home.head"));
        }
        let roles: Vec<&str> = p.roles.iter().map(|r| tr.t(role_label(*r))).collect();
        let second = if p.second_factor { "home.enrolled" } else { "home.not_enrolled" };
        let lines = labelled(
            tr,
            theme,
            vec![
                ("home.user", format!("{} ({})", p.name, p.user)),
                ("home.department", dept),
                ("home.roles", if roles.is_empty() { "-".into() } else { roles.join(", ") }),
                ("home.last_login", p.last_login.as_deref().map_or("-".into(), short_time)),
                ("home.password_expires", p.password_expires.clone().unwrap_or_else(|| "-".into())),
                ("home.second_factor", tr.t(second).to_owned()),
            ],
        );
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }

    fn draw_levels(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let block = theme.block(false).title(format!(" {} ", tr.t("home.permissions")));
        let header = Row::new(vec![tr.t("home.module"), tr.t("home.level")]);
        let levels = self.profile.as_ref().map(|p| p.levels.clone()).unwrap_or_default();
        let widths = [Constraint::Length(18), Constraint::Fill(1)];
        let rows = |i: usize| {
            let m = Module::ALL[i];
            let level = levels.get(&m).copied().unwrap_or(Level::None);
            let style = if level == Level::None { theme.muted } else { theme.text };
            Row::new(vec![tr.t(module_label(m)).to_owned(), tr.t(level_label(level)).to_owned()])
                .style(style)
        };
        let len = if self.profile.is_some() { Module::ALL.len() } else { 0 };
        table::render(frame, area, block, header, &widths, len, None, theme, rows);
    }

    fn draw_queue(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let block = theme.block(false).title(format!(" {} ", tr.t("home.queue")));
        let lines: Vec<Line<'_>> = if self.queue.is_empty() {
            vec![Line::styled(format!(" {}", tr.t("home.queue_empty")), theme.muted)]
        } else {
            self.queue
                .iter()
                .map(|w| {
                    Line::from(vec![
                        Span::styled(format!(" {} ", w.title), theme.text),
                        Span::styled(w.detail.as_str(), theme.muted),
                    ])
                })
                .collect()
        };
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}

/// `2026-12-03T08:15:00.000Z` as `2026-12-03 08:15 UTC`.
fn short_time(text: &str) -> String {
    match (text.get(..10), text.get(11..16)) {
        (Some(d), Some(t)) => format!("{d} {t} UTC"),
        _ => text.to_owned(),
    }
}
