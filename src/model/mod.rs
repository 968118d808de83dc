//! Domain types read by every stage: a city's [`Submission`] (each field
//! parsed by its kind) and the per-city figures the summary is built from
//! ([`CityFigures`]). The province's issued figures are
//! [`crate::params::Params`].

use crate::calc;
use crate::cellref::CellRef;
use crate::read::{RawWorkbook, Value};
use crate::spec::{FieldSpec, FormSpec, Kind, Role, Roles};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;

mod parts;
pub use parts::{Part, PartKind, Received};

/// A field's value after reading it as its kind says.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Nothing in the cell.
    Missing,
    /// A number (a percent is kept as the stored fraction).
    Number(Decimal),
    /// Text: for text fields, chosen options and allowed words (`allow_text`).
    Text(String),
    /// A value the kind cannot take; `found` is what the cell shows.
    Bad { found: String },
    /// A formula whose result was never saved: unknown, never 0.
    NoCache { formula: String },
}

/// One city workbook, read and typed against the form spec.
#[derive(Debug, Clone)]
pub struct Submission {
    pub path: PathBuf,
    /// Path as shown to users, relative to the input folder.
    pub name: String,
    pub raw: RawWorkbook,
    pub values: HashMap<String, Parsed>,
    /// Fields whose value was normalised: id → (as typed, how read).
    pub notes: HashMap<String, (String, Note)>,
    /// Fields read from another cell than the template's, because the
    /// form's defined name for them points there (a clerk inserted rows):
    /// id → the cell read.
    pub moved: std::collections::BTreeMap<String, CellRef>,
    /// Derived fields whose formula left no readable result, filled in by
    /// selfeval from the form's relations: id → the cell's formula.
    pub computed: std::collections::BTreeMap<String, String>,
    /// The form's roles, kept so the city and date are found without the
    /// form at hand.
    pub roles: Roles,
}

impl Submission {
    /// Types every field of the spec; fields on missing sheets are Missing.
    pub fn build(path: PathBuf, name: String, mut raw: RawWorkbook, form: &FormSpec) -> Self {
        let wanted: Vec<&str> = form.sheets.iter().map(|s| s.name.as_str()).collect();
        raw.align_sheet_names(&wanted);
        let mut values = HashMap::new();
        let mut notes = HashMap::new();
        let mut moved = std::collections::BTreeMap::new();
        for f in form.fields() {
            // The name, where the file has one, says where the field is now.
            let cell = match raw.named_cell(&FormSpec::defined_name(&f.id), &f.sheet) {
                Some(c) if c != f.cell => {
                    moved.insert(f.id.clone(), c);
                    c
                }
                _ => f.cell,
            };
            let parsed = match raw.sheet(&f.sheet) {
                Some(sheet) => match (sheet.get(cell), sheet.formulas.get(&cell)) {
                    (Value::Empty, Some(formula)) => Parsed::NoCache { formula: formula.clone() },
                    (v, formula) => {
                        let (p, note) = parse(v, f);
                        // A derived formula's result that does not fit its
                        // kind was not kept readably (LibreOffice's .xls
                        // stores a text result as 0): selfeval computes it.
                        if let (Parsed::Bad { .. }, Some(formula)) = (&p, formula) {
                            if form.derived(&f.id).is_some() {
                                values.insert(f.id.clone(), Parsed::NoCache { formula: formula.clone() });
                                continue;
                            }
                        }
                        if let Some(n) = note {
                            notes.insert(f.id.clone(), (v.shown(), n));
                        }
                        p
                    }
                },
                None => Parsed::Missing,
            };
            values.insert(f.id.clone(), parsed);
        }
        let roles = form.roles.clone();
        Submission { path, name, raw, values, notes, moved, computed: Default::default(), roles }
    }

    /// Where field `f` was read: its named cell if that moved, else the
    /// template's.
    pub fn cell_of(&self, f: &FieldSpec) -> CellRef {
        self.moved.get(&f.id).copied().unwrap_or(f.cell)
    }

    /// The distinct (rows, columns) shifts of the named fields on
    /// `sheet` that moved: where its labels may have gone with them.
    pub fn shifts(&self, form: &FormSpec, sheet: &str) -> Vec<(i64, i64)> {
        let mut out: Vec<(i64, i64)> = Vec::new();
        for f in form.sheet(sheet).map(|s| s.fields.as_slice()).unwrap_or(&[]) {
            if let Some(to) = self.moved.get(&f.id) {
                let d = (to.row as i64 - f.cell.row as i64, to.col as i64 - f.cell.col as i64);
                if !out.contains(&d) {
                    out.push(d);
                }
            }
        }
        out
    }

