//! Finance → a repayment posted from the bank's notice, and an early settlement at the quote.
//! Both show the loan beside the form: what it owes, what waits on the borrower's account,
//! and, after posting, what the money did.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::entry::{Done, Spec};
use super::{Ctx, View, input};
use crate::domain::money::grouped;
use crate::domain::settlement::Quote;
use crate::service::ServiceError;
use crate::service::lending::RepaymentOutcome;
use crate::service::queries::{LoanDetail, LoanRow};
use crate::tui::i18n::Tr;
use crate::tui::nav::{Dept, Tab};
use crate::tui::popup::Popup;
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::{Form, Note};
use crate::tui::widgets::labelled;
use crate::tui::widgets::message::Message;
use crate::tui::wording;

const LOAN: &str = "repay.loan";
const AMOUNT: &str = "repay.amount";
const REFERENCE: &str = "repay.reference";

/// A loan id typed, and what it named when looked up.
type Looked<T> = Option<(String, Option<T>)>;

/// What the typed id named.
enum Lookup<'a, T> {
    /// Not looked up yet (the focus has not left the field).
    NotYet,
    /// It names nothing.
    Missing,
    Found(&'a T),
}

fn found<'a, T>(looked: Option<&'a (String, Option<T>)>, typed: &str) -> Lookup<'a, T> {
    match looked.filter(|(t, _)| t == typed.trim()) {
        None => Lookup::NotYet,
        Some((_, None)) => Lookup::Missing,
        Some((_, Some(v))) => Lookup::Found(v),
    }
}

/// Notes for a loan field: a problem, a hint, or what was found.
fn loan_note<T>(
    tr: &Tr,
    typed: &str,
    looked: Option<&(String, Option<T>)>,
    open: impl Fn(&T) -> Result<String, String>,
) -> Note {
    match (input::id(tr, typed), found(looked, typed)) {
        (Err(e), _) => Note::Problem(e),
        (Ok(_), Lookup::NotYet) => Note::Hint(tr.t("repay.loan_hint").to_owned()),
        (Ok(id), Lookup::Missing) => {
            Note::Problem(tr.f("repay.no_loan", &[("id", &id.to_string())]))
        }
        (Ok(_), Lookup::Found(v)) => match open(v) {
            Ok(h) => Note::Hint(h),
            Err(p) => Note::Problem(p),
        },
    }
}

fn loan_summary(tr: &Tr, l: &LoanRow) -> Result<String, String> {
    let state = wording::loan_state(tr, &l.state);
    if !l.is_open() {
        return Err(tr.f("repay.closed", &[("id", &l.id.to_string()), ("state", state)]));
    }
    Ok(format!(
        "{}  {}  {} {}",
        l.borrower_name,
        state,
        tr.t("loans.outstanding"),
        grouped(l.outstanding)
    ))
}

/// The repayment form.
pub struct RepaySpec {
    prefill: Option<i64>,
    loan: Looked<LoanDetail>,
    last: Option<RepaymentOutcome>,
}

impl RepaySpec {
    #[must_use]
    pub fn new(loan: Option<i64>) -> RepaySpec {
        RepaySpec { prefill: loan, loan: None, last: None }
    }
}

