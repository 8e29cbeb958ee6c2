//! Importing the real LendingClub samples. Expected figures come from the files themselves,
//! summed independently (Python's `decimal` over the CSV columns):
//! OpenIntro Σ balance = Σ (loan_amount − paid_principal) over active loans = 144,589,166.10;
//! its 171 late or in-grace loans owe 2,999,677.93; its 7 charged-off loans lost 85,574.24.
//! Native sample: 208 charged off, loss 2,366,696.60; one fully paid loan 0.01 short.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use p2pdesk::domain::Money;
use p2pdesk::domain::access::{Level, Module};
use p2pdesk::service::identity::NewAccount;
use p2pdesk::service::import::{ImportOptions, Layout};
use p2pdesk::service::{Actor, Service, ServiceError};
use secrecy::SecretString;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn platform(dir: &Path) -> (Service, Actor) {
    let mut svc = Service::init(&dir.join("book.db"), d(2026, 12, 3), "Asia/Shanghai").unwrap();
    let id = svc
        .bootstrap_admin("root", "Root", &SecretString::from("Harbour-lamp-47".to_owned()))
        .unwrap();
    let root = svc.actor(id).unwrap();
    (svc, root)
}

fn opts(layout: Layout, as_of: NaiveDate, dry_run: bool) -> ImportOptions {
    ImportOptions { layout, as_of, dry_run, limit: None }
}

