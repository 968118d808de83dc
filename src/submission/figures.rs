//! The form's figures as a 自评报告 states them, and whether they agree.
//!
//! A sentence (text between 。；！？, or a table row) is read with its white
//! space removed (PDF exports put spaces between Chinese and digits, and
//! break lines inside sentences), full-width digits made ASCII and "1,443"
//! made 1443. A figure is the first number within [`WINDOW`] characters
//! after one of its words, followed by its unit (or with the unit between
//! the words and the number, as a table's "金额（万元） | 1094"). It agrees
//! with the form when the form's value, in the report's unit and rounded
//! half up to as many places as the report wrote, is the same number:
//! 45.6% agrees with 45.64%, 47.64% does not.

use crate::spec::{FigureSpec, Unit};
use rust_decimal::Decimal;

/// How far after its words a figure may start, in characters.
pub const WINDOW: usize = 12;
/// The longest sentence quoted in a finding.
pub const QUOTE_CHARS: usize = 80;

/// A figure as a report states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stated {
    /// The number in the report's unit.
    pub value: Decimal,
    /// Decimal places written.
    pub places: u32,
    /// The report's unit relative to the form's: the form's value times
    /// this is the report's (元: 10000, 亿元: 0.0001, %: 100).
    pub scale: Decimal,
    /// As written ("47.64%", "1094万元").
    pub shown: String,
    /// The sentence, cut to [`QUOTE_CHARS`] around the figure.
    pub sentence: String,
}

/// A choice as a report states it ("优").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub option: String,
    pub sentence: String,
}

/// A piece of report text as figures are read from it.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_whitespace() => {}
            '０'..='９' => out.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            '．' => out.push('.'),
            '％' => out.push('%'),
            c => out.push(c),
        }
    }
    // "1,443" → "1443": a comma between digits groups thousands.
    let chars: Vec<char> = out.chars().collect();
    let mut kept = String::with_capacity(out.len());
    for (i, c) in chars.iter().enumerate() {
        let between =
            |i: usize| i > 0 && chars[i - 1].is_ascii_digit() && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if *c == ',' && between(i) {
            continue;
        }
        kept.push(*c);
    }
    kept
}

/// The sentences of a normalised piece.
pub fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split(['。', '；', '！', '？', ';']).filter(|s| !s.is_empty())
}

/// Every statement of `fig` in `sentence` (normalised).
pub fn stated(sentence: &str, fig: &FigureSpec) -> Vec<Stated> {
    let chars: Vec<char> = sentence.chars().collect();
    let mut out = Vec::new();
    for word in &fig.words {
        let w: Vec<char> = word.chars().collect();
        for at in positions(&chars, &w) {
            if !within_ok(&chars[..at], word, fig) {
                continue;
            }
            let after = at + w.len();
            if let Some(s) = figure_after(&chars, after, &fig.unit) {
                out.push(Stated { sentence: quote(&chars, at), ..s });
            }
        }
    }
    out.dedup_by(|a, b| a.value == b.value && a.shown == b.shown);
    out
}

/// The option of a choice figure right after its words.
pub fn chosen(sentence: &str, fig: &FigureSpec, options: &[String]) -> Vec<Chosen> {
    let chars: Vec<char> = sentence.chars().collect();
    let mut out = Vec::new();
    for word in &fig.words {
        let w: Vec<char> = word.chars().collect();
        for at in positions(&chars, &w) {
            let rest: String = chars[at + w.len()..].iter().take(4).collect();
            let rest = rest.trim_start_matches(['为', '是', '：', ':', '“', '"']);
            if let Some(o) = options.iter().find(|o| rest.starts_with(o.as_str())) {
                out.push(Chosen { option: o.clone(), sentence: quote(&chars, at) });
            }
        }
    }
    out
}

/// Whether the measure `within` names is the word's own or comes before it.
fn within_ok(before: &[char], word: &str, fig: &FigureSpec) -> bool {
    match &fig.within {
        None => true,
        Some(w) if word.contains(w.as_str()) => true,
        Some(w) => {
            let w: Vec<char> = w.chars().collect();
            !positions(before, &w).is_empty()
        }
    }
}

fn positions(hay: &[char], needle: &[char]) -> Vec<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len()).filter(|&i| hay[i..i + needle.len()] == *needle).collect()
}

/// The sentence around position `at`, at most [`QUOTE_CHARS`] characters.
fn quote(chars: &[char], at: usize) -> String {
    if chars.len() <= QUOTE_CHARS {
        return chars.iter().collect();
    }
    let start = at.saturating_sub(QUOTE_CHARS / 4).min(chars.len() - QUOTE_CHARS);
    let mut q: String = chars[start..start + QUOTE_CHARS].iter().collect();
    if start > 0 {
        q.insert(0, '…');
    }
    if start + QUOTE_CHARS < chars.len() {
        q.push('…');
    }
    q
}

/// The figure starting within [`WINDOW`] characters of `from`, with its
/// unit; `None` when there is none or its unit is not `unit`.
fn figure_after(chars: &[char], from: usize, unit: &Unit) -> Option<Stated> {
    let start = (from..chars.len().min(from + WINDOW)).find(|&i| chars[i].is_ascii_digit())?;
    let between: String = chars[from..start].iter().collect();
    // Another number's words in between: not this figure's number.
    if between.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut end = start;
    while end < chars.len() && (chars[end].is_ascii_digit() || (chars[end] == '.' && !chars[..end].ends_with(&['.']))) {
        end += 1;
    }
    // A trailing dot ends the sentence, not the number.
    while end > start && chars[end - 1] == '.' {
        end -= 1;
    }
    let number: String = chars[start..end].iter().collect();
    let value: Decimal = number.parse().ok()?;
    let places = number.split_once('.').map_or(0, |(_, f)| f.len() as u32);
    let rest: String = chars[end..chars.len().min(end + 6)].iter().collect();
    let (scale, suffix) = unit_of(unit, &rest, &between)?;
    Some(Stated { value, places, scale, shown: format!("{number}{suffix}"), sentence: String::new() })
}