    /// Drops the raw cells once the per-file checks have run: the batch
    /// checks and the summary use only the typed values, and thousands of
    /// forms held whole would cost hundreds of MB.
    pub fn release_cells(&mut self) {
        for s in &mut self.raw.sheets {
            s.cells = HashMap::new();
            s.formulas = HashMap::new();
        }
    }

    pub fn parsed(&self, id: &str) -> &Parsed {
        static MISSING: Parsed = Parsed::Missing;
        self.values.get(id).unwrap_or(&MISSING)
    }

    /// The number in field `id`, if it holds one.
    pub fn num(&self, id: &str) -> Option<Decimal> {
        match self.parsed(id) {
            Parsed::Number(d) => Some(*d),
            _ => None,
        }
    }

    /// A percent field as a percent value (0.4564 → 45.64).
    pub fn pct(&self, id: &str) -> Option<Decimal> {
        self.num(id).and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED))
    }

    pub fn text(&self, id: &str) -> Option<&str> {
        match self.parsed(id) {
            Parsed::Text(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The text in the field playing `role`.
    pub fn text_of(&self, role: Role) -> Option<&str> {
        self.text(self.roles.get(role)?)
    }

    /// The city as typed in 基本信息 (trimmed, inner spaces removed).
    pub fn city_text(&self) -> Option<String> {
        self.text_of(Role::City).map(|s| s.chars().filter(|c| !c.is_whitespace()).collect())
    }
}

/// How a value was read when it was not typed the standard way
/// ("3,378" as text, "45.64%" as text, 45.64 in a percent cell).
pub type Note = String;

/// Reads one cell as the field's kind says; the note says how a value was
/// normalised, for an info finding.
pub fn parse(v: &Value, f: &FieldSpec) -> (Parsed, Option<Note>) {
    if v.is_empty() {
        return (Parsed::Missing, None);
    }
    let bad = || (Parsed::Bad { found: v.shown() }, None);
    match f.kind {
        Kind::Text => match v {
            Value::Text(s) => (Parsed::Text(s.trim().to_string()), None),
            Value::Error(_) => bad(),
            other => (Parsed::Text(other.shown()), None),
        },
        Kind::Date => match v {
            Value::Date(d) => (Parsed::Text(d.clone()), None),
            Value::Text(s) => (Parsed::Text(s.trim().to_string()), None),
            _ => bad(),
        },
        Kind::Choice => match v {
            Value::Text(s) if f.options.iter().any(|o| o == s.trim()) => (Parsed::Text(s.trim().to_string()), None),
            _ => bad(),
        },
        Kind::Year | Kind::Amount | Kind::Decimal | Kind::Count | Kind::Percent | Kind::Score => {
            let mut notes: Vec<String> = Vec::new();
            let (mut n, percent_sign) = match v {
                Value::Number(x) => (calc::decimal_from_f64(*x), false),
                Value::Text(s) => {
                    let t = s.trim();
                    if f.allow_text.iter().any(|w| w == t) {
                        return (Parsed::Text(t.to_string()), None);
                    }
                    match number_text(s) {
                        Some((d, pct, mut how)) => {
                            how.push("数字以文本形式保存".into());
                            notes.extend(how);
                            (Some(d), pct)
                        }
                        None => (None, false),
                    }
                }
                _ => (None, false),
            };
            if f.kind == Kind::Percent {
                if let Some(d) = n {
                    let (fraction, how) = percent_fraction(d, percent_sign, f.max_percent);
                    n = Some(fraction);
                    notes.extend(how);
                }
            } else if percent_sign {
                return bad();
            }
            match n {
                Some(d) if matches!(f.kind, Kind::Count | Kind::Year) && !d.fract().is_zero() => bad(),
                // No figure of this form comes near 10^15; a larger one is a
                // typing accident, and would overflow exact arithmetic later.
                Some(d) if d.abs() > calc::MAX_MAGNITUDE => bad(),
                Some(d) => (Parsed::Number(d), (!notes.is_empty()).then(|| notes.join("；"))),
                None => bad(),
            }
        }
    }
}

/// A number typed as text, normalised where it is unambiguous: full-width
/// digits, surrounding spaces, thousands separators, a trailing %.
/// Returns the number, whether it had a %, and what was done.
pub fn number_text(s: &str) -> Option<(Decimal, bool, Vec<String>)> {
    let mut how = Vec::new();
    let half: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '，' => ',',
            '－' => '-',
            '％' => '%',
            c => c,
        })
        .collect();
    if half != s {
        how.push("全角字符已按半角读取".to_string());
    }
    let trimmed = half.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}');
    if trimmed.len() != half.len() {
        how.push("去掉了多余的空格".to_string());
    }
    let (body, pct) = match trimmed.strip_suffix('%') {
        Some(b) => (b.trim_end(), true),
        None => (trimmed, false),
    };
    let body = if body.contains(',') {
        if !thousands_grouped(body) {
            return None;
        }
        how.push("去掉了千位分隔符".to_string());
        body.replace(',', "")
    } else {
        body.to_string()
    };
    plain_number(&body).map(|d| (d, pct, how))
}

