//! The console shell on a test terminal, driven by key events through the same update path as
//! the real terminal, on a hand-moved clock: login, first-login password change, navigation by
//! permission, help, idle lock, small terminals, text fields and styles.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_support;

use p2pdesk::domain::access::{Level, Module};
use p2pdesk::tui::i18n::Locale;
use p2pdesk::tui::keymap::Layer;
use p2pdesk::tui::theme::Theme;
use ratatui::crossterm::event::{Event, KeyCode};
use tui_support::{Console, Platform, ROOT_PASSWORD, STAFF_PASSWORD, line};

#[test]
fn a_wrong_password_is_refused_in_the_users_language() {
    let p = Platform::new();
    let mut zh = Console::new(&p, Locale::ZhCn);
    zh.login("root", "not-the-password");
    let screen = zh.draw();
    assert!(screen.contains("账号或密码错误。"), "{screen}");
    assert!(screen.contains("登录"), "still on the login screen: {screen}");

    let mut en = Console::new(&p, Locale::En);
    en.login("nobody", "whatever-1!");
    let screen = en.draw();
    assert!(screen.contains("User name or password is wrong."), "{screen}");
}

#[test]
fn login_opens_home_with_the_profile_and_an_empty_work_queue() {
    let p = Platform::new();
    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("root", ROOT_PASSWORD);
    let screen = c.draw();
    assert!(screen.contains("Root (root)"), "{screen}");
    assert!(screen.contains("系统管理员"), "{screen}");
    assert!(screen.contains("高级权限"), "{screen}");
    assert!(screen.contains("暂无待办事项。"), "{screen}");
    assert!(screen.contains("业务日期 2026-12-03"), "{screen}");
}

#[test]
fn first_login_changes_the_password_then_goes_home() {
    let p = Platform::new();
    let initial = p.add("zhang", "张三", "hr", &[(Module::Hr, Level::Ordinary)], false);
    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("zhang", &initial);
    let screen = c.draw();
    assert!(screen.contains("修改初始密码"), "{screen}");
    assert!(!screen.contains("张三 (zhang)"), "nothing else before the change: {screen}");
    // The number keys are typed into the field, not taken as navigation.
    assert_eq!(c.app.front_layer(), Layer::PasswordChange);

    c.type_text(&initial);
    c.enter();
    c.type_text(STAFF_PASSWORD);
    c.enter();
    c.type_text("Something-else-1");
    c.enter();
    assert!(c.draw().contains("两次输入的新密码不一致。"));

    c.type_text(&initial);
    c.enter();
    c.type_text("short1!");
    c.enter();
    c.type_text("short1!");
    c.enter();
    assert!(c.draw().contains("新密码至少需要 12 个字符。"));

    c.type_text(&initial);
    c.enter();
    c.type_text(STAFF_PASSWORD);
    c.enter();
    c.type_text(STAFF_PASSWORD);
    c.enter();
    let screen = c.draw();
    assert!(screen.contains("密码已修改。"), "{screen}");
    assert!(screen.contains("张三 (zhang)"), "{screen}");
    assert!(screen.contains("人力资源部"), "{screen}");
}

#[test]
fn department_tabs_follow_the_levels() {
    let p = Platform::new();
    p.add("li", "李四", "hr", &[(Module::Hr, Level::Ordinary)], true);
    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("li", STAFF_PASSWORD);
    c.draw();
    let tabs = line(c.buffer(), 1);
    assert!(tabs.contains("4 人力资源"), "{tabs}");
    assert!(!tabs.contains("财务"), "{tabs}");
    assert!(!tabs.contains("设置"), "{tabs}");

    c.key(KeyCode::Char('3'));
    assert!(c.draw().contains("您没有财务模块的权限。"));
    c.type_text("gh");
    let screen = c.draw();
    assert!(screen.contains("账号申请"), "the HR menu: {screen}");
    c.key(KeyCode::Esc);
    assert!(c.draw().contains("李四 (li)"), "Esc goes back home");

    let mut root = Console::new(&p, Locale::ZhCn);
    root.login("root", ROOT_PASSWORD);
    root.draw();
    let tabs = line(root.buffer(), 1);
    assert!(tabs.contains("6 技术") && tabs.contains("7 设置"), "{tabs}");
    assert!(!tabs.contains("人力资源"), "{tabs}");

    // A click on a tab opens it.
    let at = root.find("7 设置").unwrap();
    root.click(at.x + 1, at.y);
    assert!(root.draw().contains("系统参数"));
}

