//! A department's menu of functions. The menus are data: a function with a screen opens it,
//! one without is listed as not available yet.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Row;

use super::accounts::AccountsScreen;
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

fn accounts() -> Box<dyn Screen> {
    Box::new(AccountsScreen::new())
}

fn settings() -> Box<dyn Screen> {
    Box::new(SettingsScreen::new())
}

/// The functions of each department.
#[must_use]
pub fn menu(dept: Dept) -> Vec<MenuItem> {
    match dept {
        Dept::Business => vec![
            soon("menu.business.projects"),
            soon("menu.business.bids"),
            soon("menu.business.disbursement"),
        ],
        Dept::Risk => {
            vec![soon("menu.risk.review"), soon("menu.risk.grades"), soon("menu.risk.overdue")]
        }
        Dept::Finance => vec![
            soon("menu.finance.reconciliation"),
            soon("menu.finance.journal"),
            soon("menu.finance.withdrawals"),
        ],
        Dept::Hr => vec![
            MenuItem { label: "menu.hr.accounts", open: Some(accounts) },
            soon("menu.hr.requests"),
            soon("menu.hr.handover"),
        ],
        Dept::Audit => vec![soon("menu.audit.trail"), soon("menu.audit.access")],
        Dept::Technology => vec![
            soon("menu.technology.sessions"),
            soon("menu.technology.backups"),
            soon("menu.technology.inspection"),
        ],
        Dept::Settings => vec![MenuItem { label: "menu.settings.catalogue", open: Some(settings) }],
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
