//! The working screens of the shell: HR accounts (unlock, password reset with step-up), the
//! settings catalogue, and flagging one's profile.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_support;

use p2pdesk::domain::access::{Level, Module};
use p2pdesk::tui::i18n::Locale;
use p2pdesk::tui::theme::Theme;
use ratatui::crossterm::event::{Event, KeyCode, KeyModifiers, MouseEvent, MouseEventKind};
use tui_support::{Console, Platform, ROOT_PASSWORD, STAFF_PASSWORD, secret, text};

/// HR with the advanced level, a clerk locked out by wrong passwords and one who is not.
/// The accounts table lists qian, root, wang, zhao.
fn hr_platform() -> Platform {
    let p = Platform::new();
    p.add("wang", "王五", "hr", &[(Module::Hr, Level::Advanced)], true);
    p.add("qian", "钱七", "risk", &[(Module::Risk, Level::Ordinary)], true);
    p.add("zhao", "赵六", "business", &[(Module::Business, Level::Ordinary)], true);
    let mut svc = p.open();
    for _ in 0..5 {
        assert!(svc.login("zhao", &secret("wrong-Password-1"), None).is_err());
    }
    p
}

fn open_accounts(c: &mut Console) {
    c.login("wang", STAFF_PASSWORD);
    c.key(KeyCode::Char('4'));
    c.enter();
}

#[test]
fn hr_sees_every_account_and_unlocks_one() {
    let p = hr_platform();
    let mut c = Console::new(&p, Locale::ZhCn);
    open_accounts(&mut c);
    let screen = c.draw();
    for cell in ["root", "Root", "系统管理员", "王五", "人力资源 高级", "赵六", "业务部"]
    {
        assert!(screen.contains(cell), "{cell}:\n{screen}");
    }
    for _ in 0..3 {
        c.key(KeyCode::Down);
    }
    c.enter();
    let screen = c.draw();
    assert!(screen.contains("账号 zhao"), "{screen}");
    assert!(screen.contains("锁定至"), "{screen}");

    c.key(KeyCode::Char('u'));
    assert!(c.draw().contains("解除账号 zhao 的登录锁定？"));
    c.key(KeyCode::Char('y'));
    let screen = c.draw();
    assert!(screen.contains("账号 zhao 已解除锁定。"), "{screen}");
    assert!(screen.contains("未锁定"), "the detail is read again: {screen}");
    assert!(p.open().login("zhao", &secret(STAFF_PASSWORD), None).is_ok());
}

#[test]
fn a_password_reset_asks_for_the_clerks_password_and_shows_the_new_one_once() {
    let p = hr_platform();
    let mut c = Console::new(&p, Locale::ZhCn);
    open_accounts(&mut c);
    c.key(KeyCode::Char('p'));
    let screen = c.draw();
    assert!(screen.contains("重置 qian 的密码"), "{screen}");
    c.type_text("not-my-password");
    c.enter();
    assert!(c.draw().contains("账号或密码错误。"), "the prompt stays with the reason");

    c.type_text(STAFF_PASSWORD);
    c.enter();
    let screen = c.draw();
    assert!(screen.contains("该初始密码只显示这一次"), "{screen}");
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines.iter().position(|l| l.contains("该初始密码只显示这一次")).unwrap();
    let shown: String = lines[at + 2]
        .split('│')
        .map(str::trim)
        .filter(|s| s.len() >= 12 && !s.contains(' '))
        .collect();
    let login = p.open().login("qian", &secret(&shown), None).unwrap();
    assert!(login.must_change_password);

    c.key(KeyCode::Esc);
    assert!(!c.draw().contains(&shown), "gone once closed");
}

