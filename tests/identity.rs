#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Staff identity through the service layer: the account application, approval and creation;
//! resets and unlocks; the separated administrator roles; bootstrap; departure and dormancy;
//! password hashing and policy; lockout; the second factor; sessions; step-up; and the audit
//! records all of these leave behind (never with a secret in them).

mod common;

use std::collections::BTreeMap;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, NaiveDate};
use common::{
    Env, ROOT_PASSWORD, Staff, account, assert_forbidden, audit_after, audit_all, audit_tip,
    business_date, code_at, error_of, has_audit, secret,
};
use p2pdesk::domain::access::Role;
use p2pdesk::domain::credentials::{HashCost, hash_password, new_totp_secret, verify_password};
use p2pdesk::service::identity::{LoginError, Unlock};
use p2pdesk::service::{Actor, Level, Module, ServiceError};
use secrecy::ExposeSecret;

fn staff_column<T: rusqlite::types::FromSql>(env: &Env, id: i64, column: &str) -> T {
    env.svc
        .db()
        .conn()
        .query_row(&format!("SELECT {column} FROM staff WHERE id = ?1"), [id], |r| r.get(0))
        .unwrap()
}

fn password_hash(env: &Env, id: i64) -> String {
    staff_column(env, id, "password_hash")
}

fn request_status(env: &Env, id: i64) -> String {
    env.svc
        .db()
        .conn()
        .query_row("SELECT status FROM account_requests WHERE id = ?1", [id], |r| r.get(0))
        .unwrap()
}

fn session_ended(env: &Env, id: i64) -> Option<String> {
    env.svc
        .db()
        .conn()
        .query_row("SELECT ended_at FROM sessions WHERE id = ?1", [id], |r| r.get(0))
        .unwrap()
}

