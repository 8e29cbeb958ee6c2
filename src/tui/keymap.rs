//! Keymaps are data: one table of `{key, action, label}` per layer. The same table dispatches
//! keys, draws the footer hint bar and fills the `?` help overlay, so the three cannot drift.
//!
//! A screen sees the union of its layers (the accounts table sees `accounts`, `list` and
//! `global`). The config file may rebind any action of a layer (`[keys.home] flag = "x"`);
//! the result is checked as a whole: a key bound to two actions in one screen, a key that is
//! also the start of a chord, and a plain character on a screen where people type are errors
//! at start, each naming the screen, the key and the actions.

use std::collections::BTreeMap;
use std::fmt;

use super::action::Action;
use super::event::{KeyPress, KeySeq};
use crate::config::KeySpec;

/// A table of bindings; screens combine several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    Global,
    List,
    Login,
    PasswordChange,
    Lock,
    Home,
    Department,
    Accounts,
    AccountDetail,
    Settings,
    Borrowers,
    Investors,
    Projects,
    ReviewQueue,
    Review,
    Proposals,
    Loans,
    LoanDetail,
    AuditLog,
    Portfolio,
    Daily,
    /// A screen that is a form: borrower, investor, project, bid, proposal, repayment …
    Entry,
    Confirm,
    Prompt,
    Notice,
    Help,
}

impl Layer {
    pub const ALL: [Layer; 26] = [
        Layer::Global,
        Layer::List,
        Layer::Login,
        Layer::PasswordChange,
        Layer::Lock,
        Layer::Home,
        Layer::Department,
        Layer::Accounts,
        Layer::AccountDetail,
        Layer::Settings,
        Layer::Borrowers,
        Layer::Investors,
        Layer::Projects,
        Layer::ReviewQueue,
        Layer::Review,
        Layer::Proposals,
        Layer::Loans,
        Layer::LoanDetail,
        Layer::AuditLog,
        Layer::Portfolio,
        Layer::Daily,
        Layer::Entry,
        Layer::Confirm,
        Layer::Prompt,
        Layer::Notice,
        Layer::Help,
    ];

    /// The name in the config file's `[keys.NAME]`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Layer::Global => "global",
            Layer::List => "list",
            Layer::Login => "login",
            Layer::PasswordChange => "password_change",
            Layer::Lock => "lock",
            Layer::Home => "home",
            Layer::Department => "department",
            Layer::Accounts => "accounts",
            Layer::AccountDetail => "account_detail",
            Layer::Settings => "settings",
            Layer::Borrowers => "borrowers",
            Layer::Investors => "investors",
            Layer::Projects => "projects",
            Layer::ReviewQueue => "review_queue",
            Layer::Review => "review",
            Layer::Proposals => "proposals",
            Layer::Loans => "loans",
            Layer::LoanDetail => "loan_detail",
            Layer::AuditLog => "audit_log",
            Layer::Portfolio => "portfolio",
            Layer::Daily => "daily",
            Layer::Entry => "entry",
            Layer::Confirm => "confirm",
            Layer::Prompt => "prompt",
            Layer::Notice => "notice",
            Layer::Help => "help",
        }
    }

    /// The layers a screen of this kind sees, most specific first.
    #[must_use]
    pub fn stack(self) -> Vec<Layer> {
        match self {
            Layer::Home | Layer::AccountDetail | Layer::Portfolio => vec![self, Layer::Global],
            Layer::Department
            | Layer::Accounts
            | Layer::Settings
            | Layer::Borrowers
            | Layer::Investors
            | Layer::Projects
            | Layer::ReviewQueue
            | Layer::Review
            | Layer::Proposals
            | Layer::Loans
            | Layer::LoanDetail
            | Layer::AuditLog
            | Layer::Daily => vec![self, Layer::List, Layer::Global],
            other => vec![other],
        }
    }

    /// Screens where plain characters go into a text field.
    #[must_use]
    pub const fn types_text(self) -> bool {
        matches!(
            self,
            Layer::Login | Layer::PasswordChange | Layer::Lock | Layer::Prompt | Layer::Entry
        )
    }
}

/// One entry of a keymap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub keys: KeySeq,
    pub action: Action,
    /// Translation key of the description.
    pub label: &'static str,
    /// Shown in the footer hint bar (all entries are in the help overlay).
    pub footer: bool,
}

/// An action with every key bound to it, for the help overlay and the footer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub action: Action,
    pub label: &'static str,
    pub keys: Vec<KeySeq>,
    pub footer: bool,
}

/// Why the keymaps cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum KeymapError {
    UnknownScreen(String),
    UnknownAction { screen: String, action: String },
    BadKey { screen: String, action: String, problem: String },
    Conflict { screen: &'static str, key: String, first: String, second: String },
    BlocksTyping { screen: &'static str, key: String, action: String },
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeymapError::UnknownScreen(s) => write!(
                f,
                "keys.{s}: there is no such screen (one of {})",
                Layer::ALL.map(Layer::name).join(", ")
            ),
            KeymapError::UnknownAction { screen, action } => {
                write!(f, "keys.{screen}.{action}: the screen has no action \"{action}\"")
            }
            KeymapError::BadKey { screen, action, problem } => {
                write!(f, "keys.{screen}.{action}: {problem}")
            }
            KeymapError::Conflict { screen, key, first, second } => write!(
                f,
                "keys: in screen \"{screen}\" the key \"{key}\" is bound to both \"{first}\" and \"{second}\""
            ),
            KeymapError::BlocksTyping { screen, key, action } => write!(
                f,
                "keys.{screen}.{action}: \"{key}\" would stop people typing it into a field; use a key with Ctrl or Alt"
            ),
        }
    }
}

