//! The demonstration database (`p2pdesk demo`): the real OpenIntro loan book as of 2018-06-30,
//! staff for every department and role, synthetic investors whose claims fund the imported
//! loans, and new projects in every state of the workflow. Data is deterministic (a fixed
//! seed); passwords are random each build and kept in the demo database only.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::params;
use secrecy::SecretString;
use serde::Serialize;

use super::identity::NewAccount;
use super::import::{ImportOptions, Layout};
use super::lending::{NewBorrower, NewInvestor, ProjectDraft};
use super::{Actor, Need, Op, Service, ServiceError};
use crate::domain::access::{Level, Module, Role};
use crate::domain::credentials::{hash_password, initial_password};
use crate::domain::ledger::{Account, EntryKind, Line};
use crate::domain::schedule::Method;
use crate::domain::split::pro_rata;
use crate::domain::synthetic::{self, Seeded};
use crate::domain::{Money, Rate};
use crate::store::{platform, staff};

/// The OpenIntro sample, shipped inside the program so the demo needs no files.
const SAMPLE: &[u8] = include_bytes!("../../tests/data/lendingclub-2018q1-openintro.csv");
const SEED: u64 = 20_180_630;
const DEMO: Op = Op { action: "demo.build", need: Need::System };

/// One demo account and its password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DemoAccount {
    pub user: String,
    pub role: String,
    pub department: String,
    pub password: String,
}

/// What the demo holds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DemoSummary {
    pub loans: u64,
    pub investors: usize,
    pub projects: BTreeMap<String, usize>,
    pub business_date: String,
    pub accounts: Vec<DemoAccount>,
}

struct Staff {
    user: &'static str,
    name: &'static str,
    role_label: &'static str,
    department: &'static str,
    levels: &'static [(Module, Level)],
    head: bool,
    must_change: bool,
}

const STAFF: &[Staff] = &[
    Staff {
        user: "secadmin",
        name: "安全管理员",
        role_label: "security administrator",
        department: "ops",
        levels: &[(Module::Ops, Level::Ordinary)],
        head: false,
        must_change: false,
    },
    Staff {
        user: "auditadmin",
        name: "审计管理员",
        role_label: "audit administrator",
        department: "audit",
        levels: &[(Module::Audit, Level::Advanced)],
        head: false,
        must_change: false,
    },
    Staff {
        user: "biz.head",
        name: "业务主管",
        role_label: "business head",
        department: "business",
        levels: &[(Module::Business, Level::Advanced)],
        head: true,
        must_change: false,
    },
    Staff {
        user: "biz.clerk",
        name: "业务专员",
        role_label: "business clerk",
        department: "business",
        levels: &[(Module::Business, Level::Ordinary)],
        head: false,
        must_change: false,
    },
    Staff {
        user: "risk.head",
        name: "风控主管",
        role_label: "risk reviewer",
        department: "risk",
        levels: &[(Module::Risk, Level::Advanced)],
        head: true,
        must_change: false,
    },
    Staff {
        user: "risk.analyst",
        name: "风控专员",
        role_label: "risk analyst",
        department: "risk",
        levels: &[(Module::Risk, Level::Ordinary)],
        head: false,
        must_change: false,
    },
    Staff {
        user: "fin.clerk",
        name: "财务专员",
        role_label: "finance clerk",
        department: "finance",
        levels: &[(Module::Finance, Level::Ordinary)],
        head: false,
        must_change: false,
    },
    Staff {
        user: "fin.head",
        name: "财务主管",
        role_label: "finance manager",
        department: "finance",
        levels: &[(Module::Finance, Level::Advanced)],
        head: true,
        must_change: false,
    },
    Staff {
        user: "auditor",
        name: "内审专员",
        role_label: "internal auditor",
        department: "audit",
        levels: &[(Module::Audit, Level::Ordinary)],
        head: false,
        must_change: false,
    },
    Staff {
        user: "ops.engineer",
        name: "运维工程师",
        role_label: "technology",
        department: "ops",
        levels: &[(Module::Ops, Level::Advanced)],
        head: true,
        must_change: false,
    },
    Staff {
        user: "new.hire",
        name: "新员工",
        role_label: "business clerk (first login)",
        department: "business",
        levels: &[(Module::Business, Level::Ordinary)],
        head: false,
        must_change: true,
    },
    Staff {
        user: "hr.head",
        name: "人事主管",
        role_label: "HR head",
        department: "hr",
        levels: &[(Module::Hr, Level::Advanced)],
        head: true,
        must_change: false,
    },
];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn yuan(n: i64) -> Money {
    Money::from_fen(n * 100)
}

