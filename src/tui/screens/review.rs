//! One project in full: its terms and where it stands, the borrower with his loans and
//! projects, and the schedule it would have if disbursed today. Risk reviews it here: approve
//! with a grade and an opinion, or reject with an opinion.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::project_form::draw_schedule;
use super::{Ctx, Screen, View, input};
use crate::domain::money::grouped;
use crate::domain::schedule::Installment;
use crate::service::ServiceError;
use crate::service::queries::{BorrowerHistory, ProjectRow};
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::Tab;
use crate::tui::popup::{Popup, PromptOutcome};
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::labelled;
use crate::tui::widgets::message::Message;
use crate::tui::wording;

/// How many of the borrower's loans and projects the review shows.
const HISTORY: usize = 6;

/// The project screen.
pub struct ProjectScreen {
    id: i64,
    tab: Tab,
    project: Option<ProjectRow>,
    history: Option<BorrowerHistory>,
    schedule: Vec<Installment>,
    today: Option<NaiveDate>,
    offset: usize,
}

impl ProjectScreen {
    #[must_use]
    pub fn new(id: i64, tab: Tab) -> ProjectScreen {
        ProjectScreen {
            id,
            tab,
            project: None,
            history: None,
            schedule: Vec::new(),
            today: None,
            offset: 0,
        }
    }

    fn read(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ServiceError> {
        let actor = ctx.login.actor.clone();
        let p = ctx
            .svc
            .project_row(&actor, self.id)?
            .ok_or_else(|| ServiceError::NotFound(format!("no project {}", self.id)))?;
        self.history = Some(ctx.svc.borrower_history(&actor, p.borrower_id, HISTORY)?);
        let today = ctx.svc.business_date()?;
        self.schedule = ctx.svc.project_draft(self.id)?.schedule(today).unwrap_or_default();
        self.today = Some(today);
        self.project = Some(p);
        Ok(())
    }

    /// The project if it waits for review and the user did not submit it.
    fn reviewable(&self, ctx: &mut Ctx<'_>) -> Option<i64> {
        let p = self.project.as_ref()?;
        let tr = ctx.tr;
        if p.status != "submitted" {
            let text = tr.f(
                "projects.wrong_status",
                &[
                    ("id", &p.id.to_string()),
                    ("status", wording::project_status(tr, &p.status)),
                    ("need", wording::project_status(tr, "submitted")),
                ],
            );
            ctx.message(Message::warning(text));
            return None;
        }
        // The service refuses it too; said here first, in the user's words.
        if p.submitted_by == Some(ctx.login.actor.id) {
            ctx.message(Message::warning(tr.t("review.own")));
            return None;
        }
        Some(p.id)
    }
}

fn approve_prompt(tr: &Tr, id: i64) -> Popup {
    let form = Form::new(vec![
        ("review.grade", TextField::plain()),
        ("review.opinion", TextField::plain()),
    ]);
    let title = tr.f("review.approve_title", &[("id", &id.to_string())]);
    Popup::prompt(title, form, move |ctx, form| {
        let grade = match input::grade(ctx.tr, form.value("review.grade")) {
            Ok(g) => g,
            Err(e) => return PromptOutcome::Retry(e),
        };
        let opinion = form.value("review.opinion").trim().to_owned();
        decide(ctx, id, Some(&grade), &opinion)
    })
}

fn reject_prompt(tr: &Tr, id: i64) -> Popup {
    let form = Form::new(vec![("review.opinion", TextField::plain())]);
    let title = tr.f("review.reject_title", &[("id", &id.to_string())]);
    Popup::prompt(title, form, move |ctx, form| {
        let opinion = form.value("review.opinion").trim().to_owned();
        if opinion.is_empty() {
            return PromptOutcome::Retry(ctx.tr.t("review.opinion_needed").to_owned());
        }
        decide(ctx, id, None, &opinion)
    })
}

/// Records the decision; the screen closes and the queue is read again.
fn decide(ctx: &mut Ctx<'_>, id: i64, grade: Option<&str>, opinion: &str) -> PromptOutcome {
    let actor = ctx.login.actor.clone();
    match ctx.svc.review_project(&actor, id, grade.is_some(), grade, opinion) {
        Ok(()) => {
            let id = id.to_string();
            let text = match grade {
                Some(g) => ctx.tr.f("review.approved", &[("id", &id), ("grade", g)]),
                None => ctx.tr.f("review.rejected", &[("id", &id)]),
            };
            ctx.message(Message::success(text));
            ctx.pop();
            ctx.reload();
            PromptOutcome::Close
        }
        Err(e @ ServiceError::Invalid { .. }) => PromptOutcome::Retry(wording::service(ctx.tr, &e)),
        Err(e) => {
            ctx.error(&e);
            PromptOutcome::Close
        }
    }
}

impl Screen for ProjectScreen {
    fn layer(&self) -> Layer {
        Layer::Review
    }

