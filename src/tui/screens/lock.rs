//! The lock screen. It covers the whole terminal (nothing of the session is drawn under it)
//! and takes every key until a password is given. The same user resumes his session; another
//! user's password ends it and starts his own.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Paragraph, Wrap};
use secrecy::SecretString;

use super::View;
use crate::service::identity::{Login, LoginError, Unlock};
use crate::service::{Service, ServiceError};
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::widgets::centered;
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::message::{self, Message};
use crate::tui::wording;

const USER: &str = "login.user";
const PASSWORD: &str = "login.password";
const TOTP: &str = "login.totp";

/// What a key did on the lock screen.
pub enum LockStep {
    Stay,
    Resumed,
    Replaced(Box<Login>),
    /// The session was ended meanwhile (by an administrator): log in again.
    Ended(String),
}

/// The lock screen's form and its own message line (the console's is hidden with the rest).
pub struct LockScreen {
    form: Form,
    message: Option<Message>,
}

impl LockScreen {
    /// A lock screen offering the current user's name.
    #[must_use]
    pub fn new(username: &str) -> LockScreen {
        let mut form = Form::new(vec![
            (USER, TextField::plain().with_value(username)),
            (PASSWORD, TextField::masked()),
        ]);
        form.focus_on(PASSWORD);
        LockScreen { form, message: None }
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
    ) -> LockStep {
        match action {
            Action::Submit => self.submit(svc, login, tr),
            Action::NextField => {
                self.form.next();
                LockStep::Stay
            }
            Action::PrevField => {
                self.form.prev();
                LockStep::Stay
            }
            _ => LockStep::Stay,
        }
    }

    fn submit(&mut self, svc: &mut Service, login: &Login, tr: &Tr) -> LockStep {
        let user = self.form.value(USER).trim().to_owned();
        let password = SecretString::from(self.form.value(PASSWORD).to_owned());
        let totp = self.form.has(TOTP).then(|| self.form.value(TOTP).trim().to_owned());
        match svc.unlock_console(login, &user, &password, totp.as_deref()) {
            Ok(Unlock::Resumed) => LockStep::Resumed,
            Ok(Unlock::Replaced(new)) => LockStep::Replaced(new),
            Err(LoginError::TotpRequired) => {
                self.form.ensure(TOTP, TextField::plain());
                self.form.focus_on(TOTP);
                self.message = Some(Message::info(tr.t("login.totp_prompt")));
                LockStep::Stay
            }
            Err(LoginError::Service(e @ ServiceError::Refused(_)))
                if user == login.actor.username =>
            {
                LockStep::Ended(wording::service(tr, &e))
            }
            Err(e) => {
                self.form.clear_secrets();
                self.message = Some(Message::error(wording::login(tr, &e)));
                LockStep::Stay
            }
        }
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        // Paint every cell first: nothing of the screen below may show through.
        frame.render_widget(Block::default().style(view.theme.lock_screen), area);
        let rect = centered(area, 60, self.form.height() + 9);
        let block = view
            .theme
            .block(true)
            .title(format!(" {} ", view.tr.t("lock.title")))
            .style(view.theme.lock_screen);
        let inner = block.inner(rect).inner(ratatui::layout::Margin::new(2, 1));
        frame.render_widget(block, rect);
        let [intro, _, fields, _, msg] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Length(self.form.height()),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(inner);
        frame.render_widget(
            Paragraph::new(view.tr.t("lock.intro"))
                .style(view.theme.lock_screen)
                .wrap(Wrap { trim: true }),
            intro,
        );
        self.form.render(frame, fields, view.theme, view.tr, true);
        message::render(frame, msg, self.message.as_ref(), view.theme);
    }
}