/// "1,234,567.8": groups of three after the first, nothing else.
fn thousands_grouped(t: &str) -> bool {
    let t = t.strip_prefix('-').unwrap_or(t);
    let int = t.split('.').next().unwrap_or("");
    let mut groups = int.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()) && g.chars().all(|c| c.is_ascii_digit()));
    first_ok && groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
}

/// A percent cell's value as the stored fraction. 0.4564 is 45.64%. A
/// number that cannot be a fraction of a rate capped at 100% (45.64;
/// from 2 up, as 1.02 may be a real 102%), or
/// a completion rate above 2000% (165.86), was typed as a percent number:
/// it is read as that percent, and said so.
pub fn percent_fraction(d: Decimal, percent_sign: bool, max_percent: Option<Decimal>) -> (Decimal, Vec<String>) {
    let hundred = Decimal::ONE_HUNDRED;
    if percent_sign {
        return (d / hundred, vec![format!("“{}%”按 {}% 读取", calc::fmt_num(d), calc::fmt_num(d))]);
    }
    // Between 100% and 200% a fraction is merely out of range (spent more
    // than the budget), not necessarily a percent number: left alone.
    let typed_as_percent = match max_percent {
        Some(m) if m <= hundred => d >= Decimal::TWO && d <= m,
        _ => d > Decimal::from(20),
    };
    if typed_as_percent {
        (d / hundred, vec![format!("{} 不可能是比率的小数形式，按 {}% 读取", calc::fmt_num(d), calc::fmt_num(d))])
    } else {
        (d, vec![])
    }
}

/// "3378" or "-12.5"; anything else is not a plain number.
fn plain_number(t: &str) -> Option<Decimal> {
    let ok = !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && t.chars().filter(|c| *c == '.').count() <= 1
        && t.rfind('-').is_none_or(|i| i == 0);
    if ok {
        t.parse().ok()
    } else {
        None
    }
}

/// A figure per task measure, by the measure keys of the year's
/// `[[measures]]` (`templates/<year>/form.toml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Measures(pub std::collections::BTreeMap<String, Decimal>);

impl Measures {
    pub fn get(&self, key: &str) -> Option<Decimal> {
        self.0.get(key).copied()
    }

    pub fn set(&mut self, key: &str, v: Decimal) {
        self.0.insert(key.to_string(), v);
    }

    /// From (key, figure) pairs.
    pub fn of<'a>(pairs: impl IntoIterator<Item = (&'a str, Decimal)>) -> Self {
        Measures(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
}

/// What became of an input file, as report.json's `inputs` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputStatus {
    /// Read, with no error (warnings may remain).
    Ok,
    /// Read, with an error to fix.
    Error,
    /// Not readable at all.
    Unreadable,
}

impl InputStatus {
    /// How the terminal and the page say it (a file with warnings passes).
    pub fn zh(self, warnings: usize) -> &'static str {
        match self {
            InputStatus::Ok if warnings > 0 => "通过（有警告）",
            InputStatus::Ok => "通过",
            InputStatus::Unreadable => "无法读取",
            InputStatus::Error => "需修改",
        }
    }
}

/// One input file and what became of it (report.json `inputs`; the next
/// round reads it back).
#[derive(Debug, Clone, Serialize)]
pub struct InputReport {
    pub file: String,
    pub city: Option<String>,
    pub status: InputStatus,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// SHA-256 of the file's bytes: the same file sent again is known.
    pub sha256: Option<String>,
    /// The form's fields as read (field id → value), for the next round's
    /// "figures changed".
    pub figures: std::collections::BTreeMap<String, String>,
    /// The city's other files (自评报告, 佐证材料), on the form that stands
    /// for it: what a city's own check received with its form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submission: Option<Received>,
}

