//! p2pdesk: the back-office console of a peer-to-peer lending platform.
//!
//! The crate is layered, and data flows one way through it:
//!
//! ```text
//! cli / console ──► service ──► store ──► SQLite
//!                      │
//!                      └──► domain (pure rules: money, rates, schedules, splits)
//! ```
//!
//! - [`domain`]: lending rules without I/O.
//! - [`store`]: the database: connection settings, schema and migrations, ledger and audit
//!   storage, the writers' lock.
//! - [`service`]: one entry point per operation; checks the permission and writes the audit
//!   record in the same transaction as the change.
//! - [`cli`]: the headless commands.

pub mod cli;
pub mod config;
pub mod domain;
pub mod service;
pub mod store;
pub mod tui;
