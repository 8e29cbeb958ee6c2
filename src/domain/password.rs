//! The password rules (§3.2.1): length, character classes, not the user name, not a common
//! password. History and age need the store and live in the identity service.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The shipped list of common passwords (19,640 entries, lower case; from the list Django
/// ships under the BSD licence).
const COMMON: &str = include_str!("../../assets/common-passwords.txt");

fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
}

/// What is wrong with a proposed password. Messages never repeat the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("must be at least {0} characters long")]
    TooShort(usize),
    #[error("must be at most 128 characters long")]
    TooLong,
    #[error("must contain a letter, a digit and a special character")]
    MissingClass,
    #[error("must not contain the user name")]
    ContainsUsername,
    #[error("is too common: it is on the list of frequently used passwords")]
    Common,
    #[error("must differ from the last {0} passwords")]
    Reused(usize),
}

/// Checks a new password against the rules. `min_len` is the setting (default 12).
pub fn check(password: &str, username: &str, min_len: usize) -> Result<(), PasswordProblem> {
    let n = password.chars().count();
    if n < min_len {
        return Err(PasswordProblem::TooShort(min_len));
    }
    if n > 128 {
        return Err(PasswordProblem::TooLong);
    }
    let letter = password.chars().any(char::is_alphabetic);
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let special = password.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace());
    if !(letter && digit && special) {
        return Err(PasswordProblem::MissingClass);
    }
    let lower = password.to_lowercase();
    let user = username.trim().to_lowercase();
    if !user.is_empty() && lower.contains(&user) {
        return Err(PasswordProblem::ContainsUsername);
    }
    if is_common(&lower) {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

/// A password is common if it is on the list, or if what remains after stripping the digits
/// and symbols people add to meet the rules ("Password123!" → "password") is.
fn is_common(lower: &str) -> bool {
    let set = common();
    if set.contains(lower) {
        return true;
    }
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    if core.chars().count() >= 4 && set.contains(core) {
        return true;
    }
    let letters: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    letters.chars().count() >= 4
        && set.contains(letters.as_str())
        && letters.len() * 2 >= lower.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforces_each_rule() {
        assert_eq!(check("Sh0rt!pw", "li", 12), Err(PasswordProblem::TooShort(12)));
        assert_eq!(check("onlyletterslong", "li", 12), Err(PasswordProblem::MissingClass));
        assert_eq!(check("lettersand12345", "li", 12), Err(PasswordProblem::MissingClass));
        assert_eq!(check("Zhangwei#2026x", "zhangwei", 12), Err(PasswordProblem::ContainsUsername));
        assert_eq!(check("Password123!", "li", 12), Err(PasswordProblem::Common));
        assert_eq!(check("qwertyuiop12#", "li", 12), Err(PasswordProblem::Common));
        assert_eq!(check(&"a1!".repeat(43), "li", 12), Err(PasswordProblem::TooLong));
        assert_eq!(check("Harbour-lamp-47", "wangfang", 12), Ok(()));
        assert_eq!(check("借贷台账-2026#xy", "li", 12), Ok(()));
    }

    #[test]
    fn ships_the_common_list() {
        assert!(common().len() > 19_000);
        assert!(common().contains("password"));
    }
}
