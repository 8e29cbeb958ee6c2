//! The real binary in a pseudo-terminal, as a member of staff uses it: a demo database, a
//! finance clerk logs in, opens a loan of the imported book and checks its schedule against
//! the file's installment, leaves the console idle until it locks, and unlocks it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// A terminal of 120×40 running the program, its screen kept by a VT100 parser.
struct Term {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Term {
    fn spawn(args: &[&str]) -> Term {
        let pair = native_pty_system()
            .openpty(PtySize { rows: 40, cols: 120, pixel_width: 0, pixel_height: 0 })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_p2pdesk"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("P2PDESK_DB");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let size = |n: u16| std::num::NonZeroU16::new(n).unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(size(40), size(120), 0)));
        let feed = Arc::clone(&screen);
        std::thread::spawn(move || {
            let _master = pair.master;
            let mut buf = [0_u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buf[..n]);
            }
        });
        Term { screen, writer, child }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Waits until the screen shows `needle`; fails with the screen as it is.
    fn wait_for(&self, needle: &str, within: Duration) -> String {
        let start = Instant::now();
        loop {
            let text = self.contents();
            if text.contains(needle) {
                return text;
            }
            assert!(
                start.elapsed() < within,
                "waited {within:?} for {needle:?}; the screen shows:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn password_of(accounts: &serde_json::Value, user: &str) -> String {
    accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["user"] == user)
        .and_then(|a| a["password"].as_str())
        .unwrap()
        .to_owned()
}

fn demo(dir: &Path) -> serde_json::Value {
    let out = Command::cargo_bin("p2pdesk")
        .unwrap()
        .env_remove("P2PDESK_DB")
        .arg("--db")
        .arg(dir.join("demo.db"))
        .arg("--data-dir")
        .arg(dir)
        .args(["demo", "--loans", "200", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_finance_clerk_checks_a_loan_locks_on_idle_and_unlocks() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = demo(dir.path());
    // The security administrator shortens the idle lock for the test (10 s is the minimum).
    {
        let mut svc = p2pdesk::service::Service::new(
            p2pdesk::store::Db::open(&dir.path().join("demo.db")).unwrap(),
        );
        let sec = svc
            .db()
            .conn()
            .query_row("SELECT id FROM staff WHERE username = 'secadmin'", [], |r| r.get(0))
            .unwrap();
        let sec = svc.actor(sec).unwrap();
        svc.set_setting(&sec, "security.idle_lock_seconds", "10").unwrap();
    }
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "language = \"en\"\n").unwrap();
    let db = dir.path().join("demo.db");
    let (db, data, config) =
        (db.to_str().unwrap(), dir.path().to_str().unwrap(), config.to_str().unwrap());
    let mut t = Term::spawn(&["--db", db, "--data-dir", data, "--config", config]);
    let pw = password_of(&accounts, "fin.clerk");
    t.wait_for("User name", Duration::from_secs(20));
    // A demo database shows its synthetic accounts on the login screen.
    let login = t.wait_for("Demo accounts", Duration::from_secs(5));
    assert!(login.contains(&pw), "{login}");
    t.send("fin.clerk\t");
    t.send(&format!("{pw}\r"));
    let home = t.wait_for("Profile", Duration::from_secs(20));
    assert!(home.contains("fin.clerk"), "{home}");
    assert!(home.contains("Finance"), "{home}");

    open_first_loan(&mut t);
    // Row 1 of the sample: 28,000 at 14.07 % over 60 months; the file states an installment of
    // 652.53, the level payment rounded up.
    let detail = t.wait_for("652.53", Duration::from_secs(20));
    assert!(detail.contains("28,000.00") || detail.contains("28000.00"), "{detail}");

    // Idle for longer than the lock time: the lock screen hides the loan.
    std::thread::sleep(Duration::from_secs(12));
    let locked = t.wait_for("Console locked", Duration::from_secs(10));
    assert!(!locked.contains("652.53"), "data visible behind the lock:\n{locked}");
    t.send(&format!("{pw}\r"));
    t.wait_for("652.53", Duration::from_secs(10));

    // Quit: `q` asks first.
    t.send("\x1b");
    t.send("\x1b");
    t.send("q");
    t.send("y");
    let start = Instant::now();
    loop {
        if let Some(status) = t.child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status:?}");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the console did not quit:\n{}",
            t.contents()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Finance → Loans (the fourth item of its menu) → the first loan's detail.
fn open_first_loan(t: &mut Term) {
    t.send("3");
    t.wait_for("Post a repayment", Duration::from_secs(10));
    t.send("\x1b[B\x1b[B\x1b[B\r");
    t.wait_for("28,000.00", Duration::from_secs(10));
    t.send("\r");
}
