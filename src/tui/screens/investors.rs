//! Business → Investors: the investors with their risk tolerance and custody balances, the
//! form for a new one, and the deposit from the custodian's notice.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Row;

use super::entry::{Done, EntryScreen, Spec};
use super::listing::{self, Source};
use super::{Ctx, Screen, View, input};
use crate::domain::money::grouped;
use crate::service::lending::NewInvestor;
use crate::service::queries::InvestorRow;
use crate::service::{Service, ServiceError};
use crate::store::ledger::Posted;
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::{Dept, Tab};
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::{Form, Note};
use crate::tui::widgets::message::Message;
use crate::tui::widgets::paged::Paged;
use crate::tui::widgets::{money_cell, table};

/// The investors list.
#[derive(Default)]
pub struct InvestorsScreen {
    paged: Paged<InvestorRow>,
}

impl InvestorsScreen {
    #[must_use]
    pub fn new() -> InvestorsScreen {
        InvestorsScreen::default()
    }
}

fn source() -> Box<Source<'static, InvestorRow>> {
    Box::new(Service::investors)
}

fn key(r: &InvestorRow) -> i64 {
    r.id
}

impl Screen for InvestorsScreen {
    fn layer(&self) -> Layer {
        Layer::Investors
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Business)
    }

    fn title(&self, tr: &Tr) -> String {
        tr.t("menu.business.investors").to_owned()
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        listing::reload(ctx, &mut self.paged, &*source());
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        if listing::movement(ctx, &mut self.paged, action, key, &*source()) {
            return;
        }
        match action {
            Action::Refresh => self.load(ctx),
            Action::New => ctx.push(Box::new(EntryScreen::new(InvestorSpec))),
            Action::Deposit => {
                if let Some(r) = self.paged.selected() {
                    ctx.push(Box::new(EntryScreen::new(DepositSpec { investor: r.clone() })));
                }
            }
            _ => {}
        }
    }

    fn scroll(&mut self, lines: isize, ctx: &mut Ctx<'_>) {
        listing::scroll(ctx, &mut self.paged, lines, key, &*source());
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let block = theme.block(true).title(format!(" {} ", self.title(tr)));
        let header = Row::new(
            [
                "investors.id",
                "investors.name",
                "investors.id_number",
                "investors.phone",
                "investors.tolerance",
                "investors.available",
                "investors.frozen",
            ]
            .map(|k| tr.t(k)),
        );
        let widths = [
            Constraint::Length(8),
            Constraint::Length(16),
            Constraint::Length(20),
            Constraint::Length(12),
            Constraint::Length(12),
            Constraint::Length(16),
            Constraint::Length(16),
        ];
        let rows = &self.paged.rows;
        let row = |i: usize| {
            let r = &rows[i];
            Row::new(vec![
                r.id.to_string().into(),
                r.name.clone().into(),
                r.id_number.clone().into(),
                r.phone.clone().into(),
                r.risk_tolerance.clone().into(),
                money_cell(r.available),
                money_cell(r.frozen),
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

/// The new-investor form.
pub struct InvestorSpec;

const NAME: &str = "investor.name";
const ID_NUMBER: &str = "investor.id_number";
const PHONE: &str = "investor.phone";
const TOLERANCE: &str = "investor.tolerance";

impl Spec for InvestorSpec {
    fn title(&self, tr: &Tr) -> String {
        tr.t("investor.new").to_owned()
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Business)
    }

    fn form(&self) -> Form {
        Form::new(vec![
            (NAME, TextField::plain()),
            (ID_NUMBER, TextField::plain()),
            (PHONE, TextField::plain()),
            (TOLERANCE, TextField::plain()),
        ])
    }

    fn notes(&self, tr: &Tr, form: &Form) -> Vec<(&'static str, Note)> {
        let mut notes = Vec::new();
        for label in [NAME, ID_NUMBER] {
            if let Err(e) = input::required(tr, form.value(label)) {
                notes.push((label, Note::Problem(e)));
            }
        }
        let tolerance = match input::grade(tr, form.value(TOLERANCE)) {
            Ok(_) => Note::Hint(tr.t("investor.tolerance_hint").to_owned()),
            Err(e) => Note::Problem(e),
        };
        notes.push((TOLERANCE, tolerance));
        notes
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>, form: &mut Form) -> Result<Done, ServiceError> {
        let i = NewInvestor {
            name: form.value(NAME).trim().to_owned(),
            id_number: form.value(ID_NUMBER).trim().to_owned(),
            phone: form.value(PHONE).trim().to_owned(),
            risk_tolerance: input::grade(ctx.tr, form.value(TOLERANCE)).unwrap_or_default(),
        };
        let actor = ctx.login.actor.clone();
        let id = ctx.svc.create_investor(&actor, &i)?;
        let text = ctx.tr.f("investor.created", &[("id", &id.to_string()), ("name", &i.name)]);
        ctx.message(Message::success(text));
        Ok(Done::Close)
    }

    fn empty_hint(&self, tr: &Tr, label: &str) -> Option<String> {
        (label == TOLERANCE).then(|| tr.t("investor.tolerance_hint").to_owned())
    }

    fn field_of(&self, field: &str) -> Option<&'static str> {
        match field {
            "name" => Some(NAME),
            "id_number" => Some(ID_NUMBER),
            "risk_tolerance" => Some(TOLERANCE),
            _ => None,
        }
    }
}

/// A deposit to one investor's custody account.
pub struct DepositSpec {
    investor: InvestorRow,
}

const AMOUNT: &str = "deposit.amount";
const REFERENCE: &str = "deposit.reference";

impl Spec for DepositSpec {
    fn title(&self, tr: &Tr) -> String {
        tr.f(
            "deposit.title",
            &[("id", &self.investor.id.to_string()), ("name", &self.investor.name)],
        )
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Business)
    }

    fn form(&self) -> Form {
        Form::new(vec![(AMOUNT, TextField::plain()), (REFERENCE, TextField::plain())])
    }

    fn notes(&self, tr: &Tr, form: &Form) -> Vec<(&'static str, Note)> {
        let amount = match input::money(tr, form.value(AMOUNT)) {
            Ok(m) => Note::Hint(tr.f(
                "deposit.after",
                &[("balance", &grouped(self.investor.available.checked_add(m).unwrap_or(m)))],
            )),
            Err(e) => Note::Problem(e),
        };
        let reference = match input::required(tr, form.value(REFERENCE)) {
            Ok(_) => Note::Hint(tr.t("deposit.reference_hint").to_owned()),
            Err(e) => Note::Problem(e),
        };
        vec![(AMOUNT, amount), (REFERENCE, reference)]
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>, form: &mut Form) -> Result<Done, ServiceError> {
        let amount = input::money(ctx.tr, form.value(AMOUNT)).unwrap_or_default();
        let reference = form.value(REFERENCE).trim().to_owned();
        let actor = ctx.login.actor.clone();
        let posted = ctx.svc.investor_deposit(&actor, self.investor.id, amount, &reference)?;
        let key = match posted {
            Posted::Recorded(_) => "deposit.done",
            Posted::AlreadyRecorded(_) => "deposit.replay",
        };
        let text = ctx.tr.f(
            key,
            &[
                ("name", &self.investor.name),
                ("amount", &grouped(amount)),
                ("reference", &reference),
            ],
        );
        ctx.message(Message::success(text));
        Ok(Done::Close)
    }

    fn field_of(&self, field: &str) -> Option<&'static str> {
        match field {
            "amount" => Some(AMOUNT),
            "reference" => Some(REFERENCE),
            _ => None,
        }
    }
}
