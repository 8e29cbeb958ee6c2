//! One loan in full: its facts, then one section at a time: the schedule with what was paid
//! of each period, the holders and their shares, the postings on its accounts, and its audit
//! history. From here a repayment or an early settlement is one key away.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row};
use rust_decimal::Decimal;

use super::entry::EntryScreen;
use super::repay::{RepaySpec, SettleSpec};
use super::{Ctx, Screen, View};
use crate::domain::Money;
use crate::domain::money::grouped;
use crate::service::queries::LoanDetail;
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::{Dept, Tab};
use crate::tui::widgets::table::{self, ListState};
use crate::tui::widgets::{labelled, money_cell, right_cell};
use crate::tui::wording;

/// Rows above the section's table: the facts (with their frame) and the section bar.
const HEAD: u16 = 7;

const SECTIONS: [&str; 4] = ["loan.schedule", "loan.holders", "loan.postings", "loan.history"];

/// The loan screen.
pub struct LoanScreen {
    id: i64,
    dept: Dept,
    detail: Option<LoanDetail>,
    section: usize,
    lists: [ListState; 4],
}

impl LoanScreen {
    #[must_use]
    pub fn new(id: i64, dept: Dept) -> LoanScreen {
        LoanScreen { id, dept, detail: None, section: 0, lists: [ListState::default(); 4] }
    }

    fn len(&self) -> usize {
        self.detail.as_ref().map_or(0, |d| match self.section {
            0 => d.schedule.len(),
            1 => d.holders.len(),
            2 => d.postings.len(),
            _ => d.history.len(),
        })
    }
}

impl Screen for LoanScreen {
    fn layer(&self) -> Layer {
        Layer::LoanDetail
    }

    fn tab(&self) -> Tab {
        Tab::Dept(self.dept)
    }

    fn title(&self, tr: &Tr) -> String {
        tr.f("loan.title", &[("id", &self.id.to_string())])
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        match ctx.svc.loan_detail(&ctx.login.actor, self.id) {
            Ok(d) => self.detail = Some(d),
            Err(e) => ctx.error(&e),
        }
        let len = self.len();
        self.lists[self.section].clamp(len);
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        let len = self.len();
        let page = usize::from(ctx.body.height.saturating_sub(HEAD + 3)).max(1);
        let step = isize::try_from(page).unwrap_or(1);
        let list = &mut self.lists[self.section];
        match action {
            Action::Up => list.step(-1, len, page),
            Action::Down => list.step(1, len, page),
            Action::PageUp => list.step(-step, len, page),
            Action::PageDown => list.step(step, len, page),
            Action::Top => list.top(),
            Action::Bottom => list.bottom(len, page),
            Action::NextSection => self.section = (self.section + 1) % SECTIONS.len(),
            Action::PrevSection => {
                self.section = (self.section + SECTIONS.len() - 1) % SECTIONS.len();
            }
            Action::Refresh => self.load(ctx),
            Action::Repay => ctx.push(Box::new(EntryScreen::new(RepaySpec::new(Some(self.id))))),
            Action::Settle => ctx.push(Box::new(EntryScreen::new(SettleSpec::new(Some(self.id))))),
            _ => {}
        }
    }

    fn scroll(&mut self, lines: isize, ctx: &mut Ctx<'_>) {
        let page = usize::from(ctx.body.height.saturating_sub(HEAD + 3)).max(1);
        let len = self.len();
        self.lists[self.section].step(lines, len, page);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let [head, bar, body] = Layout::vertical([
            Constraint::Length(HEAD - 1),
            Constraint::Length(1),
            Constraint::Fill(1),
        ])
        .areas(area);
        let block = theme.block(true).title(format!(" {} ", self.title(tr)));
        let Some(d) = &self.detail else {
            frame.render_widget(Paragraph::new("").block(block), area);
            return;
        };
        let inner = block.inner(head);
        frame.render_widget(block, head);
        draw_facts(frame, inner, view, d);
        let mut spans = vec![Span::raw(" ")];
        for (i, s) in SECTIONS.iter().enumerate() {
            let style = if i == self.section { theme.tab_active } else { theme.tab };
            spans.push(Span::styled(format!(" {} ", tr.t(s)), style));
            spans.push(Span::raw(" "));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), bar);
        let state = Some(self.lists[self.section]);
        match self.section {
            0 => schedule(frame, body, view, d, state),
            1 => holders(frame, body, view, d, state),
            2 => postings(frame, body, view, d, state),
            _ => history(frame, body, view, d, state),
        }
    }
}

fn schedule(
    frame: &mut Frame<'_>,
    body: Rect,
    view: &View<'_>,
    d: &LoanDetail,
    state: Option<ListState>,
) {
    let (tr, theme) = (view.tr, view.theme);
    let block = theme.block(false);
    let header = Row::new(
        [
            "schedule.period",
            "schedule.due",
            "schedule.principal",
            "schedule.interest",
            "loan.penalty",
            "loan.due",
            "loan.paid",
            "loan.open",
            "loan.paid_on",
        ]
        .map(|k| tr.t(k)),
    );
    let widths = [
        Constraint::Length(4),
        Constraint::Length(10),
        Constraint::Length(12),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Length(10),
    ];
    let row = |i: usize| {
        let p = &d.schedule[i];
        let open = Money::from_fen(p.due().fen() - p.paid().fen());
        let style = if p.paid_on.is_some() { theme.muted } else { theme.text };
        Row::new(vec![
            p.period.to_string().into(),
            p.due_date.clone().into(),
            money_cell(p.principal),
            money_cell(p.interest),
            money_cell(p.penalty),
            money_cell(p.due()),
            money_cell(p.paid()),
            money_cell(open),
            p.paid_on.clone().unwrap_or_default().into(),
        ])
        .style(style)
    };
    table::render(frame, body, block, header, &widths, d.schedule.len(), state, theme, row);
}

