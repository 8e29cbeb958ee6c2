//! The demonstration database: every department and role, the real book with its claims
//! bought by synthetic investors, projects in every state; never a production database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use chrono::NaiveDate;
use p2pdesk::service::Service;
use serde_json::Value;

fn p2pdesk() -> Command {
    let mut c = Command::cargo_bin("p2pdesk").unwrap();
    c.env_remove("P2PDESK_DB").env_remove("P2PDESK_PASSWORD");
    c
}

#[test]
fn demo_holds_every_state_and_balances() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = p2pdesk()
        .arg("--db")
        .arg(&db)
        .args(["demo", "--loans", "300", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let accounts: Value = serde_json::from_slice(&out.stdout).unwrap();
    let accounts = accounts.as_array().unwrap();
    let departments: std::collections::BTreeSet<&str> =
        accounts.iter().map(|a| a["department"].as_str().unwrap()).collect();
    assert_eq!(departments.len(), 6, "business, risk, finance, hr, audit, ops: {departments:?}");
    for role in ["system administrator", "security administrator", "audit administrator"] {
        assert!(accounts.iter().any(|a| a["role"] == role), "{role}");
    }
    let svc = Service::new(p2pdesk::store::Db::open(&db).unwrap());
    let conn = svc.db().conn();
    let q = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(q("SELECT is_demo FROM platform"), 1);
    assert_eq!(q("SELECT count(*) FROM loans WHERE source = 'import'"), 300);
    assert_eq!(
        q("SELECT count(*) FROM holdings WHERE investor_id IS NULL"),
        0,
        "every claim bought"
    );
    for status in ["draft", "submitted", "raising", "full", "failed", "proposed", "disbursed"] {
        let n = q(&format!("SELECT count(*) FROM projects WHERE status = '{status}'"));
        assert!(n > 0, "no project {status}");
    }
    assert!(
        q("SELECT count(*) FROM projects WHERE status = 'draft' AND review_opinion <> ''") > 0,
        "rejected ones"
    );
    assert_eq!(svc.business_date().unwrap(), NaiveDate::from_ymd_opt(2018, 6, 30).unwrap());
    assert!(svc.check_books().unwrap().ok());
    assert!(svc.verify_audit().unwrap().ok());
    // The printed passwords log in; the first-login account must change its password.
    let clerk = accounts.iter().find(|a| a["user"] == "fin.clerk").unwrap();
    let out = p2pdesk()
        .arg("--db")
        .arg(&db)
        .args(["whoami", "--user", "fin.clerk", "--password-stdin"])
        .write_stdin(format!("{}\n", clerk["password"].as_str().unwrap()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let newbie = accounts.iter().find(|a| a["user"] == "new.hire").unwrap();
    let out = p2pdesk()
        .arg("--db")
        .arg(&db)
        .args(["whoami", "--user", "new.hire", "--password-stdin"])
        .write_stdin(format!("{}\n", newbie["password"].as_str().unwrap()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("password change required"));

    // Plain `demo` keeps it; another file is never touched.
    let out = p2pdesk().arg("--db").arg(&db).arg("demo").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("demo database kept"));
    let other = dir.path().join("prod.db");
    p2pdesk()
        .arg("--db")
        .arg(&other)
        .args(["init", "--admin", "root", "--password-stdin"])
        .write_stdin("Harbour-lamp-47\n")
        .assert()
        .code(0);
    let out = p2pdesk().arg("--db").arg(&other).args(["demo", "--force"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a demo database"));
    // A real database refuses to keep passwords.
    let prod = Service::new(p2pdesk::store::Db::open(&other).unwrap());
    let e = prod
        .db()
        .conn()
        .execute("INSERT INTO demo_credentials VALUES ('x', 'y', 'z', 'secret')", [])
        .unwrap_err();
    assert!(e.to_string().contains("only in a demo database"), "{e}");
}
