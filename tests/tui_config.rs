//! What the console reads at start: key overrides (and their clashes), themes and the two
//! language tables.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;

use p2pdesk::config::{ConfigFile, KeySpec};
use p2pdesk::service::settings::CATALOGUE;
use p2pdesk::tui::Options;
use p2pdesk::tui::action::Action;
use p2pdesk::tui::event::KeyPress;
use p2pdesk::tui::i18n::{Locale, Tr};
use p2pdesk::tui::keymap::{KeymapError, Keymaps, Layer, Resolved};
use p2pdesk::tui::theme::{BUILT_IN, Theme};

fn overrides(screen: &str, pairs: &[(&str, &str)]) -> BTreeMap<String, BTreeMap<String, KeySpec>> {
    let actions =
        pairs.iter().map(|(a, k)| ((*a).to_owned(), KeySpec::One((*k).to_owned()))).collect();
    BTreeMap::from([(screen.to_owned(), actions)])
}

#[test]
fn a_key_bound_twice_in_one_screen_is_an_error_naming_both_actions() {
    let e = Keymaps::load(&overrides("home", &[("flag", "r")])).unwrap_err();
    assert_eq!(
        e,
        KeymapError::Conflict {
            screen: "home",
            key: "r".into(),
            first: "flag".into(),
            second: "refresh".into()
        }
    );
    let text = e.to_string();
    assert!(text.contains("\"home\"") && text.contains("\"r\""), "{text}");

    // A screen key against a global one, reported for the screen that sees both.
    let e = Keymaps::load(&overrides("accounts", &[("unlock", "q")])).unwrap_err().to_string();
    assert!(
        e.contains("\"accounts\"") && e.contains("\"unlock\"") && e.contains("\"quit\""),
        "{e}"
    );

    // A key that is also the start of a chord.
    let e = Keymaps::load(&overrides("global", &[("go_home", "g")])).unwrap_err().to_string();
    assert!(e.contains("go_home") && e.contains("go_business"), "{e}");

    // Through the config file, before the terminal is touched.
    let cfg = ConfigFile { keys: overrides("settings", &[("edit", "j")]), ..ConfigFile::default() };
    let e = Options::from_config(&cfg).err().unwrap();
    assert!(e.contains("\"edit\"") && e.contains("\"down\""), "{e}");
}

#[test]
fn overrides_replace_the_default_and_bad_ones_are_named() {
    let maps = Keymaps::load(&overrides("global", &[("lock", "f9")])).unwrap();
    let f9 = KeyPress::parse("f9").unwrap();
    assert_eq!(maps.resolve(Layer::Home, &[], f9), Resolved::Action(Action::Lock));
    let ctrl_l = KeyPress::parse("ctrl-l").unwrap();
    assert_eq!(maps.resolve(Layer::Home, &[], ctrl_l), Resolved::Unbound);
    // The help and the footer follow the override.
    let lock = maps.entries(Layer::Home).into_iter().find(|e| e.action == Action::Lock).unwrap();
    assert_eq!(lock.keys.len(), 1);
    assert_eq!(lock.keys[0].to_string(), "F9");

    let many = BTreeMap::from([(
        "global".to_owned(),
        BTreeMap::from([("lock".to_owned(), KeySpec::Many(vec!["f9".into(), "alt-l".into()]))]),
    )]);
    let maps = Keymaps::load(&many).unwrap();
    let alt_l = KeyPress::parse("alt-l").unwrap();
    assert_eq!(maps.resolve(Layer::Settings, &[], alt_l), Resolved::Action(Action::Lock));

    let e = Keymaps::load(&overrides("hom", &[("flag", "x")])).unwrap_err();
    assert!(matches!(e, KeymapError::UnknownScreen(_)));
    let e = Keymaps::load(&overrides("home", &[("unlock", "x")])).unwrap_err();
    assert!(matches!(e, KeymapError::UnknownAction { .. }));
    let e = Keymaps::load(&overrides("home", &[("flag", "ctrl-")])).unwrap_err();
    assert!(matches!(e, KeymapError::BadKey { .. }), "{e:?}");
    // A plain letter on a screen where people type would swallow that letter.
    let e = Keymaps::load(&overrides("login", &[("submit", "s")])).unwrap_err();
    assert!(matches!(e, KeymapError::BlocksTyping { .. }), "{e:?}");
}