impl Spec for RepaySpec {
    fn title(&self, tr: &Tr) -> String {
        tr.t("menu.finance.repayment").to_owned()
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Finance)
    }

    fn form(&self) -> Form {
        let mut form = Form::new(vec![
            (LOAN, TextField::plain()),
            (AMOUNT, TextField::plain()),
            (REFERENCE, TextField::plain()),
        ]);
        if let Some(id) = self.prefill {
            form.set_value(LOAN, &id.to_string());
            form.focus_on(AMOUNT);
        }
        form
    }

    fn lookup(&mut self, ctx: &mut Ctx<'_>, form: &Form) {
        let typed = form.value(LOAN).trim().to_owned();
        if !matches!(found(self.loan.as_ref(), &typed), Lookup::NotYet) {
            return;
        }
        let Ok(id) = input::id(ctx.tr, &typed) else { return };
        match ctx.svc.loan_detail(&ctx.login.actor, id) {
            Ok(d) => self.loan = Some((typed, Some(d))),
            Err(ServiceError::NotFound(_)) => self.loan = Some((typed, None)),
            Err(e) => ctx.error(&e),
        }
    }

    fn notes(&self, tr: &Tr, form: &Form) -> Vec<(&'static str, Note)> {
        let loan =
            loan_note(tr, form.value(LOAN), self.loan.as_ref(), |d| loan_summary(tr, &d.loan));
        let amount = match input::money(tr, form.value(AMOUNT)) {
            Ok(m) => Note::Hint(grouped(m)),
            Err(e) => Note::Problem(e),
        };
        let reference = match input::required(tr, form.value(REFERENCE)) {
            Ok(_) => Note::Hint(tr.t("deposit.reference_hint").to_owned()),
            Err(e) => Note::Problem(e),
        };
        vec![(LOAN, loan), (AMOUNT, amount), (REFERENCE, reference)]
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>, form: &mut Form) -> Result<Done, ServiceError> {
        let tr = ctx.tr;
        let loan = input::id(tr, form.value(LOAN)).unwrap_or_default();
        let amount = input::money(tr, form.value(AMOUNT)).unwrap_or_default();
        let reference = form.value(REFERENCE).trim().to_owned();
        let actor = ctx.login.actor.clone();
        let out = ctx.svc.post_repayment(&actor, loan, amount, &reference)?;
        let args = [
            ("loan", loan.to_string()),
            ("amount", grouped(amount)),
            ("applied", grouped(out.applied)),
            ("on_account", grouped(out.on_account)),
        ];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let key = if out.replay {
            "repay.replay"
        } else if out.settled {
            "repay.settled"
        } else {
            "repay.posted"
        };
        ctx.message(Message::success(tr.f(key, &args)));
        self.last = Some(out);
        // The loan is read again; the next notice is typed into empty fields.
        self.loan = None;
        form.set_value(AMOUNT, "");
        form.set_value(REFERENCE, "");
        form.focus_on(AMOUNT);
        self.lookup(ctx, form);
        Ok(Done::Stay)
    }

    fn empty_hint(&self, tr: &Tr, label: &str) -> Option<String> {
        (label == LOAN).then(|| tr.t("repay.loan_hint").to_owned())
    }

    fn field_of(&self, field: &str) -> Option<&'static str> {
        match field {
            "amount" => Some(AMOUNT),
            "reference" => Some(REFERENCE),
            _ => None,
        }
    }

    fn side_width(&self, _area: Rect) -> u16 {
        50
    }

    fn draw_side(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>, form: &Form) {
        let (tr, theme) = (view.tr, view.theme);
        let block = theme.block(false).title(format!(" {} ", tr.t("repay.loan_panel")));
        let mut lines = Vec::new();
        if let Lookup::Found(d) = found(self.loan.as_ref(), form.value(LOAN)) {
            let next = d.schedule.iter().find(|p| p.paid() < p.due());
            let next_text = next.map_or_else(
                || "-".to_owned(),
                |p| {
                    let open = crate::domain::Money::from_fen(p.due().fen() - p.paid().fen());
                    format!("{} {}  {}", p.period, p.due_date, grouped(open))
                },
            );
            lines = labelled(
                tr,
                theme,
                vec![
                    ("loans.borrower", d.loan.borrower_name.clone()),
                    ("loans.state", wording::loan_state(tr, &d.loan.state).to_owned()),
                    ("loans.outstanding", grouped(d.loan.outstanding)),
                    ("loans.dpd", d.loan.days_past_due.to_string()),
                    ("repay.next", next_text),
                    ("repay.on_account", grouped(d.on_account)),
                ],
            );
        }
        if let Some(out) = &self.last {
            lines.push(Line::from(""));
            lines.push(Line::styled(format!(" {}", tr.t("repay.result")), theme.title));
            lines.extend(labelled(
                tr,
                theme,
                vec![
                    ("repay.applied", grouped(out.applied)),
                    ("repay.on_account", grouped(out.on_account)),
                    (
                        "repay.settled_label",
                        tr.t(if out.settled { "common.yes" } else { "common.no" }).to_owned(),
                    ),
                ],
            ));
        }
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}

const SETTLE_LOAN: &str = "settle.loan";
const SETTLE_REFERENCE: &str = "settle.reference";

/// The early-settlement form: the quote on the business date, then the posting of it.
pub struct SettleSpec {
    prefill: Option<i64>,
    loan: Looked<(LoanRow, Quote)>,
}

impl SettleSpec {
    #[must_use]
    pub fn new(loan: Option<i64>) -> SettleSpec {
        SettleSpec { prefill: loan, loan: None }
    }
}

