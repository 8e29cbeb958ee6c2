//! Running a paged list's reads through the service on behalf of the signed-in user.

use super::Ctx;
use crate::service::queries::{Page, Seek};
use crate::service::{Actor, Service, ServiceError};
use crate::tui::action::Action;
use crate::tui::widgets::paged::{Fetch, Paged};

/// Reads one page of a list for an actor.
pub type Source<'a, T> =
    dyn Fn(&Service, &Actor, Seek, usize) -> Result<Page<T>, ServiceError> + 'a;

/// Runs `op` with a page reader over `source`, the page size of the body; an error goes to
/// the message bar.
pub fn run<T, R>(
    ctx: &mut Ctx<'_>,
    source: &Source<'_, T>,
    op: impl FnOnce(&mut Fetch<'_, T>, usize) -> Result<R, ServiceError>,
) -> Option<R> {
    let size = ctx.page();
    let result = {
        let svc: &Service = ctx.svc;
        let actor = &ctx.login.actor;
        let mut fetch = |seek: Seek, n: usize| source(svc, actor, seek, n);
        op(&mut fetch, size)
    };
    match result {
        Ok(r) => Some(r),
        Err(e) => {
            ctx.error(&e);
            None
        }
    }
}

/// Reads the page on screen again.
pub fn reload<T>(ctx: &mut Ctx<'_>, paged: &mut Paged<T>, source: &Source<'_, T>) {
    run(ctx, source, |fetch, size| paged.reload(size, fetch));
}

/// A movement key on a paged list; false when the action is not one.
pub fn movement<T>(
    ctx: &mut Ctx<'_>,
    paged: &mut Paged<T>,
    action: Action,
    key: fn(&T) -> i64,
    source: &Source<'_, T>,
) -> bool {
    run(ctx, source, |fetch, size| paged.update(action, size, key, fetch)).unwrap_or(true)
}

/// The mouse wheel on a paged list.
pub fn scroll<T>(
    ctx: &mut Ctx<'_>,
    paged: &mut Paged<T>,
    lines: isize,
    key: fn(&T) -> i64,
    source: &Source<'_, T>,
) {
    run(ctx, source, |fetch, size| paged.scroll(lines, size, key, fetch));
}
