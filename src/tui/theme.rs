//! Semantic styles. Widget code asks for a role (`selected`, `danger`, `muted` …), never for a
//! colour; the colours live in `themes/*.toml`, embedded in the binary.
//!
//! A theme file names every role (a missing or unknown role is an error, so a theme cannot
//! silently fall back to the terminal's default colours) and may choose ASCII borders for
//! terminals that draw box-drawing characters two cells wide.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::widgets::{Block, BorderType, Borders};
use serde::Deserialize;

/// The themes that ship, by config name.
pub const BUILT_IN: [(&str, &str); 3] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
];

/// Box-drawing characters are East-Asian "ambiguous": some Chinese terminals draw them two
/// cells wide. ASCII borders measure the same everywhere.
const ASCII: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

macro_rules! roles {
    ($($(#[$doc:meta])* $role:ident),* $(,)?) => {
        /// The styles of one theme, by role.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct Theme {
            pub name: String,
            ascii_borders: bool,
            $($(#[$doc])* pub $role: Style,)*
        }

        /// The role names a theme file must define.
        pub const ROLES: &[&str] = &[$(stringify!($role)),*];

        impl Theme {
            fn from_roles(
                name: &str,
                ascii_borders: bool,
                mut roles: BTreeMap<String, Style>,
            ) -> Result<Theme, String> {
                let mut take = |role: &str| {
                    roles.remove(role).ok_or_else(|| format!("theme {name}: role \"{role}\" is missing"))
                };
                let theme = Theme {
                    name: name.to_owned(),
                    ascii_borders,
                    $($role: take(stringify!($role))?,)*
                };
                if let Some(extra) = roles.keys().next() {
                    return Err(format!("theme {name}: there is no role \"{extra}\""));
                }
                Ok(theme)
            }
        }
    };
}

roles! {
    /// Ordinary text.
    text,
    /// Secondary text: hints, empty lists, labels.
    muted,
    /// The selected row of a list or table.
    selected,
    focused_border,
    border,
    title,
    /// Errors and destructive actions.
    danger,
    warning,
    success,
    /// Negative amounts of money.
    money_negative,
    /// Table headers.
    header,
    /// Keys in the footer hint bar.
    footer_key,
    /// Descriptions in the footer hint bar.
    footer_text,
    /// A text field.
    input,
    /// The text field that has the focus.
    input_focused,
    /// The lock screen's background and text.
    lock_screen,
    tab,
    tab_active,
    /// The inside of a popup.
    popup,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    borders: Option<String>,
    roles: BTreeMap<String, StyleSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(clippy::struct_excessive_bools)] // one flag per text attribute, as the file has them
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underlined: bool,
    #[serde(default)]
    reversed: bool,
}

impl StyleSpec {
    fn style(&self, theme: &str, role: &str) -> Result<Style, String> {
        let colour = |c: &Option<String>| -> Result<Option<Color>, String> {
            c.as_deref()
                .map(|c| {
                    c.parse::<Color>()
                        .map_err(|_| format!("theme {theme}: role {role}: \"{c}\" is not a colour"))
                })
                .transpose()
        };
        let mut style = Style::default();
        if let Some(fg) = colour(&self.fg)? {
            style = style.fg(fg);
        }
        if let Some(bg) = colour(&self.bg)? {
            style = style.bg(bg);
        }
        for (on, m) in [
            (self.bold, Modifier::BOLD),
            (self.italic, Modifier::ITALIC),
            (self.underlined, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ] {
            if on {
                style = style.add_modifier(m);
            }
        }
        Ok(style)
    }
}

impl Theme {
    /// Parses a theme file.
    pub fn parse(name: &str, text: &str) -> Result<Theme, String> {
        let file: ThemeFile =
            toml::from_str(text).map_err(|e| format!("theme {name}: {}", e.message()))?;
        let ascii = match file.borders.as_deref() {
            None | Some("lines") => false,
            Some("ascii") => true,
            Some(other) => {
                return Err(format!("theme {name}: borders \"{other}\" (expected lines or ascii)"));
            }
        };
        let mut roles = BTreeMap::new();
        for (role, spec) in &file.roles {
            roles.insert(role.clone(), spec.style(name, role)?);
        }
        Theme::from_roles(name, ascii, roles)
    }

    /// A built-in theme by its config name (`dark` when none is named).
    pub fn named(name: Option<&str>) -> Result<Theme, String> {
        let name = name.unwrap_or("dark");
        let (_, text) = BUILT_IN.iter().find(|(n, _)| *n == name).ok_or_else(|| {
            format!("theme \"{name}\" does not exist (dark, light or high-contrast)")
        })?;
        Theme::parse(name, text)
    }

    /// A bordered block in this theme's border style.
    #[must_use]
    pub fn block(&self, focused: bool) -> Block<'static> {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if focused { self.focused_border } else { self.border })
            .title_style(self.title);
        if self.ascii_borders {
            block.border_set(ASCII)
        } else {
            block.border_type(BorderType::Plain)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_loads_and_names_every_role() {
        for (name, _) in BUILT_IN {
            Theme::named(Some(name)).unwrap();
        }
        let e = Theme::parse("x", "[roles]\ntext = { fg = \"white\" }\n").unwrap_err();
        assert!(e.contains("is missing"), "{e}");
        let e = Theme::named(Some("pink")).unwrap_err();
        assert!(e.contains("pink"), "{e}");
    }
}