fn invalid_problem(e: &LoginError) -> String {
    match e {
        LoginError::Service(ServiceError::Invalid { field, problem }) => {
            assert_eq!(*field, "new password");
            problem.clone()
        }
        other => panic!("expected the new password to be refused, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Application, approval, creation
// ---------------------------------------------------------------------------------------------

#[test]
fn an_account_is_applied_for_approved_by_the_head_and_created_by_hr() {
    let mut env = Env::new();
    let clerk = env.create(&account("hr.clerk", "hr", &[(Module::Hr, Level::Ordinary)], false));
    let biz_head = env.create(&account("biz.head", "business", &[], true));
    let risk_head = env.create(&account("risk.head", "risk", &[], true));
    let outsider = env.create(&account("ops.one", "ops", &[(Module::Ops, Level::Advanced)], false));
    let hr_head = env.create(&account("hr.head", "hr", &[(Module::Hr, Level::Advanced)], true));

    let levels =
        BTreeMap::from([(Module::Business, Level::Ordinary), (Module::Risk, Level::Ordinary)]);
    let mut app = account("new.analyst", "business", &[], false);
    app.levels.clone_from(&levels);

    // Filing: HR (ordinary or more) or the head of the department concerned; nobody else.
    let e = error_of(env.svc.file_account_request(&outsider.actor, &app));
    assert_forbidden(&e, "account.request", "hr (ordinary)");
    let e = error_of(env.svc.file_account_request(&risk_head.actor, &app));
    assert_forbidden(&e, "account.request", "hr (ordinary)");
    assert_eq!(env.count("account_requests"), 0);
    let req = env.svc.file_account_request(&clerk.actor, &app).unwrap();
    assert_eq!(request_status(&env, req), "pending");
    assert!(has_audit(&env.svc, "account.request", "ok", "account_request", &req.to_string()));
    // One open application per name.
    let e = error_of(env.svc.file_account_request(&clerk.actor, &app));
    assert!(matches!(e, ServiceError::Invalid { field: "username", .. }), "{e:?}");

    // Nothing is created before approval.
    let e = error_of(env.svc.create_account(&hr_head.actor, req));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");

    // Deciding: only the head of the request's department.
    for who in [&clerk, &risk_head, &hr_head, &outsider] {
        let e = error_of(env.svc.decide_account_request(&who.actor, req, true, "ok"));
        assert_forbidden(&e, "account.decide", "business (advanced)");
        assert_eq!(request_status(&env, req), "pending");
    }
    env.svc.decide_account_request(&biz_head.actor, req, true, "needed for Q2").unwrap();
    assert_eq!(request_status(&env, req), "approved");
    assert!(has_audit(&env.svc, "account.decide", "ok", "account_request", &req.to_string()));
    let e = error_of(env.svc.decide_account_request(&biz_head.actor, req, false, "again"));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");

    // Creation: HR at the advanced level.
    let e = error_of(env.svc.create_account(&clerk.actor, req));
    assert_forbidden(&e, "account.create", "hr (advanced)");
    let created = env.svc.create_account(&hr_head.actor, req).unwrap();
    let initial = created.initial_password.expose_secret().to_owned();
    env.secrets.push(initial.clone());
    assert_eq!(created.username, "new.analyst");
    assert_eq!(request_status(&env, req), "created");
    assert!(has_audit(&env.svc, "account.create", "ok", "staff", &created.staff_id.to_string()));
    let actor = env.svc.actor(created.staff_id).unwrap();
    assert_eq!(actor.levels, levels);
    assert_eq!(actor.department, "business");
    assert_eq!(actor.role, None);
    let request_id: Option<i64> = staff_column(&env, created.staff_id, "request_id");
    assert_eq!(request_id, Some(req));
    // The request is used once.
    let e = error_of(env.svc.create_account(&hr_head.actor, req));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");

    // The one-time password must be changed at first login.
    let login = env.svc.login("new.analyst", &secret(&initial), None).unwrap();
    assert!(login.must_change_password);
    assert_eq!(login.actor.id, created.staff_id);
    let mut analyst = Staff { actor, password: initial };
    env.change_password(&mut analyst, "Copper-kettle-93!").unwrap();
    let login = env.login(&analyst).unwrap();
    assert!(!login.must_change_password);

    // A head files for his own department, but never decides his own request.
    let mut own = account("biz.two", "business", &[], false);
    own.levels.insert(Module::Business, Level::Ordinary);
    let req2 = env.svc.file_account_request(&biz_head.actor, &own).unwrap();
    let e = error_of(env.svc.decide_account_request(&biz_head.actor, req2, true, "mine"));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    assert_eq!(request_status(&env, req2), "pending");
    // Rejected requests never become accounts.
    let req3 = env.svc.file_account_request(&clerk.actor, &account("risk.x", "risk", &[], false));
    let req3 = req3.unwrap();
    env.svc.decide_account_request(&risk_head.actor, req3, false, "not budgeted").unwrap();
    assert_eq!(request_status(&env, req3), "rejected");
    let e = error_of(env.svc.create_account(&hr_head.actor, req3));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");

    // Every refusal for want of permission is on record.
    let refused: Vec<_> =
        audit_all(&env.svc).into_iter().filter(|r| r.outcome == "refused").collect();
    let count = |action: &str| refused.iter().filter(|r| r.action == action).count();
    assert_eq!(count("account.request"), 2);
    assert_eq!(count("account.decide"), 4);
    assert_eq!(count("account.create"), 1);
    env.finish();
}

#[test]
fn bootstrap_creation_is_marked_and_ends_once_an_hr_head_exists() {
    let mut env = Env::new();
    let early =
        env.create(&account("early.one", "finance", &[(Module::Finance, Level::Ordinary)], false));
    let hr_clerk = env.create(&account("hr.clerk", "hr", &[(Module::Hr, Level::Advanced)], false));
    // Only a system administrator creates accounts directly.
    let e = error_of(
        env.svc.create_account_bootstrap(&hr_clerk.actor, &account("x.y", "ops", &[], false)),
    );
    assert_forbidden(&e, "account.create_bootstrap", "system_admin");
    // A head of another department does not end the bootstrap; the head of HR does.
    let fin_head = env.create(&account("fin.head", "finance", &[], true));
    let hr_head = env.create(&account("hr.head", "hr", &[(Module::Hr, Level::Advanced)], true));
    let before = env.count("staff");
    let late = account("late.one", "ops", &[], false);
    let e = error_of(env.svc.create_account_bootstrap(&env.root.actor, &late));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    assert_eq!(env.count("staff"), before);

    // From now on accounts come through the application, and are not marked.
    let req =
        env.svc.file_account_request(&hr_head.actor, &account("fin.new", "finance", &[], false));
    let req = req.unwrap();
    env.svc.decide_account_request(&fin_head.actor, req, true, "").unwrap();
    let created = env.svc.create_account(&hr_head.actor, req).unwrap();
    env.secrets.push(created.initial_password.expose_secret().to_owned());

    let review = env.svc.permission_review().unwrap();
    let by_user = |u: &str| review.iter().find(|r| r.user == u).unwrap().clone();
    for u in ["root", "early.one", "hr.clerk", "fin.head", "hr.head"] {
        assert!(by_user(u).created_at_bootstrap, "{u}");
        assert!(by_user(u).active, "{u}");
    }
    assert!(!by_user("fin.new").created_at_bootstrap);
    assert_eq!(by_user("root").role, Some(Role::SystemAdmin));
    assert_eq!(by_user("early.one").levels, BTreeMap::from([(Module::Finance, Level::Ordinary)]));
    assert!(has_audit(
        &env.svc,
        "account.create_bootstrap",
        "ok",
        "staff",
        &early.id().to_string()
    ));
    assert!(has_audit(
        &env.svc,
        "account.bootstrap_admin",
        "ok",
        "staff",
        &env.root.id().to_string()
    ));

    // The first administrator is created once.
    env.secrets.push("Granite-swift-58#".to_owned());
    let e = error_of(env.svc.bootstrap_admin("root2", "Second", &secret("Granite-swift-58#")));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    assert_eq!(env.count("staff_roles"), 1);
    env.finish();
}

#[test]
fn bootstrap_admin_is_refused_once_the_platform_has_accounts_even_disabled_ones() {
    let mut env = Env::new();
    // Nobody logs in for months: the dormancy job disables every account but the last system
    // administrator, whom it keeps so that somebody can still administer the platform.
    let late = business_date() + Duration::days(91);
    let disabled = env.svc.disable_dormant(&Actor::system(), late).unwrap();
    assert!(disabled.is_empty(), "{disabled:?}");
    let clerk = env.create(&account("clerk.one", "business", &[], false));
    env.svc.disable_dormant(&Actor::system(), late + Duration::days(91)).unwrap();
    assert!(matches!(env.login(&clerk), Err(LoginError::Disabled)));
    env.secrets.push("Granite-swift-58#".to_owned());
    let e = error_of(env.svc.bootstrap_admin("root2", "Second", &secret("Granite-swift-58#")));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    assert_eq!(env.count("staff_roles"), 1);
    assert_eq!(env.count("staff"), 3, "the system actor, root and the disabled clerk");
    env.finish();
}

// ---------------------------------------------------------------------------------------------
// Resets and unlocks
// ---------------------------------------------------------------------------------------------

/// Five wrong passwords; the last answer is the lockout.
fn lock_out(env: &mut Env, who: &Staff) {
    for i in 1..=5 {
        let e = env.svc.login(who.name(), &secret("Wrong-guess-000#"), None).unwrap_err();
        if i < 5 {
            assert!(matches!(e, LoginError::Invalid), "attempt {i}: {e:?}");
        } else {
            assert!(matches!(e, LoginError::Locked { .. }), "attempt {i}: {e:?}");
        }
    }
}

#[test]
fn hr_resets_and_unlocks_accounts_and_only_the_security_admin_touches_administrators() {
    let mut env = Env::new();
    let hr = env.create(&account("hr.adv", "hr", &[(Module::Hr, Level::Advanced)], false));
    let mut clerk = env.create(&account(
        "biz.clerk",
        "business",
        &[(Module::Business, Level::Ordinary)],
        false,
    ));
    let sec = env.create(&account("sec.admin", "ops", &[], false));
    let aud = env.create(&account("aud.admin", "audit", &[], false));
    let root = env.root.clone();
    let sec = env.grant(&root, &sec, Role::SecurityAdmin);
    let aud = env.grant(&sec, &aud, Role::AuditAdmin);

    // Unlock.
    lock_out(&mut env, &clerk);
    assert!(matches!(env.login(&clerk), Err(LoginError::Locked { .. })));
    env.svc.unlock_account(&hr.actor, clerk.id()).unwrap();
    assert!(has_audit(&env.svc, "account.unlock", "ok", "staff", &clerk.id().to_string()));
    assert!(env.login(&clerk).is_ok());

    // Reset: a new one-time password, step-up required.
    let before = password_hash(&env, clerk.id());
    let proof = env.step_up(&hr);
    let new = env.svc.reset_password(&hr.actor, &proof, clerk.id()).unwrap();
    let new = new.expose_secret().to_owned();
    env.secrets.push(new.clone());
    assert_ne!(password_hash(&env, clerk.id()), before);
    assert!(matches!(env.login(&clerk), Err(LoginError::Invalid)));
    clerk.password = new;
    let login = env.login(&clerk).unwrap();
    assert!(login.must_change_password);
    assert!(has_audit(&env.svc, "account.reset_password", "ok", "staff", &clerk.id().to_string()));

    // HR cannot reset, unlock or disable an administrator.
    lock_out(&mut env, &aud);
    let aud_hash = password_hash(&env, aud.id());
    let proof = env.step_up(&hr);
    let e = error_of(env.svc.reset_password(&hr.actor, &proof, aud.id()));
    assert_forbidden(&e, "account.reset_password", "security_admin");
    let e = error_of(env.svc.unlock_account(&hr.actor, aud.id()));
    assert_forbidden(&e, "account.unlock", "security_admin");
    let e = error_of(env.svc.disable_account(&hr.actor, aud.id(), "takeover"));
    assert_forbidden(&e, "account.disable", "security_admin");
    assert_eq!(password_hash(&env, aud.id()), aud_hash);
    assert!(matches!(env.login(&aud), Err(LoginError::Locked { .. })));

    // The security administrator can, without any HR level.
    assert_eq!(sec.actor.level(Module::Hr), Level::None);
    env.svc.unlock_account(&sec.actor, aud.id()).unwrap();
    assert!(env.login(&aud).is_ok());
    let proof = env.step_up(&sec);
    let new = env.svc.reset_password(&sec.actor, &proof, aud.id()).unwrap();
    env.secrets.push(new.expose_secret().to_owned());
    assert!(env.svc.login(aud.name(), &new, None).unwrap().must_change_password);
    // ... but ordinary accounts stay HR's.
    let e = error_of(env.svc.reset_password(&sec.actor, &proof, clerk.id()));
    assert_forbidden(&e, "account.reset_password", "hr (advanced)");
    // Nobody resets his own password this way.
    let proof = env.step_up(&hr);
    let e = error_of(env.svc.reset_password(&hr.actor, &proof, hr.id()));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    env.svc.disable_account(&sec.actor, aud.id(), "left").unwrap();
    assert!(matches!(env.svc.login(aud.name(), &new, None), Err(LoginError::Disabled)));
    env.finish();
}

// ---------------------------------------------------------------------------------------------
// Separation of duties
// ---------------------------------------------------------------------------------------------

#[test]
fn administrator_roles_are_exclusive_and_granted_crosswise() {
    let mut env = Env::new();
    let root = env.root.clone();
    let sec = env.create(&account("sec.admin", "ops", &[], false));
    let sys2 = env.create(&account("sys.two", "ops", &[], false));
    let aud = env.create(&account("aud.admin", "audit", &[], false));
    let plain =
        env.create(&account("plain.one", "ops", &[(Module::Admin, Level::Advanced)], false));

    // A system administrator grants only the security administrator.
    let proof = env.step_up(&root);
    for role in [Role::SystemAdmin, Role::AuditAdmin] {
        let e = error_of(env.svc.grant_role(&root.actor, &proof, sys2.id(), role));
        assert_forbidden(&e, "role.grant", "security_admin");
    }
    assert_eq!(env.count("staff_roles"), 1);
    // Nobody grants anything to himself.
    let e = error_of(env.svc.grant_role(&root.actor, &proof, root.id(), Role::SecurityAdmin));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    env.svc.grant_role(&root.actor, &proof, sec.id(), Role::SecurityAdmin).unwrap();
    assert!(has_audit(&env.svc, "role.grant", "ok", "staff", &sec.id().to_string()));
    let sec = env.reload(&sec);
    assert_eq!(sec.actor.role, Some(Role::SecurityAdmin));

    // The security administrator grants the system and audit administrators.
    let proof = env.step_up(&sec);
    env.svc.grant_role(&sec.actor, &proof, sys2.id(), Role::SystemAdmin).unwrap();
    env.svc.grant_role(&sec.actor, &proof, aud.id(), Role::AuditAdmin).unwrap();
    let e = error_of(env.svc.grant_role(&sec.actor, &proof, plain.id(), Role::SecurityAdmin));
    assert_forbidden(&e, "role.grant", "system_admin");
    let e = error_of(env.svc.grant_role(&sec.actor, &proof, sec.id(), Role::SystemAdmin));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    // One role per account.
    let e = error_of(env.svc.grant_role(&sec.actor, &proof, sys2.id(), Role::AuditAdmin));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    assert_eq!(env.svc.actor(sys2.id()).unwrap().role, Some(Role::SystemAdmin));
    assert_eq!(env.count("staff_roles"), 4);

    // Levels, however high, grant no role; the audit administrator grants nothing.
    let aud = env.reload(&aud);
    for who in [&plain, &aud] {
        let proof = env.step_up(who);
        let e = error_of(env.svc.grant_role(&who.actor, &proof, plain.id(), Role::SecurityAdmin));
        assert_forbidden(&e, "role.grant", "system_admin");
        let e = error_of(env.svc.grant_role(&who.actor, &proof, plain.id(), Role::AuditAdmin));
        assert_forbidden(&e, "role.grant", "security_admin");
    }
    assert_eq!(env.count("staff_roles"), 4);

    // Revoking belongs to whoever grants the role.
    let proof = env.step_up(&root);
    let e = error_of(env.svc.revoke_role(&root.actor, &proof, aud.id()));
    assert_forbidden(&e, "role.revoke", "security_admin");
    let proof = env.step_up(&sec);
    env.svc.revoke_role(&sec.actor, &proof, aud.id()).unwrap();
    assert_eq!(env.svc.actor(aud.id()).unwrap().role, None);
    assert!(has_audit(&env.svc, "role.revoke", "ok", "staff", &aud.id().to_string()));
    let proof = env.step_up(&root);
    env.svc.revoke_role(&root.actor, &proof, sec.id()).unwrap();
    assert_eq!(env.count("staff_roles"), 2);
    env.finish();
}

// ---------------------------------------------------------------------------------------------
// Departure and dormancy
// ---------------------------------------------------------------------------------------------

#[test]
fn a_leaver_hands_over_his_open_items_before_his_account_is_disabled() {
    let mut env = Env::new();
    let hr = env.create(&account("hr.adv", "hr", &[(Module::Hr, Level::Advanced)], false));
    let clerk = env.create(&account("hr.clerk", "hr", &[(Module::Hr, Level::Ordinary)], false));
    let head = env.create(&account("biz.head", "business", &[], true));

    let pending = env
        .svc
        .file_account_request(&clerk.actor, &account("n.one", "business", &[], false))
        .unwrap();
    let approved = env
        .svc
        .file_account_request(&clerk.actor, &account("n.two", "business", &[], false))
        .unwrap();
    let rejected = env
        .svc
        .file_account_request(&clerk.actor, &account("n.three", "business", &[], false))
        .unwrap();
    env.svc.decide_account_request(&head.actor, approved, true, "").unwrap();
    env.svc.decide_account_request(&head.actor, rejected, false, "").unwrap();

    let open = env.svc.open_items(clerk.id()).unwrap();
    assert_eq!(open.iter().map(|i| i.id).collect::<Vec<_>>(), vec![pending, approved]);
    assert!(open.iter().all(|i| i.kind == "account_request"));

    let s1 = env.login(&clerk).unwrap().session_id;
    let s2 = env.login(&clerk).unwrap().session_id;
    let e = error_of(env.svc.disable_account(&hr.actor, clerk.id(), "left the company"));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    assert!(e.to_string().contains("n.one") && e.to_string().contains("n.two"), "{e}");
    assert_eq!(staff_column::<String>(&env, clerk.id(), "status"), "active");

    // Handing over needs HR (advanced) too.
    let e = error_of(env.svc.reassign_items(&clerk.actor, clerk.id(), hr.id()));
    assert_forbidden(&e, "account.reassign", "hr (advanced)");
    assert_eq!(env.svc.reassign_items(&hr.actor, clerk.id(), hr.id()).unwrap(), 2);
    assert!(env.svc.open_items(clerk.id()).unwrap().is_empty());
    assert_eq!(env.svc.open_items(hr.id()).unwrap().len(), 2);
    assert!(has_audit(&env.svc, "account.reassign", "ok", "staff", &clerk.id().to_string()));

    env.svc.disable_account(&hr.actor, clerk.id(), "left the company").unwrap();
    assert!(has_audit(&env.svc, "account.disable", "ok", "staff", &clerk.id().to_string()));
    assert_eq!(staff_column::<String>(&env, clerk.id(), "status"), "disabled");
    assert!(session_ended(&env, s1).is_some());
    assert!(session_ended(&env, s2).is_some());
    assert!(matches!(env.login(&clerk), Err(LoginError::Disabled)));
    let review = env.svc.permission_review().unwrap();
    assert!(!review.iter().find(|r| r.user == "hr.clerk").unwrap().active);
    // The requests he filed go on under HR: the approved one becomes an account.
    let created = env.svc.create_account(&hr.actor, approved).unwrap();
    env.secrets.push(created.initial_password.expose_secret().to_owned());
    env.finish();
}

#[test]
fn accounts_without_a_login_for_ninety_days_are_disabled() {
    let mut env = Env::new();
    let idle = env.create(&account("idle.one", "business", &[], false));
    let active = env.create(&account("busy.one", "business", &[], false));
    let root = env.root.clone();
    env.advance(Duration::days(60));
    env.login(&active).unwrap();
    env.login(&root).unwrap();

    // Only the system actor runs the job.
    let e = error_of(env.svc.disable_dormant(&root.actor, business_date() + Duration::days(91)));
    assert_forbidden(&e, "account.disable_dormant", "the system actor");

    // Created exactly 90 days before: not yet.
    let sys = Actor::system();
    assert!(
        env.svc.disable_dormant(&sys, business_date() + Duration::days(90)).unwrap().is_empty()
    );
    // The period is a setting.
    env.svc.set_setting(&root.actor, "accounts.dormant_days", "120").unwrap();
    assert!(
        env.svc.disable_dormant(&sys, business_date() + Duration::days(91)).unwrap().is_empty()
    );
    env.svc.set_setting(&root.actor, "accounts.dormant_days", "90").unwrap();
    let done = env.svc.disable_dormant(&sys, business_date() + Duration::days(91)).unwrap();
    assert_eq!(done, vec!["idle.one".to_owned()]);
    assert!(has_audit(&env.svc, "account.disable_dormant", "ok", "staff", &idle.id().to_string()));
    assert!(matches!(env.login(&idle), Err(LoginError::Disabled)));
    assert!(env.login(&active).is_ok());
    // Measured from the last login: 91 days after it, the others go too.
    let later = business_date() + Duration::days(60 + 91);
    let mut done = env.svc.disable_dormant(&sys, later).unwrap();
    done.sort();
    assert_eq!(done, vec!["busy.one".to_owned()], "root, the last system administrator, is kept");
    env.finish();
}

#[test]
fn dormancy_counts_days_on_the_platforms_calendar() {
    let mut env = Env::new();
    let a = env.create(&account("wei.zhang", "business", &[], false));
    // 20:00 UTC on 1 March is 04:00 on 2 March in Shanghai, the platform's zone.
    env.advance(Duration::hours(18));
    env.login(&a).unwrap();
    env.login(&env.root.clone()).unwrap();
    let sys = Actor::system();
    let march_2 = NaiveDate::from_ymd_opt(2024, 3, 2).unwrap();
    // 90 days after the local date of the login: not yet dormant.
    let done = env.svc.disable_dormant(&sys, march_2 + Duration::days(90)).unwrap();
    assert!(done.is_empty(), "{done:?}");
    let mut done = env.svc.disable_dormant(&sys, march_2 + Duration::days(91)).unwrap();
    done.sort();
    assert_eq!(done, vec!["wei.zhang".to_owned()]);
    env.finish();
}

// ---------------------------------------------------------------------------------------------
// Passwords
// ---------------------------------------------------------------------------------------------

#[test]
fn passwords_are_salted_argon2id_and_rehashed_when_the_cost_rises() {
    let mut env = Env::new();
    let mut a = env.create(&account("wei.zhang", "business", &[], false));
    let mut b = env.create(&account("fang.wang", "business", &[], false));
    env.change_password(&mut a, "Quiet-river-2024#").unwrap();
    env.change_password(&mut b, "Quiet-river-2024#").unwrap();
    let ha = password_hash(&env, a.id());
    let hb = password_hash(&env, b.id());
    assert!(ha.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ha}");
    assert!(hb.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hb}");
    assert_ne!(ha, hb, "equal passwords hash differently");
    let history: i64 = env
        .svc
        .db()
        .conn()
        .query_row("SELECT count(*) FROM password_history WHERE staff_id = ?1", [a.id()], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(history, 1, "the initial password's hash is kept in the history");

    // The security administrator raises the cost; the next login rehashes.
    let root = env.root.clone();
    let sec = env.create(&account("sec.admin", "ops", &[], false));
    let sec = env.grant(&root, &sec, Role::SecurityAdmin);
    let e = error_of(env.svc.set_setting(&root.actor, "security.argon2_memory_kib", "20480"));
    assert_forbidden(&e, "settings.set", "security_admin");
    env.svc.set_setting(&sec.actor, "security.argon2_memory_kib", "20480").unwrap();
    assert_eq!(env.svc.setting("security.argon2_memory_kib").unwrap(), "20480");
    assert!(has_audit(&env.svc, "settings.set", "ok", "setting", "security.argon2_memory_kib"));
    env.login(&a).unwrap();
    let rehashed = password_hash(&env, a.id());
    assert!(rehashed.starts_with("$argon2id$v=19$m=20480,t=2,p=1$"), "{rehashed}");
    assert!(has_audit(&env.svc, "auth.rehash", "ok", "staff", &a.id().to_string()));
    // The new hash verifies; a second login does not rehash again.
    env.login(&a).unwrap();
    assert_eq!(password_hash(&env, a.id()), rehashed);
    assert_eq!(audit_all(&env.svc).iter().filter(|r| r.action == "auth.rehash").count(), 1);
    // b has not logged in since: still the old cost.
    assert_eq!(password_hash(&env, b.id()), hb);
    env.finish();
}

#[test]
fn new_passwords_follow_the_rules_and_the_history() {
    let mut env = Env::new();
    let mut a = env.create(&account("wei.zhang", "business", &[], false));
    let p0 = a.password.clone();
    let refused = [
        ("Sh0rt!pw", "at least 12"),
        ("onlyletterslongenough", "a letter, a digit and a special character"),
        ("lettersand123456", "a letter, a digit and a special character"),
        ("Wei.Zhang-2024#x", "user name"),
        ("Password123!", "common"),
    ];
    for (pw, problem) in refused {
        let e = env.svc.change_password(a.name(), &secret(&p0), None, &secret(pw)).unwrap_err();
        let text = invalid_problem(&e);
        assert!(text.contains(problem), "{pw}: {text}");
        assert!(!text.contains(pw), "the message repeats the password");
    }
    let e = env.svc.change_password(a.name(), &secret(&p0), None, &secret(&p0)).unwrap_err();
    assert!(invalid_problem(&e).contains("same as the old one"));
    // Nothing of that was kept.
    assert!(env.login(&a).unwrap().must_change_password);

    // Not one of the last four (the current one included).
    let chosen = ["Amber-falcon-31!", "Birch-harbor-62?", "Cobalt-meadow-93%", "Dune-lantern-24&"];
    for pw in chosen {
        env.change_password(&mut a, pw).unwrap();
    }
    let current = a.password.clone();
    for old in &chosen[..3] {
        let e = env.svc.change_password(a.name(), &secret(&current), None, &secret(old));
        let text = invalid_problem(&e.unwrap_err());
        assert_eq!(text, "must differ from the last 4 passwords", "{old}");
    }
    // The fifth one back may come again.
    env.change_password(&mut a, &p0).unwrap();
    assert!(!env.login(&a).unwrap().must_change_password);
    env.finish();
}

#[test]
fn a_password_expires_after_ninety_days() {
    let mut env = Env::new();
    let mut a = env.create(&account("wei.zhang", "business", &[], false));
    env.change_password(&mut a, "Quiet-river-2024#").unwrap();
    assert!(!env.login(&a).unwrap().must_change_password);
    env.advance(Duration::days(89));
    assert!(!env.login(&a).unwrap().must_change_password);
    env.advance(Duration::days(2));
    let login = env.login(&a).unwrap();
    assert!(login.must_change_password, "91 days after the change");
    env.change_password(&mut a, "Second-river-2024#").unwrap();
    assert!(!env.login(&a).unwrap().must_change_password);
    let profile = env.svc.profile(a.id()).unwrap();
    let expected = (env.clock_now().date_naive() + Duration::days(90)).to_string();
    assert_eq!(profile.password_expires, Some(expected));
    env.finish();
}

// ---------------------------------------------------------------------------------------------
// Lockout and login errors
// ---------------------------------------------------------------------------------------------

#[test]
fn five_failures_lock_the_account_for_thirty_minutes_even_across_a_restart() {
    let mut env = Env::new();
    let a = env.create(&account("wei.zhang", "business", &[], false));
    let tip = audit_tip(&env.svc);
    lock_out(&mut env, &a);
    let failed: Vec<_> = audit_after(&env.svc, tip);
    assert_eq!(failed.len(), 5);
    assert!(failed.iter().all(|r| r.action == "auth.login" && r.outcome == "failed"));
    assert!(failed[4].detail.contains("locked_until"), "{:?}", failed[4]);
    let locked_until: Option<String> = staff_column(&env, a.id(), "locked_until");
    assert!(locked_until.is_some());

    // The right password does not help while locked, nor does a restart.
    assert!(matches!(env.login(&a), Err(LoginError::Locked { .. })));
    env.restart();
    assert!(matches!(env.login(&a), Err(LoginError::Locked { .. })));
    env.advance(Duration::minutes(29));
    assert!(matches!(env.login(&a), Err(LoginError::Locked { .. })));
    env.advance(Duration::minutes(2));
    env.login(&a).unwrap();
    assert_eq!(staff_column::<i64>(&env, a.id(), "failed_logins"), 0);
    // The count starts again from zero.
    let e = env.svc.login(a.name(), &secret("Wrong-guess-000#"), None).unwrap_err();
    assert!(matches!(e, LoginError::Invalid), "{e:?}");
    env.login(&a).unwrap();
    env.finish();
}

fn time_login(env: &mut Env, user: &str, password: &str) -> (StdDuration, String) {
    let start = Instant::now();
    let e = env.svc.login(user, &secret(password), None).unwrap_err();
    let took = start.elapsed();
    assert!(matches!(e, LoginError::Invalid), "{user}: {e:?}");
    (took, e.to_string())
}

#[test]
fn an_unknown_user_and_a_wrong_password_look_the_same() {
    let mut env = Env::new();
    // Two accounts, so that no account reaches the lockout while measuring.
    let a = env.create(&account("wei.zhang", "business", &[], false));
    let b = env.create(&account("fang.wang", "business", &[], false));
    // Warm up both paths (the dummy hash of unknown names is made once).
    let (_, unknown_msg) = time_login(&mut env, "nobody.here", "Wrong-guess-000#");
    let (_, wrong_msg) = time_login(&mut env, a.name(), "Wrong-guess-000#");
    assert_eq!(unknown_msg, wrong_msg);
    assert_eq!(unknown_msg, "user name or password is wrong");
    // The fastest of several runs of each: the least disturbed by other tests running.
    let mut unknown = StdDuration::MAX;
    let mut wrong = StdDuration::MAX;
    for i in 0..5 {
        unknown = unknown.min(time_login(&mut env, "nobody.here", "Wrong-guess-000#").0);
        let who = if i % 2 == 0 { &a } else { &b };
        wrong = wrong.min(time_login(&mut env, who.name(), "Wrong-guess-000#").0);
    }
    assert!(
        unknown * 3 > wrong && wrong * 3 > unknown,
        "unknown user {unknown:?}, wrong password {wrong:?}"
    );
    // Both spend about one argon2 verification at the current cost, not a shortcut.
    let hash = hash_password("Some-password-12#", HashCost::default()).unwrap();
    let mut verify = StdDuration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        assert!(!verify_password("Wrong-guess-000#", &hash));
        verify = verify.min(start.elapsed());
    }
    assert!(unknown * 2 > verify && wrong * 2 > verify, "{unknown:?} {wrong:?} {verify:?}");
    // Both are on record as failed attempts, without the password tried.
    let failed: Vec<_> = audit_all(&env.svc)
        .into_iter()
        .filter(|r| r.action == "auth.login" && r.outcome == "failed")
        .collect();
    assert_eq!(failed.len(), 12);
    assert!(failed.iter().all(|r| !r.detail.contains("Wrong-guess")));
    assert!(failed.iter().any(|r| r.detail.contains("nobody.here")));
    env.login(&a).unwrap();
    env.login(&b).unwrap();
    env.finish();
}

// ---------------------------------------------------------------------------------------------
// Second factor
// ---------------------------------------------------------------------------------------------

#[test]
fn totp_is_required_once_enrolled_and_a_code_is_good_once() {
    let mut env = Env::new();
    let root = env.root.clone();
    let sec = env.create(&account("sec.admin", "ops", &[], false));
    let sec = env.grant(&root, &sec, Role::SecurityAdmin);
    let adv =
        env.create(&account("fin.adv", "finance", &[(Module::Finance, Level::Advanced)], false));
    let plain =
        env.create(&account("fin.clerk", "finance", &[(Module::Finance, Level::Ordinary)], false));

    // Privileged accounts must enrol once the setting says so.
    assert!(!env.login(&adv).unwrap().must_enrol_totp);
    env.svc.set_setting(&sec.actor, "security.totp_required_privileged", "true").unwrap();
    assert!(env.login(&adv).unwrap().must_enrol_totp);
    assert!(env.login(&sec).unwrap().must_enrol_totp);
    assert!(!env.login(&plain).unwrap().must_enrol_totp);

    let key = new_totp_secret();
    env.secrets.push(key.clone());
    let wrong = |c: &str| if c == "000000" { "111111".to_owned() } else { "000000".to_owned() };
    let code = code_at(&key, env.clock_now());
    let e = error_of(env.svc.enrol_totp(&adv.actor, &key, &wrong(&code), None));
    assert!(matches!(e, ServiceError::Invalid { .. }), "{e:?}");
    assert!(!env.svc.profile(adv.id()).unwrap().second_factor);
    env.svc.enrol_totp(&adv.actor, &key, &code, None).unwrap();
    assert!(env.svc.profile(adv.id()).unwrap().second_factor);
    assert!(has_audit(&env.svc, "auth.totp_enrol", "ok", "staff", &adv.id().to_string()));

    // Without a code: asked for one, not counted.
    let pw = secret(&adv.password);
    assert!(matches!(env.svc.login(adv.name(), &pw, None), Err(LoginError::TotpRequired)));
    assert_eq!(staff_column::<i64>(&env, adv.id(), "failed_logins"), 0);
    // The enrolment code again: a replay.
    let e = env.svc.login(adv.name(), &pw, Some(&code)).unwrap_err();
    assert!(matches!(e, LoginError::TotpInvalid), "{e:?}");
    assert_eq!(staff_column::<i64>(&env, adv.id(), "failed_logins"), 1);
    // A wrong code counts as a failure.
    let e = env.svc.login(adv.name(), &pw, Some(&wrong(&code))).unwrap_err();
    assert!(matches!(e, LoginError::TotpInvalid), "{e:?}");
    assert_eq!(staff_column::<i64>(&env, adv.id(), "failed_logins"), 2);
    // The right password with the right code is still not enough for a wrong password.
    env.advance(Duration::seconds(30));
    let code2 = code_at(&key, env.clock_now());
    let e = env.svc.login(adv.name(), &secret("Wrong-guess-000#"), Some(&code2)).unwrap_err();
    assert!(matches!(e, LoginError::Invalid), "{e:?}");

    let login = env.svc.login(adv.name(), &pw, Some(&code2)).unwrap();
    assert!(!login.must_enrol_totp);
    assert_eq!(staff_column::<i64>(&env, adv.id(), "failed_logins"), 0);
    // The same code a second time within its window is refused.
    let e = env.svc.login(adv.name(), &pw, Some(&code2)).unwrap_err();
    assert!(matches!(e, LoginError::TotpInvalid), "{e:?}");
    // Step-up asks for the code as well.
    assert!(matches!(env.svc.step_up(&adv.actor, &pw, None), Err(LoginError::TotpRequired)));
    env.advance(Duration::seconds(30));
    let code3 = code_at(&key, env.clock_now());
    env.svc.step_up(&adv.actor, &pw, Some(&code3)).unwrap();
    env.advance(Duration::seconds(30));
    let code4 = code_at(&key, env.clock_now());
    env.svc.login(adv.name(), &pw, Some(&code4)).unwrap();
    env.finish();
}

// ---------------------------------------------------------------------------------------------
// Profile, sessions, step-up
// ---------------------------------------------------------------------------------------------

#[test]
fn flagging_ones_profile_notifies_the_system_administrators() {
    let mut env = Env::new();
    let a = env.create(&account(
        "wei.zhang",
        "business",
        &[(Module::Business, Level::Ordinary)],
        false,
    ));
    let profile = env.svc.profile(a.id()).unwrap();
    assert_eq!(profile.user, "wei.zhang");
    assert_eq!(profile.department, "business");
    assert!(profile.roles.is_empty());
    let e = error_of(env.svc.flag_profile(&a.actor, "   "));
    assert!(matches!(e, ServiceError::Invalid { .. }), "{e:?}");
    let id = env.svc.flag_profile(&a.actor, "I should have risk (ordinary)").unwrap();
    let (recipient, kind, body, from): (String, String, String, i64) = env
        .svc
        .db()
        .conn()
        .query_row(
            "SELECT recipient, kind, body, from_staff FROM notifications WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(recipient, "role:system_admin");
    assert_eq!(kind, "profile_flag");
    assert_eq!(body, "I should have risk (ordinary)");
    assert_eq!(from, a.id());
    assert!(has_audit(&env.svc, "profile.flag", "ok", "notification", &id.to_string()));
    env.finish();
}

#[test]
fn sessions_are_recorded_ended_by_the_system_admin_and_replaced_at_the_console() {
    let mut env = Env::new();
    let root = env.root.clone();
    let a = env.create(&account("wei.zhang", "business", &[], false));
    let b =
        env.create(&account("fang.wang", "business", &[(Module::Admin, Level::Advanced)], false));

    let login = env.login(&a).unwrap();
    let (staff_id, ended): (i64, Option<String>) = env
        .svc
        .db()
        .conn()
        .query_row(
            "SELECT staff_id, ended_at FROM sessions WHERE id = ?1",
            [login.session_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((staff_id, ended), (a.id(), None));
    assert!(has_audit(&env.svc, "auth.login", "ok", "session", &login.session_id.to_string()));

    // Only a system administrator ends someone's session.
    for who in [&a, &b] {
        let e = error_of(env.svc.end_session(&who.actor, login.session_id));
        assert_forbidden(&e, "session.end", "system_admin");
    }
    assert_eq!(session_ended(&env, login.session_id), None);
    env.svc.end_session(&root.actor, login.session_id).unwrap();
    assert!(session_ended(&env, login.session_id).is_some());
    assert!(has_audit(&env.svc, "session.end", "ok", "session", &login.session_id.to_string()));
    assert!(matches!(
        env.svc.end_session(&root.actor, login.session_id),
        Err(ServiceError::NotFound(_))
    ));
    // An ended session does not resume.
    let e = env.svc.unlock_console(&login, a.name(), &secret(&a.password), None).unwrap_err();
    assert!(matches!(e, LoginError::Service(ServiceError::Refused(_))), "{e:?}");

    // The same user resumes; another user replaces the session.
    let login = env.login(&a).unwrap();
    let r = env.svc.unlock_console(&login, a.name(), &secret(&a.password), None).unwrap();
    assert!(matches!(r, Unlock::Resumed), "{r:?}");
    assert_eq!(session_ended(&env, login.session_id), None);
    let e =
        env.svc.unlock_console(&login, a.name(), &secret("Wrong-guess-000#"), None).unwrap_err();
    assert!(matches!(e, LoginError::Invalid), "{e:?}");
    let r = env.svc.unlock_console(&login, b.name(), &secret(&b.password), None).unwrap();
    let Unlock::Replaced(new) = r else { panic!("expected the session to be replaced, got {r:?}") };
    assert_eq!(new.actor.id, b.id());
    assert!(session_ended(&env, login.session_id).is_some());
    assert_eq!(session_ended(&env, new.session_id), None);
    let open: i64 = env
        .svc
        .db()
        .conn()
        .query_row("SELECT count(*) FROM sessions WHERE ended_at IS NULL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(open, 1);
    env.finish();
}

#[test]
fn a_step_up_proof_lasts_two_minutes_for_its_own_actor() {
    let mut env = Env::new();
    let root = env.root.clone();
    let hr = env.create(&account("hr.adv", "hr", &[(Module::Hr, Level::Advanced)], false));
    let hr2 = env.create(&account("hr.adv2", "hr", &[(Module::Hr, Level::Advanced)], false));
    let t = env.create(&account(
        "biz.clerk",
        "business",
        &[(Module::Business, Level::Ordinary)],
        false,
    ));
    let sec = env.create(&account("sec.admin", "ops", &[], false));

    // A wrong password gives no proof and counts as a failure.
    let e = env.svc.step_up(&hr.actor, &secret("Wrong-guess-000#"), None).unwrap_err();
    assert!(matches!(e, LoginError::Invalid), "{e:?}");
    assert_eq!(staff_column::<i64>(&env, hr.id(), "failed_logins"), 1);

    let proof = env.step_up(&hr);
    assert!(has_audit(&env.svc, "auth.step_up", "ok", "staff", &hr.id().to_string()));
    env.advance(Duration::seconds(100));
    let risk = BTreeMap::from([(Module::Risk, Level::Ordinary)]);
    env.svc.set_levels(&hr.actor, &proof, t.id(), "risk", &risk).unwrap();
    assert_eq!(env.svc.actor(t.id()).unwrap().levels, risk);
    assert_eq!(env.svc.actor(t.id()).unwrap().department, "risk");
    let rec =
        audit_all(&env.svc).into_iter().rev().find(|r| r.action == "account.set_levels").unwrap();
    assert_eq!(rec.entity_id, t.id().to_string());
    assert!(rec.detail.contains("business") && rec.detail.contains("risk"), "{rec:?}");

    // Three minutes on, the same proof is refused and nothing changes.
    env.advance(Duration::seconds(80));
    let tip = audit_tip(&env.svc);
    let hash = password_hash(&env, t.id());
    let business = BTreeMap::from([(Module::Business, Level::Advanced)]);
    let e = error_of(env.svc.set_levels(&hr.actor, &proof, t.id(), "business", &business));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    let e = error_of(env.svc.reset_password(&hr.actor, &proof, t.id()));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    assert_eq!(env.svc.actor(t.id()).unwrap().levels, risk);
    assert_eq!(password_hash(&env, t.id()), hash);
    let root_proof = env.step_up(&root);
    env.advance(Duration::minutes(3));
    let e = error_of(env.svc.grant_role(&root.actor, &root_proof, sec.id(), Role::SecurityAdmin));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    assert_eq!(env.count("staff_roles"), 1);

    // Another actor's proof, however fresh, is refused.
    let proof2 = env.step_up(&hr2);
    let e = error_of(env.svc.set_levels(&hr.actor, &proof2, t.id(), "business", &business));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    let e = error_of(env.svc.reset_password(&hr.actor, &proof2, t.id()));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    let e = error_of(env.svc.grant_role(&root.actor, &proof2, sec.id(), Role::SecurityAdmin));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    assert_eq!(env.svc.actor(t.id()).unwrap().levels, risk);
    assert_eq!(password_hash(&env, t.id()), hash);
    assert_eq!(env.count("staff_roles"), 1);
    // Only the step-ups were recorded meanwhile.
    let since: Vec<_> = audit_after(&env.svc, tip).into_iter().map(|r| r.action).collect();
    assert_eq!(since, vec!["auth.step_up", "auth.step_up"]);
    // Nobody changes his own permissions.
    let proof = env.step_up(&hr);
    let e = error_of(env.svc.set_levels(&hr.actor, &proof, hr.id(), "hr", &business));
    assert!(matches!(e, ServiceError::Refused(_)), "{e:?}");
    env.finish();
}

#[test]
fn root_is_created_with_its_own_password_and_no_forced_change() {
    let mut env = Env::new();
    let login = env.svc.login("root", &secret(ROOT_PASSWORD), None).unwrap();
    assert!(!login.must_change_password);
    assert_eq!(login.actor.role, Some(Role::SystemAdmin));
    assert_eq!(login.actor.level(Module::Admin), Level::Advanced);
    let h = password_hash(&env, env.root.id());
    assert!(h.starts_with("$argon2id$"), "{h}");
    env.finish();
}
