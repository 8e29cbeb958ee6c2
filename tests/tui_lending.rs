//! One loan taken from draft to settled through the console, in each language: business
//! enters the borrower, the investors, their deposits and the project; risk approves it;
//! business publishes it, takes the bids and proposes the disbursement; finance (another
//! person) executes it and posts a repayment; technology runs the daily job past the first
//! due date; finance settles the loan early and reads it back. Each member of staff works in
//! his own console on the same database. At the end the books balance and the audit chain
//! holds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod tui_support;

use p2pdesk::domain::Money;
use p2pdesk::domain::access::{Level, Module};
use p2pdesk::domain::ledger::Account;
use p2pdesk::tui::i18n::{Locale, Tr};
use ratatui::crossterm::event::KeyCode;
use tui_support::{Console, Platform, STAFF_PASSWORD, secret};

/// Opens a department (its number key) and the function at `index` of its menu.
fn open(c: &mut Console, dept: char, index: usize) {
    c.key(KeyCode::Char(dept));
    for _ in 0..index {
        c.key(KeyCode::Down);
    }
    c.enter();
}

/// Types the values into a form, field after field, and submits it.
fn fill(c: &mut Console, values: &[&str]) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            c.key(KeyCode::Tab);
        }
        c.type_text(v);
    }
    c.enter();
}

fn shows(c: &mut Console, text: &str) -> String {
    let screen = c.draw();
    assert!(screen.contains(text), "expected {text:?} on:\n{screen}");
    screen
}

fn console(p: &Platform, locale: Locale, user: &str) -> Console {
    let mut c = Console::new(p, locale);
    c.login(user, STAFF_PASSWORD);
    c
}

