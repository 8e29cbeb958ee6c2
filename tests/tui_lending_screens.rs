//! The lending screens one at a time: lists read a page at a time by key, CJK names in
//! aligned columns, forms that check each field as it is typed and name the field at fault,
//! the schedule preview, the bid counter, refusals worded for the user, the audit viewer, the
//! daily job's permission and the work queue.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::many_single_char_names
)]

mod tui_support;

use std::path::Path;

use chrono::NaiveDate;
use p2pdesk::domain::access::{Level, Module};
use p2pdesk::domain::schedule::Method;
use p2pdesk::domain::{Money, Rate};
use p2pdesk::service::import::{ImportOptions, Layout};
use p2pdesk::service::lending::{NewBorrower, NewInvestor, ProjectDraft};
use p2pdesk::service::{Actor, Service};
use p2pdesk::tui::i18n::Locale;
use ratatui::crossterm::event::KeyCode;
use tui_support::{Console, Platform, ROOT_PASSWORD, STAFF_PASSWORD, secret};

fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn open(c: &mut Console, dept: char, index: usize) {
    c.key(KeyCode::Char(dept));
    for _ in 0..index {
        c.key(KeyCode::Down);
    }
    c.enter();
}

fn shows(c: &mut Console, text: &str) -> String {
    let screen = c.draw();
    assert!(screen.contains(text), "expected {text:?} on:\n{screen}");
    screen
}

fn actor(p: &Platform, user: &str) -> (Service, Actor) {
    let mut svc = p.open();
    let a = svc.login(user, &secret(STAFF_PASSWORD), None).unwrap().actor;
    (svc, a)
}

fn borrower(svc: &mut Service, a: &Actor, name: &str, i: usize) -> i64 {
    let b = NewBorrower {
        kind: "person".into(),
        name: name.into(),
        id_number: format!("1101051990010{i:05}"),
        phone: String::new(),
    };
    svc.create_borrower(a, &b).unwrap()
}

fn draft(borrower: i64, amount: &str) -> ProjectDraft {
    ProjectDraft {
        borrower_id: borrower,
        title: "经营周转".into(),
        purpose: "working capital".into(),
        amount: m(amount),
        rate: Rate::parse("8").unwrap(),
        term_months: 12,
        method: Method::EqualInstallment,
        min_bid: m("1000"),
        bid_step: m("100"),
        raise_days: 10,
        fee_rate: Rate::parse("2").unwrap(),
    }
}

/// The masked ID of the i-th test borrower.
fn masked(i: usize) -> String {
    format!("110105********{:04}", i % 10_000)
}

#[test]
fn borrowers_are_read_a_page_at_a_time_with_cjk_names_aligned() {
    let p = Platform::new();
    p.add("biz1", "业务甲", "business", &[(Module::Business, Level::Ordinary)], true);
    let (mut svc, a) = actor(&p, "biz1");
    let names = ["欧阳修文", "Al", "司马光", "Bartholomew", "李", "Jo"];
    for i in 1..=45 {
        borrower(&mut svc, &a, names[i % names.len()], i);
    }
    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("biz1", STAFF_PASSWORD);
    open(&mut c, '1', 0);
    // 40 rows: the body has 36, the table 33 after its frame and header.
    let screen = shows(&mut c, &masked(1));
    assert!(screen.contains(&masked(33)) && !screen.contains(&masked(34)), "{screen}");
    // Every ID in one column whatever the width of the name before it.
    let columns: Vec<u16> = (1..=33).map(|i| c.find(&masked(i)).unwrap().x).collect();
    assert!(columns.iter().all(|x| *x == columns[0]), "{columns:?}\n{screen}");
    let name_x = c.find("欧阳修文").unwrap().x;
    assert_eq!(c.find("Bartholomew").unwrap().x, name_x);

    c.key(KeyCode::PageDown);
    let screen = shows(&mut c, &masked(45));
    assert!(screen.contains(&masked(34)) && !screen.contains(&masked(33)), "{screen}");
    // Up from the first row of a page reads the page before and lands on its last row.
    c.key(KeyCode::Up);
    let screen = shows(&mut c, &masked(33));
    assert!(!screen.contains(&masked(34)), "{screen}");
    let selected = screen.lines().find(|l| l.contains("> ")).unwrap();
    assert!(selected.contains(&masked(33)), "{selected}");
    c.key(KeyCode::End);
    let screen = shows(&mut c, &masked(45));
    assert!(screen.contains(&masked(13)) && !screen.contains(&masked(12)), "{screen}");
    c.key(KeyCode::Home);
    shows(&mut c, &masked(1));

    // The form names the field at fault; a new borrower is listed masked.
    c.key(KeyCode::Char('n'));
    c.type_text("3");
    c.enter();
    let screen = shows(&mut c, "请检查「借款人类型」");
    assert!(screen.contains("请输入 1（自然人）或 2（企业）。"), "{screen}");
    c.ctrl('u');
    c.type_text("2");
    c.key(KeyCode::Tab);
    c.type_text("上海某某贸易有限公司");
    c.enter();
    let screen = shows(&mut c, "请检查「证件号码」：必填。");
    assert!(screen.contains("企业"), "the kind reads as company: {screen}");
    // The focus went to the field at fault.
    c.type_text("91310000MA1K000000");
    c.enter();
    shows(&mut c, "借款人 46（上海某某贸易有限公司）已登记。");
}

