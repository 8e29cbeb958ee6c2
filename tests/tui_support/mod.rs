//! A console on a test terminal, driven by key events on a hand-moved clock, and a platform
//! with a few accounts to log in as. Each test binary uses part of this.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use p2pdesk::config::ConfigFile;
use p2pdesk::domain::access::{Level, Module};
use p2pdesk::service::Service;
use p2pdesk::service::identity::NewAccount;
use p2pdesk::store::Db;
use p2pdesk::tui::i18n::Locale;
use p2pdesk::tui::{App, Options};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Position;
use secrecy::{ExposeSecret, SecretString};
use tempfile::TempDir;
use unicode_width::UnicodeWidthStr;

pub const ROOT_PASSWORD: &str = "Harbour-lamp-47";
/// The password every other test account is given after its first login.
pub const STAFF_PASSWORD: &str = "Quiet-river-82";

/// A platform database with root (system administrator) and the accounts asked for.
pub struct Platform {
    pub dir: TempDir,
    pub path: std::path::PathBuf,
}

impl Platform {
    pub fn new() -> Platform {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p2p.db");
        let mut svc =
            Service::init(&path, NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(), "Asia/Shanghai")
                .unwrap();
        svc.bootstrap_admin("root", "Root", &secret(ROOT_PASSWORD)).unwrap();
        Platform { dir, path }
    }

    pub fn open(&self) -> Service {
        Service::new(Db::open(&self.path).unwrap())
    }

    /// Creates an account at bootstrap; returns its one-time password. With `settled` the
    /// first-login change is done already and the password is [`STAFF_PASSWORD`].
    pub fn add(
        &self,
        user: &str,
        name: &str,
        department: &str,
        levels: &[(Module, Level)],
        settled: bool,
    ) -> String {
        let mut svc = self.open();
        let root = svc.login("root", &secret(ROOT_PASSWORD), None).unwrap();
        let created = svc
            .create_account_bootstrap(
                &root.actor,
                &NewAccount {
                    username: user.into(),
                    display_name: name.into(),
                    department: department.into(),
                    duties: "testing".into(),
                    levels: levels.iter().copied().collect::<BTreeMap<_, _>>(),
                    is_head: false,
                },
            )
            .unwrap();
        svc.logout(&root.actor, root.session_id, "done").unwrap();
        let initial = created.initial_password.expose_secret().to_owned();
        if settled {
            svc.change_password(user, &secret(&initial), None, &secret(STAFF_PASSWORD)).unwrap();
            return STAFF_PASSWORD.to_owned();
        }
        initial
    }
}

pub fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

/// The console on a test terminal.
pub struct Console {
    pub app: App,
    pub term: Terminal<TestBackend>,
    pub start: Instant,
    pub now: Instant,
}

impl Console {
    pub fn new(platform: &Platform, locale: Locale) -> Console {
        let language = Some(locale.code().to_owned());
        Console::with_config(platform, &ConfigFile { language, ..ConfigFile::default() }, 120, 40)
    }

    pub fn with_config(platform: &Platform, cfg: &ConfigFile, w: u16, h: u16) -> Console {
        let options = Options::from_config(cfg).unwrap();
        let start = Instant::now();
        let mut app = App::new(platform.open(), options, start);
        app.resize(w, h);
        Console { app, term: Terminal::new(TestBackend::new(w, h)).unwrap(), start, now: start }
    }

    /// Moves the clock on.
    pub fn wait(&mut self, secs: u64) {
        self.now += Duration::from_secs(secs);
    }

    pub fn event(&mut self, e: &Event) {
        self.app.handle(e, self.now);
    }

    pub fn key(&mut self, code: KeyCode) {
        self.event(&Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn ctrl(&mut self, c: char) {
        self.event(&Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    pub fn enter(&mut self) {
        self.key(KeyCode::Enter);
    }

    pub fn click(&mut self, x: u16, y: u16) {
        self.event(&Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        }));
    }

    pub fn login(&mut self, user: &str, password: &str) {
        self.type_text(user);
        self.enter();
        self.type_text(password);
        self.enter();
    }

    /// Ticks the clock and draws, as the real loop does; returns the screen as text.
    pub fn draw(&mut self) -> String {
        self.app.tick(self.now);
        let app = &self.app;
        self.term.draw(|f| app.draw(f)).unwrap();
        text(self.term.backend().buffer())
    }

    pub fn buffer(&self) -> &Buffer {
        self.term.backend().buffer()
    }

    pub fn cursor(&self) -> Position {
        self.term.backend().cursor_position()
    }

    /// Where `needle` is drawn, in cells.
    pub fn find(&self, needle: &str) -> Option<Position> {
        let buf = self.buffer();
        for y in 0..buf.area.height {
            let (line, columns) = row(buf, y);
            if let Some(i) = line.find(needle) {
                return Some(Position::new(columns[line[..i].chars().count()], y));
            }
        }
        None
    }
}

/// One row as a string, with the column of each character (a wide character's second cell
/// is skipped).
fn row(buf: &Buffer, y: u16) -> (String, Vec<u16>) {
    let mut line = String::new();
    let mut columns = Vec::new();
    let mut x = 0;
    while x < buf.area.width {
        let symbol = buf[(x, y)].symbol();
        for _ in symbol.chars() {
            columns.push(x);
        }
        line.push_str(symbol);
        x += u16::try_from(symbol.width().max(1)).unwrap();
    }
    (line, columns)
}

/// The buffer as lines of text.
pub fn text(buf: &Buffer) -> String {
    (0..buf.area.height).map(|y| row(buf, y).0).collect::<Vec<_>>().join("\n")
}

/// One row of the buffer as text.
pub fn line(buf: &Buffer, y: u16) -> String {
    row(buf, y).0
}
