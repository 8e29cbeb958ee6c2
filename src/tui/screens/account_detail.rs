//! One account in full, from the permission review, with the lockout state.

use ratatui::Frame;
use ratatui::layout::Rect;

use ratatui::widgets::Paragraph;

use super::accounts::{levels_text, reset_password, unlock, yes_no};
use super::{Ctx, Screen, View};
use crate::service::ServiceError;
use crate::service::identity::ReviewRow;
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::{Dept, Tab};
use crate::tui::widgets::labelled;
use crate::tui::wording::{self, role_label};

/// The detail screen.
pub struct AccountDetailScreen {
    row: ReviewRow,
    /// Locked until (UTC), read at load.
    locked_until: Option<String>,
    failed_logins: i64,
}

impl AccountDetailScreen {
    #[must_use]
    pub fn new(row: ReviewRow) -> AccountDetailScreen {
        AccountDetailScreen { row, locked_until: None, failed_logins: 0 }
    }
}

impl Screen for AccountDetailScreen {
    fn layer(&self) -> Layer {
        Layer::AccountDetail
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Hr)
    }

    fn title(&self, tr: &Tr) -> String {
        tr.f("detail.title", &[("user", &self.row.user)])
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        // The lockout is not part of the permission review: read on its own.
        match ctx.svc.lock_info(&self.row.user) {
            Ok(s) => {
                self.locked_until = s.locked_until;
                self.failed_logins = s.failed_logins;
                self.row.active = s.active;
            }
            Err(ServiceError::NotFound(_)) => {}
            Err(e) => ctx.error(&e),
        }
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        match action {
            Action::Unlock => unlock(ctx, self.row.user.clone()),
            Action::ResetPassword => reset_password(ctx, self.row.user.clone()),
            _ => {}
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let r = &self.row;
        let locked = match &self.locked_until {
            Some(t) => tr.f("detail.locked_until", &[("until", t)]),
            None => tr.t("detail.not_locked").to_owned(),
        };
        let role = r.role.map_or("-".into(), |x| tr.t(role_label(x)).to_owned());
        let lines = labelled(
            tr,
            theme,
            vec![
                ("accounts.user", r.user.clone()),
                ("accounts.name", r.name.clone()),
                ("accounts.department", wording::department(tr, &r.department).to_owned()),
                ("accounts.role", role),
                ("accounts.levels", levels_text(tr, &r.levels)),
                ("accounts.active", yes_no(tr, r.active).to_owned()),
                ("accounts.bootstrap", yes_no(tr, r.created_at_bootstrap).to_owned()),
                ("detail.last_login", r.last_login.clone().unwrap_or_else(|| "-".into())),
                ("detail.lock", locked),
                ("detail.failed_logins", self.failed_logins.to_string()),
            ],
        );
        let block = theme.block(true).title(format!(" {} ", self.title(tr)));
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}
