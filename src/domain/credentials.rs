//! Password hashing (argon2id), one-time passwords, and TOTP codes (RFC 6238).
//!
//! Nothing here stores or logs a secret: callers hold passwords in `SecretString` and pass
//! them by reference.

use std::sync::OnceLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngExt as _;
use totp_rs::{Secret, Totp};

/// Argon2id cost settings. The defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashCost {
    pub memory_kib: u32,
    pub passes: u32,
    pub lanes: u32,
}

impl Default for HashCost {
    fn default() -> Self {
        HashCost { memory_kib: 19 * 1024, passes: 2, lanes: 1 }
    }
}

/// The password hashing failed (bad cost settings; never a wrong password).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

impl HashCost {
    fn hasher(self) -> Result<Argon2<'static>, HashError> {
        let params = Params::new(self.memory_kib, self.passes, self.lanes, None)
            .map_err(|e| HashError(e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=…`), with a fresh random salt.
pub fn hash_password(password: &str, cost: HashCost) -> Result<String, HashError> {
    let hash =
        cost.hasher()?.hash_password(password.as_bytes()).map_err(|e| HashError(e.to_string()))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the stored hash. A malformed stored hash never matches.
#[must_use]
pub fn verify_password(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    // The hash carries its own parameters; the hasher's are not used for verifying.
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// Whether a stored hash was made with weaker settings than `cost` (or another algorithm),
/// so that it should be replaced at the next successful login.
#[must_use]
pub fn needs_rehash(stored: &str, cost: HashCost) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return true;
    };
    if parsed.algorithm.as_str() != "argon2id" {
        return true;
    }
    match Params::try_from(&parsed) {
        Ok(p) => {
            p.m_cost() < cost.memory_kib || p.t_cost() < cost.passes || p.p_cost() < cost.lanes
        }
        Err(_) => true,
    }
}

/// Spends the time of one verification against a hash of the current cost, so that an unknown
/// user name takes as long to refuse as a wrong password.
pub fn burn_verification(password: &str, cost: HashCost) {
    static DUMMY: OnceLock<(HashCost, String)> = OnceLock::new();
    let (dummy_cost, dummy) = DUMMY.get_or_init(|| {
        let hash = hash_password("not a real password 7#", cost).unwrap_or_default();
        (cost, hash)
    });
    if *dummy_cost == cost {
        let _ = verify_password(password, dummy);
    } else if let Ok(h) = hash_password("not a real password 7#", cost) {
        let _ = verify_password(password, &h);
    }
}

/// A one-time initial password meeting the rules: 16 characters from letters, digits and
/// symbols, with at least one of each, without look-alike characters.
#[must_use]
pub fn initial_password() -> String {
    const LETTERS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    const SYMBOLS: &[u8] = b"#%+=?@^*-";
    let mut rng = rand::rng();
    loop {
        let all: Vec<u8> = [LETTERS, DIGITS, SYMBOLS].concat();
        let pw: String = (0..16).map(|_| char::from(all[rng.random_range(0..all.len())])).collect();
        let ok = pw.bytes().any(|b| LETTERS.contains(&b))
            && pw.bytes().any(|b| DIGITS.contains(&b))
            && pw.bytes().any(|b| SYMBOLS.contains(&b));
        if ok {
            return pw;
        }
    }
}

/// Why a TOTP secret cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the second-factor secret is invalid")]
pub struct TotpError;

fn totp(secret_b32: &str) -> Result<Totp, TotpError> {
    let secret = Secret::try_from_base32(secret_b32).map_err(|_| TotpError)?;
    totp_rs::Builder::new().with_secret(secret).build().map_err(|_| TotpError)
}

/// A new random TOTP secret (160 bits, base32), for enrolment.
#[must_use]
pub fn new_totp_secret() -> String {
    Secret::generate().to_base32()
}

/// The time step (30-second window) in which `code` is valid for the secret at `unix_time`,
/// allowing one step of clock skew either side; `None` if it is not valid.
pub fn totp_step(secret_b32: &str, code: &str, unix_time: u64) -> Result<Option<u64>, TotpError> {
    Ok(totp(secret_b32)?.check(code.trim(), unix_time))
}

/// The code for a secret at a time (for enrolment screens and tests).
pub fn totp_code(secret_b32: &str, unix_time: u64) -> Result<String, TotpError> {
    Ok(totp(secret_b32)?.generate(unix_time).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cheap settings for tests of the format; the real cost is tested where it matters.
    const CHEAP: HashCost = HashCost { memory_kib: 64, passes: 1, lanes: 1 };

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash_password("Harbour-lamp-47", HashCost::default()).unwrap();
        let b = hash_password("Harbour-lamp-47", HashCost::default()).unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "two hashes of one password differ by their salt");
        assert!(verify_password("Harbour-lamp-47", &a));
        assert!(!verify_password("Harbour-lamp-48", &a));
        assert!(!verify_password("Harbour-lamp-47", "not a hash"));
    }

    #[test]
    fn weaker_hashes_need_rehash() {
        let weak = hash_password("Harbour-lamp-47", CHEAP).unwrap();
        assert!(needs_rehash(&weak, HashCost::default()));
        assert!(!needs_rehash(&weak, CHEAP));
        let strong = hash_password("Harbour-lamp-47", HashCost::default()).unwrap();
        assert!(!needs_rehash(&strong, HashCost::default()));
        assert!(needs_rehash(&strong, HashCost { memory_kib: 32 * 1024, ..HashCost::default() }));
    }

    #[test]
    fn initial_passwords_meet_the_rules() {
        for _ in 0..50 {
            let pw = initial_password();
            assert_eq!(pw.chars().count(), 16);
            assert_eq!(super::super::password::check(&pw, "someone", 12), Ok(()));
        }
    }

    /// RFC 6238 appendix B: SHA-1, seed "12345678901234567890", 8 digits. Our accounts use 6
    /// digits, which are the last six of the RFC's eight (truncation is modulo 10^digits).
    #[test]
    fn totp_matches_rfc_6238_vectors() {
        let seed = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let vectors = [
            (59_u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (t, eight) in vectors {
            let six = &eight[2..];
            assert_eq!(totp_code(&seed, t).unwrap(), six, "T = {t}");
            assert_eq!(totp_step(&seed, six, t).unwrap(), Some(t / 30));
            // One step of skew either way is accepted, two are not.
            assert_eq!(totp_step(&seed, six, t + 30).unwrap(), Some(t / 30));
            assert_eq!(totp_step(&seed, six, t + 61).unwrap(), None);
        }
        let eight_digit = totp_rs::Builder::new()
            .with_digits(8)
            .with_secret(Secret::from(b"12345678901234567890".to_vec()))
            .build()
            .unwrap();
        for (t, eight) in vectors {
            assert_eq!(eight_digit.generate(t).to_string(), eight, "T = {t}");
        }
    }
}