impl Service {
    /// Builds a demo database at `path` (which must not exist). `loans` limits the rows of the
    /// sample imported (all 10,000 by default).
    pub fn build_demo(
        path: &Path,
        loans: Option<u64>,
    ) -> Result<(Service, DemoSummary), ServiceError> {
        let start = d(2018, 6, 20);
        let mut svc = Service::init(path, start, "Asia/Shanghai")?;
        svc.write(&Actor::system(), DEMO, |tx| {
            platform::mark_demo(tx.conn())?;
            tx.audit(DEMO.action, "platform", &1, serde_json::json!({ "demo": true }));
            Ok(())
        })?;
        let mut summary = DemoSummary::default();
        let accounts = svc.demo_staff()?;
        let by_user = |u: &str| accounts.get(u).cloned().expect("demo account exists");
        let (biz, biz2, risk, fin) =
            (by_user("biz.clerk"), by_user("biz.head"), by_user("risk.head"), by_user("fin.head"));
        let mut rng = Seeded::new(SEED);
        let borrowers = svc.demo_borrowers(&biz, &mut rng)?;
        let investors = svc.demo_investors(&biz, &mut rng)?;
        summary.investors = investors.len();

        // Raises that fail: published on 2018-06-20 for three days, bid on in part; the daily
        // job to 2018-06-30 fails them and releases the bids.
        let mut projects: BTreeMap<String, usize> = BTreeMap::new();
        for i in 0..3 {
            let p = svc.demo_project(&biz, &borrowers, &mut rng, 3, i)?;
            svc.submit_project(&biz, p)?;
            svc.review_project(&risk, p, true, Some("B"), "资料齐全")?;
            svc.publish_project(&biz2, p)?;
            let inv = investors[usize::try_from(rng.below(investors.len() as u64)).unwrap_or(0)];
            svc.place_bid(&biz, p, inv, yuan(1000), &format!("demo-fail-{i}"))?;
            *projects.entry("failed".into()).or_default() += 1;
        }
        svc.run_daily(Some(d(2018, 6, 30)))?;

        // The real book, as of 2018-06-30.
        let opts = ImportOptions {
            layout: Layout::OpenIntro,
            as_of: d(2018, 6, 30),
            dry_run: false,
            limit: loans,
        };
        let report = svc.import_from(
            &fin,
            "lendingclub-2018q1-openintro.csv",
            SAMPLE,
            true,
            opts,
            &mut |_| true,
        )?;
        summary.loans = report.imported;
        svc.demo_assign_claims(&fin, &investors, &mut rng)?;

        // New projects in every earlier state.
        let steps: [(&str, usize); 7] = [
            ("draft", 5),
            ("submitted", 5),
            ("rejected", 3),
            ("raising", 6),
            ("full", 4),
            ("proposed", 4),
            ("disbursed", 3),
        ];
        for (state, n) in steps {
            for i in 0..n {
                let p = svc.demo_project(&biz, &borrowers, &mut rng, 10, i)?;
                svc.demo_advance(p, state, i, &[&biz, &biz2, &risk, &fin], &investors, &mut rng)?;
                *projects.entry(state.into()).or_default() += 1;
            }
        }
        summary.projects = projects;
        summary.business_date = svc.business_date()?.to_string();
        summary.accounts = svc.demo_credentials()?;
        Ok((svc, summary))
    }

    /// The demo accounts and passwords (a demo database only).
    pub fn demo_credentials(&self) -> Result<Vec<DemoAccount>, ServiceError> {
        Ok(platform::demo_credentials(self.db().conn())?
            .into_iter()
            .map(|(user, role, department, password)| DemoAccount {
                user,
                role,
                department,
                password,
            })
            .collect())
    }

