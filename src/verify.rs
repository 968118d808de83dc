//! `selfeval verify`: whether a summary workbook is exactly what its
//! materials give, years later if need be.
//!
//! The run is made again from the materials folder (with the register,
//! templates and params given, and the previous round the summary names),
//! into a temporary folder, and every sheet of the two summaries is
//! compared cell by cell by value: a summary opened and re-saved in Excel,
//! WPS or LibreOffice has other bytes, and may hold 0.45639999999999997
//! where selfeval wrote 0.4564, but the same figures. The 核验指纹 sheet
//! recorded what the summary was made from; each file's SHA-256 is checked
//! against it, so a changed input is named by its city, not only seen as
//! changed totals.

use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::write::summary::fingerprint as sheet;
use calamine::{Data, Range, Reader};
use std::path::{Path, PathBuf};

/// What to verify, and with what.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The summary workbook to check.
    pub summary: PathBuf,
    /// The materials folder it was made from.
    pub inputs: PathBuf,
    pub decisions: Option<PathBuf>,
    pub templates: Option<PathBuf>,
    pub params: Option<PathBuf>,
    /// The previous round's results folder; default: the one the summary
    /// names, looked for beside the materials and beside the summary's
    /// own results folder.
    pub previous: Option<PathBuf>,
}

/// A cell whose value differs.
#[derive(Debug, Clone, PartialEq)]
pub struct CellDiff {
    pub sheet: String,
    pub cell: String,
    /// In the summary given.
    pub found: String,
    /// What the materials give.
    pub expected: String,
}

/// A workbook whose content is not what the summary was made from.
#[derive(Debug, Clone, PartialEq)]
pub enum FileChange {
    Changed { file: String, city: Option<String> },
    Missing { file: String, city: Option<String> },
    Added { file: String, city: Option<String> },
}

/// What `verify` found.
#[derive(Debug, Clone)]
pub struct Verification {
    /// The fingerprint the summary records (`None`: no 核验指纹 sheet).
    pub recorded: Option<Fingerprint>,
    /// The fingerprint of the materials now.
    pub current: Fingerprint,
    /// Whether the recorded sheet is what its parts give.
    pub recorded_consistent: bool,
    pub files: Vec<FileChange>,
    /// Other parts that differ: 模板, 省级参数表, 核实与更正, 上一轮.
    pub parts: Vec<&'static str>,
    pub cells: Vec<CellDiff>,
    /// Sheets of the recomputed summary missing from the one given.
    pub missing_sheets: Vec<String>,
}

impl Verification {
    /// Exactly what the materials give, and made from these very files.
    pub fn holds(&self) -> bool {
        self.recorded.as_ref().is_some_and(|r| r.sha256 == self.current.sha256)
            && self.recorded_consistent
            && self.files.is_empty()
            && self.parts.is_empty()
            && self.cells.is_empty()
            && self.missing_sheets.is_empty()
    }
}

/// Recomputes the summary from the materials and compares.
pub fn verify(opts: &VerifyOptions) -> Result<Verification> {
    if !opts.inputs.exists() {
        return Err(Error::InputMissing(opts.inputs.clone()));
    }
    let given = Book::open(&opts.summary)?;
    let recorded = given.fingerprint();
    let previous = match (&opts.previous, recorded.as_ref().and_then(|r| r.previous.as_ref())) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(p)) => Some(find_previous(&p.folder, opts)?),
        (None, None) => None,
    };
    let work = Scratch::new()?;
    let run = crate::plan::RunOptions {
        inputs: vec![opts.inputs.clone()],
        out: Some(work.0.join("结果")),
        params: opts.params.clone(),
        templates: opts.templates.clone(),
        summary: true,
        // The feedback is made too (in the scratch folder): writing it adds
        // findings of its own (SE006 for an .xls or .ods form whose copy
        // cannot be annotated), which the summary's 问题清单 lists.
        no_feedback: false,
        no_previous: previous.is_none(),
        previous,
        decisions: opts.decisions.clone(),
        no_report: true,
        ..Default::default()
    };
    let outcome = crate::stages::run::run(&run)?;
    let made = Book::open(&outcome.out_dir.join("省级汇总表.xlsx"))?;
    let current = outcome.fingerprint;
    let (cells, missing_sheets) = compare(&made, &given);
    let (files, parts) = match &recorded {
        Some(r) => (file_changes(r, &current), part_changes(r, &current)),
        None => (Vec::new(), Vec::new()),
    };
    Ok(Verification {
        recorded_consistent: recorded.as_ref().is_some_and(Fingerprint::consistent),
        recorded,
        current,
        files,
        parts,
        cells,
        missing_sheets,
    })
}

/// The previous results folder named `name`: beside the materials, or
/// beside the results folder the summary is in.
fn find_previous(name: &str, opts: &VerifyOptions) -> Result<PathBuf> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let inputs = abs(&opts.inputs);
    let summary = abs(&opts.summary);
    let places = [inputs.parent(), summary.parent().and_then(Path::parent)];
    let found = places.into_iter().flatten().map(|d| d.join(name)).find(|p| p.join("report.json").is_file());
    found.ok_or_else(|| Error::PreviousNotFound(name.to_string()))
}

