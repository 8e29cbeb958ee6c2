//! Settings → the settings catalogue: every setting with its value, default and allowed
//! values; Enter edits one, with the validation message in the user's language.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Row;

use super::{Ctx, Screen, View};
use crate::service::settings::{self, CATALOGUE, Def, Kind};
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::{Dept, Tab};
use crate::tui::popup::{Popup, PromptOutcome};
use crate::tui::widgets::field::TextField;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::message::Message;
use crate::tui::widgets::table::{self, ListState};

/// The catalogue with the values in force.
#[derive(Default)]
pub struct SettingsScreen {
    rows: Vec<(Def, String)>,
    list: ListState,
}

impl SettingsScreen {
    #[must_use]
    pub fn new() -> SettingsScreen {
        SettingsScreen::default()
    }
}

/// The translation key of a setting's name: `setting.` and its catalogue key.
#[must_use]
pub fn label_key(def: &Def) -> String {
    format!("setting.{}", def.key)
}

/// A setting's name in the user's language; its catalogue key until the tables have it.
#[must_use]
pub fn name(tr: &Tr, def: &Def) -> String {
    let key = label_key(def);
    if tr.has(&key) { tr.t(&key).to_owned() } else { def.key.to_owned() }
}

/// The values a setting accepts, in words.
#[must_use]
pub fn allowed(tr: &Tr, def: &Def) -> String {
    match def.kind {
        Kind::Int { min, max } => {
            tr.f("settings.range_int", &[("min", &min.to_string()), ("max", &max.to_string())])
        }
        Kind::Bool => tr.t("settings.range_bool").to_owned(),
        Kind::Money => tr.t("settings.range_money").to_owned(),
        Kind::Percent => tr.t("settings.range_percent").to_owned(),
        Kind::Lpr => tr.t("settings.range_lpr").to_owned(),
    }
}

fn edit_prompt(tr: &Tr, def: Def, value: &str) -> Popup {
    let name = name(tr, &def);
    let form = Form::new(vec![("settings.value", TextField::plain().with_value(value))]);
    let title = tr.f("settings.edit_title", &[("name", &name)]);
    Popup::prompt(title, form, move |ctx, form| {
        let typed = form.value("settings.value");
        let Ok(canonical) = settings::validate(def.key, typed) else {
            let hint = allowed(ctx.tr, &def);
            return PromptOutcome::Retry(ctx.tr.f("settings.invalid", &[("allowed", &hint)]));
        };
        let actor = ctx.login.actor.clone();
        match ctx.svc.set_setting(&actor, def.key, &canonical) {
            Ok(()) => {
                let text = ctx.tr.f("settings.saved", &[("name", &name), ("value", &canonical)]);
                ctx.message(Message::success(text));
                ctx.reload();
            }
            Err(e) => ctx.error(&e),
        }
        PromptOutcome::Close
    })
}

impl Screen for SettingsScreen {
    fn layer(&self) -> Layer {
        Layer::Settings
    }

    fn tab(&self) -> Tab {
        Tab::Dept(Dept::Settings)
    }

    fn title(&self, tr: &Tr) -> String {
        tr.t("menu.settings.catalogue").to_owned()
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        let mut rows = Vec::with_capacity(CATALOGUE.len());
        for def in CATALOGUE {
            match ctx.svc.setting(def.key) {
                Ok(v) => rows.push((*def, v)),
                Err(e) => {
                    ctx.error(&e);
                    return;
                }
            }
        }
        self.rows = rows;
        self.list.clamp(self.rows.len());
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        let (len, page) = (self.rows.len(), ctx.page());
        let page_step = isize::try_from(page).unwrap_or(1);
        match action {
            Action::Up => self.list.step(-1, len, page),
            Action::Down => self.list.step(1, len, page),
            Action::PageUp => self.list.step(-page_step, len, page),
            Action::PageDown => self.list.step(page_step, len, page),
            Action::Top => self.list.top(),
            Action::Bottom => self.list.bottom(len, page),
            Action::Refresh => self.load(ctx),
            Action::Edit => {
                if let Some((def, value)) = self.rows.get(self.list.selected) {
                    ctx.popup(edit_prompt(ctx.tr, *def, value));
                }
            }
            _ => {}
        }
    }

    fn scroll(&mut self, lines: isize, ctx: &mut Ctx<'_>) {
        self.list.step(lines, self.rows.len(), ctx.page());
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let block = theme.block(true).title(format!(" {} ", self.title(tr)));
        let header = Row::new(
            ["settings.name", "settings.value", "settings.default", "settings.allowed"]
                .map(|k| tr.t(k)),
        );
        // Values are never cut: 1000000.00 needs its ten cells.
        let widths = [
            Constraint::Min(26),
            Constraint::Length(12),
            Constraint::Length(12),
            Constraint::Fill(1),
        ];
        let row = |i: usize| {
            let (def, value) = &self.rows[i];
            let style = if value == def.default { theme.text } else { theme.warning };
            Row::new(vec![name(tr, def), value.clone(), def.default.to_owned(), allowed(tr, def)])
                .style(style)
        };
        table::render(
            frame,
            area,
            block,
            header,
            &widths,
            self.rows.len(),
            Some(self.list),
            theme,
            row,
        );
    }
}