    fn demo_staff(&mut self) -> Result<BTreeMap<String, Actor>, ServiceError> {
        let admin_pw = initial_password();
        let admin_id =
            self.bootstrap_admin("admin", "系统管理员", &SecretString::from(admin_pw.clone()))?;
        let admin = self.actor(admin_id)?;
        let mut creds = vec![DemoAccount {
            user: "admin".into(),
            role: "system administrator".into(),
            department: "ops".into(),
            password: admin_pw.clone(),
        }];
        let mut out = BTreeMap::new();
        for s in STAFF {
            let a = NewAccount {
                username: s.user.into(),
                display_name: s.name.into(),
                department: s.department.into(),
                duties: s.role_label.into(),
                levels: s.levels.iter().copied().collect(),
                is_head: s.head,
            };
            let created = self.create_account_bootstrap(&admin, &a)?;
            let pw = initial_password();
            self.demo_password(created.staff_id, &pw, s.must_change)?;
            creds.push(DemoAccount {
                user: s.user.into(),
                role: s.role_label.into(),
                department: s.department.into(),
                password: pw,
            });
            out.insert(s.user.to_owned(), self.actor(created.staff_id)?);
        }
        // The separated administrator roles: the system administrator grants the security
        // administrator's, who grants the audit administrator's.
        let proof =
            self.step_up(&admin, &SecretString::from(admin_pw), None).map_err(login_error)?;
        self.grant_role(&admin, &proof, out["secadmin"].id, Role::SecurityAdmin)?;
        let sec = self.actor(out["secadmin"].id)?;
        let sec_pw = creds
            .iter()
            .find(|c| c.user == "secadmin")
            .map(|c| c.password.clone())
            .unwrap_or_default();
        let proof = self.step_up(&sec, &SecretString::from(sec_pw), None).map_err(login_error)?;
        self.grant_role(&sec, &proof, out["auditadmin"].id, Role::AuditAdmin)?;
        for id in [out["secadmin"].id, out["auditadmin"].id] {
            let a = self.actor(id)?;
            out.insert(a.username.clone(), a);
        }
        self.write(&Actor::system(), DEMO, |tx| {
            for c in &creds {
                tx.conn().execute(
                    "INSERT INTO demo_credentials (username, role, department, password) VALUES (?1, ?2, ?3, ?4)",
                    params![c.user, c.role, c.department, c.password],
                )?;
            }
            tx.audit(DEMO.action, "demo_credentials", &creds.len(), serde_json::json!({ "accounts": creds.len() }));
            Ok(())
        })?;
        Ok(out)
    }

    /// Sets a demo account's password (demo databases only).
    fn demo_password(
        &mut self,
        staff_id: i64,
        password: &str,
        must_change: bool,
    ) -> Result<(), ServiceError> {
        let cost = self.policy()?.cost;
        let hash = hash_password(password, cost)?;
        self.write(&Actor::system(), DEMO, |tx| {
            if !platform::get(tx.conn())?.is_some_and(|p| p.is_demo) {
                return Err(ServiceError::Refused("not a demo database".into()));
            }
            staff::set_password(tx.conn(), staff_id, &hash, must_change, &tx.now_text())?;
            tx.audit(
                "demo.password",
                "staff",
                &staff_id,
                crate::service::changes::Changes::new().secret("password").into_value(),
            );
            Ok(())
        })
    }

    fn demo_borrowers(&mut self, biz: &Actor, rng: &mut Seeded) -> Result<Vec<i64>, ServiceError> {
        let mut out = Vec::new();
        for i in 0..48 {
            let company = i % 6 == 5;
            let b = NewBorrower {
                kind: if company { "company" } else { "person" }.into(),
                name: if company {
                    synthetic::company_name(rng)
                } else {
                    synthetic::person_name(rng)
                },
                id_number: synthetic::id_number(rng),
                phone: synthetic::mobile(rng),
            };
            out.push(self.create_borrower(biz, &b)?);
        }
        Ok(out)
    }

