//! Business → the disbursement proposal (放款申请) of a fully subscribed project: the loan
//! contract's number and signing date, and the confirmation that the documents were checked
//! again. Finance executes it; the proposer cannot.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use super::entry::{Done, Spec};
use super::{Ctx, View, input};
use crate::domain::money::grouped;
use crate::service::ServiceError;
use crate::service::queries::ProjectRow;
use crate::tui::i18n::Tr;
use crate::tui::nav::{Dept, Tab};
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::{Form, Note};
use crate::tui::widgets::labelled;
use crate::tui::widgets::message::Message;
use crate::tui::wording;

const CONTRACT: &str = "proposal.contract_no";
const SIGNED: &str = "proposal.signed_on";
const DOCUMENTS: &str = "proposal.documents";

/// The proposal form.
pub struct ProposalSpec {
    project: ProjectRow,
    today: Option<NaiveDate>,
}

impl ProposalSpec {
    #[must_use]
    pub fn new(project: ProjectRow) -> ProposalSpec {
        ProposalSpec { project, today: None }
    }
}

impl Spec for ProposalSpec {
    fn title(&self, tr: &Tr) -> String {
        tr.f(
            "proposal.title",
            &[("id", &self.project.id.to_string()), ("title", &self.project.title)],
        )
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Business)
    }

    fn form(&self) -> Form {
        Form::new(vec![
            (CONTRACT, TextField::plain()),
            (SIGNED, TextField::plain()),
            (DOCUMENTS, TextField::plain()),
        ])
    }

    fn load(&mut self, ctx: &mut Ctx<'_>, form: &mut Form) {
        match ctx.svc.business_date() {
            Ok(d) => {
                self.today = Some(d);
                if form.value(SIGNED).is_empty() {
                    form.set_value(SIGNED, &d.to_string());
                }
            }
            Err(e) => ctx.error(&e),
        }
    }

    fn notes(&self, tr: &Tr, form: &Form) -> Vec<(&'static str, Note)> {
        let mut notes = Vec::new();
        if let Err(e) = input::required(tr, form.value(CONTRACT)) {
            notes.push((CONTRACT, Note::Problem(e)));
        }
        let signed = match input::date(tr, form.value(SIGNED)) {
            Ok(d) if self.today.is_some_and(|t| d > t) => Note::Problem(tr.f(
                "proposal.after_today",
                &[("today", &self.today.map(|t| t.to_string()).unwrap_or_default())],
            )),
            Ok(_) => Note::Hint(tr.t("proposal.signed_hint").to_owned()),
            Err(e) => Note::Problem(e),
        };
        notes.push((SIGNED, signed));
        let documents = match input::yes(tr, form.value(DOCUMENTS)) {
            Ok(true) => Note::Hint(tr.t("proposal.documents_yes").to_owned()),
            Ok(false) => Note::Problem(tr.t("proposal.documents_needed").to_owned()),
            Err(e) => Note::Problem(e),
        };
        notes.push((DOCUMENTS, documents));
        notes
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>, form: &mut Form) -> Result<Done, ServiceError> {
        let tr = ctx.tr;
        let signed = input::date(tr, form.value(SIGNED)).unwrap_or_default();
        let checked = input::yes(tr, form.value(DOCUMENTS)).unwrap_or(false);
        let actor = ctx.login.actor.clone();
        let contract = form.value(CONTRACT).trim().to_owned();
        ctx.svc.propose_disbursement(&actor, self.project.id, &contract, signed, checked)?;
        let text =
            tr.f("proposal.done", &[("id", &self.project.id.to_string()), ("contract", &contract)]);
        ctx.message(Message::success(text));
        Ok(Done::Close)
    }

    fn field_of(&self, field: &str) -> Option<&'static str> {
        match field {
            "contract_no" => Some(CONTRACT),
            "signed_on" | "rate" => Some(SIGNED),
            "documents" => Some(DOCUMENTS),
            _ => None,
        }
    }

    fn side_width(&self, _area: Rect) -> u16 {
        48
    }

    fn draw_side(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>, _form: &Form) {
        let (tr, theme) = (view.tr, view.theme);
        let p = &self.project;
        let block = theme.block(false).title(format!(" {} ", tr.t("proposal.project")));
        let lines = labelled(
            tr,
            theme,
            vec![
                ("projects.borrower", p.borrower_name.clone()),
                ("projects.amount", grouped(p.amount)),
                ("projects.raised", grouped(p.raised)),
                ("projects.rate", format!("{}%", p.rate)),
                ("projects.term", p.term_months.to_string()),
                ("projects.method", wording::method(tr, &p.method).to_owned()),
                ("projects.grade", p.risk_grade.clone().unwrap_or_else(|| "-".into())),
                ("projects.status", wording::project_status(tr, &p.status).to_owned()),
            ],
        );
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}
