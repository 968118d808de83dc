//! What a reader yields, before any meaning: cell values as the file holds
//! them, sheets with their formulas, merges and visibility, and the
//! workbook's defined names.

use crate::cellref::CellRef;
use std::collections::HashMap;

/// A cell value as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date cell, as "YYYY-MM-DD".
    Date(String),
    /// An Excel error value such as "#DIV/0!".
    Error(String),
}

impl Value {
    /// The value as a clerk would see it typed, for "实为" columns.
    pub fn shown(&self) -> String {
        match self {
            Value::Empty => "（空）".into(),
            Value::Text(s) => s.clone(),
            Value::Number(x) => {
                if x.fract() == 0.0 && x.abs() < 1e15 {
                    format!("{}", *x as i64)
                } else {
                    format!("{x}")
                }
            }
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
            Value::Date(d) => d.clone(),
            Value::Error(e) => e.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// One sheet's cells at absolute 0-based positions.
#[derive(Debug, Clone, Default)]
pub struct RawSheet {
    pub name: String,
    pub cells: HashMap<CellRef, Value>,
    /// Formula text by cell, for cells that hold a formula.
    pub formulas: HashMap<CellRef, String>,
    /// Set when the sheet exists but its content could not be read.
    pub problem: Option<SheetProblem>,
    /// Merged ranges (xlsx only).
    pub merges: Vec<crate::cellref::CellRange>,
    /// The sheet exists but was not loaded (not one the form needs).
    pub skipped: bool,
    /// Hidden (or very hidden) in the workbook.
    pub hidden: bool,
    /// The name in the file, when it differed from the form's only by
    /// spaces or full-width characters and the sheet was taken as the
    /// form's (see [`RawWorkbook::align_sheet_names`]).
    pub renamed_from: Option<String>,
}

impl RawSheet {
    pub fn get(&self, c: CellRef) -> &Value {
        static EMPTY: Value = Value::Empty;
        self.cells.get(&c).unwrap_or(&EMPTY)
    }
}

/// Why a sheet that exists could not be read: in the clerk's words, with
/// the library's own kept apart (report.json's `detail`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{why}")]
pub struct SheetProblem {
    pub why: super::Broken,
    pub words: String,
}

impl SheetProblem {
    pub fn new(why: super::Broken, words: impl std::fmt::Display) -> SheetProblem {
        SheetProblem { why, words: words.to_string() }
    }
}

/// The container format, as sniffed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    /// Excel's binary workbook (.xlsb): read like .xlsx, never annotated.
    Xlsb,
    Xls,
    Ods,
}

#[derive(Debug, Clone)]
pub struct RawWorkbook {
    pub format: Format,
    pub sheets: Vec<RawSheet>,
    /// Defined names as (name, reference) pairs ("f_exec_spent",
    /// "'资金执行'!$B$6"): the generated form names every input cell, and
    /// Excel moves a name with its cell when a row is inserted.
    pub names: Vec<(String, String)>,
    /// SHA-256 of the file's bytes (hex), taken from the bytes this read
    /// parsed, so a run reads each file from disk once for both.
    pub sha256: Option<String>,
}

impl RawWorkbook {
    /// The single cell a defined name refers to, on `sheet`; `None` when
    /// there is no such name or it refers to a range, another sheet or
    /// nothing (#REF!).
    pub fn named_cell(&self, name: &str, sheet: &str) -> Option<CellRef> {
        let (_, target) = self.names.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        let (s, cell) = name_target(target)?;
        let on_sheet = s == sheet || self.sheet(sheet).and_then(|r| r.renamed_from.as_deref()) == Some(s.as_str());
        on_sheet.then_some(cell)
    }

    pub fn sheet(&self, name: &str) -> Option<&RawSheet> {
        self.sheets.iter().find(|s| s.name == name)
    }

    /// Takes a sheet whose name differs from a wanted one only by spaces
    /// or full-width characters ("资金执行 ", "资金执行　") as that sheet,
    /// when no sheet has the exact name and exactly one is that alike. The
    /// name in the file is kept in `renamed_from` for an info finding.
    pub fn align_sheet_names(&mut self, wanted: &[&str]) {
        for w in wanted {
            if self.sheet(w).is_some() {
                continue;
            }
            let key = sheet_key(w);
            let alike: Vec<usize> =
                (0..self.sheets.len()).filter(|i| sheet_key(&self.sheets[*i].name) == key).collect();
            if let [one] = alike.as_slice() {
                let s = &mut self.sheets[*one];
                s.renamed_from = Some(std::mem::replace(&mut s.name, w.to_string()));
            }
        }
    }
}

/// A sheet name as compared for look-alikes: no white space of any
/// width, full-width letters, digits and signs folded to half-width.
pub fn sheet_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '\u{a0}')
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// The sheet and single cell a defined name's reference points to
/// ("'资金执行'!$B$7"); `None` for a range, #REF! or anything else.
pub(super) fn name_target(target: &str) -> Option<(String, CellRef)> {
    let (s, cell) = target.trim_start_matches('=').rsplit_once('!')?;
    let s =
        s.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')).map(|x| x.replace("''", "'")).unwrap_or(s.to_string());
    if cell.contains(':') {
        return None;
    }
    Some((s, CellRef::parse(&cell.replace('$', "")).ok()?))
}