#[test]
fn settings_are_edited_with_localized_validation() {
    let p = Platform::new();
    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("root", ROOT_PASSWORD);
    c.key(KeyCode::Char('7'));
    c.enter();
    let row = p2pdesk::service::settings::CATALOGUE
        .iter()
        .position(|d| d.key == "accounts.dormant_days")
        .unwrap();
    for _ in 0..row {
        c.key(KeyCode::Down);
    }
    c.enter();
    assert!(c.draw().contains("修改参数：闲置账号停用天数"));
    c.ctrl('u');
    c.type_text("5");
    c.enter();
    assert!(c.draw().contains("30 到 365 之间的整数"));
    c.ctrl('u');
    c.type_text("60");
    c.enter();
    let screen = c.draw();
    assert!(screen.contains("参数「闲置账号停用天数」已改为 60。"), "{screen}");
    assert_eq!(p.open().setting("accounts.dormant_days").unwrap(), "60");

    // Security settings belong to the security administrator.
    c.key(KeyCode::Home);
    c.key(KeyCode::Char('e'));
    c.ctrl('u');
    c.type_text("600");
    c.enter();
    let screen = c.draw();
    assert!(screen.contains("越权操作：此操作需要安全管理员。"), "{screen}");
    assert_eq!(p.open().setting("security.idle_lock_seconds").unwrap(), "900");
}

#[test]
fn the_mouse_wheel_moves_through_a_list() {
    let p = Platform::new();
    let mut c = Console::new(&p, Locale::ZhCn);
    c.login("root", ROOT_PASSWORD);
    c.key(KeyCode::Char('7'));
    c.enter();
    c.event(&Event::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 10,
        row: 10,
        modifiers: KeyModifiers::NONE,
    }));
    c.draw();
    let theme = Theme::named(None).unwrap();
    let fourth = c.find("密码有效期（天）").unwrap();
    assert_eq!(c.buffer()[(fourth.x, fourth.y)].bg, theme.selected.bg.unwrap());
}

#[test]
fn a_wrong_profile_is_flagged_to_the_administrators() {
    let p = Platform::new();
    let mut c = Console::new(&p, Locale::En);
    c.login("root", ROOT_PASSWORD);
    c.key(KeyCode::Char('f'));
    assert!(c.draw().contains("Report wrong profile or permissions"));
    c.enter();
    assert!(c.draw().contains("Say what is wrong."));
    c.type_text("my department is wrong");
    c.enter();
    assert!(c.draw().contains("The system administrators have been told."));
}

#[test]
fn scrolling_wide_text_leaves_no_stale_cells() {
    let p = Platform::new();
    p.add("zhou", "周", "hr", &[(Module::Hr, Level::Advanced)], true);
    // More accounts than rows, wide and narrow names mixed so that rows shift under each other.
    let names = ["欧阳修文", "Al", "司马光", "Bartholomew", "李", "Jo"];
    for i in 0..24 {
        let name = names[i % names.len()];
        p.add(&format!("u{i:02}"), name, "risk", &[], false);
    }
    let keys = [
        KeyCode::Char('4'),
        KeyCode::Enter,
        KeyCode::End,
        KeyCode::Up,
        KeyCode::PageUp,
        KeyCode::Home,
    ];
    let cfg = p2pdesk::config::ConfigFile::default();
    // Drawn after every key on one terminal, as a user sees it ...
    let mut seen = Console::with_config(&p, &cfg, 80, 24);
    seen.login("zhou", STAFF_PASSWORD);
    seen.draw();
    let mut steps = Vec::new();
    for key in keys {
        seen.key(key);
        seen.draw();
        // ... and each state drawn once on a fresh terminal: the two must agree cell for cell.
        steps.push(key);
        let mut fresh = Console::with_config(&p, &cfg, 80, 24);
        fresh.login("zhou", STAFF_PASSWORD);
        for k in &steps {
            fresh.key(*k);
        }
        fresh.draw();
        // Compared as a terminal shows them: a wide character covers the cell after it, which
        // the test backend (unlike a terminal) does not clear.
        assert_eq!(text(seen.buffer()), text(fresh.buffer()), "after {steps:?}");
    }
    assert!(seen.draw().contains("欧阳修文"));
}
