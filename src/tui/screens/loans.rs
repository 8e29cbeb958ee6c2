//! Finance → Loans (and Risk → Overdue): the loans by number, read a page at a time, with
//! their state, outstanding principal, days past due and delinquency bucket; `/` narrows the
//! list to one state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Row;

use super::listing::{self, Source};
use super::loan_detail::LoanScreen;
use super::{Ctx, Screen, View};
use crate::service::queries::LoanRow;
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::{Dept, Tab};
use crate::tui::popup::{Popup, PromptOutcome};
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::paged::Paged;
use crate::tui::widgets::{money_cell, right_cell, table};
use crate::tui::wording::{self, LOAN_STATES};

/// The loans list.
pub struct LoansScreen {
    dept: Dept,
    label: &'static str,
    state: Option<String>,
    paged: Paged<LoanRow>,
}

impl LoansScreen {
    #[must_use]
    pub fn new(dept: Dept, label: &'static str, state: Option<&str>) -> LoansScreen {
        LoansScreen { dept, label, state: state.map(str::to_owned), paged: Paged::default() }
    }

    fn source(&self) -> Box<Source<'static, LoanRow>> {
        let state = self.state.clone();
        Box::new(move |svc, actor, seek, n| svc.loans(actor, state.as_deref(), seek, n))
    }
}

/// The borrower's name, or his number when the book he came from had no name (an import).
#[must_use]
pub fn borrower_label(l: &LoanRow) -> String {
    if l.borrower_name.trim().is_empty() {
        format!("#{}", l.borrower_id)
    } else {
        l.borrower_name.clone()
    }
}

/// A delinquency bucket for the screen: `current` in words, `M1` … as they are.
#[must_use]
pub fn bucket_label<'a>(tr: &'a Tr, bucket: &'a str) -> &'a str {
    if bucket == "current" { tr.t("loan_state.current") } else { bucket }
}

fn key(r: &LoanRow) -> i64 {
    r.id
}

/// Asks for a state; the list is opened again with it (empty: every state).
fn filter_prompt(tr: &Tr, dept: Dept, label: &'static str) -> Popup {
    let form = Form::new(vec![("loans.filter_state", TextField::plain())]);
    Popup::prompt(tr.t("loans.filter_title").to_owned(), form, move |ctx, form| {
        let typed = form.value("loans.filter_state").trim().to_owned();
        let state = if typed.is_empty() {
            None
        } else {
            let found = LOAN_STATES
                .iter()
                .find(|s| typed.eq_ignore_ascii_case(s) || typed == wording::loan_state(ctx.tr, s));
            let Some(s) = found else {
                let all: Vec<&str> =
                    LOAN_STATES.iter().map(|s| wording::loan_state(ctx.tr, s)).collect();
                return PromptOutcome::Retry(
                    ctx.tr.f("loans.filter_unknown", &[("all", &all.join(" "))]),
                );
            };
            Some(*s)
        };
        ctx.pop();
        ctx.push(Box::new(LoansScreen::new(dept, label, state)));
        PromptOutcome::Close
    })
}

impl Screen for LoansScreen {
    fn layer(&self) -> Layer {
        Layer::Loans
    }

    fn tab(&self) -> Tab {
        Tab::Dept(self.dept)
    }

    fn title(&self, tr: &Tr) -> String {
        match &self.state {
            Some(s) => format!("{} - {}", tr.t(self.label), wording::loan_state(tr, s)),
            None => tr.t(self.label).to_owned(),
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
        match action {
            Action::Refresh => self.load(ctx),
            Action::Open => {
                if let Some(l) = self.paged.selected() {
                    ctx.push(Box::new(LoanScreen::new(l.id, self.dept)));
                }
            }
            Action::Filter => ctx.popup(filter_prompt(ctx.tr, self.dept, self.label)),
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
        let header = Row::new(
            [
                "loans.id",
                "loans.borrower",
                "loans.amount",
                "loans.outstanding",
                "loans.rate",
                "loans.term",
                "loans.state",
                "loans.dpd",
                "loans.bucket",
                "loans.value_date",
            ]
            .map(|k| tr.t(k)),
        );
        let widths = [
            Constraint::Length(7),
            Constraint::Fill(1),
            Constraint::Length(14),
            Constraint::Length(14),
            Constraint::Length(8),
            Constraint::Length(5),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(6),
            Constraint::Length(10),
        ];
        let rows = &self.paged.rows;
        let row = |i: usize| {
            let l = &rows[i];
            let style = if l.state == "overdue" { theme.warning } else { theme.text };
            Row::new(vec![
                l.id.to_string().into(),
                borrower_label(l).into(),
                money_cell(l.amount),
                money_cell(l.outstanding),
                format!("{}%", l.rate).into(),
                l.term_months.to_string().into(),
                wording::loan_state(tr, &l.state).to_owned().into(),
                right_cell(l.days_past_due.to_string()),
                bucket_label(tr, l.bucket).to_owned().into(),
                l.value_date.clone().into(),
            ])
            .style(style)
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
