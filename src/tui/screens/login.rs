//! The login screen: user name, password and, when the account has a second factor, its code.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use secrecy::SecretString;

use super::View;
use crate::service::Service;
use crate::service::identity::{Login, LoginError};
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::widgets::centered;
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::message::Message;
use crate::tui::wording;

const USER: &str = "login.user";
const PASSWORD: &str = "login.password";
const TOTP: &str = "login.totp";

/// What a key did on the login screen.
pub enum LoginStep {
    Stay(Option<Message>),
    LoggedIn(Box<Login>),
    Quit,
}

/// The login form.
pub struct LoginScreen {
    form: Form,
    /// A demo database's accounts and passwords (synthetic people only), shown beside the form;
    /// empty on a real database, which never stores a password.
    demo: Vec<crate::service::demo::DemoAccount>,
}

impl Default for LoginScreen {
    fn default() -> Self {
        LoginScreen::new()
    }
}

impl LoginScreen {
    #[must_use]
    pub fn new() -> LoginScreen {
        LoginScreen {
            form: Form::new(vec![(USER, TextField::plain()), (PASSWORD, TextField::masked())]),
            demo: Vec::new(),
        }
    }

    /// The login form, with the demo accounts when the database is a demo.
    #[must_use]
    pub fn for_service(svc: &Service) -> LoginScreen {
        let mut screen = LoginScreen::new();
        screen.demo = svc.demo_credentials().unwrap_or_default();
        screen
    }

    pub fn form(&mut self) -> &mut Form {
        &mut self.form
    }

    pub fn update(&mut self, action: Action, svc: &mut Service, tr: &Tr) -> LoginStep {
        match action {
            Action::Submit => self.submit(svc, tr),
            Action::NextField => {
                self.form.next();
                LoginStep::Stay(None)
            }
            Action::PrevField => {
                self.form.prev();
                LoginStep::Stay(None)
            }
            Action::Quit => LoginStep::Quit,
            _ => LoginStep::Stay(None),
        }
    }

    fn submit(&mut self, svc: &mut Service, tr: &Tr) -> LoginStep {
        let user = self.form.value(USER).trim().to_owned();
        if user.is_empty() {
            self.form.focus_on(USER);
            return LoginStep::Stay(Some(Message::warning(tr.t("login.need_user"))));
        }
        if self.form.focus() == 0 && self.form.value(PASSWORD).is_empty() {
            // Enter after the user name moves on to the password.
            self.form.next();
            return LoginStep::Stay(None);
        }
        let password = SecretString::from(self.form.value(PASSWORD).to_owned());
        let totp = self.form.has(TOTP).then(|| self.form.value(TOTP).trim().to_owned());
        match svc.login(&user, &password, totp.as_deref()) {
            Ok(login) => LoginStep::LoggedIn(Box::new(login)),
            Err(LoginError::TotpRequired) => {
                self.form.ensure(TOTP, TextField::plain());
                self.form.focus_on(TOTP);
                LoginStep::Stay(Some(Message::info(tr.t("login.totp_prompt"))))
            }
            Err(e) => {
                tracing::info!(user = %user, "console login refused");
                self.form.clear_secrets();
                LoginStep::Stay(Some(Message::error(wording::login(tr, &e))))
            }
        }
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let height = self.form.height() + 6;
        let (area, demo_area) = if self.demo.is_empty() {
            (area, None)
        } else {
            let rows = u16::try_from(self.demo.len()).unwrap_or(20) + 4;
            let [top, bottom] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(rows)]).areas(area);
            (top, Some(bottom))
        };
        if let Some(demo_area) = demo_area {
            self.draw_demo(frame, demo_area, view);
        }
        let rect = centered(area, 56, height);
        let block = view.theme.block(true).title(format!(" {} ", view.tr.t("login.title")));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let [intro, _, fields] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Fill(1)])
                .areas(inner.inner(ratatui::layout::Margin::new(2, 1)));
        frame.render_widget(
            Paragraph::new(Line::from(view.tr.t("login.intro"))).style(view.theme.muted),
            intro,
        );
        self.form.render(frame, fields, view.theme, view.tr, true);
    }

    fn draw_demo(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let rect = centered(area, 76, area.height);
        let block = view.theme.block(false).title(format!(" {} ", view.tr.t("login.demo_title")));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let pad = crate::tui::widgets::pad;
        let header = format!(
            "{} {} {}",
            pad(view.tr.t("login.user"), 14),
            pad(view.tr.t("login.password"), 18),
            view.tr.t("login.demo_role")
        );
        let mut lines = vec![Line::from(header).style(view.theme.muted)];
        for a in &self.demo {
            lines.push(Line::from(format!(
                "{} {} {}",
                pad(&a.user, 14),
                pad(&a.password, 18),
                a.role
            )));
        }
        frame.render_widget(Paragraph::new(lines), inner.inner(ratatui::layout::Margin::new(1, 0)));
    }
}
