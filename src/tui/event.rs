//! Keys as the keymaps know them, and the terminal's event source.
//!
//! A [`KeyPress`] is a key event with the noise removed: releases are dropped (Windows sends
//! press and release), Shift is folded into the character it produced, and Shift-Tab is
//! BackTab. A [`KeySeq`] is one key or a two-key chord such as `g b`.

use std::fmt;
use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// One normalised key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyPress {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyPress {
    #[must_use]
    pub fn new(code: KeyCode, mods: KeyModifiers) -> KeyPress {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        KeyPress { code, mods }
    }

    /// The key of a press or repeat; `None` for a release.
    #[must_use]
    pub fn from_event(k: &KeyEvent) -> Option<KeyPress> {
        (k.kind != KeyEventKind::Release).then(|| KeyPress::new(k.code, k.modifiers))
    }

    /// Whether the key types a character into a text field.
    #[must_use]
    pub fn is_typing(&self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self.mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }

    /// Parses `ctrl-l`, `alt-x`, `shift-tab`, `enter`, `f12`, `pgdn`, `?`, `space` …
    pub fn parse(text: &str) -> Result<KeyPress, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            if rest.len() == len {
                break;
            }
            mods |= m;
            rest = &rest[len..];
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                let n: u8 = f[1..].parse().unwrap_or(0);
                if !(1..=24).contains(&n) {
                    return Err(format!("\"{text}\": there is no key F{n}"));
                }
                KeyCode::F(n)
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(c),
                    _ => return Err(format!("\"{text}\" is not a key")),
                }
            }
        };
        Ok(KeyPress::new(code, mods))
    }
}

impl fmt::Display for KeyPress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                write!(f, "{}", c.to_ascii_uppercase())
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A key or a chord of keys pressed one after the other.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeySeq(pub Vec<KeyPress>);

impl KeySeq {
    /// Parses `g b` (a chord) or a single key.
    pub fn parse(text: &str) -> Result<KeySeq, String> {
        let keys = text.split_whitespace().map(KeyPress::parse).collect::<Result<Vec<_>, _>>()?;
        match keys.len() {
            0 => Err("an empty key".into()),
            1 | 2 => Ok(KeySeq(keys)),
            _ => Err(format!("\"{text}\": chords have at most two keys")),
        }
    }

    /// Whether `self` starts with all of `prefix` and is longer.
    #[must_use]
    pub fn extends(&self, prefix: &[KeyPress]) -> bool {
        self.0.len() > prefix.len() && self.0.starts_with(prefix)
    }
}

impl fmt::Display for KeySeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, k) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{k}")?;
        }
        Ok(())
    }
}

/// Waits up to `timeout` for the next terminal event.
pub fn next(timeout: Duration) -> std::io::Result<Option<Event>> {
    if event::poll(timeout)? { event::read().map(Some) } else { Ok(None) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_keys() {
        let k = KeyPress::parse("ctrl-l").unwrap();
        assert_eq!(k, KeyPress::new(KeyCode::Char('l'), KeyModifiers::CONTROL));
        assert_eq!(k.to_string(), "Ctrl-L");
        assert_eq!(KeyPress::parse("shift-tab").unwrap().code, KeyCode::BackTab);
        assert_eq!(KeyPress::parse("F12").unwrap().code, KeyCode::F(12));
        assert_eq!(KeyPress::parse("-").unwrap().code, KeyCode::Char('-'));
        assert_eq!(KeyPress::parse("ctrl--").unwrap().code, KeyCode::Char('-'));
        assert!(KeyPress::parse("hello").is_err());
        // Shift is folded into the character: `?` is one key whatever the terminal reports.
        assert_eq!(
            KeyPress::new(KeyCode::Char('?'), KeyModifiers::SHIFT),
            KeyPress::parse("?").unwrap()
        );
        let chord = KeySeq::parse("g b").unwrap();
        assert_eq!(chord.to_string(), "g b");
        assert!(chord.extends(&[KeyPress::parse("g").unwrap()]));
        assert!(KeySeq::parse("a b c").is_err());
    }
}
