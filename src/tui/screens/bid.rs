//! Business → a bid at the counter on a raising project: the investor and the amount, with the
//! project's bidding terms and the investor's available balance beside them. The key that
//! makes a retried submission record once is made when the form opens, and a new one after
//! each bid recorded.

use std::sync::atomic::{AtomicU64, Ordering};

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use super::entry::{Done, Spec};
use super::{Ctx, View, input};
use crate::domain::Money;
use crate::domain::lending::{BidError, BidRules, Grade, check_bid};
use crate::domain::money::grouped;
use crate::service::ServiceError;
use crate::service::queries::{InvestorRow, ProjectRow};
use crate::tui::i18n::Tr;
use crate::tui::nav::{Dept, Tab};
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::{Form, Note};
use crate::tui::widgets::labelled;
use crate::tui::widgets::message::Message;

const INVESTOR: &str = "bid.investor";
const AMOUNT: &str = "bid.amount";

/// Keys made by this process, so two forms opened in the same instant differ.
static MADE: AtomicU64 = AtomicU64::new(0);

/// The bid form.
pub struct BidSpec {
    project: ProjectRow,
    key: String,
    /// The investor id looked up, and what was found.
    investor: Option<(String, Option<InvestorRow>)>,
}

impl BidSpec {
    #[must_use]
    pub fn new(project: ProjectRow) -> BidSpec {
        BidSpec { project, key: String::new(), investor: None }
    }

    fn new_key(&mut self, ctx: &Ctx<'_>) {
        let n = MADE.fetch_add(1, Ordering::Relaxed);
        let at = ctx.svc.now().timestamp_micros();
        self.key = format!("tui-{}-{}-{at:x}-{n}", ctx.login.actor.id, self.project.id);
    }

    fn rules(&self) -> BidRules {
        BidRules {
            min_bid: self.project.min_bid,
            step: self.project.bid_step,
            remaining: self.project.remaining(),
        }
    }

    fn found(&self, typed: &str) -> Option<&Option<InvestorRow>> {
        self.investor.as_ref().filter(|(t, _)| t == typed.trim()).map(|(_, i)| i)
    }
}

fn bid_problem(tr: &Tr, e: &BidError) -> String {
    match e {
        BidError::Full => tr.t("bid.full").to_owned(),
        BidError::OverRemaining(m) => tr.f("bid.over_remaining", &[("remaining", &grouped(*m))]),
        BidError::BelowMinimum(m) => tr.f("bid.below_min", &[("min", &grouped(*m))]),
        BidError::OffStep { min, step } => {
            tr.f("bid.off_step", &[("min", &grouped(*min)), ("step", &grouped(*step))])
        }
    }
}

