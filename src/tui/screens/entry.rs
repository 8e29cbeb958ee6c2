//! A screen that is a form: new borrower, new investor, project, bid, disbursement proposal,
//! repayment, settlement. The form's own [`Spec`] says what its fields are, how each reads,
//! what happens on submit and what the panel beside it shows; this module does the rest the
//! same way for all of them.
//!
//! Fields are checked as they are typed: the note under a field says what the value reads as
//! or what is wrong with it (an empty field only once a submit was tried). A submit goes to
//! the service only when no field has a problem; a problem the service finds in a field is
//! shown under that field until its text changes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};

use super::{Ctx, Screen, View};
use crate::service::ServiceError;
use crate::tui::action::Action;
use crate::tui::i18n::Tr;
use crate::tui::keymap::Layer;
use crate::tui::nav::Tab;
use crate::tui::widgets::form::{Form, Note};
use crate::tui::widgets::message::Message;

/// What the form does after a submit the service took.
pub enum Done {
    /// Stay for the next entry (the counter takes another bid).
    Stay,
    /// Back to the screen below, which is read again.
    Close,
}

/// One kind of form.
pub trait Spec {
    fn title(&self, tr: &Tr) -> String;

    fn tab(&self) -> Tab;

    /// The fields, with their first values.
    fn form(&self) -> Form;

    /// Reads what the checks and the panel need (the business date, the project bid on).
    fn load(&mut self, _ctx: &mut Ctx<'_>, _form: &mut Form) {}

    /// The focus moved: looks up what the fields name (an investor's balance, a loan).
    fn lookup(&mut self, _ctx: &mut Ctx<'_>, _form: &Form) {}

    /// The note under each field, from the typed text alone.
    fn notes(&self, tr: &Tr, form: &Form) -> Vec<(&'static str, Note)>;

    /// Sends the form; called only when no field has a problem. Shows its own success message.
    fn submit(&mut self, ctx: &mut Ctx<'_>, form: &mut Form) -> Result<Done, ServiceError>;

    /// What an empty field wants, shown under it until a submit is tried.
    fn empty_hint(&self, _tr: &Tr, _label: &str) -> Option<String> {
        None
    }

    /// The field a service error's field name (`min_bid`) points at.
    fn field_of(&self, _service_field: &str) -> Option<&'static str> {
        None
    }

    /// Width of the panel beside the form; 0 for none.
    fn side_width(&self, _area: Rect) -> u16 {
        0
    }

    fn draw_side(&self, _frame: &mut Frame<'_>, _area: Rect, _view: &View<'_>, _form: &Form) {}

    /// Page keys move the panel (a long schedule).
    fn scroll(&mut self, _pages: isize) {}
}

/// A form screen.
pub struct EntryScreen<S: Spec> {
    spec: S,
    form: Form,
    /// A submit was tried: empty fields now show as problems.
    tried: bool,
    /// A problem the service found: the field, its text then, the problem.
    server: Option<(&'static str, String, String)>,
}

impl<S: Spec> EntryScreen<S> {
    pub fn new(spec: S) -> EntryScreen<S> {
        let form = spec.form();
        EntryScreen { spec, form, tried: false, server: None }
    }

    /// The notes to show: problems of empty fields only after a submit was tried, and the
    /// service's problem while the field is unchanged.
    fn shown_notes(&self, tr: &Tr) -> Vec<(&'static str, Note)> {
        let mut notes: Vec<(&'static str, Note)> = self
            .spec
            .notes(tr, &self.form)
            .into_iter()
            .filter_map(|(label, note)| {
                let waiting = !self.tried
                    && matches!(note, Note::Problem(_))
                    && self.form.value(label).trim().is_empty();
                if waiting {
                    self.spec.empty_hint(tr, label).map(|h| (label, Note::Hint(h)))
                } else {
                    Some((label, note))
                }
            })
            .collect();
        if let Some((label, text, problem)) = &self.server
            && self.form.value(label) == text
        {
            notes.retain(|(l, _)| l != label);
            notes.push((label, Note::Problem(problem.clone())));
        }
        notes
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>) {
        self.tried = true;
        self.spec.lookup(ctx, &self.form);
        let tr = ctx.tr;
        let notes = self.spec.notes(tr, &self.form);
        if let Some((label, Note::Problem(p))) =
            notes.iter().find(|(_, n)| matches!(n, Note::Problem(_)))
        {
            let text = tr.f("entry.check", &[("field", tr.t(label)), ("problem", p)]);
            ctx.message(Message::warning(text));
            self.form.focus_on(label);
            return;
        }
        match self.spec.submit(ctx, &mut self.form) {
            Ok(Done::Close) => {
                ctx.pop();
                ctx.reload();
            }
            Ok(Done::Stay) => {
                self.tried = false;
                self.server = None;
            }
            Err(ServiceError::Invalid { field, problem })
                if self.spec.field_of(field).is_some() =>
            {
                let label = self.spec.field_of(field).unwrap_or(field);
                let text = tr.f("error.invalid", &[("field", tr.t(label)), ("problem", &problem)]);
                ctx.message(Message::error(text));
                self.server = Some((label, self.form.value(label).to_owned(), problem));
                self.form.focus_on(label);
            }
            Err(e) => ctx.error(&e),
        }
    }
}

impl<S: Spec> Screen for EntryScreen<S> {
    fn layer(&self) -> Layer {
        Layer::Entry
    }

    fn tab(&self) -> Tab {
        self.spec.tab()
    }

    fn title(&self, tr: &Tr) -> String {
        self.spec.title(tr)
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        self.spec.load(ctx, &mut self.form);
        self.spec.lookup(ctx, &self.form);
    }

    fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) {
        match action {
            Action::Submit => self.submit(ctx),
            Action::NextField => {
                self.form.next();
                self.spec.lookup(ctx, &self.form);
            }
            Action::PrevField => {
                self.form.prev();
                self.spec.lookup(ctx, &self.form);
            }
            Action::PageDown => self.spec.scroll(1),
            Action::PageUp => self.spec.scroll(-1),
            _ => {}
        }
    }

    fn form(&mut self) -> Option<&mut Form> {
        Some(&mut self.form)
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let (tr, theme) = (view.tr, view.theme);
        let side = self.spec.side_width(area).min(area.width / 2 + 10);
        let [left, right] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(side)]).areas(area);
        let block = theme.block(true).title(format!(" {} ", self.title(tr)));
        let inner = block.inner(left).inner(Margin::new(1, 1));
        frame.render_widget(block, left);
        self.form.render_noted(frame, inner, theme, tr, true, &self.shown_notes(tr));
        if side > 0 {
            self.spec.draw_side(frame, right, view, &self.form);
        }
    }
}
