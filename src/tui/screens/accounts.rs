//! HR → Accounts: every account with its permissions (the permission review), and the HR
//! actions on one: unlock, and reset the password after the HR clerk gives his own again.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Row;
use secrecy::SecretString;

use super::account_detail::AccountDetailScreen;
use super::{Ctx, Screen, View};
use crate::domain::access::{Level, Module};
use crate::service::ServiceError;
use crate::service::identity::{LoginError, ReviewRow};
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::{Dept, Tab};
use crate::tui::popup::{Popup, PromptOutcome};
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::message::Message;
use crate::tui::widgets::table::{self, ListState};
use crate::tui::wording::{self, module_label, role_label};

/// The accounts table.
#[derive(Default)]
pub struct AccountsScreen {
    rows: Vec<ReviewRow>,
    list: ListState,
}

impl AccountsScreen {
    #[must_use]
    pub fn new() -> AccountsScreen {
        AccountsScreen::default()
    }

    fn selected(&self) -> Option<&ReviewRow> {
        self.rows.get(self.list.selected)
    }
}

/// The account id behind a user name (the permission review carries names only).
pub(super) fn staff_id(ctx: &Ctx<'_>, user: &str) -> Result<i64, ServiceError> {
    ctx.svc.staff_id(user)
}

/// Asks for confirmation, then lifts the account's lockout.
pub(super) fn unlock(ctx: &mut Ctx<'_>, user: String) {
    let text = ctx.tr.f("accounts.unlock_confirm", &[("user", &user)]);
    ctx.popup(Popup::confirm(text, move |ctx| {
        let done = staff_id(ctx, &user).and_then(|id| {
            let actor = ctx.login.actor.clone();
            ctx.svc.unlock_account(&actor, id)
        });
        match done {
            Ok(()) => {
                ctx.message(Message::success(ctx.tr.f("accounts.unlocked", &[("user", &user)])));
                ctx.reload();
            }
            Err(e) => ctx.error(&e),
        }
    }));
}

/// Asks for the clerk's own password (step-up), then resets the account's password and shows
/// the one-time password once.
pub(super) fn reset_password(ctx: &mut Ctx<'_>, user: String) {
    let mut fields = vec![("stepup.password", TextField::masked())];
    if ctx.svc.profile(ctx.login.actor.id).is_ok_and(|p| p.second_factor) {
        fields.push(("login.totp", TextField::plain()));
    }
    let title = ctx.tr.f("stepup.title", &[("user", &user)]);
    ctx.popup(Popup::prompt(title, Form::new(fields), move |ctx, form| {
        let actor = ctx.login.actor.clone();
        let password = SecretString::from(form.value("stepup.password").to_owned());
        let totp = form.has("login.totp").then(|| form.value("login.totp").trim().to_owned());
        let proof = match ctx.svc.step_up(&actor, &password, totp.as_deref()) {
            Ok(p) => p,
            Err(e @ (LoginError::Invalid | LoginError::TotpInvalid | LoginError::TotpRequired)) => {
                form.clear_secrets();
                return PromptOutcome::Retry(wording::login(ctx.tr, &e));
            }
            Err(e) => {
                ctx.message(Message::error(wording::login(ctx.tr, &e)));
                return PromptOutcome::Close;
            }
        };
        match staff_id(ctx, &user).and_then(|id| ctx.svc.reset_password(&actor, &proof, id)) {
            Ok(secret) => ctx.popup(one_time_password(ctx.tr, &user, secret)),
            Err(e) => ctx.error(&e),
        }
        PromptOutcome::Close
    }));
}

fn one_time_password(tr: &Tr, user: &str, secret: SecretString) -> Popup {
    Popup::Notice {
        title: tr.t("reset.title").to_owned(),
        lines: vec![tr.f("reset.done", &[("user", user)]), tr.t("reset.once").to_owned()],
        secret: Some(secret),
    }
}

/// `人力资源 高级, 财务 普通`: the levels above none.
pub(super) fn levels_text(tr: &Tr, levels: &BTreeMap<Module, Level>) -> String {
    let parts: Vec<String> = levels
        .iter()
        .filter(|(_, l)| **l != Level::None)
        .map(|(m, l)| {
            let short =
                if *l == Level::Advanced { "level.short_advanced" } else { "level.short_ordinary" };
            format!("{} {}", tr.t(module_label(*m)), tr.t(short))
        })
        .collect();
    if parts.is_empty() { "-".into() } else { parts.join(", ") }
}

pub(super) fn yes_no(tr: &Tr, b: bool) -> &str {
    tr.t(if b { "common.yes" } else { "common.no" })
}

impl Screen for AccountsScreen {
    fn layer(&self) -> Layer {
        Layer::Accounts
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Hr)
    }

    fn title(&self, tr: &Tr) -> String {
        tr.t("menu.hr.accounts").to_owned()
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        match ctx.svc.permission_review() {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.error(&e),
        }
        self.list.clamp(self.rows.len());
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        let (len, page) = (self.rows.len(), ctx.page());
        let page_step = isize::try_from(page).unwrap_or(1);
        match action {
            Action::Up => self.list.step(-1, len, page),
            Action::Down => self.list.step(1, len, page),
            Action::PageUp => self.list.step(-page_step, len, page),
            Action::PageDown => self.list.step(page_step, len, page),
            Action::Top => self.list.top(),
            Action::Bottom => self.list.bottom(len, page),
            Action::Refresh => self.load(ctx),
            Action::Open => {
                if let Some(r) = self.selected() {
                    ctx.push(Box::new(AccountDetailScreen::new(r.clone())));
                }
            }
            Action::Unlock => {
                if let Some(r) = self.selected() {
                    unlock(ctx, r.user.clone());
                }
            }
            Action::ResetPassword => {
                if let Some(r) = self.selected() {
                    reset_password(ctx, r.user.clone());
                }
            }
            _ => {}
        }
    }

    fn scroll(&mut self, lines: isize, ctx: &mut Ctx<'_>) {
        self.list.step(lines, self.rows.len(), ctx.page());
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let block = theme.block(true).title(format!(" {} ", self.title(tr)));
        let header = Row::new(
            [
                "accounts.user",
                "accounts.name",
                "accounts.department",
                "accounts.role",
                "accounts.levels",
                "accounts.active",
                "accounts.bootstrap",
            ]
            .map(|k| tr.t(k)),
        );
        let widths = [
            Constraint::Length(12),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Fill(1),
            Constraint::Length(6),
            Constraint::Length(10),
        ];
        let row = |i: usize| {
            let r = &self.rows[i];
            let role = r.role.map_or("-", |role| tr.t(role_label(role)));
            Row::new(vec![
                r.user.clone(),
                r.name.clone(),
                wording::department(tr, &r.department).to_owned(),
                role.to_owned(),
                levels_text(tr, &r.levels),
                yes_no(tr, r.active).to_owned(),
                yes_no(tr, r.created_at_bootstrap).to_owned(),
            ])
            .style(if r.active { theme.text } else { theme.muted })
        };
        table::render(
            frame,
            area,
            block,
            header,
            &widths,
            self.rows.len(),
            Some(self.list),
            theme,
            row,
        );
    }
}
