//! Technology → the daily job (日终批处理): runs the business date on by one day, after a
//! confirmation, and shows what the day did; below, the days run before.

use chrono::{Duration, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Paragraph, Row};

use super::{Ctx, Screen, View};
use crate::domain::Money;
use crate::domain::money::grouped;
use crate::service::lending::DayReport;
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::{Dept, Tab};
use crate::tui::popup::Popup;
use crate::tui::widgets::message::Message;
use crate::tui::widgets::table::{self, ListState};
use crate::tui::widgets::{labelled, right_cell};

/// How many past days the screen lists.
const PAST_DAYS: usize = 60;

/// The daily-job screen.
#[derive(Default)]
pub struct DailyScreen {
    today: Option<NaiveDate>,
    runs: Vec<DayReport>,
    list: ListState,
}

impl DailyScreen {
    #[must_use]
    pub fn new() -> DailyScreen {
        DailyScreen::default()
    }
}

/// The day's penalty interest with thousands separators.
fn penalty(r: &DayReport) -> String {
    Money::parse(&r.penalty_charged).map_or_else(|_| r.penalty_charged.clone(), grouped)
}

/// One day's report in a sentence.
#[must_use]
pub fn day_text(tr: &Tr, r: &DayReport) -> String {
    tr.f(
        "daily.day",
        &[
            ("date", &r.date),
            ("failed", &r.failed_raises.to_string()),
            ("applied", &r.advances_applied.to_string()),
            ("overdue", &r.overdue_loans.to_string()),
            ("penalty", &penalty(r)),
            ("disabled", &r.accounts_disabled.to_string()),
        ],
    )
}

fn run(ctx: &mut Ctx<'_>, today: NaiveDate) {
    // The service checks the permission (operations, advanced) and records a refusal as an
    // overreach attempt, so the console does not pre-empt it.
    let next = today + Duration::days(1);
    let text =
        ctx.tr.f("daily.confirm", &[("from", &today.to_string()), ("to", &next.to_string())]);
    ctx.popup(Popup::confirm(text, |ctx| match ctx.svc.run_daily_by(&ctx.login.actor.clone(), None) {
        Ok(days) => {
            let lines: Vec<String> = days.iter().map(|r| day_text(ctx.tr, r)).collect();
            let done = days.last().map(|r| r.date.clone()).unwrap_or_default();
            tracing::info!(user = %ctx.login.actor.username, to = %done, "daily job run from the console");
            ctx.message(Message::success(ctx.tr.f("daily.done", &[("date", &done)])));
            ctx.popup(Popup::Notice { title: ctx.tr.t("daily.report").to_owned(), lines, secret: None });
            ctx.date_changed();
            ctx.reload();
        }
        Err(e) => ctx.error(&e),
    }));
}

impl Screen for DailyScreen {
    fn layer(&self) -> Layer {
        Layer::Daily
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Technology)
    }

    fn title(&self, tr: &Tr) -> String {
        tr.t("menu.technology.daily").to_owned()
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        match ctx.svc.business_date() {
            Ok(d) => self.today = Some(d),
            Err(e) => ctx.error(&e),
        }
        match ctx.svc.daily_runs(&ctx.login.actor, PAST_DAYS) {
            Ok(r) => self.runs = r,
            Err(e) => ctx.error(&e),
        }
        self.list.clamp(self.runs.len());
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        let (len, page) = (self.runs.len(), ctx.page());
        let step = isize::try_from(page).unwrap_or(1);
        match action {
            Action::Up => self.list.step(-1, len, page),
            Action::Down => self.list.step(1, len, page),
            Action::PageUp => self.list.step(-step, len, page),
            Action::PageDown => self.list.step(step, len, page),
            Action::Top => self.list.top(),
            Action::Bottom => self.list.bottom(len, page),
            Action::Refresh => self.load(ctx),
            Action::RunDaily => {
                if let Some(today) = self.today {
                    run(ctx, today);
                }
            }
            _ => {}
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let [head, body] =
            Layout::vertical([Constraint::Length(4), Constraint::Fill(1)]).areas(area);
        let block = theme.block(true).title(format!(" {} ", self.title(tr)));
        let today = self.today.map_or_else(|| "-".to_owned(), |d| d.to_string());
        let next =
            self.today.map_or_else(|| "-".to_owned(), |d| (d + Duration::days(1)).to_string());
        let lines = labelled(tr, theme, vec![("daily.today", today), ("daily.next", next)]);
        frame.render_widget(Paragraph::new(lines).block(block), head);
        let header = Row::new(
            [
                "daily.date",
                "daily.failed",
                "daily.applied",
                "daily.overdue",
                "daily.penalty",
                "daily.disabled",
            ]
            .map(|k| tr.t(k)),
        );
        let widths = [
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(12),
            Constraint::Length(10),
        ];
        let row = |i: usize| {
            let r = &self.runs[i];
            Row::new(vec![
                r.date.clone().into(),
                right_cell(r.failed_raises.to_string()),
                right_cell(r.advances_applied.to_string()),
                right_cell(r.overdue_loans.to_string()),
                right_cell(penalty(r)),
                right_cell(r.accounts_disabled.to_string()),
            ])
        };
        let block = theme.block(false).title(format!(" {} ", tr.t("daily.past")));
        table::render(
            frame,
            body,
            block,
            header,
            &widths,
            self.runs.len(),
            Some(self.list),
            theme,
            row,
        );
    }
}
