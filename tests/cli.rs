//! The binary as an operator or a cron job uses it: output formats and exit statuses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use serde_json::Value;

const ADMIN_PASSWORD: &str = "Harbour-lamp-47";

fn p2pdesk() -> Command {
    let mut c = Command::cargo_bin("p2pdesk").unwrap();
    c.env_remove("P2PDESK_DB").env_remove("P2PDESK_PASSWORD");
    c
}

/// `init` with its first administrator, the password on standard input.
fn init(db: &std::path::Path) -> Command {
    let mut c = p2pdesk();
    c.arg("--db").arg(db).args(["init", "--admin", "root", "--password-stdin"]);
    c.write_stdin(format!("{ADMIN_PASSWORD}\n"));
    c
}

#[test]
fn schedule_json_has_the_documented_shape() {
    let out = p2pdesk()
        .args(["schedule", "--method", "equal-installment", "--amount", "100000", "--rate", "12%"])
        .args(["--term", "12", "--start", "2026-01-15", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 12);
    // The textbook example: 100,000 at 12 % a year over 12 months pays 8,884.88 a month; the
    // first month's interest is 1 % of 100,000.
    assert_eq!(
        rows[0],
        serde_json::json!({"period": 1, "due_date": "2026-02-15", "principal": "7884.88",
                           "interest": "1000.00", "total": "8884.88", "remaining": "92115.12"})
    );
    assert_eq!(rows[11]["remaining"], "0.00");
    assert_eq!(rows[11]["due_date"], "2027-01-15");
}

#[test]
fn schedule_table_has_a_totals_line_and_csv_a_header() {
    let out = p2pdesk()
        .args(["schedule", "--method", "interest-first", "--amount", "100000", "--rate", "12"])
        .args(["--term", "3", "--start", "2026-01-31"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let last = text.lines().last().unwrap().trim_start();
    // 3 × 1,000.00 interest, 100,000.00 principal.
    assert!(
        last.starts_with("total") && last.contains("100,000.00") && last.contains("3,000.00"),
        "{text}"
    );
    assert!(text.contains("2026-02-28"), "{text}");
    let out = p2pdesk()
        .args(["schedule", "--method", "bullet", "--amount", "5000", "--rate", "10"])
        .args(["--term", "6", "--start", "2026-03-01", "--format", "csv"])
        .output()
        .unwrap();
    // Bullet: 5000 × 10 % × 6/12 = 250.00 at the end.
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "period,due_date,principal,interest,total,remaining\n1,2026-09-01,5000.00,250.00,5250.00,0.00\n"
    );
}

#[test]
fn bad_input_exits_2_naming_the_argument() {
    let cases: [(&[&str], &str); 5] = [
        (&["--rate", "0.12"], "did you mean 12%?"),
        (&["--amount", "100.123"], "more than two decimals"),
        (&["--term", "0"], "--term"),
        (&["--rate", "37"], "--rate"),
        (&["--method", "bullet", "--rounding", "up"], "--rounding"),
    ];
    for (args, needle) in cases {
        let mut flags = vec![
            ("--method", "equal-installment"),
            ("--amount", "1000"),
            ("--rate", "12"),
            ("--term", "12"),
        ];
        for pair in args.chunks(2) {
            match flags.iter_mut().find(|(f, _)| *f == pair[0]) {
                Some(slot) => slot.1 = pair[1],
                None => flags.push((pair[0], pair[1])),
            }
        }
        let mut all = vec!["schedule"];
        for (f, v) in flags {
            all.push(f);
            all.push(v);
        }
        let out = p2pdesk().args(&all).output().unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn init_sets_todays_business_date_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let out = init(&db).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&format!("business date {today}")), "{text}");
    let out = init(&db).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("already exists"));
    let out = p2pdesk().arg("--db").arg(&db).args(["audit", "verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout).unwrap().contains("audit chain intact"));
    let out = p2pdesk().arg("--db").arg(&db).args(["ledger", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn database_flag_beats_environment_beats_config() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    let from_cfg = dir.path().join("cfg.db");
    std::fs::write(&cfg, format!("db = {:?}\n", from_cfg.to_str().unwrap())).unwrap();
    let from_env = dir.path().join("env.db");
    let from_flag = dir.path().join("flag.db");
    let data = dir.path().join("data");
    let base = |c: &mut Command| {
        c.arg("--config").arg(&cfg).arg("--data-dir").arg(&data);
    };
    let mut c = p2pdesk();
    base(&mut c);
    c.env("P2PDESK_DB", &from_env).arg("--db").arg(&from_flag);
    admin(&mut c).assert().code(0);
    assert!(from_flag.exists() && !from_env.exists());
    let mut c = p2pdesk();
    base(&mut c);
    c.env("P2PDESK_DB", &from_env);
    admin(&mut c).assert().code(0);
    assert!(from_env.exists() && !from_cfg.exists());
    let mut c = p2pdesk();
    base(&mut c);
    admin(&mut c).assert().code(0);
    assert!(from_cfg.exists());
    std::fs::write(&cfg, "").unwrap();
    let mut c = p2pdesk();
    base(&mut c);
    admin(&mut c).assert().code(0);
    assert!(data.join("p2pdesk.db").exists());
}

fn admin(c: &mut Command) -> &mut Command {
    c.args(["init", "--admin", "root", "--password-stdin"])
        .write_stdin(format!("{ADMIN_PASSWORD}\n"))
}

#[test]
fn a_missing_database_is_a_clear_failure() {
    let dir = tempfile::tempdir().unwrap();
    let out = p2pdesk()
        .arg("--db")
        .arg(dir.path().join("none.db"))
        .args(["ledger", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("p2pdesk init"));
}

#[test]
fn init_refuses_a_weak_password_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let out = p2pdesk()
        .arg("--db")
        .arg(&db)
        .args(["init", "--admin", "root", "--password-stdin"])
        .write_stdin("Password123!\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("password: is too common"));
    assert!(!db.exists());
    let out = p2pdesk().arg("--db").arg(&db).args(["init", "--admin", "root"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "no terminal and no --password-stdin");
    assert!(!db.exists());
}

#[test]
fn whoami_and_passwd_act_as_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    init(&db).assert().code(0);
    let out = p2pdesk()
        .arg("--db")
        .arg(&db)
        .args(["whoami", "--user", "root", "--password-stdin", "--format", "json"])
        .write_stdin(format!("{ADMIN_PASSWORD}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let me: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(me["user"], "root");
    assert_eq!(me["department"], "ops");
    assert_eq!(me["roles"], serde_json::json!(["system_admin"]));
    assert_eq!(me["levels"], serde_json::json!({"ops": "advanced", "admin": "advanced"}));
    assert!(me["last_login"].is_null(), "the first login has none before it");
    assert!(me["password_expires"].is_string());
    // A wrong password: exit 1, the generic message.
    let out = p2pdesk()
        .arg("--db")
        .arg(&db)
        .args(["whoami", "--user", "root", "--password-stdin"])
        .write_stdin("wrong-Password-1\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("user name or password is wrong"));
    // The same through the environment variable.
    let out = p2pdesk()
        .arg("--db")
        .arg(&db)
        .args(["whoami", "--user", "root"])
        .env("P2PDESK_PASSWORD", ADMIN_PASSWORD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // passwd: old, new, new again.
    let out = p2pdesk()
        .arg("--db")
        .arg(&db)
        .args(["passwd", "--user", "root"])
        .write_stdin(format!("{ADMIN_PASSWORD}\nQuiet-river-2031\nQuiet-river-2031\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = p2pdesk()
        .arg("--db")
        .arg(&db)
        .args(["whoami", "--user", "root", "--password-stdin"])
        .write_stdin("Quiet-river-2031\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // The old password is gone and may not come back (history).
    let out = p2pdesk()
        .arg("--db")
        .arg(&db)
        .args(["passwd", "--user", "root"])
        .write_stdin(format!("Quiet-river-2031\n{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr).unwrap().contains("must differ from the last 4 passwords")
    );
    let out = p2pdesk().arg("--db").arg(&db).args(["audit", "verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn totp_enrolment_then_login_needs_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    init(&db).assert().code(0);
    // 160 bits, as an authenticator app would make them.
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap();
    let code = p2pdesk::domain::credentials::totp_code(secret, now).unwrap();
    let out = p2pdesk()
        .arg("--db")
        .arg(&db)
        .args(["totp", "--user", "root", "--password-stdin", "--secret", secret])
        .write_stdin(format!("{ADMIN_PASSWORD}\n{code}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // Without the code on the next line, the login is refused.
    let out = p2pdesk()
        .arg("--db")
        .arg(&db)
        .args(["whoami", "--user", "root", "--password-stdin"])
        .write_stdin(format!("{ADMIN_PASSWORD}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("second-factor code is required"));
}

#[test]
fn the_administrator_lists_and_ends_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    init(&db).assert().code(0);
    // A session left open by another process (a console).
    let mut svc = p2pdesk::service::Service::new(p2pdesk::store::Db::open(&db).unwrap());
    let login =
        svc.login("root", &secrecy::SecretString::from(ADMIN_PASSWORD.to_owned()), None).unwrap();
    drop(svc);
    let list = |c: &mut Command| {
        c.arg("--db")
            .arg(&db)
            .args(["sessions", "--user", "root", "--password-stdin"])
            .write_stdin(format!("{ADMIN_PASSWORD}\n"));
    };
    let mut c = p2pdesk();
    list(&mut c);
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("1 open session(s)"), "{text}");
    let mut c = p2pdesk();
    list(&mut c);
    c.args(["--end", &login.session_id.to_string()]).assert().code(0);
    let mut c = p2pdesk();
    list(&mut c);
    let out = c.output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().starts_with("0 open session(s)"));
}