fn count(svc: &Service, sql: &str) -> i64 {
    svc.db().conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn openintro_book_imports_whole_and_balances() {
    let dir = tempfile::tempdir().unwrap();
    let (mut svc, root) = platform(dir.path());
    let file = data("lendingclub-2018q1-openintro.csv");

    let dry = svc
        .import_loans(&root, &file, opts(Layout::OpenIntro, d(2018, 6, 30), true), &mut |_| true)
        .unwrap();
    assert_eq!(dry.imported, 10_000);
    assert_eq!(count(&svc, "SELECT count(*) FROM loans"), 0, "a dry run changes nothing");
    assert_eq!(svc.business_date().unwrap(), d(2026, 12, 3));

    let r = svc
        .import_loans(&root, &file, opts(Layout::OpenIntro, d(2018, 6, 30), false), &mut |_| true)
        .unwrap();
    assert_eq!((r.rows_read, r.imported, r.refused.len()), (10_000, 10_000, 0));
    assert_eq!(r.business_date_set.as_deref(), Some("2018-06-30"));
    assert_eq!(svc.business_date().unwrap(), d(2018, 6, 30));
    assert_eq!(r.outstanding, m("144589166.10"));
    assert_eq!(r.file_balance, m("144589166.10"));
    let lines: BTreeSet<u64> =
        r.anomalies["installment differs from the computed one"].iter().map(|f| f.line).collect();
    assert_eq!(lines, BTreeSet::from([1549, 1969, 9688]));
    assert_eq!(r.anomalies["rate above the legal cap"].len(), 307, "rates above 24 % in 2018");

    let reader = root_reader(&mut svc, &root);
    let p = svc.portfolio(&reader, None).unwrap();
    assert_eq!(p.loans, 10_000);
    assert_eq!(p.outstanding_principal, m("144589166.10"));
    assert_eq!(p.written_off_principal, m("85574.24"));
    let states: BTreeMap<&str, u64> =
        p.by_state.iter().map(|(k, v)| (k.as_str(), v.loans)).collect();
    // 9,375 current less one prepaid in full (settled on import); 447 + 1 settled.
    assert_eq!(
        states,
        BTreeMap::from([("current", 9374), ("overdue", 171), ("settled", 448), ("written_off", 7)])
    );
    assert_eq!(p.by_state["overdue"].outstanding_principal, m("2999677.93"));
    assert!(svc.check_books().unwrap().ok());

    // A re-run recognises every row and doubles nothing.
    let again = svc
        .import_loans(&root, &file, opts(Layout::OpenIntro, d(2018, 6, 30), false), &mut |_| true)
        .unwrap();
    assert_eq!((again.imported, again.already_imported), (0, 10_000));
    assert_eq!(count(&svc, "SELECT count(*) FROM loans"), 10_000);
    // The business date is no longer the import's to set: a later as-of is refused.
    let later =
        svc.import_loans(&root, &file, opts(Layout::OpenIntro, d(2018, 7, 1), false), &mut |_| {
            true
        });
    assert!(matches!(later, Err(ServiceError::Invalid { field: "as-of", .. })));

    // The schedule of row 1 (28,000 at 14.07 % over 60 months, issued Mar-2018): level
    // payment rounded up 652.53 as the file states; 984.14 principal paid, so 27,015.86 left.
    let (level, outstanding): (i64, i64) = svc
        .db()
        .conn()
        .query_row("SELECT level_payment_fen, outstanding_fen FROM loans WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((level, outstanding), (65_253, 2_701_586));
    let (first_due, first_interest): (String, i64) = svc
        .db()
        .conn()
        .query_row(
            "SELECT due_date, interest_fen FROM installments WHERE loan_id = 1 AND period = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // Next due after 2018-06-30 is 2018-07-01; interest 27,015.86 × 14.07 / 1200 = 316.76.
    assert_eq!((first_due.as_str(), first_interest), ("2018-07-01", 31_676));
    assert!(svc.verify_audit().unwrap().ok());
}

fn root_reader(svc: &mut Service, root: &Actor) -> Actor {
    let a = NewAccount {
        username: "auditor1".into(),
        display_name: "Auditor".into(),
        department: "audit".into(),
        duties: "review".into(),
        levels: BTreeMap::from([(Module::Audit, Level::Ordinary)]),
        is_head: false,
    };
    let id = svc.create_account_bootstrap(root, &a).unwrap().staff_id;
    svc.actor(id).unwrap()
}

#[test]
fn native_book_with_closed_loans() {
    let dir = tempfile::tempdir().unwrap();
    let (mut svc, root) = platform(dir.path());
    let file = data("lendingclub-native-sample.csv");
    let r = svc
        .import_loans(&root, &file, opts(Layout::LendingClub, d(2019, 12, 31), false), &mut |_| {
            true
        })
        .unwrap();
    assert_eq!((r.rows_read, r.imported, r.refused.len()), (1_000, 1_000, 0));
    assert_eq!(r.outstanding, Money::ZERO);
    assert_eq!(r.rounding_written_off, m("0.01"));
    assert_eq!(r.anomalies["fully paid loan short of its principal"].len(), 1);
    assert_eq!(r.anomalies["installment differs from the computed one"].len(), 7);
    let reader = root_reader(&mut svc, &root);
    let p = svc.portfolio(&reader, None).unwrap();
    assert_eq!(p.by_state["written_off"].loans, 208);
    assert_eq!(p.by_state["settled"].loans, 792);
    assert_eq!(
        p.written_off_principal,
        m("2366696.61"),
        "2,366,696.60 charged off + 0.01 rounding"
    );
    let recoveries: i64 = svc
        .db()
        .conn()
        .query_row("SELECT sum(amount_fen) FROM repayments WHERE kind = 'recovery'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(recoveries, 26_954_436);
    assert!(svc.check_books().unwrap().ok());
}

#[test]
fn bad_rows_are_listed_and_the_rest_imported() {
    let dir = tempfile::tempdir().unwrap();
    let (mut svc, root) = platform(dir.path());
    let src = std::fs::read_to_string(data("lendingclub-2018q1-openintro.csv")).unwrap();
    let mut lines: Vec<String> = src.lines().take(6).map(str::to_owned).collect();
    // Line 3: no amount. Line 4: a term of 0.
    let blank = |line: &str, col: usize, value: &str| {
        let mut rec: Vec<String> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        rec[col] = value.to_owned();
        let mut w = csv::Writer::from_writer(vec![]);
        w.write_record(&rec).unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap().trim_end().to_owned()
    };
    lines[2] = blank(&lines[2], 41, "NA");
    lines[3] = blank(&lines[3], 42, "0");
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let r = svc
        .import_loans(&root, &path, opts(Layout::OpenIntro, d(2018, 6, 30), false), &mut |_| true)
        .unwrap();
    assert_eq!((r.rows_read, r.imported), (5, 3));
    let refused: Vec<(u64, &str)> = r.refused.iter().map(|f| (f.line, f.reason.as_str())).collect();
    assert_eq!(refused, vec![(3, "amount is missing"), (4, "term 0 is outside 1 to 360 months")]);
}

#[test]
fn only_finance_advanced_or_the_system_administrator_imports() {
    let dir = tempfile::tempdir().unwrap();
    let (mut svc, root) = platform(dir.path());
    let reader = root_reader(&mut svc, &root);
    let before = count(&svc, "SELECT count(*) FROM audit_log WHERE outcome = 'refused'");
    let r = svc.import_loans(
        &reader,
        &data("lendingclub-native-sample.csv"),
        opts(Layout::LendingClub, d(2019, 12, 31), false),
        &mut |_| true,
    );
    assert!(matches!(r, Err(ServiceError::Forbidden { .. })));
    assert_eq!(count(&svc, "SELECT count(*) FROM audit_log WHERE outcome = 'refused'"), before + 1);
    assert_eq!(count(&svc, "SELECT count(*) FROM loans"), 0);
}

#[test]
fn a_future_as_of_or_an_empty_file_changes_nothing_and_short_rows_are_refused_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (mut svc, root) = platform(dir.path());
    let src = std::fs::read_to_string(data("lendingclub-2018q1-openintro.csv")).unwrap();
    let header = src.lines().next().unwrap().to_owned();
    let only_header = dir.path().join("header.csv");
    std::fs::write(&only_header, format!("{header}\n")).unwrap();
    let far = svc.import_loans(
        &root,
        &only_header,
        opts(Layout::OpenIntro, d(2099, 1, 1), false),
        &mut |_| true,
    );
    assert!(matches!(far, Err(ServiceError::Invalid { field: "as-of", .. })), "{far:?}");
    let r = svc
        .import_loans(
            &root,
            &only_header,
            opts(Layout::OpenIntro, d(2018, 6, 30), false),
            &mut |_| true,
        )
        .unwrap();
    assert_eq!((r.rows_read, r.imported), (0, 0));
    assert_eq!(r.business_date_set, None);
    assert_eq!(svc.business_date().unwrap(), d(2026, 12, 3), "no loans, no new business date");
    // A row cut short is refused by itself; the rows around it are imported.
    let lines: Vec<&str> = src.lines().take(4).collect();
    let short = dir.path().join("short.csv");
    std::fs::write(&short, format!("{}\n{}\n\"x\",\"y\",3\n{}\n", lines[0], lines[1], lines[2]))
        .unwrap();
    let r = svc
        .import_loans(&root, &short, opts(Layout::OpenIntro, d(2018, 6, 30), false), &mut |_| true)
        .unwrap();
    assert_eq!(r.imported, 2);
    assert_eq!(r.refused.len(), 1);
    assert_eq!(r.refused[0].line, 3);
    assert!(r.refused[0].reason.contains("has 3 fields"), "{}", r.refused[0].reason);
}