impl Spec for SettleSpec {
    fn title(&self, tr: &Tr) -> String {
        tr.t("menu.finance.settlement").to_owned()
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Finance)
    }

    fn form(&self) -> Form {
        let mut form = Form::new(vec![
            (SETTLE_LOAN, TextField::plain()),
            (SETTLE_REFERENCE, TextField::plain()),
        ]);
        if let Some(id) = self.prefill {
            form.set_value(SETTLE_LOAN, &id.to_string());
            form.focus_on(SETTLE_REFERENCE);
        }
        form
    }

    fn lookup(&mut self, ctx: &mut Ctx<'_>, form: &Form) {
        let typed = form.value(SETTLE_LOAN).trim().to_owned();
        if !matches!(found(self.loan.as_ref(), &typed), Lookup::NotYet) {
            return;
        }
        let Ok(id) = input::id(ctx.tr, &typed) else { return };
        let read = ctx.svc.loan_row(&ctx.login.actor, id).and_then(|row| match row {
            Some(r) => Ok(Some((r, ctx.svc.settlement_quote(id, None)?))),
            None => Ok(None),
        });
        match read {
            Ok(v) => self.loan = Some((typed, v)),
            Err(e) => ctx.error(&e),
        }
    }

    fn notes(&self, tr: &Tr, form: &Form) -> Vec<(&'static str, Note)> {
        let loan = loan_note(tr, form.value(SETTLE_LOAN), self.loan.as_ref(), |(l, q)| {
            loan_summary(tr, l)?;
            Ok(tr.f("settle.quote_hint", &[("total", &grouped(q.total))]))
        });
        let reference = match input::required(tr, form.value(SETTLE_REFERENCE)) {
            Ok(_) => Note::Hint(tr.t("deposit.reference_hint").to_owned()),
            Err(e) => Note::Problem(e),
        };
        vec![(SETTLE_LOAN, loan), (SETTLE_REFERENCE, reference)]
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>, form: &mut Form) -> Result<Done, ServiceError> {
        let Lookup::Found((loan, quote)) = found(self.loan.as_ref(), form.value(SETTLE_LOAN))
        else {
            return Ok(Done::Stay);
        };
        let (id, total) = (loan.id, quote.total);
        let reference = form.value(SETTLE_REFERENCE).trim().to_owned();
        let text = ctx.tr.f(
            "settle.confirm",
            &[("id", &id.to_string()), ("total", &grouped(total)), ("reference", &reference)],
        );
        ctx.popup(Popup::confirm(text, move |ctx| {
            let actor = ctx.login.actor.clone();
            match ctx.svc.settle_early(&actor, id, total, &reference) {
                Ok(out) => {
                    let key = match (out.replay, out.settled) {
                        (true, _) => "repay.replay",
                        (false, true) => "settle.done",
                        (false, false) => "repay.posted",
                    };
                    let args = [
                        ("loan", id.to_string()),
                        ("amount", grouped(total)),
                        ("applied", grouped(out.applied)),
                        ("on_account", grouped(out.on_account)),
                    ];
                    let args: Vec<(&str, &str)> =
                        args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    ctx.message(Message::success(ctx.tr.f(key, &args)));
                    ctx.pop();
                    ctx.reload();
                }
                Err(e) => ctx.error(&e),
            }
        }));
        Ok(Done::Stay)
    }

    fn empty_hint(&self, tr: &Tr, label: &str) -> Option<String> {
        (label == SETTLE_LOAN).then(|| tr.t("repay.loan_hint").to_owned())
    }

    fn field_of(&self, field: &str) -> Option<&'static str> {
        match field {
            "reference" => Some(SETTLE_REFERENCE),
            "amount" => Some(SETTLE_LOAN),
            _ => None,
        }
    }

    fn side_width(&self, _area: Rect) -> u16 {
        50
    }

    fn draw_side(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>, form: &Form) {
        let (tr, theme) = (view.tr, view.theme);
        let block = theme.block(false).title(format!(" {} ", tr.t("settle.quote")));
        let lines = match found(self.loan.as_ref(), form.value(SETTLE_LOAN)) {
            Lookup::Found((l, q)) => labelled(
                tr,
                theme,
                vec![
                    ("loans.borrower", l.borrower_name.clone()),
                    ("loans.state", wording::loan_state(tr, &l.state).to_owned()),
                    ("settle.principal", grouped(q.principal)),
                    ("settle.due_interest", grouped(q.due_interest)),
                    ("settle.accrued", grouped(q.accrued_interest)),
                    ("settle.penalty", grouped(q.penalty)),
                    ("settle.total", grouped(q.total)),
                ],
            ),
            _ => vec![Line::styled(format!(" {}", tr.t("settle.quote_empty")), theme.muted)],
        };
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}
