//! Findings: what selfeval reports about a workbook, with a stable code,
//! a severity and a location a city clerk can go to.

pub mod closing;
pub mod codes;
pub mod info;
mod render;

pub use codes::Code;
pub use render::{render, render_with, Shown, Words};
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

/// One reported problem: a code, a place, and the named arguments its
/// words are made from. The words themselves (message, fix, title) are
/// made once, when an output shows the finding, by [`render`] with the
/// template set's wording: nothing is rendered in advance and relabelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// The stable id ("SE302"), serialised as `code`.
    pub code: Code,
    pub file: String,
    pub city: Option<String>,
    pub sheet: Option<String>,
    /// Serialised as A1 text ("B7").
    pub cell: Option<crate::cellref::CellRef>,
    pub expected: Option<String>,
    pub found: Option<String>,
    /// The form field id the finding is about: with `code`,
    /// what identifies a finding from one run to the next.
    pub field: Option<String>,
    /// Other cells the same finding marks ("自评评分!D4"): the second of
    /// two cells that disagree, or a repeat of the same mistake.
    pub related: Vec<Place>,
    /// Fields a derived finding was computed from: when one of them is
    /// wrong at its source, this finding is folded into that one.
    pub inputs: Vec<String>,
    /// Against the previous round (absent in a first round).
    pub change: Option<Change>,
    /// The `{label}` argument: the spot's label as the form shows it.
    pub label: String,
    /// The `{detail}` argument: what the check adds in its own words.
    pub detail: String,
    /// A library's own words for what went wrong (a reader's error), kept
    /// for maintainers: report.json's `detail`, never in the message.
    pub words: Option<String>,
    /// What folding said about other findings (see `checks::fold`),
    /// shown after the message.
    pub notes: Vec<Note>,
}

/// What folding adds to a root finding, kept typed until it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A second judgement of the same cell (元 suspected, and not the
    /// issued figure), said in the first one's message.
    Also(Box<Finding>),
    /// The same mistake in the cell that must hold the same figure.
    SameIn { sheet: String, cell: Option<crate::cellref::CellRef>, label: String },
    /// Figures computed from this one, wrong because of it (labels).
    Therefore(Vec<String>),
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

impl Finding {
    /// The one way to build a finding: code, place, expected and found.
    /// `detail` fills the `{detail}` slot of templates that have one.
    pub fn at(code: Code, loc: &Loc, expected: Option<String>, found: Option<String>, detail: &str) -> Self {
        // A city can type 32,767 characters into a cell and a message can
        // quote it: every text a finding carries is cut to fit any cell.
        let cut = |t: &str| brief(t, MAX_TEXT).into_owned();
        Finding {
            severity: code.info().severity,
            code,
            file: String::new(),
            city: None,
            sheet: loc.sheet.clone(),
            cell: loc.cell,
            expected: expected.as_deref().map(cut),
            found: found.as_deref().map(cut),
            field: loc.field.clone(),
            related: Vec::new(),
            inputs: Vec::new(),
            change: None,
            label: loc.label.clone(),
            detail: cut(detail),
            words: None,
            notes: Vec::new(),
        }
    }

    /// Keeps a library's own words beside the finding (report.json's
    /// `detail`); `None` leaves it without.
    pub fn with_words(mut self, words: Option<&str>) -> Self {
        self.words = words.map(|w| brief(w, MAX_TEXT).into_owned());
        self
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
    use super::*;

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
}