#[test]
fn chords_wait_for_their_second_key() {
    let maps = Keymaps::defaults();
    let g = KeyPress::parse("g").unwrap();
    let h = KeyPress::parse("h").unwrap();
    assert_eq!(maps.resolve(Layer::Home, &[], g), Resolved::Pending);
    assert_eq!(
        maps.resolve(Layer::Home, &[g], h),
        Resolved::Action(Action::Go(p2pdesk::tui::nav::Dept::Hr))
    );
    assert_eq!(maps.resolve(Layer::Login, &[], g), Resolved::Unbound, "typed on the login form");
}

#[test]
fn the_config_file_reads_key_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "language = \"en\"\ntheme = \"light\"\n[keys.global]\nlock = [\"f9\", \"alt-l\"]\n[keys.home]\nflag = \"x\"\n",
    )
    .unwrap();
    let paths = p2pdesk::config::Paths::resolve(Some(dir.path()), Some(&path)).unwrap();
    let options = Options::from_config(&paths.config).unwrap();
    assert_eq!(options.locale, Locale::En);
    assert_eq!(options.theme.name, "light");
    std::fs::write(&path, "theme = \"pink\"\n").unwrap();
    let paths = p2pdesk::config::Paths::resolve(Some(dir.path()), Some(&path)).unwrap();
    assert!(Options::from_config(&paths.config).err().unwrap().contains("pink"));
}

#[test]
fn every_theme_defines_every_role() {
    for (name, _) in BUILT_IN {
        let t = Theme::named(Some(name)).unwrap();
        assert_ne!(t.selected, t.text, "{name}: the selection must stand out");
    }
}

#[test]
fn both_languages_have_exactly_the_same_keys() {
    let zh: Vec<&str> = Tr::of(Locale::ZhCn).keys().collect();
    let en: Vec<&str> = Tr::of(Locale::En).keys().collect();
    let only_zh: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
    let only_en: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
    assert!(only_zh.is_empty() && only_en.is_empty(), "zh only {only_zh:?}, en only {only_en:?}");
    assert!(zh.len() > 100, "the tables were read: {}", zh.len());
}

#[test]
fn no_text_uses_characters_of_ambiguous_width() {
    use unicode_width::UnicodeWidthChar;
    // Such characters (×, curly quotes, …, ●) measure one cell but take two in many Chinese
    // terminals, which shifts everything after them on the line.
    for locale in [Locale::ZhCn, Locale::En] {
        let tr = Tr::of(locale);
        for key in tr.keys() {
            let text = tr.t(key);
            let odd: Vec<char> = text.chars().filter(|c| c.width() != c.width_cjk()).collect();
            assert!(odd.is_empty(), "{}: {key} = {text:?} has {odd:?}", locale.code());
        }
    }
}

#[test]
fn every_key_the_code_asks_for_is_in_the_tables() {
    let tr = Tr::of(Locale::ZhCn);
    let mut missing = Vec::new();
    for key in keys_in_source(Path::new("src/tui")) {
        if !tr.has(&key) {
            missing.push(key);
        }
    }
    for def in CATALOGUE {
        let key = format!("setting.{}", def.key);
        if !tr.has(&key) {
            missing.push(key);
        }
    }
    assert!(missing.is_empty(), "missing from the locale files: {missing:?}");
}

/// String literals in the console's source that look like translation keys: passed to `t(`
/// or `f(`, or written as `label` entries (`"key.quit"`) in tables.
fn keys_in_source(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(keys_in_source(&path));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (i, _) in text.match_indices('"') {
            let rest = &text[i + 1..];
            let Some(end) = rest.find('"') else { continue };
            let lit = &rest[..end];
            let looks = lit.contains('.')
                && lit.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
                && !lit.starts_with('.')
                && !lit.ends_with('.');
            let known_section = lit.split('.').next().is_some_and(|s| SECTIONS.contains(&s));
            if looks && known_section {
                out.push(lit.to_owned());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The top-level sections of the locale files; a literal outside them (a setting key such as
/// `security.idle_lock_seconds`, a file name) is not a translation key.
const SECTIONS: &[&str] = &[
    "app",
    "common",
    "nav",
    "dept",
    "department",
    "module",
    "level",
    "role",
    "key",
    "login",
    "password",
    "lock",
    "session",
    "error",
    "home",
    "flag",
    "menu",
    "accounts",
    "detail",
    "stepup",
    "reset",
    "settings",
    "popup",
    "quit",
    "help",
    "kind",
    "method",
    "status",
    "loan_state",
    "outcome",
    "input",
    "entry",
    "borrowers",
    "borrower",
    "investors",
    "investor",
    "deposit",
    "projects",
    "project",
    "schedule",
    "bid",
    "proposal",
    "proposals",
    "review",
    "loans",
    "loan",
    "repay",
    "settle",
    "audit",
    "portfolio",
    "daily",
    "work",
    "entry_kind",
];
