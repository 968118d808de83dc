//! Findings: what selfeval reports about a workbook, with a stable code,
//! a severity and a location a city clerk can go to.

pub mod closing;
pub mod codes;
pub mod info;

pub use codes::Code;
use serde::Serialize;

/// How bad a finding is. `Error` makes the run exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

/// Where in a workbook a finding points, and what the spot is called.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loc {
    pub sheet: Option<String>,
    pub cell: Option<crate::cellref::CellRef>,
    /// The field's label as the form shows it, e.g. "实际支出".
    pub label: String,
    /// The form field id, when the spot is an input cell.
    pub field: Option<String>,
}

impl Loc {
    pub fn cell(sheet: &str, cell: crate::cellref::CellRef, label: &str) -> Self {
        Loc { sheet: Some(sheet.to_string()), cell: Some(cell), label: label.to_string(), field: None }
    }

    pub fn sheet(sheet: &str) -> Self {
        Loc { sheet: Some(sheet.to_string()), cell: None, label: String::new(), field: None }
    }

    pub fn file() -> Self {
        Loc::default()
    }
}

/// A cell on a named sheet, written "资金执行!B7" (in report.json too).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub sheet: String,
    pub cell: crate::cellref::CellRef,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}!{}", self.sheet, self.cell)
    }
}

impl Serialize for Place {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One reported problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// The stable id ("SE302"), serialised as `code`.
    #[serde(rename = "code", serialize_with = "ser_code")]
    pub code: Code,
    pub file: String,
    pub city: Option<String>,
    pub sheet: Option<String>,
    /// Serialised as A1 text ("B7").
    pub cell: Option<crate::cellref::CellRef>,
    pub message: String,
    pub expected: Option<String>,
    pub found: Option<String>,
    /// How to fix it (如何修改).
    pub fix: String,
    /// The form field id the finding is about: with `code`,
    /// what identifies a finding from one run to the next.
    pub field: Option<String>,
    /// Other cells the same finding marks ("自评评分!D4"): the second of
    /// two cells that disagree, or a repeat of the same mistake.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Place>,
    /// Fields a derived finding was computed from: when one of them is
    /// wrong at its source, this finding is folded into that one.
    #[serde(skip)]
    pub inputs: Vec<String>,
    /// Against the previous round (absent in a first round).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
    /// The code's title as the template set words it.
    #[serde(skip)]
    pub title: String,
    /// The label and detail the message was made from, so a template
    /// set's own wording ([`Finding::relabel`]) can be filled in.
    #[serde(skip)]
    pub slots: (String, String),
}

/// Whether a finding was there in the previous round; report.json says
/// "new" or "persisting".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    New,
    Persisting,
}

impl Change {
    /// As the 校验报告 says it.
    pub fn zh(self) -> &'static str {
        match self {
            Change::New => "新出现",
            Change::Persisting => "仍存在",
        }
    }
}

fn ser_code<S: serde::Serializer>(c: &Code, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.id())
}