impl std::error::Error for KeymapError {}

/// The outcome of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolved {
    Action(Action),
    /// The key starts a chord: wait for the next one.
    Pending,
    Unbound,
}

/// All keymaps in force.
#[derive(Clone, Debug)]
pub struct Keymaps {
    layers: BTreeMap<Layer, Vec<Binding>>,
}

impl Keymaps {
    /// The built-in keymaps.
    #[must_use]
    pub fn defaults() -> Keymaps {
        let layers = Layer::ALL.into_iter().map(|l| (l, super::keymap_defaults::of(l))).collect();
        Keymaps { layers }
    }

    /// The defaults with the config file's overrides, checked.
    pub fn load(
        overrides: &BTreeMap<String, BTreeMap<String, KeySpec>>,
    ) -> Result<Keymaps, KeymapError> {
        let mut maps = Keymaps::defaults();
        for (screen, actions) in overrides {
            let layer = Layer::ALL
                .into_iter()
                .find(|l| l.name() == screen)
                .ok_or_else(|| KeymapError::UnknownScreen(screen.clone()))?;
            for (name, spec) in actions {
                maps.rebind(layer, name, spec)?;
            }
        }
        maps.check()?;
        Ok(maps)
    }

    fn rebind(&mut self, layer: Layer, name: &str, spec: &KeySpec) -> Result<(), KeymapError> {
        let unknown = || KeymapError::UnknownAction {
            screen: layer.name().to_owned(),
            action: name.to_owned(),
        };
        let action = Action::from_name(name).ok_or_else(unknown)?;
        let bindings = self.layers.entry(layer).or_default();
        let at = bindings.iter().position(|b| b.action == action).ok_or_else(unknown)?;
        let (label, footer) = (bindings[at].label, bindings[at].footer);
        let mut new = Vec::new();
        for key in spec.keys() {
            let keys = KeySeq::parse(key).map_err(|problem| KeymapError::BadKey {
                screen: layer.name().to_owned(),
                action: name.to_owned(),
                problem,
            })?;
            new.push(Binding { keys, action, label, footer });
        }
        bindings.retain(|b| b.action != action);
        let at = at.min(bindings.len());
        bindings.splice(at..at, new);
        Ok(())
    }

    /// Checks every screen for clashes.
    pub fn check(&self) -> Result<(), KeymapError> {
        for screen in Layer::ALL {
            let all = self.bindings(screen);
            for (i, a) in all.iter().enumerate() {
                if screen.types_text() && a.keys.0.first().is_some_and(KeyPress::is_typing) {
                    return Err(KeymapError::BlocksTyping {
                        screen: screen.name(),
                        key: a.keys.to_string(),
                        action: a.action.name(),
                    });
                }
                for b in &all[i + 1..] {
                    let clash = a.action != b.action
                        && (a.keys == b.keys
                            || a.keys.extends(&b.keys.0)
                            || b.keys.extends(&a.keys.0));
                    if clash {
                        let key = if a.keys.0.len() <= b.keys.0.len() { &a.keys } else { &b.keys };
                        return Err(KeymapError::Conflict {
                            screen: screen.name(),
                            key: key.to_string(),
                            first: a.action.name(),
                            second: b.action.name(),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// Every binding a screen sees, most specific layer first.
    #[must_use]
    pub fn bindings(&self, screen: Layer) -> Vec<&Binding> {
        screen.stack().into_iter().flat_map(|l| self.layers.get(&l).into_iter().flatten()).collect()
    }

    /// The screen's actions with their keys, in table order: the help overlay shows exactly
    /// these.
    #[must_use]
    pub fn entries(&self, screen: Layer) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for b in self.bindings(screen) {
            match out.iter_mut().find(|e| e.action == b.action) {
                Some(e) => e.keys.push(b.keys.clone()),
                None => out.push(Entry {
                    action: b.action,
                    label: b.label,
                    keys: vec![b.keys.clone()],
                    footer: b.footer,
                }),
            }
        }
        out
    }

    /// What `pending` followed by `key` does on a screen.
    #[must_use]
    pub fn resolve(&self, screen: Layer, pending: &[KeyPress], key: KeyPress) -> Resolved {
        let mut seq = pending.to_vec();
        seq.push(key);
        let all = self.bindings(screen);
        if let Some(b) = all.iter().find(|b| b.keys.0 == seq) {
            return Resolved::Action(b.action);
        }
        if all.iter().any(|b| b.keys.extends(&seq)) {
            return Resolved::Pending;
        }
        Resolved::Unbound
    }

    /// The first key of an action on a screen, for hints such as "press ? for help".
    #[must_use]
    pub fn key_for(&self, screen: Layer, action: Action) -> Option<String> {
        self.bindings(screen).into_iter().find(|b| b.action == action).map(|b| b.keys.to_string())
    }
}
