//! Reading a filled register back: by the crate's own reader (so a
//! register re-saved by WPS or LibreOffice as .xlsx, .xls or .ods reads
//! the same), columns found by their header text, each filled row checked
//! on its own. A bad row is refused with a message naming it; the rest are
//! applied. The register file is only ever read.

use super::sheet::{RowCells, COLUMNS};
use super::{Action, Decision, Key, Register, RegisterUse, RowProblem};
use crate::findings::Code;
use crate::model::Parsed;
use crate::params::Params;
use crate::read::{self, Value};
use crate::spec::FormSpec;
use crate::stages::Setup;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Reads the register at `path`, if any.
pub fn load(path: Option<PathBuf>, setup: &Setup) -> RegisterUse {
    let Some(path) = path else { return RegisterUse::None };
    if !path.is_file() {
        return RegisterUse::Unusable { origin: path.display().to_string(), why: RegisterError::Missing };
    }
    read_use(&read::Source::File(path.clone()), &path, setup)
}

/// Reads a register given as bytes (the page's), named `name`.
pub fn load_bytes(name: &str, bytes: std::sync::Arc<[u8]>, setup: &Setup) -> RegisterUse {
    read_use(&read::Source::Memory(bytes), Path::new(name), setup)
}

/// The register from `source` (named `path`), or why it cannot be used.
fn read_use(source: &read::Source, path: &Path, setup: &Setup) -> RegisterUse {
    match read_source(source, path, &setup.templates.form, &setup.params) {
        Ok(r) => RegisterUse::Used(r),
        Err(e) => RegisterUse::Unusable { origin: path.display().to_string(), why: e },
    }
}

/// Why a register as a whole cannot be used: the run goes on without it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    #[error("文件不存在")]
    Missing,
    #[error("无法读取：{0}")]
    Unreadable(#[from] read::ReadError),
    #[error("找不到登记表的表头（应有“地市”“代码”“栏目编号”“填报值”“处理”等栏），请使用程序生成的核实与更正.xlsx")]
    NoTable,
    #[error("是 {found} 年的登记表，本次校验的是 {want} 年的自评表")]
    OtherYear { found: i64, want: i64 },
}

/// Why one filled row cannot be a decision: only that row is not applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    #[error("处理“{typed}”不是可选的处理（{}）之一", Action::ALL.map(Action::zh).join(" / "))]
    UnknownAction { typed: String },
    #[error("地市“{0}”不在本年度补助名单中")]
    UnknownCity(String),
    #[error("代码“{0}”不是本程序的问题代码（见 selfeval codes）")]
    UnknownCode(String),
    #[error("栏目编号“{0}”不是本年度自评表的栏目")]
    UnknownField(String),
    #[error("{} 是{}，不能以“{}”关闭（可选：{}）", .code.id(), if .code.severity() == crate::findings::Severity::Error { "错误" } else { "问题" }, .action.zh(), .code.decisions_zh())]
    NotClosable { code: Code, action: Action },
    #[error("该问题不针对某一栏目，不能更正")]
    NoField,
    #[error("“{0}”不是数字栏目，不能更正")]
    NotNumeric(String),
    #[error("选了“更正为”但没有填写更正值")]
    NoValue,
    #[error("更正值“{0}”不是数字")]
    NotANumber(String),
    #[error("没有填写{0}（每项核实或更正都要写明依据和经办人）")]
    NoBasis(String),
    #[error("与{others}是同一个问题（{city} {}），请只保留一行", .code.id())]
    Duplicate { others: String, city: String, code: Code },
}

/// Rows of a register read at most (a row a finding: far more than any
/// run has).
const MAX_ROWS: u32 = 100_000;

/// Reads a register from a file or bytes (the page's dropped register);
/// `path` names it in messages.
pub fn read_source(
    source: &read::Source,
    path: &Path,
    form: &FormSpec,
    params: &Params,
) -> Result<Register, RegisterError> {
    let raw = source.read_with(&path.to_string_lossy(), read::Load::All)?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let sheet = raw
        .sheets
        .iter()
        .find(|s| s.name == super::sheet::SHEET)
        .or_else(|| raw.sheets.iter().find(|s| !s.hidden))
        .ok_or(RegisterError::NoTable)?;
    let text = |r: u32, c: u32| shown(sheet.get(crate::cellref::CellRef::new(r, c)));
    // The register's columns are a dozen and its rows the run's findings: a
    // stray cell far away (found by fuzzing: column 4 billion) must not
    // make every row that wide or the table that long.
    let (max_r, max_c) = sheet.cells.keys().fold((0, 0), |(r, c), k| (r.max(k.row), c.max(k.col)));
    let (max_r, max_c) = (max_r.min(MAX_ROWS), max_c.min(COLUMNS.len() as u32 + 26));
    // The header row: the first of the top rows that names 代码 and 处理.
    let header = (0..=max_r.min(20))
        .find(|r| {
            let heads: Vec<String> = (0..=max_c).map(|c| text(*r, c)).collect();
            ["地市", "代码", "处理"].iter().all(|h| heads.iter().any(|x| x == h))
        })
        .ok_or(RegisterError::NoTable)?;
    // The year, from the title above it ("2024年…登记表").
    if let Some(found) =
        (0..header).flat_map(|r| (0..=max_c).map(move |c| (r, c))).find_map(|(r, c)| year_of(&text(r, c)))
    {
        if found != form.year {
            return Err(RegisterError::OtherYear { found, want: form.year });
        }
    }
    let mut cols: HashMap<&str, u32> = HashMap::new();
    for c in 0..=max_c {
        let h = text(header, c);
        if let Some(col) = COLUMNS.iter().find(|k| k.head == h) {
            cols.entry(col.head).or_insert(c);
        }
    }
    let mut reg = Register { origin: path.display().to_string(), ..Register::default() };
    for r in header + 1..=max_r {
        let mut cells = RowCells::default();
        for col in COLUMNS {
            if let Some(c) = cols.get(col.head) {
                (col.set)(&mut cells, text(r, *c));
            }
        }
        if cells.action.trim().is_empty() {
            continue; // no decision yet
        }
        let row = r + 1;
        match decision(&cells, form, params) {
            Ok((key, action, value)) => reg.decisions.push(Decision { row, key, action, cells, value }),
            Err(why) => reg.problems.push(RowProblem { register: name.clone(), row, why, cells }),
        }
    }
    refuse_duplicates(&mut reg, &name);
    Ok(reg)
}