fn lifecycle(locale: Locale) {
    let tr = Tr::of(locale);
    let p = Platform::new();
    p.add("biz1", "业务甲", "business", &[(Module::Business, Level::Ordinary)], true);
    p.add("risk1", "风控乙", "risk", &[(Module::Risk, Level::Advanced)], true);
    p.add("fin1", "财务丙", "finance", &[(Module::Finance, Level::Advanced)], true);
    p.add("ops1", "技术丁", "ops", &[(Module::Ops, Level::Advanced)], true);
    p.add("aud1", "审计戊", "audit", &[(Module::Audit, Level::Ordinary)], true);

    // Business: the borrower, with his ID and phone masked in the list.
    let mut biz = console(&p, locale, "biz1");
    open(&mut biz, '1', 0);
    biz.key(KeyCode::Char('n'));
    fill(&mut biz, &["1", "张三", "110105199001010020", "13800000000"]);
    let screen = shows(&mut biz, &tr.f("borrower.created", &[("id", "1"), ("name", "张三")]));
    assert!(screen.contains("110105********0020") && screen.contains("138****0000"), "{screen}");
    assert!(!screen.contains("110105199001010020"), "the full ID never shows in a list");

    // The investors and their deposits.
    biz.key(KeyCode::Esc);
    biz.key(KeyCode::Down);
    biz.enter();
    biz.key(KeyCode::Char('n'));
    fill(&mut biz, &["李四", "110105198001010011", "", "C"]);
    biz.key(KeyCode::Char('n'));
    fill(&mut biz, &["王五", "110105198502020022", "", "B"]);
    shows(&mut biz, &tr.f("investor.created", &[("id", "2"), ("name", "王五")]));
    biz.key(KeyCode::Home);
    biz.key(KeyCode::Char('d'));
    fill(&mut biz, &["80000", "CUST-A-1"]);
    biz.key(KeyCode::Down);
    biz.key(KeyCode::Char('d'));
    fill(&mut biz, &["50000", "CUST-B-1"]);
    let screen = shows(&mut biz, "80,000.00");
    assert!(screen.contains("50,000.00"), "{screen}");

    // The project: 100,000 at 8 % over 12 months, equal installments; the preview shows the
    // first period: interest 666.67, principal 8,032.17, payment 8,698.84.
    biz.key(KeyCode::Esc);
    biz.key(KeyCode::Down);
    biz.enter();
    biz.key(KeyCode::Char('n'));
    let terms =
        ["1", "经营周转", "working capital", "100000", "8", "12", "1", "1000", "100", "10", "2"];
    for (i, v) in terms.iter().enumerate() {
        if i > 0 {
            biz.key(KeyCode::Tab);
        }
        biz.type_text(v);
    }
    let screen = shows(&mut biz, "8,698.84");
    let first = screen.lines().find(|l| l.contains("8,698.84")).unwrap();
    assert!(first.contains("666.67") && first.contains("8,032.17"), "{first}");
    assert!(screen.contains("张三"), "the borrower is looked up: {screen}");
    assert!(screen.contains(&tr.f("project.fee_hint", &[("fee", "2,000.00")])), "{screen}");
    biz.enter();
    shows(&mut biz, &tr.f("project.saved", &[("id", "1")]));
    biz.key(KeyCode::Char('s'));
    biz.key(KeyCode::Char('y'));
    shows(&mut biz, &tr.f("projects.submitted", &[("id", "1")]));

    // Risk: the queue, the borrower's history and the schedule; approved with grade B.
    let mut risk = console(&p, locale, "risk1");
    shows(&mut risk, &tr.f("work.review", &[("n", "1")]));
    open(&mut risk, '2', 0);
    risk.enter();
    let screen = shows(&mut risk, "张三");
    assert!(screen.contains("8,698.84"), "{screen}");
    risk.key(KeyCode::Char('a'));
    fill(&mut risk, &["B", "收入稳定"]);
    shows(&mut risk, &tr.f("review.approved", &[("id", "1"), ("grade", "B")]));

    // Business: published for ten days, bids to full, the disbursement proposed.
    biz.key(KeyCode::Char('r'));
    biz.key(KeyCode::Char('p'));
    biz.key(KeyCode::Char('y'));
    shows(&mut biz, &tr.f("projects.published", &[("id", "1"), ("deadline", "2026-12-12")]));
    biz.key(KeyCode::Char('b'));
    biz.type_text("1");
    biz.key(KeyCode::Tab);
    let screen = shows(&mut biz, "80,000.00");
    assert!(screen.contains("100,000.00"), "the remaining amount: {screen}");
    biz.type_text("60000");
    biz.enter();
    shows(&mut biz, "40,000.00");
    fill(&mut biz, &["2", "40000"]);
    shows(&mut biz, &tr.f("bid.placed_full", &[("id", "2"), ("amount", "40,000.00")]));
    shows(&mut biz, tr.t("status.full"));
    biz.key(KeyCode::Char('d'));
    // The signing date is the business date already.
    biz.type_text("HT-2026-001");
    biz.key(KeyCode::Tab);
    biz.key(KeyCode::Tab);
    biz.type_text("y");
    biz.enter();
    shows(&mut biz, &tr.f("proposal.done", &[("id", "1"), ("contract", "HT-2026-001")]));

    // Finance, another person, executes it.
    let mut fin = console(&p, locale, "fin1");
    shows(&mut fin, &tr.f("work.execute", &[("n", "1")]));
    open(&mut fin, '3', 0);
    fin.key(KeyCode::Char('x'));
    fin.key(KeyCode::Char('y'));
    shows(&mut fin, &tr.f("proposals.done", &[("id", "1"), ("loan", "1")]));
    // The borrower takes the proceeds (98,000.00 after the 2 % fee) out through the bank;
    // withdrawals have no screen yet.
    let mut svc = p.open();
    let finance = svc.login("fin1", &secret(STAFF_PASSWORD), None).unwrap().actor;
    assert_eq!(svc.balance(Account::BorrowerCustody(1)).unwrap(), Money::parse("98000").unwrap());
    svc.withdraw(&finance, Account::BorrowerCustody(1), Money::parse("98000").unwrap(), "WD-1")
        .unwrap();

    // Paid before the first due date: it waits on the borrower's account.
    fin.key(KeyCode::Esc);
    fin.key(KeyCode::Down);
    fin.enter();
    fill(&mut fin, &["1", "8698.84", "BANK-0001"]);
    let posted = tr.f(
        "repay.posted",
        &[("loan", "1"), ("amount", "8,698.84"), ("applied", "0.00"), ("on_account", "8,698.84")],
    );
    shows(&mut fin, &posted);

    // Technology runs the daily job day by day to the first due date, 2027-01-03, which
    // applies the money waiting.
    let mut ops = console(&p, locale, "ops1");
    open(&mut ops, '6', 0);
    for _ in 0..30 {
        ops.key(KeyCode::Char('x'));
        ops.key(KeyCode::Char('y'));
        ops.key(KeyCode::Esc);
    }
    ops.key(KeyCode::Char('x'));
    shows(&mut ops, &tr.f("daily.confirm", &[("from", "2027-01-02"), ("to", "2027-01-03")]));
    ops.key(KeyCode::Char('y'));
    let day = tr.f(
        "daily.day",
        &[
            ("date", "2027-01-03"),
            ("failed", "0"),
            ("applied", "1"),
            ("overdue", "0"),
            ("penalty", "0.00"),
            ("disabled", "0"),
        ],
    );
    let screen = shows(&mut ops, &day);
    assert!(screen.contains(&tr.f("daily.done", &[("date", "2027-01-03")])), "{screen}");
    ops.key(KeyCode::Esc);
    shows(&mut ops, &format!("{} 2027-01-03", tr.t("app.business_date")));
    for _ in 0..7 {
        ops.key(KeyCode::Char('x'));
        ops.key(KeyCode::Char('y'));
        ops.key(KeyCode::Esc);
    }
    shows(&mut ops, "2027-01-10");

    // Finance settles early at the quote on 2027-01-10.
    fin.key(KeyCode::Esc);
    fin.key(KeyCode::Down);
    fin.enter();
    fin.type_text("1");
    fin.key(KeyCode::Tab);
    let screen = shows(&mut fin, tr.t("settle.quote"));
    let quote = svc.settlement_quote(1, None).unwrap();
    let total = p2pdesk::domain::money::grouped(quote.total);
    assert!(screen.contains(&total), "the quote {total}: {screen}");
    assert_eq!(quote.principal, Money::parse("91967.83").unwrap(), "period 1 paid");
    fin.type_text("BANK-0002");
    fin.enter();
    fin.key(KeyCode::Char('y'));
    shows(&mut fin, &tr.f("settle.done", &[("loan", "1"), ("amount", &total)]));

    // The loan read back: settled, its periods paid, its holders, postings and history.
    fin.key(KeyCode::Down);
    fin.enter();
    let screen = shows(&mut fin, tr.t("loan_state.settled"));
    fin.enter();
    let screen2 = shows(&mut fin, &tr.f("loan.title", &[("id", "1")]));
    assert!(screen2.contains("8,698.84") && screen2.contains("2027-01-03"), "{screen2}");
    assert!(screen2.contains(tr.t("loan_state.settled")), "{screen}\n{screen2}");
    fin.key(KeyCode::Tab);
    let holders = shows(&mut fin, "李四 (#1)");
    assert!(holders.contains("60.00%") && holders.contains("40.00%"), "{holders}");
    fin.key(KeyCode::Tab);
    let postings = shows(&mut fin, tr.t("entry_kind.disbursement"));
    assert!(
        postings.contains("BANK-0002") && postings.contains("apply:1:2027-01-03"),
        "{postings}"
    );
    fin.key(KeyCode::Tab);
    let history = shows(&mut fin, "repayment.settle");
    assert!(history.contains("project.review") && history.contains("risk1"), "{history}");

    // Audit sees the trail, newest first, and the portfolio.
    let mut aud = console(&p, locale, "aud1");
    open(&mut aud, '5', 0);
    let trail = shows(&mut aud, "fin1");
    assert!(trail.contains("auth.login"), "{trail}");
    aud.key(KeyCode::Esc);
    aud.key(KeyCode::Down);
    aud.enter();
    shows(&mut aud, tr.t("loan_state.settled"));

    let svc = p.open();
    let loan = svc.loan_row(&finance, 1).unwrap().unwrap();
    assert_eq!((loan.state.as_str(), loan.outstanding), ("settled", Money::ZERO));
    assert!(svc.check_books().unwrap().ok());
    assert!(svc.verify_audit().unwrap().ok());
}

#[test]
fn a_loan_from_draft_to_settled_in_chinese() {
    lifecycle(Locale::ZhCn);
}

#[test]
fn a_loan_from_draft_to_settled_in_english() {
    lifecycle(Locale::En);
}