#[test]
fn the_project_form_checks_as_typed_and_previews_the_schedule() {
    let p = Platform::new();
    p.add("biz1", "业务甲", "business", &[(Module::Business, Level::Ordinary)], true);
    let (mut svc, a) = actor(&p, "biz1");
    borrower(&mut svc, &a, "张三", 1);
    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("biz1", STAFF_PASSWORD);
    open(&mut c, '1', 2);
    c.key(KeyCode::Char('n'));
    c.enter();
    shows(&mut c, "请检查「借款人编号」：必填。");

    // 100,000 at 12 % over 12 months, equal installments from 2026-12-03: the first period
    // pays interest 1,000.00 and principal 7,884.88, 8,884.88 in all.
    for v in ["1", "设备采购", "购买设备", "100,000", "0.12"] {
        c.type_text(v);
        c.key(KeyCode::Tab);
    }
    let screen = shows(&mut c, "含义不明确：如指 12%，请写成 12%。");
    assert!(screen.contains("张三") && screen.contains("100,000.00"), "{screen}");
    c.key(KeyCode::BackTab);
    c.ctrl('u');
    c.type_text("12.5");
    shows(&mut c, "超过法定利率上限 12%。");
    c.ctrl('u');
    c.type_text("12");
    c.key(KeyCode::Tab);
    c.type_text("12");
    c.key(KeyCode::Tab);
    c.type_text("1");
    let screen = shows(&mut c, "还款计划预览（放款日 2026-12-03）");
    let first = screen.lines().find(|l| l.contains("2027-01-03")).unwrap();
    assert!(
        first.contains("7,884.88") && first.contains("1,000.00") && first.contains("8,884.88"),
        "{first}"
    );
    let sum = screen.lines().find(|l| l.contains("合计") && l.contains("12 期")).unwrap();
    assert!(sum.contains("100,000.00"), "{sum}");
    assert!(screen.contains("等额本息"), "{screen}");

    c.key(KeyCode::Tab);
    c.type_text("1000.005");
    shows(&mut c, "金额最多两位小数。");
    c.enter();
    shows(&mut c, "请检查「起投金额」：金额最多两位小数。");
    c.key(KeyCode::Backspace);
    c.key(KeyCode::Tab);
    c.type_text("100");
    c.key(KeyCode::Tab);
    c.type_text("90");
    shows(&mut c, "须为 1 到 60 之间的整数。");
    c.key(KeyCode::Backspace);
    c.key(KeyCode::Tab);
    c.type_text("2");
    shows(&mut c, "服务费 2,000.00");
    c.enter();
    shows(&mut c, "项目 1 已保存为草稿。");

    // A draft opens again with its terms.
    c.key(KeyCode::Char('e'));
    let screen = shows(&mut c, "修改借款项目 1");
    assert!(screen.contains("设备采购") && screen.contains("7,884.88"), "{screen}");
    c.key(KeyCode::Tab);
    c.ctrl('u');
    c.type_text("设备采购二期");
    c.enter();
    shows(&mut c, "设备采购二期");
    assert_eq!(p.open().project_draft(1).unwrap().title, "设备采购二期");
}

