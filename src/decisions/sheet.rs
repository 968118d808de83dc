//! The register's content, `核实与更正.xlsx`: one row per open error and
//! warning, then the decisions of earlier rounds with what became of them
//! (the workbook itself is written by `write::register`).
//!
//! The identity columns (地市 … 程序计算值) and 状态 are the program's and
//! locked; the clerk's columns (处理, 更正值, 依据, 经办人, 日期) are
//! unlocked, 处理 a dropdown. Columns are found again by their header text
//! when read ([`super::register`]), so a clerk who re-saves it in WPS or
//! LibreOffice, or widens and reorders columns, loses nothing.

use crate::findings::Finding;

/// One register row's texts, by column.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RowCells {
    pub city: String,
    pub file: String,
    pub code: String,
    pub label: String,
    pub field: String,
    pub place: String,
    pub message: String,
    pub found: String,
    pub computed: String,
    pub action: String,
    pub value: String,
    pub basis: String,
    pub clerk: String,
    pub date: String,
    pub status: String,
}

/// A register column: its header, width, and whether the clerk fills it.
pub struct Column {
    pub head: &'static str,
    pub width: f64,
    pub clerk: bool,
    pub get: fn(&RowCells) -> &str,
    pub set: fn(&mut RowCells, String),
}

/// The columns, in the order written. 序号 comes first and is not a field.
pub const COLUMNS: &[Column] = &[
    Column { head: "地市", width: 7.0, clerk: false, get: |r| &r.city, set: |r, v| r.city = v },
    Column { head: "文件", width: 10.0, clerk: false, get: |r| &r.file, set: |r, v| r.file = v },
    Column { head: "代码", width: 6.0, clerk: false, get: |r| &r.code, set: |r, v| r.code = v },
    Column { head: "栏目", width: 8.0, clerk: false, get: |r| &r.label, set: |r, v| r.label = v },
    Column { head: "栏目编号", width: 7.0, clerk: false, get: |r| &r.field, set: |r, v| r.field = v },
    Column { head: "工作表!单元格", width: 9.0, clerk: false, get: |r| &r.place, set: |r, v| r.place = v },
    Column { head: "问题", width: 20.0, clerk: false, get: |r| &r.message, set: |r, v| r.message = v },
    Column { head: "填报值", width: 8.0, clerk: false, get: |r| &r.found, set: |r, v| r.found = v },
    Column { head: "程序计算值", width: 8.0, clerk: false, get: |r| &r.computed, set: |r, v| r.computed = v },
    Column { head: "处理", width: 10.0, clerk: true, get: |r| &r.action, set: |r, v| r.action = v },
    Column { head: "更正值", width: 7.0, clerk: true, get: |r| &r.value, set: |r, v| r.value = v },
    Column { head: "依据", width: 11.0, clerk: true, get: |r| &r.basis, set: |r, v| r.basis = v },
    Column { head: "经办人", width: 6.0, clerk: true, get: |r| &r.clerk, set: |r, v| r.clerk = v },
    Column { head: "日期", width: 8.0, clerk: true, get: |r| &r.date, set: |r, v| r.date = v },
    Column { head: "状态", width: 12.0, clerk: false, get: |r| &r.status, set: |r, v| r.status = v },
];

/// The register's one sheet.
pub const SHEET: &str = "核实与更正";
/// Excel row (1-based) of the header; data rows follow.
pub const HEADER_ROW: u32 = 3;

/// The title of a year's register: its year is read back from it.
pub fn title(year: i64, fund: &str) -> String {
    format!("{year}年{fund}绩效自评 核实与更正登记表")
}

/// The register's rows: every open finding (with the decision on it, if
/// any, and what became of it), every closed one with the decision that
/// closed it, then decisions whose finding is gone and rows that could not
/// be used, so nothing the clerk wrote is lost from one round to the next.
pub fn rows(
    open: Vec<&Finding>,
    record: &super::Record,
    form: &crate::spec::FormSpec,
    params: &crate::params::Params,
) -> Vec<RowCells> {
    let mut used = Used::default();
    let mut out: Vec<RowCells> = open.into_iter().map(|f| open_row(f, record, form, &mut used)).collect();
    out.extend(record.closed.iter().map(|c| closed_row(c, record, form, &mut used)));
    for o in record.outcomes.iter().filter(|o| !used.rows.contains(&o.decision.row)) {
        out.push(RowCells { status: o.status.zh(form), ..o.decision.cells.clone() });
    }
    for p in record.problems.iter().filter(|p| !used.problems.contains(&p.row)) {
        out.push(RowCells { status: p.status(), ..p.cells.clone() });
    }
    let order = |c: &str| params.cities.iter().position(|x| x.name == c).unwrap_or(usize::MAX);
    out.sort_by_key(|r| order(&r.city));
    out
}

