//! The password change required at first login, after a reset, or when the password expired:
//! nothing else is reachable until it is done.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Paragraph, Wrap};
use secrecy::SecretString;

use super::View;
use crate::domain::password::{self, PasswordProblem};
use crate::service::identity::{Login, LoginError};
use crate::service::{Service, ServiceError};
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::widgets::centered;
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::message::Message;
use crate::tui::wording;

const OLD: &str = "password.old";
const NEW: &str = "password.new";
const AGAIN: &str = "password.again";
const TOTP: &str = "login.totp";

/// What a key did on the password change screen.
pub enum PasswordStep {
    Stay(Option<Message>),
    Changed,
    /// Give up: log out.
    Cancel,
}

/// The change form.
pub struct PasswordScreen {
    form: Form,
}

impl Default for PasswordScreen {
    fn default() -> Self {
        PasswordScreen::new()
    }
}

impl PasswordScreen {
    #[must_use]
    pub fn new() -> PasswordScreen {
        PasswordScreen {
            form: Form::new(vec![
                (OLD, TextField::masked()),
                (NEW, TextField::masked()),
                (AGAIN, TextField::masked()),
            ]),
        }
    }

    pub fn form(&mut self) -> &mut Form {
        &mut self.form
    }

    pub fn update(
        &mut self,
        action: Action,
        svc: &mut Service,
        login: &Login,
        tr: &Tr,
    ) -> PasswordStep {
        match action {
            Action::Submit if self.form.focus() + 1 < 3 && self.form.value(AGAIN).is_empty() => {
                self.form.next();
                PasswordStep::Stay(None)
            }
            Action::Submit => match self.submit(svc, login, tr) {
                Ok(()) => PasswordStep::Changed,
                Err(m) => PasswordStep::Stay(Some(m)),
            },
            Action::NextField => {
                self.form.next();
                PasswordStep::Stay(None)
            }
            Action::PrevField => {
                self.form.prev();
                PasswordStep::Stay(None)
            }
            Action::Cancel => PasswordStep::Cancel,
            _ => PasswordStep::Stay(None),
        }
    }

    fn submit(&mut self, svc: &mut Service, login: &Login, tr: &Tr) -> Result<(), Message> {
        let user = login.actor.username.clone();
        let (old, new) = (self.form.value(OLD), self.form.value(NEW));
        if new != self.form.value(AGAIN) {
            return Err(self.refuse(tr.t("password.mismatch")));
        }
        if old == new {
            return Err(self.refuse(tr.t("password.same")));
        }
        // The rules are checked here first so that their reasons read in the user's language.
        let min = svc.policy().map_or(12, |p| p.min_length);
        if let Err(p) = password::check(new, &user, min) {
            return Err(self.refuse(&wording::password(tr, &p)));
        }
        let old = SecretString::from(old.to_owned());
        let new = SecretString::from(new.to_owned());
        let totp = self.form.has(TOTP).then(|| self.form.value(TOTP).trim().to_owned());
        let history = svc.policy().map_or(4, |p| usize::try_from(p.history).unwrap_or(4));
        let reused = PasswordProblem::Reused(history);
        match svc.change_password(&user, &old, totp.as_deref(), &new) {
            Ok(()) => Ok(()),
            Err(LoginError::TotpRequired) => {
                self.form.ensure(TOTP, TextField::plain());
                self.form.focus_on(TOTP);
                Err(Message::info(tr.t("login.totp_prompt")))
            }
            // The history check needs the stored hashes, so only the service can make it.
            Err(LoginError::Service(ServiceError::Invalid { problem, .. }))
                if problem == reused.to_string() =>
            {
                Err(self.refuse(&wording::password(tr, &reused)))
            }
            Err(e) => Err(self.refuse(&wording::login(tr, &e))),
        }
    }

    fn refuse(&mut self, text: &str) -> Message {
        self.form.clear_secrets();
        Message::error(text)
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let rect = centered(area, 64, self.form.height() + 8);
        let block = view.theme.block(true).title(format!(" {} ", view.tr.t("password.title")));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let [intro, _, fields] =
            Layout::vertical([Constraint::Length(2), Constraint::Length(1), Constraint::Fill(1)])
                .areas(inner.inner(ratatui::layout::Margin::new(2, 1)));
        frame.render_widget(
            Paragraph::new(view.tr.t("password.intro"))
                .style(view.theme.muted)
                .wrap(Wrap { trim: true }),
            intro,
        );
        self.form.render(frame, fields, view.theme, view.tr, true);
    }
}
