//! Loan projects as lists: Business → Projects (all, or those raising for bids, or those full
//! for a disbursement proposal), Risk → the review queue, Finance → the proposals to execute.
//! One list, three key tables: each department sees the actions it takes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row};

use super::bid::BidSpec;
use super::entry::EntryScreen;
use super::listing::{self, Source};
use super::project_form::ProjectSpec;
use super::proposal::ProposalSpec;
use super::review::ProjectScreen;
use super::{Ctx, Screen, View};
use crate::service::queries::ProjectRow;
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::{Dept, Tab};
use crate::tui::popup::{Popup, PromptOutcome};
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::message::Message;
use crate::tui::widgets::paged::Paged;
use crate::tui::widgets::{money_cell, table};
use crate::tui::wording::{self, PROJECT_STATUSES};

/// Who the list is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Business: enter, submit, publish, bid, propose.
    Business,
    /// Risk: the submitted projects to review.
    Review,
    /// Finance: the proposals to execute.
    Proposals,
}

/// A list of projects.
pub struct ProjectsScreen {
    mode: Mode,
    /// The menu entry it was opened from (its title).
    label: &'static str,
    status: Option<String>,
    paged: Paged<ProjectRow>,
}

impl ProjectsScreen {
    /// Business's list, of one status or all.
    #[must_use]
    pub fn business(label: &'static str, status: Option<&str>) -> ProjectsScreen {
        ProjectsScreen::with(Mode::Business, label, status)
    }

    /// Risk's review queue.
    #[must_use]
    pub fn review() -> ProjectsScreen {
        ProjectsScreen::with(Mode::Review, "menu.risk.review", Some("submitted"))
    }

    /// Finance's proposals to execute.
    #[must_use]
    pub fn proposals() -> ProjectsScreen {
        ProjectsScreen::with(Mode::Proposals, "menu.finance.disbursements", Some("proposed"))
    }

    fn with(mode: Mode, label: &'static str, status: Option<&str>) -> ProjectsScreen {
        ProjectsScreen { mode, label, status: status.map(str::to_owned), paged: Paged::default() }
    }

    fn source(&self) -> Box<Source<'static, ProjectRow>> {
        let status = self.status.clone();
        Box::new(move |svc, actor, seek, n| svc.projects(actor, status.as_deref(), seek, n))
    }

    /// The selected project if its status is `want`; otherwise says why not.
    fn selected_in(&self, ctx: &mut Ctx<'_>, want: &str) -> Option<ProjectRow> {
        let p = self.paged.selected()?;
        if p.status == want {
            return Some(p.clone());
        }
        let tr = ctx.tr;
        let text = tr.f(
            "projects.wrong_status",
            &[
                ("id", &p.id.to_string()),
                ("status", wording::project_status(tr, &p.status)),
                ("need", wording::project_status(tr, want)),
            ],
        );
        ctx.message(Message::warning(text));
        None
    }

    fn business_action(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        match action {
            Action::New => ctx.push(Box::new(EntryScreen::new(ProjectSpec::new()))),
            Action::Edit => {
                if let Some(p) = self.selected_in(ctx, "draft") {
                    ctx.push(Box::new(EntryScreen::new(ProjectSpec::edit(p.id))));
                }
            }
            Action::SendForReview => {
                if let Some(p) = self.selected_in(ctx, "draft") {
                    send_for_review(ctx, &p);
                }
            }
            Action::Publish => {
                if let Some(p) = self.selected_in(ctx, "approved") {
                    publish(ctx, &p);
                }
            }
            Action::Bid => {
                if let Some(p) = self.selected_in(ctx, "raising") {
                    ctx.push(Box::new(EntryScreen::new(BidSpec::new(p))));
                }
            }
            Action::Propose => {
                if let Some(p) = self.selected_in(ctx, "full") {
                    ctx.push(Box::new(EntryScreen::new(ProposalSpec::new(p))));
                }
            }
            Action::Filter => ctx.popup(filter_prompt(ctx.tr, self.label)),
            _ => {}
        }
    }

    fn execute(&self, ctx: &mut Ctx<'_>) {
        let Some(p) = self.paged.selected() else { return };
        let tr = ctx.tr;
        // The service refuses it too; said here first, in the user's words.
        if p.proposed_by == Some(ctx.login.actor.id) {
            ctx.message(Message::warning(tr.t("proposals.own")));
            return;
        }
        let id = p.id;
        let text = tr.f(
            "proposals.confirm",
            &[("id", &id.to_string()), ("amount", &crate::domain::money::grouped(p.amount))],
        );
        ctx.popup(Popup::confirm(text, move |ctx| {
            let actor = ctx.login.actor.clone();
            match ctx.svc.execute_disbursement(&actor, id) {
                Ok(loan) => {
                    let text = ctx.tr.f(
                        "proposals.done",
                        &[("id", &id.to_string()), ("loan", &loan.to_string())],
                    );
                    ctx.message(Message::success(text));
                    ctx.reload();
                }
                Err(e) => ctx.error(&e),
            }
        }));
    }
}

fn send_for_review(ctx: &mut Ctx<'_>, p: &ProjectRow) {
    let id = p.id;
    let text = ctx.tr.f("projects.submit_confirm", &[("id", &id.to_string()), ("title", &p.title)]);
    ctx.popup(Popup::confirm(text, move |ctx| {
        let actor = ctx.login.actor.clone();
        match ctx.svc.submit_project(&actor, id) {
            Ok(()) => {
                ctx.message(Message::success(
                    ctx.tr.f("projects.submitted", &[("id", &id.to_string())]),
                ));
                ctx.reload();
            }
            Err(e) => ctx.error(&e),
        }
    }));
}

