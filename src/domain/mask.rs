//! Masking (脱敏) of personal data for screens and the audit trail.

/// Keeps the first and last characters and hides the middle: an ID number
/// `110105199001010020` shows as `110105********0020`. Short values hide more.
#[must_use]
pub fn mask_middle(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let (head, tail) = match n {
        0 => return String::new(),
        1..=2 => (0, 0),
        3..=6 => (1, 1),
        7..=10 => (3, 2),
        11..=15 => (3, 4),
        _ => (6, 4),
    };
    let hidden = n - head - tail;
    let mut out: String = chars[..head].iter().collect();
    out.extend(std::iter::repeat_n('*', hidden.min(8)));
    out.extend(&chars[n - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::mask_middle;

    #[test]
    fn masks_by_length() {
        assert_eq!(mask_middle("110105199001010020"), "110105********0020");
        assert_eq!(mask_middle("13800138000"), "138****8000");
        assert_eq!(mask_middle("张三"), "**");
        assert_eq!(mask_middle("王小明"), "王*明");
        assert_eq!(mask_middle(""), "");
    }
}
