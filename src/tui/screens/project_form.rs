//! Business → a new project, or a draft changed: the terms checked as they are typed, and
//! beside them the repayment schedule the project would have if disbursed today, with totals.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Cell, HighlightSpacing, Paragraph, Row, Table};
use rust_decimal::Decimal;

use super::entry::{Done, Spec};
use super::{Ctx, View, input};
use crate::domain::money::grouped;
use crate::domain::schedule::{Installment, totals};
use crate::domain::{Money, Rate};
use crate::service::ServiceError;
use crate::service::lending::ProjectDraft;
use crate::tui::i18n::Tr;
use crate::tui::nav::{Dept, Tab};
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::{Form, Note};
use crate::tui::widgets::message::Message;
use crate::tui::widgets::{money_cell, table};
use crate::tui::wording::method_label;

const BORROWER: &str = "project.borrower";
const TITLE: &str = "project.title";
const PURPOSE: &str = "project.purpose";
const AMOUNT: &str = "project.amount";
const RATE: &str = "project.rate";
const TERM: &str = "project.term";
const METHOD: &str = "project.method";
const MIN_BID: &str = "project.min_bid";
const STEP: &str = "project.step";
const RAISE_DAYS: &str = "project.raise_days";
const FEE: &str = "project.fee";

/// The highest service fee, in percent of the amount.
const MAX_FEE: u32 = 20;

/// The project form: new, or a draft by id.
pub struct ProjectSpec {
    id: Option<i64>,
    today: Option<NaiveDate>,
    cap: Option<Rate>,
    /// The borrower id looked up, and his name (`None`: no such borrower).
    borrower: Option<(String, Option<String>)>,
    /// First row of the preview shown.
    offset: usize,
}

impl ProjectSpec {
    #[must_use]
    pub fn new() -> ProjectSpec {
        ProjectSpec { id: None, today: None, cap: None, borrower: None, offset: 0 }
    }

    #[must_use]
    pub fn edit(id: i64) -> ProjectSpec {
        ProjectSpec { id: Some(id), ..ProjectSpec::new() }
    }

    /// The draft the fields make, if every one reads.
    fn draft(tr: &Tr, form: &Form) -> Option<ProjectDraft> {
        Some(ProjectDraft {
            borrower_id: input::id(tr, form.value(BORROWER)).ok()?,
            title: input::required(tr, form.value(TITLE)).ok()?,
            purpose: input::required(tr, form.value(PURPOSE)).ok()?,
            amount: input::money(tr, form.value(AMOUNT)).ok()?,
            rate: input::rate(tr, form.value(RATE)).ok()?,
            term_months: input::whole(tr, form.value(TERM), 1, 360).ok()?,
            method: input::method(tr, form.value(METHOD)).ok()?,
            min_bid: input::money(tr, form.value(MIN_BID)).ok()?,
            bid_step: input::money(tr, form.value(STEP)).ok()?,
            raise_days: input::whole(tr, form.value(RAISE_DAYS), 1, 60).ok()?,
            fee_rate: fee(tr, form.value(FEE)).ok()?,
        })
    }

    /// The schedule of the terms typed so far, when amount, rate, term and method read.
    fn preview(&self, tr: &Tr, form: &Form) -> Option<Vec<Installment>> {
        let d = ProjectDraft {
            borrower_id: 0,
            title: String::new(),
            purpose: String::new(),
            amount: input::money(tr, form.value(AMOUNT)).ok()?,
            rate: input::rate(tr, form.value(RATE)).ok()?,
            term_months: input::whole(tr, form.value(TERM), 1, 360).ok()?,
            method: input::method(tr, form.value(METHOD)).ok()?,
            min_bid: Money::ZERO,
            bid_step: Money::ZERO,
            raise_days: 1,
            fee_rate: Rate::ZERO,
        };
        d.schedule(self.today?).ok()
    }
}

impl Default for ProjectSpec {
    fn default() -> Self {
        ProjectSpec::new()
    }
}

/// The service fee: a percentage from 0 to 20.
fn fee(tr: &Tr, text: &str) -> Result<Rate, String> {
    let r = input::rate(tr, text)?;
    if r.percent() > Decimal::from(MAX_FEE) {
        return Err(tr.f("project.fee_range", &[("max", &MAX_FEE.to_string())]));
    }
    Ok(r)
}

fn note<T>(r: Result<T, String>, hint: impl FnOnce(T) -> Option<String>) -> Option<Note> {
    match r {
        Ok(v) => hint(v).map(Note::Hint),
        Err(e) => Some(Note::Problem(e)),
    }
}