/// A city's figures as the summary uses them, taken from its workbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CityFigures {
    pub city: String,
    pub file: String,
    pub budget: Decimal,
    /// The arrived amount; `None` for a form without one (no `arrived` role).
    pub arrived: Option<Decimal>,
    pub spent: Decimal,
    pub plan: Measures,
    pub actual: Measures,
    /// The 附件1 counts, in the order of the form's `feeds` fields.
    pub benefits: Vec<Decimal>,
    /// Every field the workbook holds a figure or word in, by field id:
    /// what summary.toml's city tables show (a percent as its fraction).
    #[serde(skip)]
    pub values: std::collections::BTreeMap<String, crate::spec::relation::Val>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::embedded_specs;

    fn parse0(v: &Value, f: &FieldSpec) -> Parsed {
        parse(v, f).0
    }

    #[test]
    fn normalises_what_is_unambiguous() {
        let (form, _) = embedded_specs().unwrap();
        let f = |id: &str| form.field(id).unwrap().clone();
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let read = |v: Value, id: &str| parse(&v, &f(id));
        assert_eq!(read(Value::Text("３３７８".into()), "exec.budget").0, Parsed::Number(d("3378")));
        assert_eq!(read(Value::Text("3,378.00".into()), "exec.budget").0, Parsed::Number(d("3378.00")));
        assert_eq!(read(Value::Text(" 152.93\u{3000}".into()), "exec.spent").0, Parsed::Number(d("152.93")));
        let (p, note) = read(Value::Text("45.64%".into()), "exec.rate");
        assert_eq!(p, Parsed::Number(d("0.4564")));
        assert!(note.unwrap().contains("45.64%"));
        // 45.64 cannot be a fraction of a rate capped at 100%.
        assert_eq!(read(Value::Number(45.64), "exec.rate").0, Parsed::Number(d("0.4564")));
        // …but 0.4564 is the fraction, said nothing of.
        assert_eq!(read(Value::Number(0.4564), "exec.rate"), (Parsed::Number(d("0.4564")), None));
        // A completion rate of 165.86 means 165.86%; 1.6586 is already the fraction.
        assert_eq!(read(Value::Number(165.86), "rate.area").0, Parsed::Number(d("1.6586")));
        assert_eq!(read(Value::Number(1.6586), "rate.area").0, Parsed::Number(d("1.6586")));
        // 145.64 is no spend rate either way: left for the range check.
        assert_eq!(read(Value::Number(145.64), "exec.rate").0, Parsed::Number(d("145.64")));
        // Ambiguous or foreign: not read.
        for t in ["3,37,8", "3.378.00", "1 378", "约3千", "3378万", "-", "."] {
            assert!(matches!(read(Value::Text(t.into()), "exec.budget").0, Parsed::Bad { .. }), "{t}");
        }
        assert!(matches!(read(Value::Text("30%".into()), "exec.budget").0, Parsed::Bad { .. }));
        // Too large to be any figure of the form (and to compute with exactly).
        assert!(matches!(read(Value::Number(2.170115022167821e28), "plan.households").0, Parsed::Bad { .. }));
        assert!(matches!(read(Value::Number(-1e16), "exec.spent").0, Parsed::Bad { .. }));
    }

    #[test]
    fn parses_by_kind() {
        let (form, _) = embedded_specs().unwrap();
        let f = |id: &str| form.field(id).unwrap().clone();
        assert_eq!(parse0(&Value::Number(152.93), &f("exec.spent")), Parsed::Number("152.93".parse().unwrap()));
        assert_eq!(parse0(&Value::Text(" 3378 ".into()), &f("exec.budget")), Parsed::Number(3378.into()));
        assert!(matches!(parse0(&Value::Text("约3千".into()), &f("exec.budget")), Parsed::Bad { .. }));
        assert!(matches!(parse0(&Value::Number(12.5), &f("actual.households")), Parsed::Bad { .. }));
        assert_eq!(parse0(&Value::Text("未验收".into()), &f("benefit.acceptance")), Parsed::Text("未验收".into()));
        assert!(matches!(parse0(&Value::Text("未验收".into()), &f("benefit.satisfaction")), Parsed::Bad { .. }));
        assert_eq!(parse0(&Value::Number(13800000000.0), &f("info.phone")), Parsed::Text("13800000000".into()));
        assert_eq!(parse0(&Value::Text("  ".into()), &f("info.city")), Parsed::Missing);
        assert!(matches!(parse0(&Value::Text("可能".into()), &f("ind.living.actual")), Parsed::Bad { .. }));
        assert!(matches!(parse0(&Value::Error("#DIV/0!".into()), &f("exec.rate")), Parsed::Bad { .. }));
        assert!(matches!(parse0(&Value::Text("1-2".into()), &f("exec.rate")), Parsed::Bad { .. }));
    }
}
