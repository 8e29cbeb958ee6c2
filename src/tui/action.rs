//! What a key can ask the console to do. Keymaps bind keys to these; screens act on them.
//!
//! Each action has a stable name, used in the config file's `[keys.SCREEN]` tables, so renaming
//! a variant must keep its name.

use super::nav::Dept;

/// A command bound to a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Help,
    Lock,
    Back,
    GoHome,
    Go(Dept),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Submit,
    NextField,
    PrevField,
    Cancel,
    Confirm,
    Close,
    Flag,
    Refresh,
    Unlock,
    ResetPassword,
    Edit,
    New,
    Filter,
    SendForReview,
    Publish,
    Bid,
    Propose,
    Approve,
    Reject,
    Execute,
    Deposit,
    NextSection,
    PrevSection,
    Repay,
    Settle,
    RunDaily,
}

const SIMPLE: [(Action, &str); 38] = [
    (Action::Quit, "quit"),
    (Action::Help, "help"),
    (Action::Lock, "lock"),
    (Action::Back, "back"),
    (Action::GoHome, "go_home"),
    (Action::Up, "up"),
    (Action::Down, "down"),
    (Action::PageUp, "page_up"),
    (Action::PageDown, "page_down"),
    (Action::Top, "top"),
    (Action::Bottom, "bottom"),
    (Action::Open, "open"),
    (Action::Submit, "submit"),
    (Action::NextField, "next_field"),
    (Action::PrevField, "prev_field"),
    (Action::Cancel, "cancel"),
    (Action::Confirm, "confirm"),
    (Action::Close, "close"),
    (Action::Flag, "flag"),
    (Action::Refresh, "refresh"),
    (Action::Unlock, "unlock"),
    (Action::ResetPassword, "reset_password"),
    (Action::Edit, "edit"),
    (Action::New, "new"),
    (Action::Filter, "filter"),
    (Action::SendForReview, "send_for_review"),
    (Action::Publish, "publish"),
    (Action::Bid, "bid"),
    (Action::Propose, "propose"),
    (Action::Approve, "approve"),
    (Action::Reject, "reject"),
    (Action::Execute, "execute"),
    (Action::Deposit, "deposit"),
    (Action::NextSection, "next_section"),
    (Action::PrevSection, "prev_section"),
    (Action::Repay, "repay"),
    (Action::Settle, "settle"),
    (Action::RunDaily, "run_daily"),
];

impl Action {
    /// The name used in the config file.
    #[must_use]
    pub fn name(self) -> String {
        match self {
            Action::Go(d) => format!("go_{}", d.code()),
            other => SIMPLE
                .iter()
                .find(|(a, _)| *a == other)
                .map_or_else(String::new, |(_, n)| (*n).to_owned()),
        }
    }

    /// The action a config file names.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Action> {
        if let Some(code) = name.strip_prefix("go_")
            && let Some(d) = Dept::ALL.into_iter().find(|d| d.code() == code)
        {
            return Some(Action::Go(d));
        }
        SIMPLE.iter().find(|(_, n)| *n == name).map(|(a, _)| *a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let mut all: Vec<Action> = SIMPLE.iter().map(|(a, _)| *a).collect();
        all.extend(Dept::ALL.into_iter().map(Action::Go));
        for a in all {
            assert_eq!(Action::from_name(&a.name()), Some(a), "{a:?}");
        }
        assert_eq!(Action::from_name("go_home"), Some(Action::GoHome));
        assert_eq!(Action::from_name("nope"), None);
    }
}