impl Spec for ProjectSpec {
    fn title(&self, tr: &Tr) -> String {
        match self.id {
            Some(id) => tr.f("project.edit_title", &[("id", &id.to_string())]),
            None => tr.t("project.new_title").to_owned(),
        }
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Business)
    }

    fn form(&self) -> Form {
        Form::new(
            [BORROWER, TITLE, PURPOSE, AMOUNT, RATE, TERM, METHOD, MIN_BID, STEP, RAISE_DAYS, FEE]
                .into_iter()
                .map(|l| (l, TextField::plain()))
                .collect(),
        )
    }

    fn load(&mut self, ctx: &mut Ctx<'_>, form: &mut Form) {
        let today = match ctx.svc.business_date() {
            Ok(d) => d,
            Err(e) => return ctx.error(&e),
        };
        self.today = Some(today);
        self.cap = ctx.svc.rate_cap(today).ok();
        let Some(id) = self.id else { return };
        match ctx.svc.project_draft(id) {
            Ok(d) => {
                form.set_value(BORROWER, &d.borrower_id.to_string());
                form.set_value(TITLE, &d.title);
                form.set_value(PURPOSE, &d.purpose);
                form.set_value(AMOUNT, &d.amount.to_string());
                form.set_value(RATE, &d.rate.percent().to_string());
                form.set_value(TERM, &d.term_months.to_string());
                let n = crate::domain::schedule::Method::ALL.iter().position(|m| *m == d.method);
                form.set_value(METHOD, &n.map_or(0, |n| n + 1).to_string());
                form.set_value(MIN_BID, &d.min_bid.to_string());
                form.set_value(STEP, &d.bid_step.to_string());
                form.set_value(RAISE_DAYS, &d.raise_days.to_string());
                form.set_value(FEE, &d.fee_rate.percent().to_string());
            }
            Err(e) => ctx.error(&e),
        }
    }

    fn lookup(&mut self, ctx: &mut Ctx<'_>, form: &Form) {
        let typed = form.value(BORROWER).trim().to_owned();
        if self.borrower.as_ref().is_some_and(|(t, _)| *t == typed) {
            return;
        }
        let Ok(id) = input::id(ctx.tr, &typed) else {
            self.borrower = None;
            return;
        };
        match ctx.svc.borrower_row(&ctx.login.actor, id) {
            Ok(b) => self.borrower = Some((typed, b.map(|b| b.name))),
            Err(e) => ctx.error(&e),
        }
    }

    fn notes(&self, tr: &Tr, form: &Form) -> Vec<(&'static str, Note)> {
        let mut notes = Vec::new();
        let mut add = |label, n: Option<Note>| {
            if let Some(n) = n {
                notes.push((label, n));
            }
        };
        let typed = form.value(BORROWER).trim();
        add(
            BORROWER,
            note(input::id(tr, typed), |_| match &self.borrower {
                Some((t, Some(name))) if t == typed => Some(name.clone()),
                _ => Some(tr.t("project.borrower_hint").to_owned()),
            }),
        );
        if let Some((t, None)) = &self.borrower
            && t == typed
        {
            notes.retain(|(l, _)| *l != BORROWER);
            notes.push((BORROWER, Note::Problem(tr.f("project.no_borrower", &[("id", t)]))));
        }
        let mut add = |label, n: Option<Note>| {
            if let Some(n) = n {
                notes.push((label, n));
            }
        };
        add(TITLE, note(input::required(tr, form.value(TITLE)), |_| None));
        add(PURPOSE, note(input::required(tr, form.value(PURPOSE)), |_| None));
        let amount = input::money(tr, form.value(AMOUNT));
        add(AMOUNT, note(amount.clone(), |m| Some(grouped(m))));
        let rate = input::rate(tr, form.value(RATE)).and_then(|r| match self.cap {
            Some(cap) if r > cap => Err(tr.f("project.above_cap", &[("cap", &cap.to_string())])),
            _ => Ok(r),
        });
        let cap_hint = self.cap.map(|c| tr.f("project.cap_hint", &[("cap", &c.to_string())]));
        add(RATE, note(rate, |_| cap_hint));
        add(
            TERM,
            note(input::whole(tr, form.value(TERM), 1, 360), |n| {
                Some(tr.f("project.months", &[("n", &n.to_string())]))
            }),
        );
        add(
            METHOD,
            note(input::method(tr, form.value(METHOD)), |m| Some(tr.t(method_label(m)).to_owned())),
        );
        let min_bid = input::money(tr, form.value(MIN_BID)).and_then(|m| match &amount {
            Ok(a) if m > *a => Err(tr.t("project.min_bid_over").to_owned()),
            _ => Ok(m),
        });
        add(MIN_BID, note(min_bid, |m| Some(grouped(m))));
        add(STEP, note(input::money(tr, form.value(STEP)), |m| Some(grouped(m))));
        add(RAISE_DAYS, note(input::whole(tr, form.value(RAISE_DAYS), 1, 60), |_| None));
        add(
            FEE,
            note(fee(tr, form.value(FEE)), |f| {
                let a = amount.as_ref().ok()?;
                let amount = crate::domain::round_fen(a.to_decimal() * f.annual());
                Some(tr.f("project.fee_hint", &[("fee", &grouped(amount))]))
            }),
        );
        notes
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>, form: &mut Form) -> Result<Done, ServiceError> {
        let Some(d) = ProjectSpec::draft(ctx.tr, form) else { return Ok(Done::Stay) };
        let actor = ctx.login.actor.clone();
        let id = match self.id {
            Some(id) => {
                ctx.svc.update_project(&actor, id, &d)?;
                id
            }
            None => ctx.svc.create_project(&actor, &d)?,
        };
        ctx.message(Message::success(ctx.tr.f("project.saved", &[("id", &id.to_string())])));
        Ok(Done::Close)
    }

    fn empty_hint(&self, tr: &Tr, label: &str) -> Option<String> {
        match label {
            BORROWER => Some(tr.t("project.borrower_hint").to_owned()),
            RATE => self.cap.map(|c| tr.f("project.cap_hint", &[("cap", &c.to_string())])),
            METHOD => Some(input::methods_hint(tr)),
            _ => None,
        }
    }

    fn field_of(&self, field: &str) -> Option<&'static str> {
        Some(match field {
            "borrower" => BORROWER,
            "title" => TITLE,
            "purpose" => PURPOSE,
            "amount" => AMOUNT,
            "rate" => RATE,
            "term" => TERM,
            "min_bid" => MIN_BID,
            "bid_step" => STEP,
            "raise_days" => RAISE_DAYS,
            "fee_rate" => FEE,
            _ => return None,
        })
    }

    fn side_width(&self, _area: Rect) -> u16 {
        62
    }

    fn draw_side(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>, form: &Form) {
        let title = match self.today {
            Some(d) => view.tr.f("project.preview_on", &[("date", &d.to_string())]),
            None => view.tr.t("project.preview").to_owned(),
        };
        let rows = self.preview(view.tr, form).unwrap_or_default();
        draw_schedule(frame, area, view, &title, &rows, self.offset);
    }

    fn scroll(&mut self, pages: isize) {
        self.offset = self.offset.saturating_add_signed(pages * 10).min(350);
    }
}

