//! The terminal console: the screens staff work in.
//!
//! ```text
//! terminal event ──► event (KeyPress) ──► keymap ──► Action ──► app (update) ──► service
//!                                                                    │
//!                       frame ◄── view / screens (draw, read-only) ◄─┘ state
//! ```
//!
//! - [`app`]: the state and its update; with `session` (login, idle lock, expiry) and `console`
//!   (the screen and popup stacks).
//! - [`keymap`]: key tables per screen, as data; the footer and the help overlay come from
//!   them. [`action`] names what keys do.
//! - [`screens`]: one module per screen; [`popup`]: confirmations, prompts, notices, help.
//! - [`widgets`]: text field, form, table, message bar, footer.
//! - [`theme`], [`i18n`]: styles by role and strings by language, both from files.
//! - [`terminal`]: raw mode and its undoing, also on panic.

pub mod action;
pub mod app;
mod console;
pub mod event;
pub mod i18n;
pub mod keymap;
mod keymap_defaults;
pub mod nav;
pub mod popup;
pub mod screens;
mod session;
pub mod terminal;
pub mod theme;
mod view;
pub mod widgets;
pub mod wording;

use std::time::{Duration, Instant};

use ratatui::crossterm::event::Event;

pub use app::{App, Options};
pub use view::{MIN_HEIGHT, MIN_WIDTH};

use crate::service::Service;

/// How long the loop waits for input before it looks at the clock again: the idle lock
/// engages at most this late.
const TICK: Duration = Duration::from_millis(250);

/// Runs the console on the real terminal until the user quits.
pub fn run(svc: Service, options: Options) -> std::io::Result<()> {
    let mut tui = terminal::Tui::enter()?;
    let mut app = App::new(svc, options, Instant::now());
    let size = tui.terminal.size()?;
    app.resize(size.width, size.height);
    let result = event_loop(&mut tui, &mut app);
    app.shutdown();
    drop(tui);
    result
}

fn event_loop(tui: &mut terminal::Tui, app: &mut App) -> std::io::Result<()> {
    loop {
        app.tick(Instant::now());
        if app.should_quit() {
            return Ok(());
        }
        tui.terminal.draw(|frame| app.draw(frame))?;
        let mut next = event::next(TICK)?;
        while let Some(ev) = next {
            if matches!(ev, Event::Resize(..)) {
                // Start from a blank screen: a terminal that reflowed its contents may show
                // fragments the diff would not overwrite.
                tui.terminal.clear()?;
            }
            app.handle(&ev, Instant::now());
            // Take what else is queued before drawing again (a paste, a fast typist).
            next = event::next(Duration::ZERO)?;
        }
    }
}
