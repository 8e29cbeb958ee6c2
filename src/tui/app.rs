//! The console's state and its update. Events come in with the time they happened
//! ([`App::handle`], [`App::tick`]); keys become actions through the keymap of the screen in
//! front; screens and popups act through the service and keep what they fetched. The session's
//! life is in `session.rs`, the screen and popup stacks in `console.rs`; drawing (`view.rs`)
//! only reads this state.
//!
//! The clock is passed in, never read here, so tests drive the idle lock and the session
//! lifetime by hand.

use std::time::Instant;

use ratatui::crossterm::event::{Event, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::event::KeyPress;
use super::i18n::{Locale, Tr};
use super::keymap::{Keymaps, Layer, Resolved};
use super::nav::{self, Tab};
use super::screens::home::HomeScreen;
use super::screens::login::{LoginScreen, LoginStep};
use super::screens::password::PasswordStep;
use super::session::Stage;
use super::theme::Theme;
use super::view;
use super::widgets::form::Form;
use super::widgets::message::Message;
use crate::config::ConfigFile;
use crate::service::Service;

/// How far one wheel notch scrolls a list.
const WHEEL_LINES: isize = 3;

/// What the console is configured with.
pub struct Options {
    pub locale: Locale,
    pub theme: Theme,
    pub keymaps: Keymaps,
}

impl Options {
    /// Reads language, theme and key overrides from the config file; any problem is reported
    /// before the terminal is taken over.
    pub fn from_config(cfg: &ConfigFile) -> Result<Options, String> {
        let locale = cfg.language.as_deref().map_or(Ok(Locale::ZhCn), Locale::parse)?;
        let theme = Theme::named(cfg.theme.as_deref())?;
        let keymaps = Keymaps::load(&cfg.keys).map_err(|e| e.to_string())?;
        Ok(Options { locale, theme, keymaps })
    }
}

/// The console.
pub struct App {
    pub(super) svc: Service,
    pub(super) tr: &'static Tr,
    pub(super) theme: Theme,
    pub(super) keymaps: Keymaps,
    pub(super) stage: Stage,
    pub(super) size: Rect,
    pub(super) message: Option<Message>,
    /// The first key of a chord in progress.
    pub(super) pending: Vec<KeyPress>,
    pub(super) now: Instant,
    pub(super) quit: bool,
}

impl App {
    #[must_use]
    pub fn new(svc: Service, options: Options, now: Instant) -> App {
        let login = LoginScreen::for_service(&svc);
        App {
            svc,
            tr: Tr::of(options.locale),
            theme: options.theme,
            keymaps: options.keymaps,
            stage: Stage::Login(login),
            size: Rect::new(0, 0, view::MIN_WIDTH, view::MIN_HEIGHT),
            message: None,
            pending: Vec::new(),
            now,
            quit: false,
        }
    }

    #[must_use]
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Whether the lock screen is up.
    #[must_use]
    pub fn is_locked(&self) -> bool {
        matches!(&self.stage, Stage::Session(s) if s.lock.is_some())
    }

    /// The keymap layer of what is in front (the help overlay lists its entries).
    #[must_use]
    pub fn front_layer(&self) -> Layer {
        match &self.stage {
            Stage::Login(_) => Layer::Login,
            Stage::Session(s) if s.lock.is_some() => Layer::Lock,
            Stage::Session(s) if s.password.is_some() => Layer::PasswordChange,
            Stage::Session(s) => match s.popups.last() {
                Some(p) => p.layer(),
                None => s.screens.last().map_or(Layer::Home, |x| x.layer()),
            },
        }
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = Rect::new(0, 0, width, height);
    }

    /// One terminal event at `now`.
    pub fn handle(&mut self, event: &Event, now: Instant) {
        self.now = now;
        match event {
            Event::Resize(w, h) => return self.resize(*w, *h),
            Event::Key(_) | Event::Mouse(_) | Event::Paste(_) => {}
            _ => return,
        }
        // The timers are checked before the input counts as activity: a key pressed after the
        // idle time lands on the lock screen, it does not keep the session open.
        if !self.check_timers(now) {
            return;
        }
        if let Stage::Session(s) = &mut self.stage {
            s.idle.input(now);
        }
        match event {
            Event::Key(k) => self.key(k),
            Event::Mouse(m) => self.mouse(*m),
            Event::Paste(text) => {
                if let Some(form) = self.front_form() {
                    form.paste(text);
                }
            }
            _ => {}
        }
    }

    /// Time passed without input: lock or end the session when due. Called before drawing.
    pub fn tick(&mut self, now: Instant) {
        self.now = now;
        self.check_timers(now);
    }

    /// Ends the session, if one is open (the console is closing).
    pub fn shutdown(&mut self) {
        self.end_session("console closed");
    }

    fn key(&mut self, k: &KeyEvent) {
        let Some(press) = KeyPress::from_event(k) else { return };
        match self.keymaps.resolve(self.front_layer(), &self.pending, press) {
            Resolved::Pending => self.pending.push(press),
            Resolved::Action(a) => {
                self.pending.clear();
                self.act(a);
            }
            Resolved::Unbound => {
                // A key that broke a chord is dropped rather than typed.
                let chord = !std::mem::take(&mut self.pending).is_empty();
                if !chord && let Some(form) = self.front_form() {
                    form.edit(k);
                }
            }
        }
    }

    fn front_form(&mut self) -> Option<&mut Form> {
        match &mut self.stage {
            Stage::Login(l) => Some(l.form()),
            Stage::Session(s) => {
                if let Some(lock) = &mut s.lock {
                    Some(lock.form())
                } else if let Some(p) = &mut s.password {
                    Some(p.form())
                } else if let Some(p) = s.popups.last_mut() {
                    p.form()
                } else {
                    s.screens.last_mut().and_then(|x| x.form())
                }
            }
        }
    }

    fn act(&mut self, a: Action) {
        let (svc, tr) = (&mut self.svc, self.tr);
        match &mut self.stage {
            Stage::Login(l) => match l.update(a, svc, tr) {
                LoginStep::Stay(m) => self.message = m.or(self.message.take()),
                LoginStep::LoggedIn(login) => self.start_session(*login),
                LoginStep::Quit => self.quit = true,
            },
            Stage::Session(s) => {
                if let Some(lock) = &mut s.lock {
                    let step = lock.update(a, svc, &s.login, tr);
                    self.after_lock(step);
                } else if let Some(p) = &mut s.password {
                    match p.update(a, svc, &s.login, tr) {
                        PasswordStep::Stay(m) => self.message = m,
                        PasswordStep::Changed => {
                            s.password = None;
                            self.message = Some(Message::success(tr.t("password.changed")));
                            self.open(Box::new(HomeScreen::new()));
                        }
                        PasswordStep::Cancel => self.end_session("password change abandoned"),
                    }
                } else if s.popups.is_empty() {
                    self.message = None;
                    self.console_action(a);
                } else {
                    self.message = None;
                    self.popup_action(a);
                }
            }
        }
    }

    fn mouse(&mut self, m: MouseEvent) {
        let tr = self.tr;
        let size = self.size;
        let Some(s) = self.session_mut() else { return };
        if s.lock.is_some() || s.password.is_some() || !s.popups.is_empty() {
            return;
        }
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                let tabs = nav::tabs(&s.login.actor);
                let at = Position::new(m.column, m.row);
                let hit = nav::tab_layout(view::tab_bar(size), &tabs, tr)
                    .into_iter()
                    .find(|(r, ..)| r.contains(at))
                    .map(|(_, tab, _)| tab);
                self.pending.clear();
                match hit {
                    Some(Tab::Home) => self.act(Action::GoHome),
                    Some(Tab::Dept(d)) => self.act(Action::Go(d)),
                    None => {}
                }
            }
            MouseEventKind::ScrollUp => {
                self.with_top_screen(|screen, ctx| screen.scroll(-WHEEL_LINES, ctx));
            }
            MouseEventKind::ScrollDown => {
                self.with_top_screen(|screen, ctx| screen.scroll(WHEEL_LINES, ctx));
            }
            _ => {}
        }
    }
}
