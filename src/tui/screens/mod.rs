//! The screens of the console, one module each, and the contract between a screen and the
//! app.
//!
//! A console screen implements [`Screen`]: it names its keymap layer, loads its data in
//! [`Screen::load`] (through the service, into its own fields: a page in a `Vec`, never a live
//! statement), reacts to actions in [`Screen::update`], and draws from its fields alone. It
//! talks back to the app through [`Ctx`]: push or pop a screen, open a popup, show a message.
//!
//! To add a screen: write a module here implementing [`Screen`], give it a [`Layer`] with a
//! default key table in `keymap_defaults.rs` and its label keys in both locale files, and
//! reach it from a department menu in [`department`]. A screen that is a form implements
//! [`entry::Spec`] instead and runs as an [`entry::EntryScreen`]; a list read by key keeps a
//! [`Paged`](super::widgets::paged::Paged) and reads through [`listing`].
//!
//! The login, first-login password change and lock screens are not console screens: they run
//! before a session exists or above everything, and the app drives them directly.

pub mod account_detail;
pub mod accounts;
pub mod audit_log;
pub mod bid;
pub mod borrowers;
pub mod daily;
pub mod department;
pub mod entry;
pub mod home;
pub mod input;
pub mod investors;
pub mod listing;
pub mod loan_detail;
pub mod loans;
pub mod lock;
pub mod login;
pub mod password;
pub mod portfolio;
pub mod project_form;
pub mod projects;
pub mod proposal;
pub mod repay;
pub mod review;
pub mod settings;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::action::Action;
use super::i18n::Tr;
use super::keymap::{Keymaps, Layer};
use super::nav::Tab;
use super::popup::Popup;
use super::theme::Theme;
use super::widgets::form::Form;
use super::widgets::message::Message;
use super::wording;
use crate::service::identity::Login;
use crate::service::{Service, ServiceError};

/// What a screen asks of the app.
pub enum Effect {
    Push(Box<dyn Screen>),
    Pop,
    Popup(Popup),
    Message(Message),
    /// Load the screen in front again (after a change made from a popup).
    Reload,
    /// The business date moved (the daily job ran): the title row reads it again.
    DateChanged,
    /// End the session and leave.
    Quit,
}

/// What an update may use: the service, the signed-in account, the language and the size of
/// the body area (for page sizes).
pub struct Ctx<'a> {
    pub svc: &'a mut Service,
    pub login: &'a Login,
    pub tr: &'static Tr,
    pub body: Rect,
    pub(crate) effects: Vec<Effect>,
}

impl Ctx<'_> {
    pub fn push(&mut self, screen: Box<dyn Screen>) {
        self.effects.push(Effect::Push(screen));
    }

    pub fn pop(&mut self) {
        self.effects.push(Effect::Pop);
    }

    pub fn popup(&mut self, popup: Popup) {
        self.effects.push(Effect::Popup(popup));
    }

    pub fn message(&mut self, message: Message) {
        self.effects.push(Effect::Message(message));
    }

    pub fn reload(&mut self) {
        self.effects.push(Effect::Reload);
    }

    pub fn quit(&mut self) {
        self.effects.push(Effect::Quit);
    }

    pub fn date_changed(&mut self) {
        self.effects.push(Effect::DateChanged);
    }

    /// Shows a service error in the user's language.
    pub fn error(&mut self, e: &ServiceError) {
        let text = wording::service(self.tr, e);
        self.message(Message::error(text));
    }

    /// Rows of a table filling the body inside its border and header.
    #[must_use]
    pub fn page(&self) -> usize {
        usize::from(self.body.height.saturating_sub(3)).max(1)
    }
}

/// What drawing may use. Nothing here can change state or reach the database.
pub struct View<'a> {
    pub theme: &'a Theme,
    pub tr: &'a Tr,
    pub keymaps: &'a Keymaps,
}

/// A screen of the console's stack.
pub trait Screen {
    /// The keymap layer in force while the screen is in front.
    fn layer(&self) -> Layer;

    /// The tab highlighted while the screen is in front.
    fn tab(&self) -> Tab;

    /// The title of the screen's frame.
    fn title(&self, tr: &Tr) -> String;

    /// Fetches the screen's data; called when it is pushed and on [`Effect::Reload`].
    fn load(&mut self, _ctx: &mut Ctx<'_>) {}

    /// Acts on a key's action (global actions are handled by the app first).
    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>);

    /// The mouse wheel moved by `lines` (negative: up).
    fn scroll(&mut self, _lines: isize, _ctx: &mut Ctx<'_>) {}

    /// A form that takes typed and pasted text, for screens that have one.
    fn form(&mut self) -> Option<&mut Form> {
        None
    }

    /// Draws the screen into the body area.
    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>);
}