    fn tab(&self) -> Tab {
        self.tab
    }

    fn title(&self, tr: &Tr) -> String {
        tr.f("review.title", &[("id", &self.id.to_string())])
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        if let Err(e) = self.read(ctx) {
            ctx.error(&e);
        }
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        let last = self.schedule.len().saturating_sub(1);
        match action {
            Action::Down => self.offset = (self.offset + 1).min(last),
            Action::Up => self.offset = self.offset.saturating_sub(1),
            Action::PageDown => self.offset = (self.offset + 10).min(last),
            Action::PageUp => self.offset = self.offset.saturating_sub(10),
            Action::Top => self.offset = 0,
            Action::Bottom => self.offset = last,
            Action::Refresh => self.load(ctx),
            Action::Approve => {
                if let Some(id) = self.reviewable(ctx) {
                    ctx.popup(approve_prompt(ctx.tr, id));
                }
            }
            Action::Reject => {
                if let Some(id) = self.reviewable(ctx) {
                    ctx.popup(reject_prompt(ctx.tr, id));
                }
            }
            _ => {}
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let [top, bottom] =
            Layout::vertical([Constraint::Length(12), Constraint::Fill(1)]).areas(area);
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(top);
        let block = theme.block(true).title(format!(" {} ", self.title(tr)));
        let Some(p) = &self.project else {
            frame.render_widget(Paragraph::new("").block(block), area);
            return;
        };
        let facts = labelled(
            tr,
            theme,
            vec![
                ("projects.title", p.title.clone()),
                ("project.purpose", p.purpose.clone()),
                ("projects.amount", grouped(p.amount)),
                (
                    "projects.rate",
                    format!("{}%  {} {}", p.rate, p.term_months, tr.t("review.months")),
                ),
                ("projects.method", wording::method(tr, &p.method).to_owned()),
                ("projects.status", wording::project_status(tr, &p.status).to_owned()),
                ("projects.grade", p.risk_grade.clone().unwrap_or_else(|| "-".into())),
                (
                    "review.opinion",
                    if p.review_opinion.is_empty() { "-".into() } else { p.review_opinion.clone() },
                ),
                ("projects.submitter", p.submitter.clone().unwrap_or_else(|| "-".into())),
            ],
        );
        frame.render_widget(Paragraph::new(facts).block(block), left);
        self.draw_history(frame, right, view);
        let title = match self.today {
            Some(d) => tr.f("project.preview_on", &[("date", &d.to_string())]),
            None => tr.t("project.preview").to_owned(),
        };
        draw_schedule(frame, bottom, view, &title, &self.schedule, self.offset);
    }
}

impl ProjectScreen {
    fn draw_history(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let block = theme.block(false).title(format!(" {} ", tr.t("review.borrower")));
        let Some(h) = &self.history else {
            frame.render_widget(Paragraph::new("").block(block), area);
            return;
        };
        let b = &h.borrower;
        let mut lines = vec![
            Line::styled(
                format!(
                    " {} ({})  {}  {}",
                    b.name,
                    wording::kind(tr, &b.kind),
                    b.id_number,
                    b.phone
                ),
                theme.title,
            ),
            Line::styled(format!(" {}", tr.t("review.loans")), theme.muted),
        ];
        if h.loans.is_empty() {
            lines.push(Line::from(format!("   {}", tr.t("review.none"))));
        }
        for l in &h.loans {
            lines.push(Line::from(format!(
                "   #{}  {}  {}  {} {}",
                l.id,
                grouped(l.amount),
                wording::loan_state(tr, &l.state),
                tr.t("loans.outstanding"),
                grouped(l.outstanding)
            )));
        }
        lines.push(Line::styled(format!(" {}", tr.t("review.projects")), theme.muted));
        for p in &h.projects {
            lines.push(Line::from(format!(
                "   #{}  {}  {}  {}",
                p.id,
                p.title,
                grouped(p.amount),
                wording::project_status(tr, &p.status)
            )));
        }
        frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
    }
}