#[test]
fn help_lists_exactly_the_keys_of_the_screen_in_front() {
    let p = Platform::new();
    let mut c = Console::new(&p, Locale::En);
    c.login("root", ROOT_PASSWORD);
    c.key(KeyCode::Char('?'));
    let screen = c.draw();
    let keymaps = p2pdesk::tui::keymap::Keymaps::defaults();
    let entries = keymaps.entries(Layer::Home);
    let tr = p2pdesk::tui::i18n::Tr::of(Locale::En);
    // The overlay's rows: from its title down to its bottom border, inside its margin of two
    // columns (where the screen below still shows).
    let inside = |l: &str| l.chars().skip(2).take(120 - 4).collect::<String>();
    let rows: Vec<String> = screen
        .lines()
        .map(inside)
        .skip_while(|l| !l.contains(" Keys "))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()).to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), entries.len(), "{rows:#?}");
    for (row, e) in rows.iter().zip(&entries) {
        let keys: Vec<String> = e.keys.iter().map(ToString::to_string).collect();
        assert!(row.starts_with(&keys.join(" / ")), "{row:?} for {e:?}");
        assert!(row.ends_with(tr.t(e.label)), "{row:?} for {e:?}");
    }
    // Keys of other screens are not listed.
    for other in ["reset password", "page down", "edit", "next field"] {
        assert!(!screen.contains(other), "{other} listed on Home:\n{screen}");
    }
    c.key(KeyCode::Esc);
    assert!(!c.draw().contains("Keys"), "Esc closes the help");
}

#[test]
fn the_idle_lock_hides_everything_until_the_password_is_given() {
    let p = Platform::new();
    let idle: u64 = p.open().setting("security.idle_lock_seconds").unwrap().parse().unwrap();
    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("root", ROOT_PASSWORD);
    c.wait(idle - 1);
    assert!(c.draw().contains("Root (root)"));
    c.wait(1);
    let screen = c.draw();
    assert!(c.app.is_locked());
    assert!(screen.contains("控制台已锁定"), "{screen}");
    for data in ["Root (root)", "系统管理员", "2026-12-03", "我的权限"] {
        assert!(!screen.contains(data), "{data} shows under the lock:\n{screen}");
    }
    // Every key goes to the lock screen: '7' is typed, not a jump to Settings.
    c.type_text("7");
    c.enter();
    assert!(c.draw().contains("账号或密码错误。"));
    assert!(c.app.is_locked());

    c.type_text(ROOT_PASSWORD);
    c.enter();
    let screen = c.draw();
    assert!(!c.app.is_locked());
    assert!(screen.contains("Root (root)"), "{screen}");

    // A key pressed after the idle time lands on the lock screen.
    c.wait(idle + 5);
    c.key(KeyCode::Char('7'));
    assert!(c.app.is_locked());
    assert!(!c.draw().contains("系统参数"));
}

#[test]
fn ctrl_l_locks_now_and_another_user_replaces_the_session() {
    let p = Platform::new();
    p.add("wang", "王五", "hr", &[(Module::Hr, Level::Advanced)], true);
    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("root", ROOT_PASSWORD);
    c.ctrl('l');
    assert!(c.app.is_locked());
    // Ctrl-U empties the user name field.
    c.key(KeyCode::BackTab);
    c.ctrl('u');
    c.type_text("wang");
    c.key(KeyCode::Tab);
    c.type_text(STAFF_PASSWORD);
    c.enter();
    let screen = c.draw();
    assert!(screen.contains("王五 (wang)"), "{screen}");
    assert!(!screen.contains("Root (root)"), "{screen}");
}

#[test]
fn the_session_expires_after_its_lifetime() {
    let p = Platform::new();
    let mut c = Console::new(&p, Locale::En);
    c.login("root", ROOT_PASSWORD);
    c.wait(12 * 3600);
    let screen = c.draw();
    assert!(screen.contains("maximum length"), "{screen}");
    assert!(screen.contains("Log in"), "{screen}");
}

