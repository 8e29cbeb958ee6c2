//! The departments of the console and who sees which. The tab bar's geometry is a pure function
//! here, so drawing and mouse hit-testing cannot disagree about where a tab is.

use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

use super::i18n::Tr;
use crate::service::{Actor, Level, Module};

/// A department of the console, in the order of its number key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dept {
    Business,
    Risk,
    Finance,
    Hr,
    Audit,
    Technology,
    Settings,
}

impl Dept {
    pub const ALL: [Dept; 7] = [
        Dept::Business,
        Dept::Risk,
        Dept::Finance,
        Dept::Hr,
        Dept::Audit,
        Dept::Technology,
        Dept::Settings,
    ];

    /// The name in config files and action names.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Dept::Business => "business",
            Dept::Risk => "risk",
            Dept::Finance => "finance",
            Dept::Hr => "hr",
            Dept::Audit => "audit",
            Dept::Technology => "technology",
            Dept::Settings => "settings",
        }
    }

    /// The translation key of its name.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Dept::Business => "dept.business",
            Dept::Risk => "dept.risk",
            Dept::Finance => "dept.finance",
            Dept::Hr => "dept.hr",
            Dept::Audit => "dept.audit",
            Dept::Technology => "dept.technology",
            Dept::Settings => "dept.settings",
        }
    }

    /// Its number key, 1 to 7.
    #[must_use]
    pub fn number(self) -> usize {
        Dept::ALL.iter().position(|d| *d == self).map_or(0, |i| i + 1)
    }

    /// The permission module behind it.
    #[must_use]
    pub const fn module(self) -> Module {
        match self {
            Dept::Business => Module::Business,
            Dept::Risk => Module::Risk,
            Dept::Finance => Module::Finance,
            Dept::Hr => Module::Hr,
            Dept::Audit => Module::Audit,
            Dept::Technology => Module::Ops,
            Dept::Settings => Module::Admin,
        }
    }

    /// Whether the actor may open it: an ordinary level in its module, or for Settings the
    /// advanced level or one of the administrator roles.
    #[must_use]
    pub fn allowed(self, actor: &Actor) -> bool {
        match self {
            Dept::Settings => actor.level(Module::Admin) >= Level::Advanced || actor.role.is_some(),
            d => actor.level(d.module()) >= Level::Ordinary,
        }
    }
}

/// One tab of the tab bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Home,
    Dept(Dept),
}

impl Tab {
    fn caption(self, tr: &Tr) -> String {
        match self {
            Tab::Home => format!(" 0 {} ", tr.t("nav.home")),
            Tab::Dept(d) => format!(" {} {} ", d.number(), tr.t(d.label())),
        }
    }
}

/// The tabs an actor sees: home, then the departments he may open.
#[must_use]
pub fn tabs(actor: &Actor) -> Vec<Tab> {
    let mut out = vec![Tab::Home];
    out.extend(Dept::ALL.into_iter().filter(|d| d.allowed(actor)).map(Tab::Dept));
    out
}

/// Where each tab is drawn inside `bar`, with its caption. Tabs that do not fit are left out.
#[must_use]
pub fn tab_layout(bar: Rect, tabs: &[Tab], tr: &Tr) -> Vec<(Rect, Tab, String)> {
    let mut out = Vec::new();
    let mut x = bar.x;
    let right = bar.x.saturating_add(bar.width);
    for tab in tabs {
        let caption = tab.caption(tr);
        let w = u16::try_from(caption.width()).unwrap_or(u16::MAX);
        if x.saturating_add(w) > right || bar.height == 0 {
            break;
        }
        out.push((Rect::new(x, bar.y, w, 1), *tab, caption));
        x = x.saturating_add(w + 1);
    }
    out
}
