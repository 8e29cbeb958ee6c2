//! How service values and errors read in the user's language: error messages, and the names
//! of modules, levels, roles and departments.
//!
//! The structured cases (wrong password, locked account, missing permission, password rules)
//! are translated in full. Free-text reasons from the service layer (`Refused`, `NotFound` and
//! the `problem` of `Invalid`) are written in English there and are shown inside a translated
//! frame: that part of a Chinese screen stays English until the service layer gives those
//! reasons a structure.

use super::i18n::Tr;
use crate::domain::access::{Level, Module, Role};
use crate::domain::password::PasswordProblem;
use crate::domain::schedule::Method;
use crate::service::identity::LoginError;
use crate::service::{Need, ServiceError};

/// A refused login, unlock or step-up.
#[must_use]
pub fn login(tr: &Tr, e: &LoginError) -> String {
    match e {
        LoginError::Invalid => tr.t("error.login_invalid").to_owned(),
        LoginError::Locked { until } => tr.f("error.login_locked", &[("until", until)]),
        LoginError::Disabled => tr.t("error.login_disabled").to_owned(),
        LoginError::TotpRequired => tr.t("error.totp_required").to_owned(),
        LoginError::TotpInvalid => tr.t("error.totp_invalid").to_owned(),
        LoginError::Service(s) => service(tr, s),
    }
}

/// Any other service error.
#[must_use]
pub fn service(tr: &Tr, e: &ServiceError) -> String {
    match e {
        ServiceError::Forbidden { need, .. } => {
            tr.f("error.forbidden", &[("need", &need_text(tr, *need))])
        }
        ServiceError::Invalid { field, problem } => {
            tr.f("error.invalid", &[("field", field), ("problem", problem)])
        }
        ServiceError::NotFound(reason) | ServiceError::Refused(reason) => {
            tr.f("error.refused", &[("reason", reason)])
        }
        ServiceError::Post(_) | ServiceError::Store(_) => {
            tracing::error!(error = %e, "service failure shown in the console");
            tr.f("error.system", &[("detail", &e.to_string())])
        }
    }
}

/// A broken password rule.
#[must_use]
pub fn password(tr: &Tr, p: &PasswordProblem) -> String {
    match p {
        PasswordProblem::TooShort(n) => tr.f("password.too_short", &[("min", &n.to_string())]),
        PasswordProblem::TooLong => tr.t("password.too_long").to_owned(),
        PasswordProblem::MissingClass => tr.t("password.missing_class").to_owned(),
        PasswordProblem::ContainsUsername => tr.t("password.contains_username").to_owned(),
        PasswordProblem::Common => tr.t("password.common").to_owned(),
        PasswordProblem::Reused(n) => tr.f("password.reused", &[("count", &n.to_string())]),
    }
}

fn need_text(tr: &Tr, need: Need) -> String {
    match need {
        Need::Level(m, l) => format!("{} ({})", tr.t(module_label(m)), tr.t(level_label(l))),
        Need::Role(r) => tr.t(role_label(r)).to_owned(),
        Need::Staff => tr.t("error.need_staff").to_owned(),
        Need::System => tr.t("error.need_system").to_owned(),
    }
}

/// The translation key of a module's name.
#[must_use]
pub const fn module_label(m: Module) -> &'static str {
    match m {
        Module::Business => "module.business",
        Module::Risk => "module.risk",
        Module::Finance => "module.finance",
        Module::Hr => "module.hr",
        Module::Audit => "module.audit",
        Module::Ops => "module.ops",
        Module::Admin => "module.admin",
    }
}

/// The translation key of a level's name.
#[must_use]
pub const fn level_label(l: Level) -> &'static str {
    match l {
        Level::None => "level.none",
        Level::Ordinary => "level.ordinary",
        Level::Advanced => "level.advanced",
    }
}

/// The translation key of a role's name.
#[must_use]
pub const fn role_label(r: Role) -> &'static str {
    match r {
        Role::SystemAdmin => "role.system_admin",
        Role::SecurityAdmin => "role.security_admin",
        Role::AuditAdmin => "role.audit_admin",
    }
}

/// A department code as stored (`hr`, `ops` …) in the user's language; an unknown code shows
/// as it is.
#[must_use]
pub fn department<'a>(tr: &'a Tr, code: &'a str) -> &'a str {
    let key = match code {
        "business" => "department.business",
        "risk" => "department.risk",
        "finance" => "department.finance",
        "hr" => "department.hr",
        "audit" => "department.audit",
        "ops" => "department.ops",
        _ => return code,
    };
    tr.t(key)
}

/// A project's statuses in the order of the workflow.
pub const PROJECT_STATUSES: [&str; 8] =
    ["draft", "submitted", "approved", "raising", "full", "failed", "proposed", "disbursed"];

/// A loan's states.
pub const LOAN_STATES: [&str; 4] = ["current", "overdue", "settled", "written_off"];

/// The translation key of a repayment method's name.
#[must_use]
pub const fn method_label(m: Method) -> &'static str {
    match m {
        Method::EqualInstallment => "method.equal_installment",
        Method::EqualPrincipal => "method.equal_principal",
        Method::InterestFirst => "method.interest_first",
        Method::Bullet => "method.bullet",
    }
}

/// A method's code as stored, in the user's language.
#[must_use]
pub fn method<'a>(tr: &'a Tr, code: &'a str) -> &'a str {
    code.parse::<Method>().map_or(code, |m| tr.t(method_label(m)))
}

/// Looks up `section.code`; an unknown code shows as it is.
fn coded<'a>(tr: &'a Tr, section: &str, code: &'a str) -> &'a str {
    let key = format!("{section}.{code}");
    if tr.has(&key) { tr.t_owned_key(&key) } else { code }
}

/// A project status (`raising`) in the user's language.
#[must_use]
pub fn project_status<'a>(tr: &'a Tr, code: &'a str) -> &'a str {
    coded(tr, "status", code)
}

/// A loan state (`overdue`) in the user's language.
#[must_use]
pub fn loan_state<'a>(tr: &'a Tr, code: &'a str) -> &'a str {
    coded(tr, "loan_state", code)
}

/// A borrower kind (`person`, `company`) in the user's language.
#[must_use]
pub fn kind<'a>(tr: &'a Tr, code: &'a str) -> &'a str {
    coded(tr, "kind", code)
}

/// An audit outcome (`ok`, `refused`, `failed`) in the user's language.
#[must_use]
pub fn outcome<'a>(tr: &'a Tr, code: &'a str) -> &'a str {
    coded(tr, "outcome", code)
}

/// A journal entry's kind (`bid-freeze`) in the user's language.
#[must_use]
pub fn entry_kind<'a>(tr: &'a Tr, code: &'a str) -> &'a str {
    coded(tr, "entry_kind", code)
}
