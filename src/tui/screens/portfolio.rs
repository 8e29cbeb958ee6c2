//! Audit → the portfolio report on the business date: loans and outstanding principal by
//! state and by delinquency bucket.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Paragraph, Row};

use super::{Ctx, Screen, View};
use crate::domain::money::grouped;
use crate::service::lending::{Bucket, Portfolio};
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::{Dept, Tab};
use crate::tui::widgets::{labelled, money_cell, right_cell, table};
use crate::tui::wording;

/// The report screen.
#[derive(Default)]
pub struct PortfolioScreen {
    report: Option<Portfolio>,
}

impl PortfolioScreen {
    #[must_use]
    pub fn new() -> PortfolioScreen {
        PortfolioScreen::default()
    }
}

fn groups(
    frame: &mut Frame<'_>,
    area: Rect,
    view: &View<'_>,
    title: &str,
    rows: &[(String, Bucket)],
) {
    let (tr, theme) = (view.tr, view.theme);
    let block = theme.block(false).title(format!(" {title} "));
    let header =
        Row::new(["portfolio.group", "portfolio.loans", "portfolio.outstanding"].map(|k| tr.t(k)));
    let widths = [Constraint::Length(12), Constraint::Length(10), Constraint::Length(18)];
    let row = |i: usize| {
        let (name, b) = &rows[i];
        Row::new(vec![
            name.clone().into(),
            right_cell(b.loans.to_string()),
            money_cell(b.outstanding_principal),
        ])
    };
    table::render(frame, area, block, header, &widths, rows.len(), None, theme, row);
}

impl Screen for PortfolioScreen {
    fn layer(&self) -> Layer {
        Layer::Portfolio
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Audit)
    }

    fn title(&self, tr: &Tr) -> String {
        tr.t("menu.audit.portfolio").to_owned()
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        match ctx.svc.portfolio(&ctx.login.actor, None) {
            Ok(p) => self.report = Some(p),
            Err(e) => ctx.error(&e),
        }
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        if action == Action::Refresh {
            self.load(ctx);
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let block = theme.block(true).title(format!(" {} ", self.title(tr)));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let Some(p) = &self.report else { return };
        let [head, tables] =
            Layout::vertical([Constraint::Length(4), Constraint::Fill(1)]).areas(inner);
        let lines = labelled(
            tr,
            theme,
            vec![
                ("portfolio.as_of", p.as_of.clone()),
                ("portfolio.loans", p.loans.to_string()),
                ("portfolio.outstanding", grouped(p.outstanding_principal)),
                ("portfolio.written_off", grouped(p.written_off_principal)),
            ],
        );
        frame.render_widget(Paragraph::new(lines), head);
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(tables);
        let by_state: Vec<(String, Bucket)> =
            p.by_state.iter().map(|(k, v)| (wording::loan_state(tr, k).to_owned(), *v)).collect();
        // Current first, then the buckets in the order of their days.
        let mut by_bucket: Vec<(String, Bucket)> = p
            .by_bucket
            .iter()
            .filter(|(k, _)| *k != "current")
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        if let Some(current) = p.by_bucket.get("current") {
            by_bucket.insert(0, (tr.t("portfolio.current").to_owned(), *current));
        }
        groups(frame, left, view, tr.t("portfolio.by_state"), &by_state);
        groups(frame, right, view, tr.t("portfolio.by_bucket"), &by_bucket);
    }
}