fn holders(
    frame: &mut Frame<'_>,
    body: Rect,
    view: &View<'_>,
    d: &LoanDetail,
    state: Option<ListState>,
) {
    let (tr, theme) = (view.tr, view.theme);
    let block = theme.block(false);
    // Shares of what the holders hold together: an imported loan's claims start from the
    // principal outstanding at the import, not from the original amount.
    let whole = Money::from_fen(d.holders.iter().map(|h| h.principal.fen()).sum());
    let header = Row::new(
        ["loan.investor", "loan.claim", "loan.share", "loan.claim_outstanding"].map(|k| tr.t(k)),
    );
    let widths = [
        Constraint::Length(24),
        Constraint::Length(14),
        Constraint::Length(9),
        Constraint::Length(14),
    ];
    let row = |i: usize| {
        let h = &d.holders[i];
        let who = match (h.investor_id, &h.investor_name) {
            (Some(id), Some(n)) => format!("{n} (#{id})"),
            _ => tr.t("loan.opening").to_owned(),
        };
        Row::new(vec![
            who.into(),
            money_cell(h.principal),
            right_cell(share(h.principal, whole)),
            money_cell(h.outstanding),
        ])
    };
    table::render(frame, body, block, header, &widths, d.holders.len(), state, theme, row);
}

fn postings(
    frame: &mut Frame<'_>,
    body: Rect,
    view: &View<'_>,
    d: &LoanDetail,
    state: Option<ListState>,
) {
    let (tr, theme) = (view.tr, view.theme);
    let block = theme.block(false);
    let header = Row::new(
        ["loan.entry", "loan.date", "loan.kind", "loan.amount", "loan.memo"].map(|k| tr.t(k)),
    );
    let widths = [
        Constraint::Length(7),
        Constraint::Length(10),
        Constraint::Length(12),
        Constraint::Length(14),
        Constraint::Fill(1),
    ];
    let row = |i: usize| {
        let p = &d.postings[i];
        Row::new(vec![
            p.entry_id.to_string().into(),
            p.business_date.clone().into(),
            wording::entry_kind(tr, &p.kind).to_owned().into(),
            money_cell(p.amount),
            format!("{}  [{}]", p.memo, p.key).into(),
        ])
    };
    table::render(frame, body, block, header, &widths, d.postings.len(), state, theme, row);
}

fn history(
    frame: &mut Frame<'_>,
    body: Rect,
    view: &View<'_>,
    d: &LoanDetail,
    state: Option<ListState>,
) {
    let (tr, theme) = (view.tr, view.theme);
    let block = theme.block(false);
    let header = Row::new(
        ["audit.seq", "audit.at", "audit.actor", "audit.action", "audit.outcome", "audit.detail"]
            .map(|k| tr.t(k)),
    );
    let widths = [
        Constraint::Length(6),
        Constraint::Length(16),
        Constraint::Length(10),
        Constraint::Length(20),
        Constraint::Length(6),
        Constraint::Fill(1),
    ];
    let row = |i: usize| {
        let a = &d.history[i];
        Row::new(vec![
            a.seq.to_string(),
            super::audit_log::short_time(&a.at),
            a.actor.clone(),
            a.action.clone(),
            wording::outcome(tr, &a.outcome).to_owned(),
            a.detail.clone(),
        ])
    };
    table::render(frame, body, block, header, &widths, d.history.len(), state, theme, row);
}

/// `60.00%`: a holder's share of all the claims.
fn share(part: Money, whole: Money) -> String {
    if whole.is_zero() {
        return "-".into();
    }
    let pct = part.to_decimal() * Decimal::ONE_HUNDRED / whole.to_decimal();
    format!("{}%", crate::domain::round_fen(pct))
}

fn draw_facts(frame: &mut Frame<'_>, area: Rect, view: &View<'_>, d: &LoanDetail) {
    let (tr, theme) = (view.tr, view.theme);
    let loan = &d.loan;
    let [first, second, third] = Layout::horizontal([
        Constraint::Percentage(36),
        Constraint::Percentage(32),
        Constraint::Fill(1),
    ])
    .areas(area);
    let left = labelled(
        tr,
        theme,
        vec![
            ("loans.borrower", super::loans::borrower_label(loan)),
            ("loans.amount", grouped(loan.amount)),
            (
                "loans.rate",
                format!("{}%  {} {}", loan.rate, loan.term_months, tr.t("review.months")),
            ),
            ("projects.method", wording::method(tr, &loan.method).to_owned()),
        ],
    );
    let middle = labelled(
        tr,
        theme,
        vec![
            ("loans.state", wording::loan_state(tr, &loan.state).to_owned()),
            ("loans.outstanding", grouped(loan.outstanding)),
            ("loans.dpd", loan.days_past_due.to_string()),
            ("loans.bucket", super::loans::bucket_label(tr, loan.bucket).to_owned()),
        ],
    );
    let right = labelled(
        tr,
        theme,
        vec![
            ("loans.value_date", loan.value_date.clone()),
            ("loan.contract_date", d.contract_date.clone()),
            ("loan.closed_on", d.closed_on.clone().unwrap_or_else(|| "-".into())),
            ("repay.on_account", grouped(d.on_account)),
        ],
    );
    frame.render_widget(Paragraph::new(left), first);
    frame.render_widget(Paragraph::new(middle), second);
    frame.render_widget(Paragraph::new(right), third);
}