    fn demo_investors(&mut self, biz: &Actor, rng: &mut Seeded) -> Result<Vec<i64>, ServiceError> {
        let mut out = Vec::new();
        for i in 0..120_u64 {
            let inv = NewInvestor {
                name: synthetic::person_name(rng),
                id_number: synthetic::id_number(rng),
                phone: synthetic::mobile(rng),
                risk_tolerance: ["C", "D", "E", "F", "G"]
                    [usize::try_from(rng.below(5)).unwrap_or(0)]
                .into(),
            };
            let id = self.create_investor(biz, &inv)?;
            let amount = yuan(i64::try_from(50_000 + rng.below(20) * 10_000).unwrap_or(50_000));
            self.investor_deposit(biz, id, amount, &format!("DEMO-DEP-{i:04}"))?;
            out.push(id);
        }
        Ok(out)
    }

    fn demo_project(
        &mut self,
        biz: &Actor,
        borrowers: &[i64],
        rng: &mut Seeded,
        raise_days: u32,
        i: usize,
    ) -> Result<i64, ServiceError> {
        const PURPOSES: [&str; 6] = ["经营周转", "设备采购", "装修", "教育", "医疗", "车辆购置"];
        let methods = [
            Method::EqualInstallment,
            Method::EqualPrincipal,
            Method::InterestFirst,
            Method::Bullet,
        ];
        let amount = yuan(i64::try_from(20 + rng.below(80)).unwrap_or(50) * 1000);
        let purpose = PURPOSES[i % PURPOSES.len()];
        let draft = ProjectDraft {
            borrower_id: *rng.pick(borrowers),
            title: format!("{purpose}借款 {}", i + 1),
            purpose: purpose.into(),
            amount,
            rate: Rate::parse(&format!("{}%", 8 + rng.below(13)))
                .map_err(|e| ServiceError::Refused(e.to_string()))?,
            term_months: [3, 6, 12, 24, 36][usize::try_from(rng.below(5)).unwrap_or(2)],
            method: methods[usize::try_from(rng.below(4)).unwrap_or(0)],
            min_bid: yuan(1000),
            bid_step: yuan(100),
            raise_days,
            fee_rate: Rate::parse("2%").map_err(|e| ServiceError::Refused(e.to_string()))?,
        };
        // Another borrower when this one would pass his borrowing cap.
        let mut draft = draft;
        for _ in 0..20 {
            match self.create_project(biz, &draft) {
                Err(ServiceError::Invalid { field: "amount", .. }) => {
                    draft.borrower_id = *rng.pick(borrowers);
                }
                other => return other,
            }
        }
        self.create_project(biz, &draft)
    }

    /// Takes a new project to a state through the workflow, as the staff would.
    fn demo_advance(
        &mut self,
        p: i64,
        state: &str,
        i: usize,
        staff: &[&Actor; 4],
        investors: &[i64],
        rng: &mut Seeded,
    ) -> Result<(), ServiceError> {
        let [biz, biz2, risk, fin] = *staff;
        if state == "draft" {
            return Ok(());
        }
        self.submit_project(biz, p)?;
        match state {
            "submitted" => return Ok(()),
            "rejected" => {
                return self.review_project(risk, p, false, None, "收入证明不足，请补充材料");
            }
            _ => {}
        }
        let grade = ["A", "B", "C", "D"][i % 4];
        self.review_project(risk, p, true, Some(grade), "风险可控")?;
        self.publish_project(biz2, p)?;
        let amount = self.project_draft(p)?.amount;
        let target = if state == "raising" {
            Money::from_fen(amount.fen() / 2 / 10_000 * 10_000)
        } else {
            amount
        };
        let mut raised = Money::ZERO;
        let mut n = 0;
        while raised < target {
            let left = target.checked_sub(raised).unwrap_or(Money::ZERO);
            let bid = yuan(1000 * i64::try_from(1 + rng.below(10)).unwrap_or(1)).min(left);
            let bid = if amount
                .checked_sub(raised)
                .unwrap_or(Money::ZERO)
                .checked_sub(bid)
                .is_some_and(|r| r < yuan(1000) && r > Money::ZERO)
            {
                amount.checked_sub(raised).unwrap_or(bid)
            } else {
                bid
            };
            let inv = investors[usize::try_from(rng.below(investors.len() as u64)).unwrap_or(0)];
            match self.place_bid(biz, p, inv, bid, &format!("demo-{p}-{n}")) {
                Ok(_) => raised = raised.checked_add(bid).unwrap_or(raised),
                Err(ServiceError::Refused(_) | ServiceError::Invalid { .. }) => {}
                Err(e) => return Err(e),
            }
            n += 1;
            if n > 500 {
                break;
            }
        }
        if state == "raising" || state == "full" {
            return Ok(());
        }
        let today = self.business_date()?;
        self.propose_disbursement(biz, p, &format!("HT-2018-{p:04}"), today, true)?;
        if state == "disbursed" {
            self.execute_disbursement(fin, p)?;
        }
        Ok(())
    }

