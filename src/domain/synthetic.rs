//! Synthetic people for demonstrations: plausible Chinese names and identifiers that cannot
//! belong to anyone. ID numbers carry a valid GB 11643 check digit under an administrative
//! division code that does not exist (99xxxx); mobile numbers come from one block
//! (199 0000 xxxx); bank cards carry a test BIN (999999) and a valid Luhn digit.

/// A small deterministic generator (SplitMix64), so a demo built twice is the same.
#[derive(Clone, Debug)]
pub struct Seeded(u64);

impl Seeded {
    #[must_use]
    pub const fn new(seed: u64) -> Seeded {
        Seeded(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "欧阳",
    "司马",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "志强", "晓东", "海燕",
    "子涵", "欣怡", "浩然", "宇轩", "梓萱", "一鸣", "思远",
];
const COMPANY_PLACES: &[&str] = &["华东", "江南", "西岭", "北辰", "东方", "南湖", "中原", "海川"];
const COMPANY_TRADES: &[&str] = &["商贸", "物流", "科技", "食品", "建材", "纺织", "餐饮", "印务"];

/// A person's name: a surname and a one- or two-character given name.
pub fn person_name(rng: &mut Seeded) -> String {
    let mut name = (*rng.pick(SURNAMES)).to_owned();
    let given: &str = rng.pick::<&str>(GIVEN);
    name.push_str(given);
    if rng.below(3) == 0 {
        name.push_str(rng.pick(GIVEN).chars().next().map(String::from).as_deref().unwrap_or(""));
    }
    name
}

/// A company's name.
pub fn company_name(rng: &mut Seeded) -> String {
    format!(
        "{}{}{}有限公司",
        rng.pick(COMPANY_PLACES),
        rng.pick(SURNAMES),
        rng.pick(COMPANY_TRADES)
    )
}

/// The GB 11643 check character of the first 17 digits of an ID number.
#[must_use]
pub fn id_check_char(first17: &str) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const MAP: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(MAP[(sum % 11) as usize])
}

/// An 18-character ID number under the non-existent division 99xxxx, born 1960–1999.
pub fn id_number(rng: &mut Seeded) -> String {
    let division = 990_100 + rng.below(99);
    let year = 1960 + rng.below(40);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let seq = rng.below(1000);
    let first17 = format!("{division}{year:04}{month:02}{day:02}{seq:03}");
    let check = id_check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

/// A mobile number from the block 199 0000 xxxx.
pub fn mobile(rng: &mut Seeded) -> String {
    format!("1990000{:04}", rng.below(10_000))
}

/// The Luhn check digit of a card number's other digits.
#[must_use]
pub fn luhn_digit(body: &str) -> Option<char> {
    let mut sum = 0;
    for (i, c) in body.chars().rev().enumerate() {
        let mut d = c.to_digit(10)?;
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    char::from_digit((10 - sum % 10) % 10, 10)
}

/// A 16-digit card number under the test BIN 999999.
pub fn bank_card(rng: &mut Seeded) -> String {
    let body = format!("999999{:09}", rng.below(1_000_000_000));
    let check = luhn_digit(&body).unwrap_or('0');
    format!("{body}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_match_published_examples() {
        // GB 11643's own example: 11010519491231002 → X.
        assert_eq!(id_check_char("11010519491231002"), Some('X'));
        // Luhn's textbook example: 7992739871 → 3.
        assert_eq!(luhn_digit("7992739871"), Some('3'));
    }

    #[test]
    fn generated_identifiers_are_valid_and_fictitious() {
        let mut rng = Seeded::new(7);
        for _ in 0..200 {
            let id = id_number(&mut rng);
            assert_eq!(id.len(), 18);
            assert!(id.starts_with("99"));
            assert_eq!(id_check_char(&id[..17]), id.chars().last());
            let card = bank_card(&mut rng);
            assert!(card.starts_with("999999") && card.len() == 16);
            assert_eq!(luhn_digit(&card[..15]), card.chars().last());
            assert!(mobile(&mut rng).starts_with("1990000"));
            let name = person_name(&mut rng);
            assert!((2..=5).contains(&name.chars().count()), "{name}");
        }
        let (mut a, mut b) = (Seeded::new(42), Seeded::new(42));
        assert_eq!(person_name(&mut a), person_name(&mut b), "same seed, same people");
    }
}
