//! `p2pdesk` without a command opens the console; what it checks before taking over the
//! terminal is reported as a plain error, with nothing written to the screen.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;

fn p2pdesk(dir: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("p2pdesk").unwrap();
    c.env_remove("P2PDESK_DB").arg("--data-dir").arg(dir);
    c
}

#[test]
fn a_missing_database_is_an_error_before_the_console_starts() {
    let dir = tempfile::tempdir().unwrap();
    let out = p2pdesk(dir.path()).arg("--db").arg(dir.path().join("none.db")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no database at") && err.contains("p2pdesk init"), "{err}");
    assert!(out.stdout.is_empty(), "no escape codes: {:?}", out.stdout);
}

#[test]
fn a_key_clash_in_the_config_file_is_reported_with_both_actions() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[keys.home]\nflag = \"q\"\n").unwrap();
    let out = p2pdesk(dir.path()).arg("--config").arg(&cfg).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("\"flag\"") && err.contains("\"quit\"") && err.contains("\"home\""),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn without_a_terminal_the_console_refuses_and_logs_go_to_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p2p.db");
    p2pdesk(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["init", "--admin", "root", "--password-stdin"])
        .write_stdin("Harbour-lamp-47\n")
        .assert()
        .success();
    let out = p2pdesk(dir.path()).arg("--db").arg(&db).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("needs a terminal"));
    assert!(out.stdout.is_empty());
    assert!(dir.path().join("logs/p2pdesk.log").exists());
}
