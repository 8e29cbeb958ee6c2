//! The console's screen and popup stacks: running a screen's update with a [`Ctx`], and
//! carrying out what it asked for.

use super::action::Action;
use super::app::App;
use super::keymap::Layer;
use super::nav::Dept;
use super::popup::Popup;
use super::screens::department::DepartmentScreen;
use super::screens::{Ctx, Effect, Screen};
use super::session::Stage;
use super::view;
use super::widgets::message::Message;

impl App {
    pub(super) fn with_ctx<R>(
        &mut self,
        f: impl FnOnce(&mut Ctx<'_>) -> R,
    ) -> Option<(R, Vec<Effect>)> {
        let Stage::Session(s) = &self.stage else { return None };
        let mut ctx = Ctx {
            svc: &mut self.svc,
            login: &s.login,
            tr: self.tr,
            body: view::body_area(self.size),
            effects: Vec::new(),
        };
        let r = f(&mut ctx);
        Some((r, ctx.effects))
    }

    pub(super) fn apply(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Message(m) => self.message = Some(m),
                Effect::Push(screen) => self.open(screen),
                Effect::Pop => {
                    if let Some(s) = self.session_mut()
                        && s.screens.len() > 1
                    {
                        s.screens.pop();
                    }
                }
                Effect::Popup(p) => {
                    if let Some(s) = self.session_mut() {
                        s.popups.push(p);
                    }
                }
                Effect::Reload => self.with_top_screen(|screen, ctx| screen.load(ctx)),
                Effect::DateChanged => {
                    let date = self.svc.business_date().ok();
                    if let Some(s) = self.session_mut() {
                        s.business_date = date;
                    }
                }
                Effect::Quit => {
                    self.end_session("console closed");
                    self.quit = true;
                }
            }
        }
    }

    /// Loads a screen and puts it in front.
    pub(super) fn open(&mut self, mut screen: Box<dyn Screen>) {
        let Some(((), effects)) = self.with_ctx(|ctx| screen.load(ctx)) else { return };
        if let Some(s) = self.session_mut() {
            s.screens.push(screen);
        }
        self.apply(effects);
    }

    /// Runs `f` on the screen in front, then applies what it asked for.
    pub(super) fn with_top_screen(&mut self, f: impl FnOnce(&mut dyn Screen, &mut Ctx<'_>)) {
        let Some(mut screen) = self.session_mut().and_then(|s| s.screens.pop()) else { return };
        let effects = self.with_ctx(|ctx| f(screen.as_mut(), ctx)).map(|((), e)| e);
        if let Some(s) = self.session_mut() {
            s.screens.push(screen);
        }
        self.apply(effects.unwrap_or_default());
    }

    pub(super) fn console_action(&mut self, a: Action) {
        let tr = self.tr;
        let Some(s) = self.session_mut() else { return };
        match a {
            Action::Quit => {
                let text = tr.t("quit.confirm").to_owned();
                s.popups.push(Popup::confirm(text, |ctx: &mut Ctx<'_>| ctx.quit()));
            }
            Action::Help => {
                let layer = s.screens.last().map_or(Layer::Home, |x| x.layer());
                s.popups.push(Popup::Help { layer });
            }
            Action::Lock => self.engage_lock(),
            Action::Back => {
                if s.screens.len() > 1 {
                    s.screens.pop();
                    // What is under may have changed meanwhile (a repayment posted from a
                    // loan's screen): it is read again.
                    self.with_top_screen(|screen, ctx| screen.load(ctx));
                }
            }
            Action::GoHome => s.screens.truncate(1),
            Action::Go(d) => self.go(d),
            other => self.with_top_screen(|screen, ctx| screen.update(other, ctx)),
        }
    }

    pub(super) fn go(&mut self, d: Dept) {
        let tr = self.tr;
        let Some(s) = self.session_mut() else { return };
        if !d.allowed(&s.login.actor) {
            let text = tr.f("nav.no_access", &[("dept", tr.t(d.label()))]);
            self.message = Some(Message::warning(text));
            return;
        }
        s.screens.truncate(1);
        self.open(Box::new(DepartmentScreen::new(d)));
    }

    pub(super) fn popup_action(&mut self, a: Action) {
        let Some(mut popup) = self.session_mut().and_then(|s| s.popups.pop()) else { return };
        let Some((keep, effects)) = self.with_ctx(|ctx| popup.update(a, ctx)) else { return };
        if keep && let Some(s) = self.session_mut() {
            s.popups.push(popup);
        }
        self.apply(effects);
    }
}
