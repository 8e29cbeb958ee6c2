//! A department's menu of functions. The menus are data: a function with a screen opens it,
//! one without is listed as not available yet.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Row;

use super::accounts::AccountsScreen;
use super::audit_log::AuditScreen;
use super::borrowers::BorrowersScreen;
use super::daily::DailyScreen;
use super::entry::EntryScreen;
use super::investors::InvestorsScreen;
use super::loans::LoansScreen;
use super::portfolio::PortfolioScreen;
use super::projects::ProjectsScreen;
use super::repay::{RepaySpec, SettleSpec};
use super::settings::SettingsScreen;
use super::{Ctx, Screen, View};
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::{Dept, Tab};
use crate::tui::widgets::message::Message;
use crate::tui::widgets::table::{self, ListState};

/// One function of a department.
#[derive(Clone, Copy)]
pub struct MenuItem {
    /// Translation key of its name.
    pub label: &'static str,
    /// Makes its screen; `None` while the function is not built.
    pub open: Option<fn() -> Box<dyn Screen>>,
}

const fn soon(label: &'static str) -> MenuItem {
    MenuItem { label, open: None }
}

const fn item(label: &'static str, open: fn() -> Box<dyn Screen>) -> MenuItem {
    MenuItem { label, open: Some(open) }
}

fn accounts() -> Box<dyn Screen> {
    Box::new(AccountsScreen::new())
}

fn settings() -> Box<dyn Screen> {
    Box::new(SettingsScreen::new())
}

fn borrowers() -> Box<dyn Screen> {
    Box::new(BorrowersScreen::new())
}

fn investors() -> Box<dyn Screen> {
    Box::new(InvestorsScreen::new())
}

fn projects() -> Box<dyn Screen> {
    Box::new(ProjectsScreen::business("menu.business.projects", None))
}

fn bids() -> Box<dyn Screen> {
    Box::new(ProjectsScreen::business("menu.business.bids", Some("raising")))
}

fn proposals_to_make() -> Box<dyn Screen> {
    Box::new(ProjectsScreen::business("menu.business.disbursement", Some("full")))
}

fn review() -> Box<dyn Screen> {
    Box::new(ProjectsScreen::review())
}

fn overdue() -> Box<dyn Screen> {
    Box::new(LoansScreen::new(Dept::Risk, "menu.risk.overdue", Some("overdue")))
}

fn proposals_to_execute() -> Box<dyn Screen> {
    Box::new(ProjectsScreen::proposals())
}

fn repayment() -> Box<dyn Screen> {
    Box::new(EntryScreen::new(RepaySpec::new(None)))
}

fn settlement() -> Box<dyn Screen> {
    Box::new(EntryScreen::new(SettleSpec::new(None)))
}

fn loans() -> Box<dyn Screen> {
    Box::new(LoansScreen::new(Dept::Finance, "menu.finance.loans", None))
}

fn audit_trail() -> Box<dyn Screen> {
    Box::new(AuditScreen::default())
}

fn portfolio() -> Box<dyn Screen> {
    Box::new(PortfolioScreen::new())
}

fn daily() -> Box<dyn Screen> {
    Box::new(DailyScreen::new())
}

/// The functions of each department.
#[must_use]
pub fn menu(dept: Dept) -> Vec<MenuItem> {
    match dept {
        Dept::Business => vec![
            item("menu.business.borrowers", borrowers),
            item("menu.business.investors", investors),
            item("menu.business.projects", projects),
            item("menu.business.bids", bids),
            item("menu.business.disbursement", proposals_to_make),
        ],
        Dept::Risk => vec![
            item("menu.risk.review", review),
            item("menu.risk.overdue", overdue),
            soon("menu.risk.grades"),
        ],
        Dept::Finance => vec![
            item("menu.finance.disbursements", proposals_to_execute),
            item("menu.finance.repayment", repayment),
            item("menu.finance.settlement", settlement),
            item("menu.finance.loans", loans),
            soon("menu.finance.reconciliation"),
            soon("menu.finance.journal"),
            soon("menu.finance.withdrawals"),
        ],
        Dept::Hr => vec![
            item("menu.hr.accounts", accounts),
            soon("menu.hr.requests"),
            soon("menu.hr.handover"),
        ],
        Dept::Audit => vec![
            item("menu.audit.trail", audit_trail),
            item("menu.audit.portfolio", portfolio),
            soon("menu.audit.access"),
        ],
        Dept::Technology => vec![
            item("menu.technology.daily", daily),
            soon("menu.technology.sessions"),
            soon("menu.technology.backups"),
            soon("menu.technology.inspection"),
        ],
        Dept::Settings => vec![item("menu.settings.catalogue", settings)],
    }
}

/// The menu screen of one department.
pub struct DepartmentScreen {
    dept: Dept,
    items: Vec<MenuItem>,
    list: ListState,
}

impl DepartmentScreen {
    #[must_use]
    pub fn new(dept: Dept) -> DepartmentScreen {
        DepartmentScreen { dept, items: menu(dept), list: ListState::default() }
    }
}

impl Screen for DepartmentScreen {
    fn layer(&self) -> Layer {
        Layer::Department
    }

    fn tab(&self) -> Tab {
        Tab::Dept(self.dept)
    }

    fn title(&self, tr: &Tr) -> String {
        tr.t(self.dept.label()).to_owned()
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        let (len, page) = (self.items.len(), ctx.page());
        match action {
            Action::Up => self.list.step(-1, len, page),
            Action::Down => self.list.step(1, len, page),
            Action::Top => self.list.top(),
            Action::Bottom => self.list.bottom(len, page),
            Action::Open => match self.items.get(self.list.selected).and_then(|i| i.open) {
                Some(make) => ctx.push(make()),
                None => ctx.message(Message::info(ctx.tr.t("menu.not_yet"))),
            },
            _ => {}
        }
    }

    fn scroll(&mut self, lines: isize, ctx: &mut Ctx<'_>) {
        self.list.step(lines, self.items.len(), ctx.page());
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let block = theme.block(true).title(format!(" {} ", self.title(tr)));
        let header = Row::new(vec![tr.t("menu.function"), tr.t("menu.status")]);
        let widths = [Constraint::Length(24), Constraint::Fill(1)];
        let row = |i: usize| {
            let item = self.items[i];
            let (status, style) = if item.open.is_some() {
                (tr.t("menu.available"), theme.text)
            } else {
                (tr.t("menu.coming"), theme.muted)
            };
            Row::new(vec![tr.t(item.label), status]).style(style)
        };
        table::render(
            frame,
            area,
            block,
            header,
            &widths,
            self.items.len(),
            Some(self.list),
            theme,
            row,
        );
    }
}