    /// Investors buy the imported loans' claims from the opening balance: each loan's
    /// outstanding principal split among one to three investors.
    fn demo_assign_claims(
        &mut self,
        fin: &Actor,
        investors: &[i64],
        rng: &mut Seeded,
    ) -> Result<(), ServiceError> {
        let loans: Vec<(i64, i64, i64)> = {
            let mut stmt = self.db().conn().prepare(
                "SELECT h.loan_id, h.id, h.outstanding_fen FROM holdings h WHERE h.investor_id IS NULL ORDER BY h.loan_id",
            )?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?
        };
        let mut plan: Vec<ClaimSale> = Vec::with_capacity(loans.len());
        let mut needs: BTreeMap<i64, i64> = BTreeMap::new();
        for (loan, holding, outstanding) in loans {
            let k = 1 + usize::try_from(rng.below(3)).unwrap_or(0);
            let chosen: Vec<i64> = (0..k)
                .map(|_| *rng.pick(investors))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let weights: Vec<Money> = chosen.iter().map(|_| Money::from_fen(1)).collect();
            let parts = pro_rata(Money::from_fen(outstanding), &weights)
                .map_err(|e| ServiceError::Refused(e.to_string()))?;
            for (inv, part) in chosen.iter().zip(&parts) {
                *needs.entry(*inv).or_default() += part.fen();
            }
            plan.push((loan, holding, chosen.into_iter().zip(parts).collect()));
        }
        // Each investor first deposits what his purchases cost.
        for (inv, fen) in &needs {
            self.deposit(
                fin,
                Account::InvestorCustody(*inv),
                Money::from_fen(*fen),
                &format!("DEMO-CLAIMS-{inv}"),
            )?;
        }
        let op =
            Op { action: "claims.assign", need: Need::Level(Module::Finance, Level::Advanced) };
        for chunk in plan.chunks(1000) {
            self.write(fin, op, |tx| {
                for (loan, holding, parts) in chunk {
                    let total: i64 = parts.iter().map(|(_, m)| m.fen()).sum();
                    let mut lines: Vec<Line> = parts.iter().map(|(inv, m)| Line::debit(Account::InvestorCustody(*inv), *m)).collect();
                    lines.push(Line::credit(Account::OpeningBalance, Money::from_fen(total)));
                    super::ledger::post_quiet(tx, EntryKind::Opening, &format!("assign:loan:{loan}"), lines, "claims bought from the opening balance")?;
                    tx.conn().execute("DELETE FROM holdings WHERE id = ?1", [holding])?;
                    for (inv, m) in parts {
                        tx.conn().execute(
                            "INSERT INTO holdings (loan_id, investor_id, principal_fen, outstanding_fen) VALUES (?1, ?2, ?3, ?3)",
                            params![loan, inv, m.fen()],
                        )?;
                    }
                }
                tx.audit(op.action, "loan_book", &chunk.len(), serde_json::json!({ "loans": chunk.len() }));
                Ok(())
            })?;
        }
        Ok(())
    }
}

/// One imported loan's claims sold: the loan, its opening holding, and each buyer's part.
type ClaimSale = (i64, i64, Vec<(i64, Money)>);

fn login_error(e: super::identity::LoginError) -> ServiceError {
    match e {
        super::identity::LoginError::Service(s) => s,
        other => ServiceError::Refused(other.to_string()),
    }
}