#[test]
fn a_small_terminal_gets_a_notice_and_no_size_panics() {
    let p = Platform::new();
    let cfg = p2pdesk::config::ConfigFile::default();
    let mut c = Console::with_config(&p, &cfg, 20, 5);
    let screen = c.draw().replace('\n', "");
    assert!(screen.contains("终端窗口太小"), "{screen}");
    c.login("root", ROOT_PASSWORD);
    for (w, h) in [(0, 0), (1, 1), (0, 24), (80, 0), (79, 24), (80, 23), (80, 24), (300, 100)] {
        c.term.backend_mut().resize(w, h);
        c.event(&Event::Resize(w, h));
        c.draw();
    }
    assert!(c.draw().contains("Root (root)"), "drawn again in full after the resizes");
}

#[test]
fn the_cursor_sits_on_the_caret_after_wide_characters() {
    let p = Platform::new();
    let mut c = Console::new(&p, Locale::ZhCn);
    c.type_text("张三ab");
    c.draw();
    let start = c.find("张三ab").unwrap();
    assert_eq!(c.cursor(), ratatui::layout::Position::new(start.x + 6, start.y));
    c.key(KeyCode::Left);
    c.key(KeyCode::Left);
    c.key(KeyCode::Left);
    c.draw();
    assert_eq!(c.cursor().x, start.x + 2, "between 张 and 三");

    // The masked field counts one cell a character.
    c.key(KeyCode::Tab);
    c.type_text("密码x");
    c.draw();
    let masked = c.find("***").unwrap();
    assert_eq!(c.cursor(), ratatui::layout::Position::new(masked.x + 3, masked.y));
}

#[test]
fn a_paste_is_text_and_its_line_break_never_submits() {
    let p = Platform::new();
    let mut c = Console::new(&p, Locale::ZhCn);
    c.event(&Event::Paste("root\n".into()));
    c.key(KeyCode::Tab);
    c.event(&Event::Paste(format!("{ROOT_PASSWORD}\r\n")));
    let screen = c.draw();
    assert!(screen.contains("登录"), "not submitted: {screen}");
    assert!(!screen.contains("账号或密码错误"), "{screen}");
    c.enter();
    assert!(c.draw().contains("Root (root)"));
}

#[test]
fn the_selected_row_uses_the_themes_selected_style() {
    let p = Platform::new();
    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("root", ROOT_PASSWORD);
    c.key(KeyCode::Char('7'));
    c.enter();
    c.draw();
    let theme = Theme::named(Some("dark")).unwrap();
    let first = c.find("空闲锁屏（秒）").unwrap();
    let cell = &c.buffer()[(first.x, first.y)];
    assert_eq!(cell.fg, theme.selected.fg.unwrap());
    assert_eq!(cell.bg, theme.selected.bg.unwrap());
    let second = c.find("会话最长时限（小时）").unwrap();
    assert_ne!(c.buffer()[(second.x, second.y)].bg, theme.selected.bg.unwrap());

    c.key(KeyCode::Down);
    c.draw();
    assert_eq!(c.buffer()[(second.x, second.y)].bg, theme.selected.bg.unwrap());
    let tab = c.find("7 设置").unwrap();
    assert_eq!(c.buffer()[(tab.x, tab.y)].bg, theme.tab_active.bg.unwrap());
}

#[test]
fn quitting_asks_first() {
    let p = Platform::new();
    let mut c = Console::new(&p, Locale::En);
    c.login("root", ROOT_PASSWORD);
    c.key(KeyCode::Char('q'));
    assert!(c.draw().contains("end the session?"));
    c.key(KeyCode::Char('n'));
    assert!(!c.app.should_quit());
    c.key(KeyCode::Char('q'));
    c.key(KeyCode::Char('y'));
    assert!(c.app.should_quit());
}

#[test]
fn a_real_database_shows_no_demo_accounts_on_the_login_screen() {
    let p = Platform::new();
    let mut c = Console::new(&p, Locale::ZhCn);
    let screen = c.draw();
    assert!(screen.contains("登录"), "{screen}");
    assert!(!screen.contains("演示账号"), "{screen}");
}