#[test]
fn refusals_are_said_in_the_users_words() {
    let p = Platform::new();
    let both = [
        (Module::Business, Level::Ordinary),
        (Module::Risk, Level::Advanced),
        (Module::Finance, Level::Advanced),
    ];
    p.add("both", "兼岗", "business", &both, true);
    p.add("risk1", "风控乙", "risk", &[(Module::Risk, Level::Advanced)], true);
    let (mut svc, a) = actor(&p, "both");
    let b = borrower(&mut svc, &a, "张三", 1);
    let mine = svc.create_project(&a, &draft(b, "5000")).unwrap();
    svc.submit_project(&a, mine).unwrap();
    let draft_only = svc.create_project(&a, &draft(b, "5000")).unwrap();

    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("both", STAFF_PASSWORD);
    open(&mut c, '2', 0);
    c.enter();
    c.key(KeyCode::Char('a'));
    shows(&mut c, "您是该项目的提交人，不能审核自己提交的项目。");
    assert_eq!(p.open().project_row(&a, mine).unwrap().unwrap().status, "submitted");

    // A draft cannot be published.
    open(&mut c, '1', 2);
    c.key(KeyCode::Down);
    c.key(KeyCode::Char('p'));
    shows(&mut c, &format!("项目 {draft_only} 当前为「草稿」，此操作需要「审核通过」状态。"));

    // The proposer of a disbursement cannot execute it.
    let (mut rs, r) = actor(&p, "risk1");
    rs.review_project(&r, mine, true, Some("C"), "").unwrap();
    svc.publish_project(&a, mine).unwrap();
    let inv = svc
        .create_investor(
            &a,
            &NewInvestor {
                name: "李四".into(),
                id_number: "X1".into(),
                phone: String::new(),
                risk_tolerance: "E".into(),
            },
        )
        .unwrap();
    svc.investor_deposit(&a, inv, m("5000"), "CUST-1").unwrap();
    svc.place_bid(&a, mine, inv, m("5000"), "k1").unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    svc.propose_disbursement(&a, mine, "HT-1", today, true).unwrap();
    open(&mut c, '3', 0);
    c.key(KeyCode::Char('x'));
    shows(&mut c, "您是该放款申请的申请人，不能审批自己的申请，须由另一人执行。");
    assert_eq!(p.open().project_row(&a, mine).unwrap().unwrap().status, "proposed");

    // Another reviewer rejects a project: the opinion is required.
    let other = svc.create_project(&a, &draft(b, "3000")).unwrap();
    svc.submit_project(&a, other).unwrap();
    let mut rc = Console::new(&p, Locale::ZhCn);
    rc.login("risk1", STAFF_PASSWORD);
    open(&mut rc, '2', 0);
    rc.enter();
    rc.key(KeyCode::Char('x'));
    rc.enter();
    shows(&mut rc, "驳回须填写审核意见。");
    rc.type_text("缺少收入证明");
    rc.enter();
    shows(&mut rc, &format!("项目 {other} 已驳回，退回草稿。"));
    let row = p.open().project_row(&a, other).unwrap().unwrap();
    assert_eq!((row.status.as_str(), row.review_opinion.as_str()), ("draft", "缺少收入证明"));

    // In English too.
    let mut en = Console::new(&p, Locale::En);
    en.login("both", STAFF_PASSWORD);
    open(&mut en, '3', 0);
    en.key(KeyCode::Char('x'));
    shows(&mut en, "You proposed this disbursement: someone else must execute it.");
}