/// Fills `{name}` slots of a template in one pass, so text from a
/// workbook that happens to contain "{detail}" is never filled in turn.
pub fn render(template: &str, slots: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| slots.iter().find(|(k, _)| *k == &after[..close]).map(|s| (close, s.1)))
        {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Marks a year-dependent word in a rendered message until
/// [`Finding::relabel`] puts the year's wording in: a template's
/// `{r:spent}` (the label of the field playing a role) or
/// `{budget_document}`. Private-use
/// characters, so no text from a workbook can look like one.
const WORD_OPEN: char = '\u{E000}';
const WORD_CLOSE: char = '\u{E001}';

/// Keeps the year-dependent slots of `template` as markers.
fn word_slots(template: &str) -> Vec<(String, String)> {
    crate::spec::targets::slots_in(template)
        .into_iter()
        .filter(|key| key.starts_with("r:") || *key == "budget_document")
        .map(|key| (key.to_string(), format!("{WORD_OPEN}{key}{WORD_CLOSE}")))
        .collect()
}

/// Replaces the year-dependent markers (or a template's `{…}` slots when
/// `braces`) with the words `word` gives.
pub fn fill_words(text: &str, braces: bool, word: &dyn Fn(&str) -> String) -> String {
    let (open, close) = if braces { ('{', '}') } else { (WORD_OPEN, WORD_CLOSE) };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        out.push_str(&rest[..i]);
        let after = &rest[i + open.len_utf8()..];
        match after.find(close) {
            Some(j) if !braces || after[..j].starts_with("r:") || &after[..j] == "budget_document" => {
                out.push_str(&word(&after[..j]));
                rest = &after[j + close.len_utf8()..];
            }
            _ => {
                out.push(open);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The word for a year-dependent slot key in `form`.
pub fn form_word(form: &crate::spec::FormSpec, key: &str) -> String {
    let role = key.strip_prefix("r:").map(|k| crate::spec::Role::from_key(k).and_then(|r| form.role(r)));
    match role {
        Some(Some(id)) => form.label(id).to_string(),
        // A role this form does not have: the key, not a blank.
        Some(None) => key.trim_start_matches("r:").to_string(),
        None if key == "budget_document" && !form.budget_document.is_empty() => form.budget_document.clone(),
        None => "省级下达文件".to_string(),
    }
}

impl Finding {
    /// Puts the year's wording (field labels, document names) into the
    /// message and the fix: "实际支出数" in 2025 where 2024 said "实际支出".
    pub fn relabel(&mut self, form: &crate::spec::FormSpec) {
        let word = |k: &str| form_word(form, k);
        if let Some(w) = form.messages.get(self.code) {
            let (label, detail) = &self.slots;
            let (expected, found) = (self.expected.clone(), self.found.clone());
            let slots = [
                ("label", label.as_str()),
                ("expected", expected.as_deref().unwrap_or("（无）")),
                ("found", found.as_deref().unwrap_or("（空）")),
                ("detail", detail.as_str()),
            ];
            let fill = |t: &str| {
                let t = fill_words(t, true, &word);
                brief(&render(&t, &slots), MAX_MESSAGE).into_owned()
            };
            if let Some(t) = &w.title {
                self.title = t.clone();
            }
            if let Some(m) = &w.message {
                self.message = fill(m);
            }
            if let Some(f) = &w.fix {
                self.fix = fill(f);
            }
        }
        if self.message.contains(WORD_OPEN) {
            self.message = fill_words(&self.message, false, &word);
        }
        if self.fix.contains(WORD_OPEN) {
            self.fix = fill_words(&self.fix, false, &word);
        }
    }

    /// The one way to build a finding: code, place, expected and found.
    /// `detail` fills the `{detail}` slot of templates that have one.
    pub fn at(code: Code, loc: &Loc, expected: Option<String>, found: Option<String>, detail: &str) -> Self {
        // A city can type 32,767 characters into a cell and a message can
        // quote it: every text a finding carries is cut to fit any cell.
        let expected = expected.map(|t| brief(&t, MAX_TEXT).into_owned());
        let found = found.map(|t| brief(&t, MAX_TEXT).into_owned());
        let detail = brief(detail, MAX_TEXT);
        let detail = detail.as_ref();
        let info = code.info();
        let words: Vec<(String, String)> = word_slots(info.template).into_iter().chain(word_slots(info.fix)).collect();
        let mut slots = vec![
            ("label", loc.label.as_str()),
            ("expected", expected.as_deref().unwrap_or("（无）")),
            ("found", found.as_deref().unwrap_or("（空）")),
            ("detail", detail),
        ];
        slots.extend(words.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let fill = |t: &str| render(t, &slots);
        let (message, fix) = (fill(info.template), fill(info.fix));
        let (message, fix) = (brief(&message, MAX_MESSAGE).into_owned(), brief(&fix, MAX_MESSAGE).into_owned());
        Finding {
            severity: info.severity,
            code,
            file: String::new(),
            city: None,
            sheet: loc.sheet.clone(),
            cell: loc.cell,
            message,
            expected,
            found,
            fix,
            field: loc.field.clone(),
            related: Vec::new(),
            inputs: Vec::new(),
            change: None,
            title: info.title.to_string(),
            slots: (loc.label.clone(), detail.to_string()),
        }
    }

    /// Records the fields this finding was computed from (see `inputs`).
    pub fn from_fields(mut self, ids: &[&str]) -> Self {
        self.inputs = ids.iter().map(|s| s.to_string()).collect();
        self
    }

    /// The sheet and cell the finding is at, when it is at one.
    pub fn spot(&self) -> Option<Place> {
        Some(Place { sheet: self.sheet.clone()?, cell: self.cell? })
    }

    /// "汕头市.xlsx 资金执行!B7" style location for terminal and tables.
    pub fn place(&self) -> String {
        match (&self.sheet, &self.cell) {
            (Some(s), Some(c)) => format!("{s}!{c}"),
            (Some(s), None) => s.clone(),
            _ => String::new(),
        }
    }
}

/// Findings sorted for display: errors first, then by file, sheet, and
/// cell in reading order (B7 before B10).
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by_cached_key(|f| (f.severity, f.file.clone(), f.sheet.clone(), f.cell, f.code));
}

/// Counts of (errors, warnings, infos).
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let n = |s| findings.iter().filter(|f| f.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

/// The longest value (应为 / 实为, or a detail) a finding quotes, in
/// characters: enough for any real figure or sentence.
pub const MAX_TEXT: usize = 1_000;
/// The longest message or fix: its template's words plus quoted values.
pub const MAX_MESSAGE: usize = 4_000;

/// `text` cut to `max` characters, saying how long it was; unchanged when
/// it fits.
pub fn brief(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let n = text.chars().count();
    if n <= max {
        return std::borrow::Cow::Borrowed(text);
    }
    let head: String = text.chars().take(max).collect();
    std::borrow::Cow::Owned(format!("{head}…（共 {n} 字，已截断）"))
}

/// A few file names and how many there are in all: a message that lists
/// files must fit in a cell however many arrive (1,200 copies of one
/// city's form are not unheard of).
pub fn file_list(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    if names.len() <= SHOWN {
        return names.join("、");
    }
    format!("{} 等（共 {} 个文件，详见 report.json）", names[..SHOWN].join("、"), names.len())
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_texts_are_cut_and_say_their_length_short_ones_kept() {
        let at_limit = "数".repeat(MAX_TEXT);
        assert_eq!(brief(&at_limit, MAX_TEXT), at_limit.as_str());
        let over = "数".repeat(MAX_TEXT + 1);
        let cut = brief(&over, MAX_TEXT);
        assert!(cut.ends_with(&format!("…（共 {} 字，已截断）", MAX_TEXT + 1)), "{cut}");
        assert_eq!(cut.chars().filter(|c| *c == '数').count(), MAX_TEXT);
    }

    #[test]
    fn a_file_list_names_five_then_counts() {
        let five = ["a", "b", "c", "d", "e"];
        assert_eq!(file_list(&five), "a、b、c、d、e");
        let names: Vec<String> = (0..1200).map(|i| format!("f{i}.xlsx")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let l = file_list(&refs);
        assert!(l.starts_with("f0.xlsx、f1.xlsx") && l.ends_with("等（共 1200 个文件，详见 report.json）"), "{l}");
        assert!(!l.contains("f5.xlsx"), "{l}");
    }

    #[test]
    fn a_finding_never_quotes_more_than_fits() {
        let huge = "长".repeat(40_000);
        let f = Finding::at(Code::FileUnreadable, &Loc::file(), None, Some(huge.clone()), &huge);
        assert!(f.found.as_deref().is_some_and(|t| t.chars().count() < MAX_TEXT + 30));
        assert!(f.message.chars().count() <= MAX_MESSAGE + 30, "{}", f.message.chars().count());
    }

    use super::*;

    #[test]
    fn text_from_a_workbook_is_never_a_template() {
        let f = Finding::at(
            Code::WrongType,
            &Loc::cell("任务完成", crate::cellref::CellRef::parse("C5").unwrap(), "改造户数（户）"),
            Some("整数".into()),
            Some("{detail}{label}".into()),
            "X",
        );
        assert_eq!(f.message, "“改造户数（户）”应填写整数，实为“{detail}{label}”");
    }

    #[test]
    fn template_is_filled() {
        let f = Finding::at(
            Code::SpendRateMismatch,
            &Loc::cell("资金执行", crate::cellref::CellRef::parse("B7").unwrap(), "支出率"),
            Some("45.64%".into()),
            Some("46.00%".into()),
            "",
        );
        let mut f = f;
        f.relabel(&crate::testkit::form());
        assert_eq!(f.message, "支出率应为 实际支出 ÷ 预算指标 = 45.64%，实为 46.00%");
        assert_eq!(f.place(), "资金执行!B7");
        assert_eq!(f.severity, Severity::Error);
        assert!(!f.message.contains('{'));
    }

    #[test]
    fn the_year_s_labels_fill_the_message_and_workbook_text_stays_text() {
        let form = crate::testkit::form();
        let renamed = crate::spec::FormSpec::from_toml(
            &include_str!("../../templates/2024/form.toml").replace("text = \"实际支出\"", "text = \"实际支出数\""),
            "t",
        )
        .unwrap();
        let loc = Loc::cell("资金执行", crate::cellref::CellRef::parse("B7").unwrap(), "支出率");
        let mut f = Finding::at(Code::SpendRateMismatch, &loc, Some("1%".into()), Some("{r:spent}".into()), "");
        let mut g = f.clone();
        f.relabel(&renamed);
        assert_eq!(f.message, "支出率应为 实际支出数 ÷ 预算指标 = 1%，实为 {r:spent}");
        assert!(f.fix.contains("实际支出数 ÷ 预算指标"), "{}", f.fix);
        g.relabel(&form);
        assert!(g.message.starts_with("支出率应为 实际支出 ÷"), "{}", g.message);
        let mut h = Finding::at(Code::BudgetMismatch, &loc, None, None, "");
        h.relabel(&form);
        assert!(h.fix.contains("粤财建〔2023〕77号"), "{}", h.fix);
    }

    /// The catalog names no fund and no measure; the 2024 set's
    /// `[messages]` gives SE501 its words, and a set without them keeps the
    /// generic ones.
    #[test]
    fn a_template_set_words_its_own_findings() {
        let loc = Loc::cell("任务完成", crate::cellref::CellRef::parse("C4").unwrap(), "改造建筑面积（万平方米）");
        let f = Finding::at(
            Code::AreaPerHousehold,
            &loc,
            Some("50–130".into()),
            Some("141.66".into()),
            "实际完成 107.66 万平方米 ÷ 7600 户",
        );
        assert_eq!(f.message, "比例 141.66 超出常见范围 50–130（实际完成 107.66 万平方米 ÷ 7600 户）");
        let mut g = f.clone();
        g.relabel(&crate::testkit::form());
        assert_eq!(
            g.message,
            "平均每户建筑面积 141.66 平方米，超出常见范围 50–130 平方米（实际完成 107.66 万平方米 ÷ 7600 户）"
        );
        assert_eq!(g.title, "户均建筑面积异常");
        assert!(g.fix.contains("建筑面积（万平方米）和户数"), "{}", g.fix);
        let plain = crate::spec::FormSpec::from_toml(
            &crate::spec::embedded_form_text().replace("[messages.SE501]", "[messages.SE501x]"),
            "t",
        );
        let e = plain.unwrap_err().to_string();
        assert!(e.contains("[messages] 的 SE501x 不是问题代码"), "{e}");
        // A slot no finding fills is refused at load, not printed as "{…}";
        // a role's label and the catalog's slots load.
        let form = |from: &str, to: &str| {
            let text = crate::spec::embedded_form_text();
            assert!(text.contains(from), "{from}");
            crate::spec::FormSpec::from_toml(&text.replacen(from, to, 1), "t").map(drop)
        };
        let e = form("超出常见范围 {expected} 户（{detail}）", "超出常见范围 {expectd} 户（{detail}）")
            .unwrap_err()
            .to_string();
        assert!(e.contains("[messages.SE502] 中的 {expectd} 不是可用的填空"), "{e}");
        let e = form("超出常见范围 {expected} 户（{detail}）", "超出常见范围 {r:spend} 户").unwrap_err().to_string();
        assert!(e.contains("{r:spend}"), "{e}");
        assert!(form("超出常见范围 {expected} 户（{detail}）", "超出 {r:spent} 与 {budget_document}").is_ok());
    }

    /// Every built-in message and fix uses only slots a finding fills.
    #[test]
    fn the_catalog_uses_only_slots_a_finding_fills() {
        for code in Code::ALL {
            let info = code.info();
            for text in [info.template, info.fix] {
                let bad: Vec<&str> = crate::spec::targets::slots_in(text)
                    .into_iter()
                    .filter(|s| !crate::spec::is_finding_slot(s))
                    .collect();
                assert!(bad.is_empty(), "{}: {bad:?} in {text}", code.id());
            }
        }
    }
}
