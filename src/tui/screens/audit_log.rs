//! Audit → the audit trail, newest first, read a page at a time by sequence number; `/`
//! narrows it to one actor and the start of an action name (`project.`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Row;

use super::listing::{self, Source};
use super::{Ctx, Screen, View};
use crate::service::queries::{AuditFilter, AuditRow};
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::{Dept, Tab};
use crate::tui::popup::{Popup, PromptOutcome};
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::paged::Paged;
use crate::tui::widgets::table;
use crate::tui::wording;

/// The audit viewer.
#[derive(Default)]
pub struct AuditScreen {
    filter: AuditFilter,
    paged: Paged<AuditRow>,
}

impl AuditScreen {
    #[must_use]
    pub fn new(filter: AuditFilter) -> AuditScreen {
        AuditScreen { filter, paged: Paged::default() }
    }

    fn source(&self) -> Box<Source<'static, AuditRow>> {
        let filter = self.filter.clone();
        Box::new(move |svc, actor, seek, n| svc.audit_log(actor, &filter, seek, n))
    }
}

/// `2026-12-03T08:15:00.000Z` as `12-03 08:15:00`: the year is in the business date.
#[must_use]
pub fn short_time(at: &str) -> String {
    match (at.get(5..10), at.get(11..19)) {
        (Some(d), Some(t)) => format!("{d} {t}"),
        _ => at.to_owned(),
    }
}

fn key(r: &AuditRow) -> i64 {
    r.seq
}

fn filter_prompt(tr: &Tr, now: &AuditFilter) -> Popup {
    let form = Form::new(vec![
        ("audit.filter_actor", TextField::plain().with_value(now.actor.as_deref().unwrap_or(""))),
        ("audit.filter_action", TextField::plain().with_value(now.action.as_deref().unwrap_or(""))),
    ]);
    Popup::prompt(tr.t("audit.filter_title").to_owned(), form, |ctx, form| {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let filter = AuditFilter {
            actor: some(form.value("audit.filter_actor")),
            action: some(form.value("audit.filter_action")),
        };
        ctx.pop();
        ctx.push(Box::new(AuditScreen::new(filter)));
        PromptOutcome::Close
    })
}

impl Screen for AuditScreen {
    fn layer(&self) -> Layer {
        Layer::AuditLog
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Audit)
    }

    fn title(&self, tr: &Tr) -> String {
        let mut parts = vec![tr.t("menu.audit.trail").to_owned()];
        if let Some(a) = &self.filter.actor {
            parts.push(tr.f("audit.by_actor", &[("actor", a)]));
        }
        if let Some(a) = &self.filter.action {
            parts.push(tr.f("audit.by_action", &[("action", a)]));
        }
        parts.join(" - ")
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        let source = self.source();
        listing::reload(ctx, &mut self.paged, &*source);
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        let source = self.source();
        if listing::movement(ctx, &mut self.paged, action, key, &*source) {
            return;
        }
        match action {
            Action::Refresh => self.load(ctx),
            Action::Filter => ctx.popup(filter_prompt(ctx.tr, &self.filter)),
            _ => {}
        }
    }

    fn scroll(&mut self, lines: isize, ctx: &mut Ctx<'_>) {
        let source = self.source();
        listing::scroll(ctx, &mut self.paged, lines, key, &*source);
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let block = theme.block(true).title(format!(" {} ", self.title(tr)));
        let header = Row::new(
            [
                "audit.seq",
                "audit.at",
                "audit.actor",
                "audit.action",
                "audit.entity",
                "audit.outcome",
                "audit.detail",
            ]
            .map(|k| tr.t(k)),
        );
        let widths = [
            Constraint::Length(7),
            Constraint::Length(14),
            Constraint::Length(12),
            Constraint::Length(22),
            Constraint::Length(22),
            Constraint::Length(6),
            Constraint::Fill(1),
        ];
        let rows = &self.paged.rows;
        let row = |i: usize| {
            let a = &rows[i];
            let style = if a.outcome == "ok" { theme.text } else { theme.warning };
            Row::new(vec![
                a.seq.to_string(),
                short_time(&a.at),
                a.actor.clone(),
                a.action.clone(),
                format!("{} {}", a.entity, a.entity_id),
                wording::outcome(tr, &a.outcome).to_owned(),
                a.detail.clone(),
            ])
            .style(style)
        };
        table::render(
            frame,
            area,
            block,
            header,
            &widths,
            rows.len(),
            Some(self.paged.list),
            theme,
            row,
        );
    }
}