impl Spec for BidSpec {
    fn title(&self, tr: &Tr) -> String {
        tr.f("bid.title", &[("id", &self.project.id.to_string()), ("title", &self.project.title)])
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Business)
    }

    fn form(&self) -> Form {
        Form::new(vec![(INVESTOR, TextField::plain()), (AMOUNT, TextField::plain())])
    }

    fn load(&mut self, ctx: &mut Ctx<'_>, _form: &mut Form) {
        if self.key.is_empty() {
            self.new_key(ctx);
        }
        match ctx.svc.project_row(&ctx.login.actor, self.project.id) {
            Ok(Some(p)) => self.project = p,
            Ok(None) => {}
            Err(e) => ctx.error(&e),
        }
    }

    fn lookup(&mut self, ctx: &mut Ctx<'_>, form: &Form) {
        let typed = form.value(INVESTOR).trim().to_owned();
        if self.found(&typed).is_some() {
            return;
        }
        let Ok(id) = input::id(ctx.tr, &typed) else {
            self.investor = None;
            return;
        };
        match ctx.svc.investor_row(&ctx.login.actor, id) {
            Ok(i) => self.investor = Some((typed, i)),
            Err(e) => ctx.error(&e),
        }
    }

    fn notes(&self, tr: &Tr, form: &Form) -> Vec<(&'static str, Note)> {
        let typed = form.value(INVESTOR);
        let found = self.found(typed);
        let investor =
            match (input::id(tr, typed), found) {
                (Err(e), _) => Note::Problem(e),
                (Ok(_), None) => Note::Hint(tr.t("bid.investor_hint").to_owned()),
                (Ok(id), Some(None)) => {
                    Note::Problem(tr.f("bid.no_investor", &[("id", &id.to_string())]))
                }
                (Ok(_), Some(Some(i))) => {
                    let grade = self.project.risk_grade.as_deref().unwrap_or("G");
                    let accepts = i
                        .risk_tolerance
                        .parse::<Grade>()
                        .ok()
                        .zip(grade.parse::<Grade>().ok())
                        .is_some_and(|(t, g)| t.accepts(g));
                    let facts = &[
                        ("name", i.name.as_str()),
                        ("tolerance", i.risk_tolerance.as_str()),
                        ("available", &grouped(i.available)),
                    ];
                    if accepts {
                        Note::Hint(tr.f("bid.investor_facts", facts))
                    } else {
                        Note::Problem(tr.f(
                            "bid.tolerance",
                            &[("tolerance", &i.risk_tolerance), ("grade", grade)],
                        ))
                    }
                }
            };
        let available = found.and_then(|i| i.as_ref()).map(|i| i.available);
        let amount = match input::money(tr, form.value(AMOUNT)) {
            Err(e) => Note::Problem(e),
            Ok(m) => match check_bid(m, self.rules()) {
                Err(e) => Note::Problem(bid_problem(tr, &e)),
                Ok(()) if available.is_some_and(|a| m > a) => Note::Problem(tr.f(
                    "bid.over_balance",
                    &[("available", &grouped(available.unwrap_or(Money::ZERO)))],
                )),
                Ok(()) => Note::Hint(grouped(m)),
            },
        };
        vec![(INVESTOR, investor), (AMOUNT, amount)]
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>, form: &mut Form) -> Result<Done, ServiceError> {
        let investor = input::id(ctx.tr, form.value(INVESTOR)).unwrap_or_default();
        let amount = input::money(ctx.tr, form.value(AMOUNT)).unwrap_or_default();
        let actor = ctx.login.actor.clone();
        let out = ctx.svc.place_bid(&actor, self.project.id, investor, amount, &self.key)?;
        let tr = ctx.tr;
        let args = [
            ("id", investor.to_string()),
            ("amount", grouped(amount)),
            ("bid", out.bid_id.to_string()),
        ];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let text = if out.replay {
            tr.f("bid.replay", &args)
        } else if out.full {
            tr.f("bid.placed_full", &args)
        } else {
            tr.f("bid.placed", &args)
        };
        ctx.message(Message::success(text));
        if out.full {
            return Ok(Done::Close);
        }
        // Ready for the next bid: a new key, the fields empty, the project read again.
        self.new_key(ctx);
        form.set_value(INVESTOR, "");
        form.set_value(AMOUNT, "");
        form.focus_on(INVESTOR);
        self.investor = None;
        self.load(ctx, form);
        Ok(Done::Stay)
    }

    fn empty_hint(&self, tr: &Tr, label: &str) -> Option<String> {
        (label == INVESTOR).then(|| tr.t("bid.investor_hint").to_owned())
    }

    fn field_of(&self, field: &str) -> Option<&'static str> {
        match field {
            "investor" => Some(INVESTOR),
            "amount" => Some(AMOUNT),
            _ => None,
        }
    }

    fn side_width(&self, _area: Rect) -> u16 {
        48
    }

    fn draw_side(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>, _form: &Form) {
        let (tr, theme) = (view.tr, view.theme);
        let p = &self.project;
        let block = theme.block(false).title(format!(" {} ", tr.t("bid.terms")));
        let lines = labelled(
            tr,
            theme,
            vec![
                ("projects.amount", grouped(p.amount)),
                ("bid.min_bid", grouped(p.min_bid)),
                ("bid.step", grouped(p.bid_step)),
                ("bid.remaining", grouped(p.remaining())),
                ("bid.deadline", p.raise_deadline.clone().unwrap_or_else(|| "-".into())),
                ("projects.grade", p.risk_grade.clone().unwrap_or_else(|| "-".into())),
                ("bid.key", self.key.clone()),
            ],
        );
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}