/// A temporary folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("selfeval-verify-{}-{}", std::process::id(), stamp.unwrap_or(0)));
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A summary workbook's sheets, read (cached values, never recalculated).
struct Book {
    sheets: Vec<(String, Range<Data>)>,
}

impl Book {
    fn open(path: &Path) -> Result<Book> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
            .map_err(|e| Error::SummaryNotWorkbook { path: path.to_path_buf(), source: Box::new(e) })?;
        let mut sheets = Vec::new();
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).map_err(|e| Error::SummarySheetUnreadable {
                path: path.to_path_buf(),
                sheet: name.clone(),
                source: Box::new(e),
            })?;
            sheets.push((name, range));
        }
        Ok(Book { sheets })
    }

    fn sheet(&self, name: &str) -> Option<&Range<Data>> {
        self.sheets.iter().find(|(n, _)| n == name).map(|(_, r)| r)
    }

    fn fingerprint(&self) -> Option<Fingerprint> {
        let r = self.sheet(sheet::SHEET)?;
        let (rows, _) = r.get_size();
        let cells = |row: u32, col: u32| shown(at(r, row - 1, col - 1));
        sheet::read_back(&cells, rows as u32)
    }
}

/// The cell at 0-based absolute (row, col), `Empty` outside the range.
fn at(r: &Range<Data>, row: u32, col: u32) -> &Data {
    static EMPTY: Data = Data::Empty;
    r.get_value((row, col)).unwrap_or(&EMPTY)
}

/// A value as a clerk would see it, for messages.
fn shown(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::Float(x) => crate::read::Value::Number(*x).shown(),
        other => other.to_string(),
    }
}

/// Whether two cells hold the same value: numbers within 1e-9 (relative)
/// so a re-save's float noise is the same figure, an empty cell and an
/// empty text alike.
fn same(a: &Data, b: &Data) -> bool {
    let num = |d: &Data| match d {
        Data::Float(x) => Some(*x),
        Data::Int(i) => Some(*i as f64),
        Data::DateTime(t) => Some(t.as_f64()),
        _ => None,
    };
    match (num(a), num(b)) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
        _ => shown(a).trim() == shown(b).trim(),
    }
}

/// Every differing cell of every sheet the recomputed summary has (the
/// 核验指纹 sheet aside: its parts are compared one by one), and the
/// sheets missing from the one given.
fn compare(made: &Book, given: &Book) -> (Vec<CellDiff>, Vec<String>) {
    let mut diffs = Vec::new();
    let mut missing = Vec::new();
    for (name, want) in made.sheets.iter().filter(|(n, _)| n != sheet::SHEET) {
        let Some(got) = given.sheet(name) else {
            missing.push(name.clone());
            continue;
        };
        let end = |r: &Range<Data>| r.end().unwrap_or((0, 0));
        let (rows, cols) = (end(want).0.max(end(got).0), end(want).1.max(end(got).1));
        for row in 0..=rows {
            for col in 0..=cols {
                let (w, g) = (at(want, row, col), at(got, row, col));
                if !same(w, g) {
                    diffs.push(CellDiff {
                        sheet: name.clone(),
                        cell: crate::cellref::CellRef::new(row, col).to_string(),
                        found: shown(g),
                        expected: shown(w),
                    });
                }
            }
        }
    }
    (diffs, missing)
}

/// The workbooks whose content is not what the summary recorded.
fn file_changes(recorded: &Fingerprint, current: &Fingerprint) -> Vec<FileChange> {
    let mut out = Vec::new();
    for r in &recorded.inputs {
        match current.inputs.iter().find(|c| c.file == r.file) {
            Some(c) if c.sha256 == r.sha256 => {}
            Some(_) => out.push(FileChange::Changed { file: r.file.clone(), city: r.city.clone() }),
            None => out.push(FileChange::Missing { file: r.file.clone(), city: r.city.clone() }),
        }
    }
    for c in current.inputs.iter().filter(|c| !recorded.inputs.iter().any(|r| r.file == c.file)) {
        out.push(FileChange::Added { file: c.file.clone(), city: c.city.clone() });
    }
    out
}

/// The other parts that differ, by name.
fn part_changes(recorded: &Fingerprint, current: &Fingerprint) -> Vec<&'static str> {
    let mut out = Vec::new();
    if recorded.templates != current.templates {
        out.push(sheet::TEMPLATES);
    }
    if recorded.params != current.params {
        out.push(sheet::PARAMS);
    }
    if recorded.decisions != current.decisions {
        out.push(sheet::DECISIONS);
    }
    if recorded.previous.as_ref().map(|p| &p.sha256) != current.previous.as_ref().map(|p| &p.sha256) {
        out.push(sheet::PREVIOUS);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resave_s_float_noise_is_the_same_figure_a_digit_is_not() {
        assert!(same(&Data::Float(0.4564), &Data::Float(0.4564 - 3e-17)));
        assert!(same(&Data::Float(3623.35), &Data::Float(3623.35 + 4e-13)));
        assert!(!same(&Data::Float(3623.35), &Data::Int(3623)));
        assert!(!same(&Data::Float(3623.35), &Data::Float(3623.36)));
        assert!(same(&Data::Empty, &Data::String(String::new())));
        assert!(!same(&Data::String("通过".into()), &Data::String("待修正".into())));
    }
}
