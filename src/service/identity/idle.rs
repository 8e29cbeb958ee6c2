//! The console's idle lock and session lifetime, on a monotonic clock (§3.2.3).
//!
//! The console feeds every key to [`IdleLock::input`] and asks [`IdleLock::state`] before
//! drawing; the clock is passed in, so tests drive it by hand.

use std::time::{Duration, Instant};

/// What the console must show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockState {
    /// Data may be shown.
    Open,
    /// Idle too long: hide everything behind the lock screen until a password is given.
    Locked,
    /// The session outlived its absolute lifetime: log out.
    Expired,
}

/// Idle and lifetime timers of one console session.
#[derive(Clone, Debug)]
pub struct IdleLock {
    idle_after: Duration,
    lifetime: Duration,
    started: Instant,
    last_input: Instant,
    locked: bool,
}

impl IdleLock {
    /// `idle_after` is capped at 30 minutes whatever the setting says.
    #[must_use]
    pub fn new(idle_after: Duration, lifetime: Duration, now: Instant) -> IdleLock {
        IdleLock {
            idle_after: idle_after.min(Duration::from_secs(1800)),
            lifetime,
            started: now,
            last_input: now,
            locked: false,
        }
    }

    /// A key or click arrived. Input while locked goes to the lock screen and does not
    /// count as activity of the session.
    pub fn input(&mut self, now: Instant) {
        if !self.locked {
            self.last_input = now;
        }
    }

    /// The state at `now`; locks the session once idle.
    pub fn state(&mut self, now: Instant) -> LockState {
        if now.saturating_duration_since(self.started) >= self.lifetime {
            return LockState::Expired;
        }
        if !self.locked && now.saturating_duration_since(self.last_input) >= self.idle_after {
            self.locked = true;
        }
        if self.locked { LockState::Locked } else { LockState::Open }
    }

    /// Locks at once (the user asked to).
    pub fn lock(&mut self) {
        self.locked = true;
    }

    /// The password was given again: open, and restart the idle timer.
    pub fn unlocked(&mut self, now: Instant) {
        self.locked = false;
        self.last_input = now;
    }

    /// Time left before the idle lock, for a countdown in the status bar.
    #[must_use]
    pub fn remaining(&self, now: Instant) -> Duration {
        self.idle_after.saturating_sub(now.saturating_duration_since(self.last_input))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_idle_and_expires_after_lifetime() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut lock = IdleLock::new(s(900), s(12 * 3600), t0);
        assert_eq!(lock.state(t0 + s(899)), LockState::Open);
        lock.input(t0 + s(899));
        assert_eq!(lock.state(t0 + s(1798)), LockState::Open);
        assert_eq!(lock.state(t0 + s(1799)), LockState::Locked);
        // Keys pressed on the lock screen do not reopen it.
        lock.input(t0 + s(1800));
        assert_eq!(lock.state(t0 + s(1801)), LockState::Locked);
        lock.unlocked(t0 + s(2000));
        assert_eq!(lock.state(t0 + s(2000)), LockState::Open);
        assert_eq!(lock.remaining(t0 + s(2100)), s(800));
        assert_eq!(lock.state(t0 + s(12 * 3600)), LockState::Expired);
    }

    #[test]
    fn idle_time_is_capped_at_thirty_minutes() {
        let t0 = Instant::now();
        let mut lock = IdleLock::new(Duration::from_secs(7200), Duration::from_secs(43_200), t0);
        assert_eq!(lock.state(t0 + Duration::from_secs(1800)), LockState::Locked);
    }
}
