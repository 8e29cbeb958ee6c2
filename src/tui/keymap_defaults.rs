//! The built-in key tables, one per layer: `(key, action, label key, in the footer)`.
//!
//! Defaults avoid keys that terminals and tmux take for themselves (Ctrl-h/j/k/l chords,
//! Ctrl-s/q flow control, Ctrl-z suspend). Locking has a second key, F12, for terminals where
//! Ctrl-l is taken.

use super::action::Action;
use super::event::KeySeq;
use super::keymap::{Binding, Layer};
use super::nav::Dept;

type Row = (&'static str, Action, &'static str, bool);

const GLOBAL: &[Row] = &[
    ("?", Action::Help, "key.help", true),
    ("esc", Action::Back, "key.back", true),
    ("ctrl-l", Action::Lock, "key.lock", true),
    ("f12", Action::Lock, "key.lock", true),
    ("q", Action::Quit, "key.quit", true),
    ("0", Action::GoHome, "key.go_home", false),
    ("1", Action::Go(Dept::Business), "key.go_business", false),
    ("g b", Action::Go(Dept::Business), "key.go_business", false),
    ("2", Action::Go(Dept::Risk), "key.go_risk", false),
    ("g r", Action::Go(Dept::Risk), "key.go_risk", false),
    ("3", Action::Go(Dept::Finance), "key.go_finance", false),
    ("g f", Action::Go(Dept::Finance), "key.go_finance", false),
    ("4", Action::Go(Dept::Hr), "key.go_hr", false),
    ("g h", Action::Go(Dept::Hr), "key.go_hr", false),
    ("5", Action::Go(Dept::Audit), "key.go_audit", false),
    ("g a", Action::Go(Dept::Audit), "key.go_audit", false),
    ("6", Action::Go(Dept::Technology), "key.go_technology", false),
    ("g t", Action::Go(Dept::Technology), "key.go_technology", false),
    ("7", Action::Go(Dept::Settings), "key.go_settings", false),
    ("g s", Action::Go(Dept::Settings), "key.go_settings", false),
];

const LIST: &[Row] = &[
    ("up", Action::Up, "key.up", false),
    ("k", Action::Up, "key.up", false),
    ("down", Action::Down, "key.down", false),
    ("j", Action::Down, "key.down", false),
    ("pgup", Action::PageUp, "key.page_up", false),
    ("pgdn", Action::PageDown, "key.page_down", false),
    ("home", Action::Top, "key.top", false),
    ("end", Action::Bottom, "key.bottom", false),
];

const FORM: &[Row] = &[
    ("enter", Action::Submit, "key.submit", true),
    ("tab", Action::NextField, "key.next_field", true),
    ("down", Action::NextField, "key.next_field", true),
    ("backtab", Action::PrevField, "key.prev_field", false),
    ("up", Action::PrevField, "key.prev_field", false),
];

const LOGIN_EXTRA: &[Row] =
    &[("esc", Action::Quit, "key.quit", true), ("ctrl-c", Action::Quit, "key.quit", true)];

const CANCEL: &[Row] = &[("esc", Action::Cancel, "key.cancel", true)];

const HOME: &[Row] =
    &[("f", Action::Flag, "key.flag", true), ("r", Action::Refresh, "key.refresh", true)];

const DEPARTMENT: &[Row] = &[("enter", Action::Open, "key.open", true)];

const ACCOUNTS: &[Row] = &[
    ("enter", Action::Open, "key.details", true),
    ("u", Action::Unlock, "key.unlock", true),
    ("p", Action::ResetPassword, "key.reset_password", true),
    ("r", Action::Refresh, "key.refresh", true),
];

const ACCOUNT_DETAIL: &[Row] = &[
    ("u", Action::Unlock, "key.unlock", true),
    ("p", Action::ResetPassword, "key.reset_password", true),
];

const SETTINGS: &[Row] = &[
    ("enter", Action::Edit, "key.edit", true),
    ("e", Action::Edit, "key.edit", true),
    ("r", Action::Refresh, "key.refresh", true),
];

const BORROWERS: &[Row] =
    &[("n", Action::New, "key.new", true), ("r", Action::Refresh, "key.refresh", true)];

const INVESTORS: &[Row] = &[
    ("n", Action::New, "key.new", true),
    ("d", Action::Deposit, "key.deposit", true),
    ("r", Action::Refresh, "key.refresh", true),
];

const PROJECTS: &[Row] = &[
    ("enter", Action::Open, "key.details", true),
    ("/", Action::Filter, "key.filter", true),
    ("n", Action::New, "key.new", true),
    ("e", Action::Edit, "key.edit", true),
    ("s", Action::SendForReview, "key.send_for_review", true),
    ("p", Action::Publish, "key.publish", true),
    ("b", Action::Bid, "key.bid", true),
    ("d", Action::Propose, "key.propose", true),
    ("r", Action::Refresh, "key.refresh", false),
];

