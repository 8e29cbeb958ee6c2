//! The session's life: started by a login, locked when idle or on request, unlocked by the same
//! user or taken over by another, ended by logout or by its maximum length.

use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::app::App;
use super::popup::Popup;
use super::screens::Screen;
use super::screens::home::HomeScreen;
use super::screens::lock::{LockScreen, LockStep};
use super::screens::login::LoginScreen;
use super::screens::password::PasswordScreen;
use super::widgets::message::Message;
use crate::service::identity::idle::{IdleLock, LockState};
use crate::service::identity::{Login, Policy};

/// A signed-in session.
pub(super) struct Session {
    pub login: Login,
    pub idle: IdleLock,
    pub business_date: Option<NaiveDate>,
    /// The lock screen, while locked.
    pub lock: Option<LockScreen>,
    /// The required password change, until done.
    pub password: Option<PasswordScreen>,
    /// Home at the bottom, the screen in front at the top.
    pub screens: Vec<Box<dyn Screen>>,
    pub popups: Vec<Popup>,
}

pub(super) enum Stage {
    Login(LoginScreen),
    Session(Box<Session>),
}

impl App {
    /// Returns false when the session has expired.
    pub(super) fn check_timers(&mut self, now: Instant) -> bool {
        let Stage::Session(s) = &mut self.stage else { return true };
        match s.idle.state(now) {
            LockState::Open => true,
            LockState::Locked => {
                if s.lock.is_none() {
                    self.engage_lock();
                }
                true
            }
            LockState::Expired => {
                self.end_session("session lifetime reached");
                self.message = Some(Message::warning(self.tr.t("session.expired")));
                false
            }
        }
    }

    pub(super) fn engage_lock(&mut self) {
        if let Stage::Session(s) = &mut self.stage {
            s.idle.lock();
            s.lock = Some(LockScreen::new(&s.login.actor.username));
            self.pending.clear();
            tracing::info!(user = %s.login.actor.username, "console locked");
        }
    }

    pub(super) fn after_lock(&mut self, step: LockStep) {
        match step {
            LockStep::Stay => {}
            LockStep::Resumed => {
                if let Stage::Session(s) = &mut self.stage {
                    s.lock = None;
                    s.idle.unlocked(self.now);
                    tracing::info!(user = %s.login.actor.username, "console unlocked");
                }
            }
            // The service has ended the first session; nothing of it may stay on screen.
            LockStep::Replaced(login) => self.start_session(*login),
            LockStep::Ended(text) => {
                self.stage = Stage::Login(LoginScreen::for_service(&self.svc));
                self.message = Some(Message::error(text));
            }
        }
    }

    pub(super) fn start_session(&mut self, login: Login) {
        let policy = self.svc.policy().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "security settings unreadable; defaults used");
            Policy::defaults()
        });
        let secs = |n: i64| Duration::from_secs(u64::try_from(n).unwrap_or(0));
        let idle = IdleLock::new(
            secs(policy.idle_lock_seconds),
            secs(policy.session_max_hours.saturating_mul(3600)),
            self.now,
        );
        let must_change = login.must_change_password;
        self.message =
            login.must_enrol_totp.then(|| Message::warning(self.tr.t("session.enrol_totp")));
        tracing::info!(user = %login.actor.username, session = login.session_id, "console session started");
        self.stage = Stage::Session(Box::new(Session {
            login,
            idle,
            business_date: self.svc.business_date().ok(),
            lock: None,
            password: must_change.then(PasswordScreen::new),
            screens: Vec::new(),
            popups: Vec::new(),
        }));
        self.pending.clear();
        if !must_change {
            self.open(Box::new(HomeScreen::new()));
        }
    }

    /// Logs the session out and returns to the login screen.
    pub(super) fn end_session(&mut self, reason: &str) {
        let old =
            std::mem::replace(&mut self.stage, Stage::Login(LoginScreen::for_service(&self.svc)));
        if let Stage::Session(s) = old
            && let Err(e) = self.svc.logout(&s.login.actor, s.login.session_id, reason)
        {
            tracing::warn!(error = %e, "logout not recorded");
        }
        self.pending.clear();
    }

    pub(super) fn session_mut(&mut self) -> Option<&mut Session> {
        match &mut self.stage {
            Stage::Session(s) => Some(s),
            Stage::Login(_) => None,
        }
    }
}
