//! Business → Borrowers: the borrowers by number, ID and phone masked, and the form for a new
//! one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Row;

use super::entry::{Done, EntryScreen, Spec};
use super::listing::{self, Source};
use super::{Ctx, Screen, View, input};
use crate::service::lending::NewBorrower;
use crate::service::queries::BorrowerRow;
use crate::service::{Service, ServiceError};
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::{Dept, Tab};
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::{Form, Note};
use crate::tui::widgets::message::Message;
use crate::tui::widgets::paged::Paged;
use crate::tui::widgets::table;
use crate::tui::wording;

/// The borrowers list.
#[derive(Default)]
pub struct BorrowersScreen {
    paged: Paged<BorrowerRow>,
}

impl BorrowersScreen {
    #[must_use]
    pub fn new() -> BorrowersScreen {
        BorrowersScreen::default()
    }
}

fn source() -> Box<Source<'static, BorrowerRow>> {
    Box::new(Service::borrowers)
}

fn key(r: &BorrowerRow) -> i64 {
    r.id
}

impl Screen for BorrowersScreen {
    fn layer(&self) -> Layer {
        Layer::Borrowers
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Business)
    }

    fn title(&self, tr: &Tr) -> String {
        tr.t("menu.business.borrowers").to_owned()
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
            Action::New => ctx.push(Box::new(EntryScreen::new(BorrowerSpec))),
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
                "borrowers.id",
                "borrowers.kind",
                "borrowers.name",
                "borrowers.id_number",
                "borrowers.phone",
            ]
            .map(|k| tr.t(k)),
        );
        let widths = [
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(24),
            Constraint::Length(20),
            Constraint::Fill(1),
        ];
        let rows = &self.paged.rows;
        let row = |i: usize| {
            let r = &rows[i];
            Row::new(vec![
                r.id.to_string(),
                wording::kind(tr, &r.kind).to_owned(),
                r.name.clone(),
                r.id_number.clone(),
                r.phone.clone(),
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

/// The new-borrower form.
pub struct BorrowerSpec;

const KIND: &str = "borrower.kind";
const NAME: &str = "borrower.name";
const ID_NUMBER: &str = "borrower.id_number";
const PHONE: &str = "borrower.phone";

impl Spec for BorrowerSpec {
    fn title(&self, tr: &Tr) -> String {
        tr.t("borrower.new").to_owned()
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Business)
    }

    fn form(&self) -> Form {
        Form::new(vec![
            (KIND, TextField::plain()),
            (NAME, TextField::plain()),
            (ID_NUMBER, TextField::plain()),
            (PHONE, TextField::plain()),
        ])
    }

    fn notes(&self, tr: &Tr, form: &Form) -> Vec<(&'static str, Note)> {
        let kind = match input::kind(tr, form.value(KIND)) {
            Ok(k) => Note::Hint(wording::kind(tr, k).to_owned()),
            Err(e) => Note::Problem(format!("{e} ({})", tr.t("borrower.kinds"))),
        };
        let mut notes = vec![(KIND, kind)];
        for label in [NAME, ID_NUMBER] {
            if let Err(e) = input::required(tr, form.value(label)) {
                notes.push((label, Note::Problem(e)));
            }
        }
        notes.push((PHONE, Note::Hint(tr.t("borrower.phone_hint").to_owned())));
        notes
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>, form: &mut Form) -> Result<Done, ServiceError> {
        let b = NewBorrower {
            kind: input::kind(ctx.tr, form.value(KIND)).unwrap_or("person").to_owned(),
            name: form.value(NAME).trim().to_owned(),
            id_number: form.value(ID_NUMBER).trim().to_owned(),
            phone: form.value(PHONE).trim().to_owned(),
        };
        let actor = ctx.login.actor.clone();
        let id = ctx.svc.create_borrower(&actor, &b)?;
        let text = ctx.tr.f("borrower.created", &[("id", &id.to_string()), ("name", &b.name)]);
        ctx.message(Message::success(text));
        Ok(Done::Close)
    }

    fn empty_hint(&self, tr: &Tr, label: &str) -> Option<String> {
        (label == KIND).then(|| tr.t("borrower.kinds").to_owned())
    }

    fn field_of(&self, field: &str) -> Option<&'static str> {
        match field {
            "kind" => Some(KIND),
            "name" => Some(NAME),
            "id_number" => Some(ID_NUMBER),
            _ => None,
        }
    }
}