#[test]
fn the_bid_counter_shows_the_terms_and_checks_the_amount() {
    let p = Platform::new();
    p.add("biz1", "业务甲", "business", &[(Module::Business, Level::Ordinary)], true);
    p.add("risk1", "风控乙", "risk", &[(Module::Risk, Level::Advanced)], true);
    let (mut svc, a) = actor(&p, "biz1");
    let b = borrower(&mut svc, &a, "张三", 1);
    let project = svc.create_project(&a, &draft(b, "10000")).unwrap();
    svc.submit_project(&a, project).unwrap();
    let (mut rs, r) = actor(&p, "risk1");
    rs.review_project(&r, project, true, Some("C"), "稳定").unwrap();
    svc.publish_project(&a, project).unwrap();
    for (name, tolerance, cash) in [("李四", "D", "5000"), ("王五", "A", "9000")] {
        let id = svc
            .create_investor(
                &a,
                &NewInvestor {
                    name: name.into(),
                    id_number: format!("ID-{name}"),
                    phone: String::new(),
                    risk_tolerance: tolerance.into(),
                },
            )
            .unwrap();
        svc.investor_deposit(&a, id, m(cash), &format!("CUST-{id}")).unwrap();
    }

    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("biz1", STAFF_PASSWORD);
    open(&mut c, '1', 3);
    shows(&mut c, "投标 - 募集中");
    c.key(KeyCode::Char('b'));
    let screen = shows(&mut c, "起投金额");
    for fact in ["1,000.00", "100.00", "10,000.00", "2026-12-12", "幂等键"] {
        assert!(screen.contains(fact), "{fact}: {screen}");
    }
    let key_line = |s: &str| s.lines().find(|l| l.contains("幂等键")).unwrap().to_owned();
    let first_key = key_line(&screen);
    c.type_text("2");
    c.key(KeyCode::Tab);
    shows(&mut c, "出借人风险承受能力 A 低于项目风险等级 C。");
    c.key(KeyCode::BackTab);
    c.ctrl('u');
    c.type_text("1");
    c.key(KeyCode::Tab);
    shows(&mut c, "可用余额 5,000.00");
    c.type_text("1050");
    shows(&mut c, "须为起投金额 1,000.00 加 100.00 的整数倍。");
    c.ctrl('u');
    c.type_text("6000");
    shows(&mut c, "超过出借人可用余额 5,000.00。");
    c.ctrl('u');
    c.type_text("5000");
    c.enter();
    let screen = shows(&mut c, "投标成功：出借人 1 投 5,000.00");
    assert!(screen.contains("5,000.00"), "remaining: {screen}");
    assert_ne!(key_line(&screen), first_key, "a new key for the next bid");
}

#[test]
fn loans_are_read_a_page_at_a_time_and_filtered_by_state() {
    let p = Platform::new();
    p.add("fin1", "财务丙", "finance", &[(Module::Finance, Level::Ordinary)], true);
    let mut svc = p.open();
    let root = svc.login("root", &secret(ROOT_PASSWORD), None).unwrap().actor;
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lendingclub-2018q1-openintro.csv");
    let as_of = NaiveDate::from_ymd_opt(2018, 6, 30).unwrap();
    let opts = ImportOptions { layout: Layout::OpenIntro, as_of, dry_run: false, limit: Some(80) };
    let report = svc.import_loans(&root, &file, opts, &mut |_| true).unwrap();
    assert_eq!(report.imported, 80);

    let mut c = Console::new(&p, Locale::En);
    c.login("fin1", STAFF_PASSWORD);
    open(&mut c, '3', 3);
    let screen = c.draw();
    let ids = |s: &str| -> Vec<i64> {
        s.lines()
            .filter(|l| l.starts_with('│'))
            .filter_map(|l| {
                l.trim_start_matches(['│', '>', ' ']).split_whitespace().next()?.parse().ok()
            })
            .collect()
    };
    assert_eq!(ids(&screen), (1..=33).collect::<Vec<i64>>(), "{screen}");
    c.key(KeyCode::PageDown);
    assert_eq!(ids(&c.draw()), (34..=66).collect::<Vec<i64>>());
    c.key(KeyCode::PageDown);
    assert_eq!(ids(&c.draw()), (67..=80).collect::<Vec<i64>>());
    c.key(KeyCode::Down);
    c.key(KeyCode::Enter);
    shows(&mut c, "Loan 68");
    c.key(KeyCode::Esc);

    c.key(KeyCode::Char('/'));
    c.type_text("nonsense");
    c.enter();
    shows(&mut c, "No such state. One of: current overdue settled written off");
    c.ctrl('u');
    c.type_text("current");
    c.enter();
    let screen = shows(&mut c, "Loans - current");
    let rows = ids(&screen);
    assert!(!rows.is_empty());
    let svc = p.open();
    let fin = svc.actor(svc.staff_id("fin1").unwrap()).unwrap();
    for id in rows {
        assert_eq!(svc.loan_row(&fin, id).unwrap().unwrap().state, "current");
    }
}