fn publish(ctx: &mut Ctx<'_>, p: &ProjectRow) {
    let id = p.id;
    let text =
        ctx.tr.f("projects.publish_confirm", &[("id", &id.to_string()), ("title", &p.title)]);
    ctx.popup(Popup::confirm(text, move |ctx| {
        let actor = ctx.login.actor.clone();
        match ctx.svc.publish_project(&actor, id) {
            Ok(deadline) => {
                let text = ctx.tr.f(
                    "projects.published",
                    &[("id", &id.to_string()), ("deadline", &deadline.to_string())],
                );
                ctx.message(Message::success(text));
                ctx.reload();
            }
            Err(e) => ctx.error(&e),
        }
    }));
}

/// Asks for a status; the list is opened again with it (empty: every status).
fn filter_prompt(tr: &Tr, label: &'static str) -> Popup {
    let form = Form::new(vec![("projects.filter_status", TextField::plain())]);
    Popup::prompt(tr.t("projects.filter_title").to_owned(), form, move |ctx, form| {
        let typed = form.value("projects.filter_status").trim().to_owned();
        let status = if typed.is_empty() {
            None
        } else {
            let found = PROJECT_STATUSES.iter().find(|s| {
                typed.eq_ignore_ascii_case(s) || typed == wording::project_status(ctx.tr, s)
            });
            let Some(s) = found else {
                let all: Vec<&str> =
                    PROJECT_STATUSES.iter().map(|s| wording::project_status(ctx.tr, s)).collect();
                return PromptOutcome::Retry(
                    ctx.tr.f("projects.filter_unknown", &[("all", &all.join(" "))]),
                );
            };
            Some(*s)
        };
        ctx.pop();
        ctx.push(Box::new(ProjectsScreen::business(label, status)));
        PromptOutcome::Close
    })
}

fn key(r: &ProjectRow) -> i64 {
    r.id
}

impl Screen for ProjectsScreen {
    fn layer(&self) -> Layer {
        match self.mode {
            Mode::Business => Layer::Projects,
            Mode::Review => Layer::ReviewQueue,
            Mode::Proposals => Layer::Proposals,
        }
    }

    fn tab(&self) -> Tab {
        Tab::Dept(match self.mode {
            Mode::Business => Dept::Business,
            Mode::Review => Dept::Risk,
            Mode::Proposals => Dept::Finance,
        })
    }

    fn title(&self, tr: &Tr) -> String {
        match (&self.status, self.mode) {
            (Some(s), Mode::Business) => {
                format!("{} - {}", tr.t(self.label), wording::project_status(tr, s))
            }
            _ => tr.t(self.label).to_owned(),
        }
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        let source = self.source();
        listing::reload(ctx, &mut self.paged, &*source);
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        let source = self.source();
        if listing::movement(ctx, &mut self.paged, action, key, &*source) {
            return;
        }
        match (action, self.mode) {
            (Action::Refresh, _) => self.load(ctx),
            (Action::Open, _) => {
                if let Some(p) = self.paged.selected() {
                    ctx.push(Box::new(ProjectScreen::new(p.id, self.tab())));
                }
            }
            (Action::Execute, Mode::Proposals) => self.execute(ctx),
            (a, Mode::Business) => self.business_action(a, ctx),
            _ => {}
        }
    }

    fn scroll(&mut self, lines: isize, ctx: &mut Ctx<'_>) {
        let source = self.source();
        listing::scroll(ctx, &mut self.paged, lines, key, &*source);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let block = theme.block(true).title(format!(" {} ", self.title(tr)));
        let last = match self.mode {
            Mode::Business => "projects.raised",
            Mode::Review => "projects.submitter",
            Mode::Proposals => "projects.proposer",
        };
        let header = Row::new(
            [
                "projects.id",
                "projects.borrower",
                "projects.title",
                "projects.amount",
                "projects.rate",
                "projects.term",
                "projects.method",
                "projects.status",
                "projects.grade",
                last,
            ]
            .map(|k| tr.t(k)),
        );
        let widths = [
            Constraint::Length(5),
            Constraint::Length(10),
            Constraint::Min(12),
            Constraint::Length(14),
            Constraint::Length(8),
            Constraint::Length(5),
            Constraint::Length(12),
            Constraint::Length(8),
            Constraint::Length(4),
            Constraint::Length(14),
        ];
        let rows = &self.paged.rows;
        let mode = self.mode;
        let row = |i: usize| {
            let p = &rows[i];
            let last: Cell<'_> = match mode {
                Mode::Business => money_cell(p.raised),
                Mode::Review => p.submitter.clone().unwrap_or_default().into(),
                Mode::Proposals => p.proposer.clone().unwrap_or_default().into(),
            };
            Row::new(vec![
                p.id.to_string().into(),
                p.borrower_name.clone().into(),
                p.title.clone().into(),
                money_cell(p.amount),
                format!("{}%", p.rate).into(),
                p.term_months.to_string().into(),
                wording::method(tr, &p.method).to_owned().into(),
                wording::project_status(tr, &p.status).to_owned().into(),
                p.risk_grade.clone().unwrap_or_else(|| "-".into()).into(),
                last,
            ])
        };
        table::render(
            frame,
            area,
            block,
            header,
            &widths,
            rows.len(),
            Some(self.paged.list),
            theme,
            row,
        );
    }
}