/// A cell as text: numbers without float noise, dates as YYYY-MM-DD.
fn shown(v: &Value) -> String {
    match v {
        Value::Empty => String::new(),
        Value::Number(x) => crate::calc::decimal_from_f64(*x).map(crate::calc::fmt_num).unwrap_or_else(|| v.shown()),
        Value::Text(s) => s.trim().to_string(),
        other => other.shown(),
    }
}

/// "2024年…" → 2024.
fn year_of(text: &str) -> Option<i64> {
    let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &text[digits.len()..];
    (digits.len() == 4 && rest.starts_with('年')).then(|| digits.parse().ok()).flatten()
}

/// One filled row as a decision, or why it cannot be one.
fn decision(
    cells: &RowCells,
    form: &FormSpec,
    params: &Params,
) -> Result<(Key, Action, Option<rust_decimal::Decimal>), RowError> {
    let action =
        Action::from_zh(&cells.action).ok_or_else(|| RowError::UnknownAction { typed: cells.action.clone() })?;
    let city = params.resolve_city(&cells.city).ok_or_else(|| RowError::UnknownCity(cells.city.clone()))?;
    let code = Code::ALL
        .iter()
        .copied()
        .find(|c| c.id().eq_ignore_ascii_case(cells.code.trim()))
        .ok_or_else(|| RowError::UnknownCode(cells.code.clone()))?;
    let field = cells.field.trim();
    let spec = match field {
        "" => None,
        id => Some(form.field(id).ok_or_else(|| RowError::UnknownField(id.to_string()))?),
    };
    if !code.decisions().contains(&action) {
        return Err(RowError::NotClosable { code, action });
    }
    let mut value = None;
    if action.corrects() {
        let spec = spec.ok_or(RowError::NoField)?;
        if !spec.kind.is_numeric() {
            return Err(RowError::NotNumeric(spec.label.text.clone()));
        }
        if action == Action::SetTo {
            let typed = cells.value.trim();
            if typed.is_empty() {
                return Err(RowError::NoValue);
            }
            match crate::model::parse(&Value::Text(typed.to_string()), spec).0 {
                Parsed::Number(d) => value = Some(d),
                _ => return Err(RowError::NotANumber(typed.to_string())),
            }
        }
    }
    if action != Action::Returned {
        let missing: Vec<&str> = [("依据", &cells.basis), ("经办人", &cells.clerk)]
            .iter()
            .filter(|(_, v)| v.trim().is_empty())
            .map(|(k, _)| *k)
            .collect();
        if !missing.is_empty() {
            return Err(RowError::NoBasis(missing.join("和")));
        }
    }
    Ok((Key { city: city.name.clone(), code, field: field.to_string() }, action, value))
}

/// Two rows about one finding: neither is applied, both say why.
fn refuse_duplicates(reg: &mut Register, name: &str) {
    let mut rows: HashMap<Key, Vec<u32>> = HashMap::new();
    for d in &reg.decisions {
        rows.entry(d.key.clone()).or_default().push(d.row);
    }
    let (dup, keep): (Vec<Decision>, Vec<Decision>) =
        std::mem::take(&mut reg.decisions).into_iter().partition(|d| rows.get(&d.key).is_some_and(|r| r.len() > 1));
    reg.decisions = keep;
    for d in dup {
        let others: Vec<String> = rows[&d.key].iter().filter(|r| **r != d.row).map(|r| format!("第 {r} 行")).collect();
        let why = RowError::Duplicate { others: others.join("、"), city: d.key.city.clone(), code: d.key.code };
        reg.problems.push(RowProblem { register: name.to_string(), row: d.row, why, cells: d.cells });
    }
    reg.problems.sort_by_key(|p| p.row);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_year_is_read_from_the_title() {
        assert_eq!(year_of("2024年城镇老旧小区改造专项资金绩效自评 核实与更正登记表"), Some(2024));
        assert_eq!(year_of("核实与更正"), None);
        assert_eq!(year_of("20245年"), None);
    }
}