#[test]
fn the_audit_trail_is_newest_first_and_filters_by_actor() {
    let p = Platform::new();
    p.add("aud1", "审计戊", "audit", &[(Module::Audit, Level::Ordinary)], true);
    p.add("biz1", "业务甲", "business", &[(Module::Business, Level::Ordinary)], true);
    let (mut svc, a) = actor(&p, "biz1");
    for i in 1..=40 {
        borrower(&mut svc, &a, "张三", i);
    }
    let mut c = Console::new(&p, Locale::En);
    c.login("aud1", STAFF_PASSWORD);
    open(&mut c, '5', 0);
    let screen = c.draw();
    let seqs: Vec<i64> = screen
        .lines()
        .filter(|l| l.starts_with('│'))
        .filter_map(|l| {
            l.trim_start_matches(['│', '>', ' ']).split_whitespace().next()?.parse().ok()
        })
        .collect();
    assert!(seqs.len() > 20 && seqs.windows(2).all(|w| w[0] == w[1] + 1), "{seqs:?}");
    assert!(screen.contains("auth.login"), "the auditor's own login is newest: {screen}");
    c.key(KeyCode::Char('/'));
    c.type_text("biz1");
    c.key(KeyCode::Tab);
    c.type_text("borrower.");
    c.enter();
    let screen = shows(&mut c, "Audit trail - actor biz1 - action borrower.");
    let body: Vec<&str> = screen.lines().filter(|l| l.contains("borrower.create")).collect();
    assert_eq!(body.len(), 33, "a full page of them: {screen}");
    assert!(!screen.contains("auth.login"), "{screen}");
}

#[test]
fn the_daily_job_asks_for_the_advanced_level_and_a_confirmation() {
    let p = Platform::new();
    p.add("ops0", "运维", "ops", &[(Module::Ops, Level::Ordinary)], true);
    p.add("ops1", "技术丁", "ops", &[(Module::Ops, Level::Advanced)], true);
    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("ops0", STAFF_PASSWORD);
    open(&mut c, '6', 0);
    c.key(KeyCode::Char('x'));
    c.key(KeyCode::Char('y'));
    shows(&mut c, "越权操作");
    assert_eq!(p.open().business_date().unwrap(), NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
    // The refusal is recorded as an overreach attempt.
    let refused: i64 = p
        .open()
        .db()
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'batch.daily.request' AND outcome = 'refused'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(refused, 1);

    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("ops1", STAFF_PASSWORD);
    open(&mut c, '6', 0);
    c.key(KeyCode::Char('x'));
    shows(&mut c, "将业务日期从 2026-12-03 推进到 2026-12-04 并运行日终批处理？");
    c.key(KeyCode::Char('n'));
    assert_eq!(p.open().business_date().unwrap(), NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
    c.key(KeyCode::Char('x'));
    c.key(KeyCode::Char('y'));
    let screen = shows(&mut c, "2026-12-04：流标 0 个");
    assert!(screen.contains("业务日期 2026-12-04"), "the title row follows: {screen}");
}

#[test]
fn the_work_queue_lists_what_waits_for_each_level() {
    let p = Platform::new();
    p.add("biz1", "业务甲", "business", &[(Module::Business, Level::Ordinary)], true);
    p.add("risk1", "风控乙", "risk", &[(Module::Risk, Level::Advanced)], true);
    let (mut svc, a) = actor(&p, "biz1");
    let b = borrower(&mut svc, &a, "张三", 1);
    for _ in 0..3 {
        let id = svc.create_project(&a, &draft(b, "1000")).unwrap();
        svc.submit_project(&a, id).unwrap();
    }
    let (mut rs, r) = actor(&p, "risk1");
    rs.review_project(&r, 1, true, Some("B"), "").unwrap();

    let mut risk = Console::new(&p, Locale::ZhCn);
    risk.login("risk1", STAFF_PASSWORD);
    let screen = shows(&mut risk, "待审核借款项目 2 个");
    assert!(screen.contains("（审核队列）"), "{screen}");
    let mut biz = Console::new(&p, Locale::En);
    biz.login("biz1", STAFF_PASSWORD);
    let screen = shows(&mut biz, "1 approved projects to publish");
    assert!(!screen.contains("to review"), "business does not review: {screen}");
}