/// A schedule in a frame: period, due date, principal, interest, payment, and the totals
/// under it. `offset` is the first period shown.
pub fn draw_schedule(
    frame: &mut Frame<'_>,
    area: Rect,
    view: &View<'_>,
    title: &str,
    rows: &[Installment],
    offset: usize,
) {
    let (tr, theme) = (view.tr, view.theme);
    let block = theme.block(false).title(format!(" {title} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [body, foot] = Layout::vertical([Constraint::Fill(1), Constraint::Length(2)]).areas(inner);
    if rows.is_empty() {
        frame.render_widget(Paragraph::new(tr.t("project.preview_empty")).style(theme.muted), body);
        return;
    }
    let header = Row::new(
        [
            "schedule.period",
            "schedule.due",
            "schedule.principal",
            "schedule.interest",
            "schedule.total",
        ]
        .map(|k| tr.t(k)),
    );
    let widths = [
        Constraint::Length(4),
        Constraint::Length(10),
        Constraint::Length(13),
        Constraint::Length(11),
        Constraint::Length(13),
    ];
    let offset = offset.min(rows.len().saturating_sub(1));
    let shown = &rows[offset..];
    let row = |i: usize| {
        let r = &shown[i];
        Row::new(vec![
            r.period.to_string().into(),
            r.due_date.to_string().into(),
            money_cell(r.principal),
            money_cell(r.interest),
            money_cell(r.total),
        ])
    };
    table::render(frame, body, Block::default(), header, &widths, shown.len(), None, theme, row);
    // The totals under their columns, in a table of the same shape.
    let t = totals(rows);
    let sums = Row::new(vec![
        Cell::from(tr.t("schedule.sum")),
        Cell::from(tr.f("schedule.count", &[("n", &rows.len().to_string())])),
        money_cell(t.principal),
        money_cell(t.interest),
        money_cell(t.total),
    ])
    .style(theme.title);
    let sums = Table::new([sums], widths)
        .column_spacing(2)
        .highlight_symbol("> ")
        .highlight_spacing(HighlightSpacing::Always);
    let [_, line] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(foot);
    frame.render_widget(sums, line);
}