const REVIEW_QUEUE: &[Row] =
    &[("enter", Action::Open, "key.review", true), ("r", Action::Refresh, "key.refresh", true)];

const REVIEW: &[Row] = &[
    ("a", Action::Approve, "key.approve", true),
    ("x", Action::Reject, "key.reject", true),
    ("r", Action::Refresh, "key.refresh", false),
];

const PROPOSALS: &[Row] = &[
    ("x", Action::Execute, "key.execute", true),
    ("enter", Action::Open, "key.details", true),
    ("r", Action::Refresh, "key.refresh", true),
];

const LOANS: &[Row] = &[
    ("enter", Action::Open, "key.details", true),
    ("/", Action::Filter, "key.filter", true),
    ("r", Action::Refresh, "key.refresh", true),
];

const LOAN_DETAIL: &[Row] = &[
    ("tab", Action::NextSection, "key.next_section", true),
    ("backtab", Action::PrevSection, "key.prev_section", false),
    ("p", Action::Repay, "key.repay", true),
    ("s", Action::Settle, "key.settle", true),
    ("r", Action::Refresh, "key.refresh", false),
];

const AUDIT_LOG: &[Row] =
    &[("/", Action::Filter, "key.filter", true), ("r", Action::Refresh, "key.refresh", true)];

const PORTFOLIO: &[Row] = &[("r", Action::Refresh, "key.refresh", true)];

const DAILY: &[Row] =
    &[("x", Action::RunDaily, "key.run_daily", true), ("r", Action::Refresh, "key.refresh", true)];

/// A form screen takes typed text: only keys with no character of their own. F1 is its help
/// key, `?` being a character one may type.
const ENTRY: &[Row] = &[
    ("esc", Action::Back, "key.back", true),
    ("f1", Action::Help, "key.help", true),
    ("pgdn", Action::PageDown, "key.page_down", false),
    ("pgup", Action::PageUp, "key.page_up", false),
    ("ctrl-l", Action::Lock, "key.lock", false),
    ("f12", Action::Lock, "key.lock", false),
];

const CONFIRM: &[Row] = &[
    ("y", Action::Confirm, "key.confirm", true),
    ("enter", Action::Confirm, "key.confirm", true),
    ("n", Action::Cancel, "key.cancel", true),
    ("esc", Action::Cancel, "key.cancel", true),
];

const NOTICE: &[Row] =
    &[("enter", Action::Close, "key.close", true), ("esc", Action::Close, "key.close", true)];

const HELP: &[Row] = &[
    ("esc", Action::Close, "key.close", true),
    ("?", Action::Close, "key.close", true),
    ("q", Action::Close, "key.close", true),
];

fn rows(layer: Layer) -> Vec<Row> {
    let parts: &[&[Row]] = match layer {
        Layer::Global => &[GLOBAL],
        Layer::List => &[LIST],
        Layer::Login => &[FORM, LOGIN_EXTRA],
        Layer::PasswordChange | Layer::Prompt => &[FORM, CANCEL],
        Layer::Lock => &[FORM],
        Layer::Home => &[HOME],
        Layer::Department => &[DEPARTMENT],
        Layer::Accounts => &[ACCOUNTS],
        Layer::AccountDetail => &[ACCOUNT_DETAIL],
        Layer::Settings => &[SETTINGS],
        Layer::Borrowers => &[BORROWERS],
        Layer::Investors => &[INVESTORS],
        Layer::Projects => &[PROJECTS],
        Layer::ReviewQueue => &[REVIEW_QUEUE],
        Layer::Review => &[REVIEW],
        Layer::Proposals => &[PROPOSALS],
        Layer::Loans => &[LOANS],
        Layer::LoanDetail => &[LOAN_DETAIL],
        Layer::AuditLog => &[AUDIT_LOG],
        Layer::Portfolio => &[PORTFOLIO],
        Layer::Daily => &[DAILY],
        Layer::Entry => &[FORM, ENTRY],
        Layer::Confirm => &[CONFIRM],
        Layer::Notice => &[NOTICE],
        Layer::Help => &[HELP],
    };
    parts.iter().flat_map(|p| p.iter().copied()).collect()
}

/// The default bindings of a layer.
#[must_use]
pub fn of(layer: Layer) -> Vec<Binding> {
    rows(layer)
        .into_iter()
        .filter_map(|(key, action, label, footer)| {
            // The tables above are constants; a typo in one fails the test below.
            let keys = KeySeq::parse(key).ok()?;
            Some(Binding { keys, action, label, footer })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::Keymaps;

    #[test]
    fn every_default_key_parses_and_no_screen_has_a_clash() {
        for layer in Layer::ALL {
            for (key, ..) in rows(layer) {
                KeySeq::parse(key).unwrap();
            }
        }
        Keymaps::defaults().check().unwrap();
    }
}