/// The scale from the form's unit to the report's, and the unit as shown.
fn unit_of(unit: &Unit, rest: &str, between: &str) -> Option<(Decimal, String)> {
    match unit {
        Unit::Percent => rest.starts_with('%').then(|| (Decimal::ONE_HUNDRED, "%".to_string())),
        Unit::Wan => {
            if rest.starts_with("万元") {
                Some((Decimal::ONE, "万元".into()))
            } else if rest.starts_with("亿元") {
                Some((Decimal::new(1, 4), "亿元".into()))
            } else if rest.starts_with('元') {
                Some((Decimal::new(10_000, 0), "元".into()))
            } else if between.contains("万元") {
                Some((Decimal::ONE, "万元".into()))
            } else {
                None
            }
        }
        Unit::Word(w) => {
            (rest.starts_with(w.as_str()) || between.contains(w.as_str())).then(|| (Decimal::ONE, w.clone()))
        }
        Unit::Choice => None,
    }
}

/// Whether the form's `value` reads as `s` in the report: the same number
/// once in the report's unit and rounded as the report rounds.
pub fn agrees(value: Decimal, s: &Stated) -> bool {
    crate::calc::round_half_up(value * s.scale, s.places) == s.value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(field: &str, words: &[&str], unit: Unit) -> FigureSpec {
        FigureSpec {
            field: field.into(),
            name: field.into(),
            words: words.iter().map(|w| w.to_string()).collect(),
            unit,
            within: None,
        }
    }

    fn first(text: &str, f: &FigureSpec) -> Option<Stated> {
        let n = normalise(text);
        let found = sentences(&n).flat_map(|s| stated(s, f)).next();
        found
    }

    #[test]
    fn a_rate_is_read_at_the_precision_written_and_compared_so() {
        let rate = fig("exec.rate", &["支出率"], Unit::Percent);
        let s = first("实际支出 499.12 万元，支出率为\n45.6 %。", &rate).expect("found");
        assert_eq!((s.value, s.places), (Decimal::new(456, 1), 1));
        // The boundary: 45.64% rounds to 45.6; 45.66% would not.
        assert!(agrees(Decimal::new(4564, 4), &s));
        assert!(!agrees(Decimal::new(4566, 4), &s));
        let wrong = first("支出率为47.64%。", &rate).expect("found");
        assert!(!agrees(Decimal::new(4564, 4), &wrong));
        assert!(agrees(Decimal::new(4764, 4), &wrong));
    }

    #[test]
    fn amounts_in_yuan_and_thousands_separators_are_understood() {
        let budget = fig("exec.budget", &["预算指标"], Unit::Wan);
        let s = first("下达预算指标10,940,000元", &budget).expect("found");
        assert_eq!(s.scale, Decimal::new(10_000, 0));
        assert!(agrees(Decimal::new(1094, 0), &s));
        assert!(!agrees(Decimal::new(1095, 0), &s));
        let row = first("预算指标（万元） | 1,094", &budget).expect("a table row");
        assert!(agrees(Decimal::new(1094, 0), &row));
    }

    #[test]
    fn a_number_without_its_unit_or_past_other_words_is_not_the_figure() {
        let budget = fig("exec.budget", &["预算指标"], Unit::Wan);
        assert_eq!(first("预算指标执行情况良好，2024年", &budget), None);
        assert_eq!(first("预算指标共3项", &budget), None);
        let actual = fig("actual.communities", &["实际完成"], Unit::Word("个".into()));
        let s = first("开工改造户数计划完成92301户，实际完成154903户", &actual);
        assert_eq!(s, None, "户 is not 个");
    }

    #[test]
    fn within_picks_the_measure_a_shared_word_belongs_to() {
        let mut rate = fig("rate.communities", &["完成率"], Unit::Percent);
        rate.within = Some("小区".into());
        assert!(first("开工改造小区数计划完成20个，实际完成35个，完成率为175%", &rate).is_some());
        assert!(first("开工改造户数计划完成100户，完成率为175%", &rate).is_none());
        // A word that names the measure itself needs nothing before it.
        let mut plan = fig("plan.communities", &["计划改造小区"], Unit::Word("个".into()));
        plan.within = Some("小区".into());
        assert!(first("计划改造小区20个", &plan).is_some());
    }

    #[test]
    fn a_grade_is_the_option_right_after_its_words() {
        let grade = fig("score.grade", &["自评等级为"], Unit::Choice);
        let options = ["优".to_string(), "良".into(), "中".into(), "差".into()];
        let n = normalise("自评得分 92.5 分，自评等级为“良”。");
        let got: Vec<Chosen> = sentences(&n).flat_map(|s| chosen(s, &grade, &options)).collect();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].option, "良");
    }

    #[test]
    fn a_long_sentence_is_quoted_around_the_figure_within_80_characters() {
        let chars: Vec<char> = "甲".repeat(200).chars().collect();
        let q = quote(&chars, 150);
        assert!(q.chars().count() <= QUOTE_CHARS + 2, "{q}");
    }
}
