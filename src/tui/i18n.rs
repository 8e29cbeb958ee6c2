//! Every string the console shows, one table per language (`locales/zh-CN.toml`, the default,
//! and `locales/en.toml`), embedded in the binary.
//!
//! The language is chosen once from the config file and handed to the console as a [`Tr`]:
//! nothing here is process-global, so two consoles (or two tests) can speak different
//! languages side by side. Keys are dotted names (`login.title`); `{name}` in a text is filled
//! by [`Tr::f`]. A key missing from a table shows as the key itself, which the tests catch.

use std::collections::BTreeMap;
use std::sync::LazyLock;

/// A language of the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locale {
    ZhCn,
    En,
}

impl Locale {
    /// Reads the config file's `language`.
    pub fn parse(text: &str) -> Result<Locale, String> {
        match text.trim() {
            "zh-CN" | "zh_CN" | "zh" => Ok(Locale::ZhCn),
            "en" | "en-US" | "en-GB" => Ok(Locale::En),
            other => Err(format!("language \"{other}\" is not available (zh-CN or en)")),
        }
    }

    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }
}

/// One language's table.
#[derive(Debug)]
pub struct Tr {
    locale: Locale,
    table: BTreeMap<String, String>,
}

static ZH_CN: LazyLock<Tr> =
    LazyLock::new(|| Tr::parse(Locale::ZhCn, include_str!("../../locales/zh-CN.toml")));
static EN: LazyLock<Tr> =
    LazyLock::new(|| Tr::parse(Locale::En, include_str!("../../locales/en.toml")));

impl Tr {
    /// The table of a language.
    #[must_use]
    pub fn of(locale: Locale) -> &'static Tr {
        match locale {
            Locale::ZhCn => &ZH_CN,
            Locale::En => &EN,
        }
    }

    fn parse(locale: Locale, text: &str) -> Tr {
        let mut table = BTreeMap::new();
        match text.parse::<toml::Table>() {
            Ok(root) => flatten("", &root, &mut table),
            // Only a broken build gets here: the tests parse both files.
            Err(e) => tracing::error!(locale = locale.code(), error = %e, "locale file unreadable"),
        }
        Tr { locale, table }
    }

    #[must_use]
    pub const fn locale(&self) -> Locale {
        self.locale
    }

    /// The text of a key, or the key itself when the table lacks it.
    #[must_use]
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.table.get(key).map_or(key, String::as_str)
    }

    /// The text of a key built at run time (`status.raising`), borrowed from the table; the
    /// empty string when the table lacks it.
    #[must_use]
    pub fn t_owned_key(&self, key: &str) -> &str {
        self.table.get(key).map_or("", String::as_str)
    }

    /// The text of a key with its `{name}` placeholders filled.
    #[must_use]
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// Whether the table has a key.
    #[must_use]
    pub fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    /// All keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.table.keys().map(String::as_str)
    }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled() {
        let tr = Tr::parse(Locale::En, "[a]\nb = \"until {until} by {who}\"\n");
        assert_eq!(tr.f("a.b", &[("until", "noon"), ("who", "HR")]), "until noon by HR");
        assert_eq!(tr.t("a.missing"), "a.missing");
    }
}