/// The register rows and refused rows a row took its clerk's cells from:
/// the rest are listed after, so none is lost.
#[derive(Default)]
struct Used {
    rows: Vec<u32>,
    problems: Vec<u32>,
}

/// The city a finding is about (for SE406, the city its 地市 cell names).
fn city_of(f: &Finding) -> Option<String> {
    f.city
        .clone()
        .or_else(|| (f.code == crate::findings::Code::FileNameCityMismatch).then(|| f.found.clone()).flatten())
}

/// The cells that say which finding a row is about.
fn identity(f: &Finding, form: &crate::spec::FormSpec) -> RowCells {
    let field = f.field.clone().unwrap_or_default();
    let computed = f
        .expected
        .as_deref()
        .filter(|_| f.code.decisions().contains(&super::Action::UseComputed))
        .and_then(super::computed_value)
        .unwrap_or_default()
        .to_string();
    RowCells {
        city: city_of(f).unwrap_or_default(),
        file: f.file.clone(),
        code: f.code.id().to_string(),
        label: if field.is_empty() { String::new() } else { form.label(&field).to_string() },
        field,
        place: f.place(),
        message: f.message(form),
        found: f.found.clone().unwrap_or_default(),
        computed,
        ..RowCells::default()
    }
}

/// `r` with the clerk's cells of `c`.
fn clerk(mut r: RowCells, c: &RowCells) -> RowCells {
    r.action = c.action.clone();
    r.value = c.value.clone();
    r.basis = c.basis.clone();
    r.clerk = c.clerk.clone();
    r.date = c.date.clone();
    r
}

/// An open finding's row, with what the register said of it.
fn open_row(f: &Finding, record: &super::Record, form: &crate::spec::FormSpec, used: &mut Used) -> RowCells {
    use super::{Key, Status};
    let row = identity(f, form);
    let key = city_of(f).map(|c| Key::new(&c, f));
    let outcome = record.outcomes.iter().rev().find(|o| Some(&o.decision.key) == key.as_ref());
    let problem = record.problems.iter().find(|p| {
        p.cells.city == row.city && p.cells.code.eq_ignore_ascii_case(&row.code) && p.cells.field == row.field
    });
    match (outcome, problem) {
        (Some(o), _) if o.status == Status::CityChanged => {
            used.rows.push(o.decision.row);
            let c = &o.decision.cells;
            RowCells {
                status: format!(
                    "{}（原处理：{}{}，原填报值 {}）",
                    o.status.zh(form),
                    c.action,
                    if c.basis.is_empty() { String::new() } else { format!("，依据：{}", c.basis) },
                    c.found
                ),
                ..row
            }
        }
        (Some(o), _) => {
            used.rows.push(o.decision.row);
            RowCells { status: o.status.zh(form), ..clerk(row, &o.decision.cells) }
        }
        (None, Some(p)) => {
            used.problems.push(p.row);
            RowCells { status: p.status(), ..clerk(row, &p.cells) }
        }
        (None, None) => RowCells { status: "待处理".to_string(), ..row },
    }
}

/// A closed finding's row: closed by its own decision, or gone with a
/// correction of another row.
fn closed_row(c: &super::Closed, record: &super::Record, form: &crate::spec::FormSpec, used: &mut Used) -> RowCells {
    use super::{Closure, Key};
    let own = record.outcomes.iter().find(|o| {
        o.decision.row == c.row && o.decision.key == Key::new(&city_of(&c.finding).unwrap_or_default(), &c.finding)
    });
    let row = identity(&c.finding, form);
    let Some(o) = own else {
        return RowCells { status: format!("已随第 {} 行的更正消除", c.row), ..row };
    };
    used.rows.push(o.decision.row);
    let what = match c.closure {
        Closure::Verified => "已采用（已核实）".to_string(),
        Closure::Corrected => {
            let left_out = record
                .corrections
                .iter()
                .find(|x| x.row == c.row && x.follows.is_none())
                .and_then(|x| x.left_out.as_deref());
            match left_out {
                Some(why) => format!("已采用（已更正），但本市仍未计入合计：{why}"),
                None => "已采用（已更正）".to_string(),
            }
        }
    };
    RowCells { status: what, ..clerk(row, &o.decision.cells) }
}
