//! 核实与更正: the province's decisions on findings.
//!
//! A finding could once be closed only by the city sending a new file. In
//! practice the provincial clerk phones the city, confirms, and writes down
//! what was decided and on what basis; this module carries that record.
//! Every run writes a register (`核实与更正.xlsx`, see [`sheet`]) with one
//! row per open error and warning; the clerk fills in 处理 / 更正值 / 依据 /
//! 经办人 / 日期, and the next run reads it back ([`register`]) and the
//! register's rules ([`apply`], [`roster`]) apply it.
//!
//! A decision is keyed by a [`Key`] (city + code + field id): not message
//! text, row number or cell address, which change when a city inserts rows
//! or resends. The 填报值 the clerk saw is kept with it, so a decision on a
//! figure the city has since changed is never applied to the new figure.

pub mod apply;
pub mod register;
pub mod roster;
mod status;
pub use status::{Refusal, Status, StatusShown};
pub mod sheet;

use crate::findings::{Code, Finding};
use rust_decimal::Decimal;
use serde::Serialize;

/// The register's file name in a results folder.
pub const REGISTER_FILE: &str = "核实与更正.xlsx";

pub use crate::findings::closing::Action;

/// What identifies a finding from one run to the next: the city, the code
/// and the form field it is about ("" for findings about a whole file).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Key {
    pub city: String,
    #[serde(serialize_with = "ser_code")]
    pub code: Code,
    pub field: String,
}

fn ser_code<S: serde::Serializer>(c: &Code, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.id())
}

impl Key {
    pub fn new(city: &str, f: &Finding) -> Key {
        Key { city: city.to_string(), code: f.code, field: f.field.clone().unwrap_or_default() }
    }
}

/// One filled row of the register: a decision as the clerk wrote it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// The register row, as Excel numbers it.
    pub row: u32,
    pub key: Key,
    pub action: Action,
    /// The row's cells as read (identity and clerk's columns), carried into
    /// the next register unchanged.
    pub cells: sheet::RowCells,
    /// 更正为's value, parsed as the field's input would be.
    #[serde(skip)]
    pub value: Option<Decimal>,
}

impl Decision {
    pub fn basis(&self) -> &str {
        &self.cells.basis
    }
    pub fn clerk(&self) -> &str {
        &self.cells.clerk
    }
    pub fn date(&self) -> &str {
        &self.cells.date
    }
}

/// A register row that could not be used, and why (in the clerk's words).
#[derive(Debug, Clone, PartialEq)]
pub struct RowProblem {
    /// The register's name, as shown to users.
    pub register: String,
    pub row: u32,
    /// The reason: "更正值“abc”不是数字".
    pub why: register::RowError,
    pub cells: sheet::RowCells,
}

impl RowProblem {
    /// "核实与更正.xlsx 第 7 行：更正值“abc”不是数字，未采用".
    pub fn message(&self) -> String {
        format!("{} 第 {} 行：{}", self.register, self.row, self.status())
    }

    /// The row's 状态 in the register: "更正值“abc”不是数字，未采用".
    pub fn status(&self) -> String {
        format!("{}，未采用", self.why)
    }
}

/// report.json's `problems`: the row and its message.
impl Serialize for RowProblem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("RowProblem", 2)?;
        st.serialize_field("row", &self.row)?;
        st.serialize_field("message", &self.message())?;
        st.end()
    }
}

/// A register as read: the decisions to apply and the rows refused.
#[derive(Debug, Clone, Default)]
pub struct Register {
    /// Where it was read, as shown to users.
    pub origin: String,
    pub decisions: Vec<Decision>,
    pub problems: Vec<RowProblem>,
}

/// A decision and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub decision: Decision,
    pub status: Status,
}

/// One entry of report.json's `decisions.outcomes` (shown by
/// `write::json`, its status worded by the fund).
#[derive(Debug, Clone, PartialEq)]
pub enum Listed {
    Decision(Box<Outcome>),
    Row(RefusedRow),
}

impl Listed {
    pub fn row(&self) -> u32 {
        match self {
            Listed::Decision(o) => o.decision.row,
            Listed::Row(r) => r.row,
        }
    }
}

/// A register row refused before it could be read as a decision: its
/// cells as the clerk wrote them, and why (always `Refused`).
#[derive(Debug, Clone, PartialEq)]
pub struct RefusedRow {
    pub row: u32,
    pub city: String,
    pub code: String,
    pub field: String,
    pub action: String,
    pub value: String,
    pub status: Status,
}

/// How a finding was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Closure {
    /// 已核实: confirmed right as it stands.
    Verified,
    /// Gone once the province's correction was applied.
    Corrected,
}

impl Closure {
    pub fn zh(self) -> &'static str {
        match self {
            Closure::Verified => "已核实",
            Closure::Corrected => "已更正",
        }
    }
}

/// A finding closed by a decision: kept, with the decision's row, so
/// nothing it changed is unmarked anywhere. report.json shows it with
/// its finding's words (`write::json`).
#[derive(Debug, Clone, PartialEq)]
pub struct Closed {
    pub finding: Finding,
    pub closure: Closure,
    /// The register row of the decision that closed it.
    pub row: u32,
    pub basis: String,
    pub clerk: String,
    pub date: String,
}

/// A figure the province corrected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correction {
    pub city: String,
    pub file: String,
    pub field: String,
    pub label: String,
    /// Where the figure is in the city's file ("资金执行!B6").
    pub place: String,
    /// As the city typed it.
    pub original: String,
    /// The corrected value, as the field shows it.
    pub value: String,
    /// The register row; for a figure recomputed from a corrected one,
    /// the row of that correction.
    pub row: u32,
    /// The field id a recomputed figure follows, if it was not
    /// corrected itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follows: Option<String>,
    pub basis: String,
    pub clerk: String,
    pub date: String,
    /// Whether the city is counted in the totals after the correction:
    /// the record says 计入合计 only then.
    pub in_totals: bool,
    /// Why the city is still left out, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_out: Option<String>,
}

impl Correction {
    /// What the record says of the correction: 已更正，计入合计 only for a
    /// city that is counted; otherwise why it is still left out.
    pub fn state_zh(&self) -> String {
        match &self.left_out {
            None if self.in_totals => "已更正，计入合计".to_string(),
            None => "已更正".to_string(),
            Some(why) => format!("已更正，但本市仍未计入合计：{why}"),
        }
    }

    /// The summary's cell note: 原填 1606700，省级更正为 160.67，依据….
    pub fn note(&self) -> String {
        let by = if self.clerk.is_empty() { String::new() } else { format!("（经办人：{}）", self.clerk) };
        format!("原填 {}，省级更正为 {}，依据：{}{by}", self.original, self.value, self.basis)
    }
}

/// Whether two shown figures are the same: numerically when both read as
/// numbers ("160.670" = "160.67"), else as trimmed text.
pub fn same_figure(a: &str, b: &str) -> bool {
    let num = |s: &str| crate::model::number_text(s).map(|(d, pct, _)| if pct { d / Decimal::ONE_HUNDRED } else { d });
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

/// The number at the start of a finding's 应为 ("160.67 万元" → "160.67",
/// "4.39%" → "4.39%"), the value 按程序计算值更正 takes.
pub fn computed_value(expected: &str) -> Option<&str> {
    let t = expected.trim();
    let end = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '%' | ',')))
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    let head = t[..end].trim_end_matches(',');
    head.chars().any(|c| c.is_ascii_digit()).then_some(head)
}

/// Which register the run used, as its first lines say.
#[derive(Debug, Clone, Default)]
pub enum RegisterUse {
    /// None given and none in the previous results folder.
    #[default]
    None,
    Used(Register),
    /// Given or found, but unusable as a whole: the run goes on without it.
    Unusable {
        origin: String,
        why: register::RegisterError,
    },
}

impl RegisterUse {
    pub fn register(&self) -> Option<&Register> {
        match self {
            RegisterUse::Used(r) => Some(r),
            _ => None,
        }
    }
}

/// The run's 核实与更正 record: report.json's `decisions`, which
/// `write::json` shows with its closed findings worded.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The register read, if one was.
    pub register: Option<String>,
    /// A register given or found that could not be used, and why.
    pub register_unusable: Option<Unusable>,
    /// Decisions applied in this run.
    pub applied: usize,
    /// Every decision of the register, with what became of it.
    pub outcomes: Vec<Outcome>,
    /// report.json's `outcomes`: every filled register row in row order,
    /// the decisions with what became of them and the rows refused before
    /// they could be one (not a number, unknown code…), so nothing the
    /// clerk wrote is left unaccounted for.
    pub listed: Vec<Listed>,
    /// Register rows that could not be used.
    pub problems: Vec<RowProblem>,
    /// Findings closed: 已核实, or gone with a correction.
    pub closed: Vec<Closed>,
    /// Figures the province corrected.
    pub corrections: Vec<Correction>,
    pub finality: Finality,
    /// What is still open: the open errors and warnings…
    pub open_findings: Vec<Finding>,
    /// …and the expected cities not counted, each with why.
    pub uncounted: Vec<(String, String)>,
}

/// A register that could not be used as a whole: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}：{why}")]
pub struct Unusable {
    pub origin: String,
    pub why: register::RegisterError,
}

impl Record {
    pub fn new(
        register: &RegisterUse,
        outcomes: Vec<Outcome>,
        closed: Vec<Closed>,
        mut corrections: Vec<Correction>,
        open: &[&Finding],
        uncounted: &[(String, String)],
    ) -> Record {
        for c in &mut corrections {
            let why = uncounted.iter().find(|(city, _)| *city == c.city).map(|(_, why)| why.clone());
            c.in_totals = why.is_none();
            c.left_out = why;
        }
        let finality = Finality { open: open.len(), uncounted: uncounted.len() };
        let (reg, unusable, problems) = match register {
            RegisterUse::None => (None, None, Vec::new()),
            RegisterUse::Used(r) => (Some(r.origin.clone()), None, r.problems.clone()),
            RegisterUse::Unusable { origin, why } => {
                (None, Some(Unusable { origin: origin.clone(), why: why.clone() }), Vec::new())
            }
        };
        let mut listed: Vec<Listed> = outcomes.iter().cloned().map(|o| Listed::Decision(Box::new(o))).collect();
        listed.extend(problems.iter().map(|p| {
            Listed::Row(RefusedRow {
                row: p.row,
                city: p.cells.city.clone(),
                code: p.cells.code.clone(),
                field: p.cells.field.clone(),
                action: p.cells.action.clone(),
                value: p.cells.value.clone(),
                status: Status::Refused(Refusal::Row(p.why.clone())),
            })
        }));
        listed.sort_by_key(Listed::row);
        Record {
            register: reg,
            register_unusable: unusable,
            applied: outcomes.iter().filter(|o| o.status == Status::Applied).count(),
            outcomes,
            listed,
            problems,
            closed,
            corrections,
            finality,
            open_findings: open.iter().map(|f| (*f).clone()).collect(),
            uncounted: uncounted.to_vec(),
        }
    }

    /// "定稿" or "草稿（…）".
    pub fn state(&self) -> String {
        self.finality.zh()
    }

    /// What is still open, one line each, in the fund's words (the
    /// `--final` refusal's list and report.json's `open`).
    pub fn open(&self, words: &dyn crate::findings::Words) -> Vec<String> {
        let findings = self.open_findings.iter().map(|f| {
            let place = f.place();
            let at = if place.is_empty() { String::new() } else { format!(" {place}") };
            let who = f.city.clone().unwrap_or_else(|| f.file.clone());
            format!("{}：[{}] {}{at} {}", who, f.code.id(), f.severity.zh(), f.message(words))
        });
        findings.chain(self.uncounted.iter().map(|(c, s)| format!("{c}：{s}，未计入合计"))).collect()
    }

    /// How many findings are 已核实.
    pub fn verified(&self) -> usize {
        self.closed.iter().filter(|c| c.closure == Closure::Verified).count()
    }

    /// Every register row whose decision was not applied, in row order,
    /// with the reason: "第 7 行（茂名市 SE208）：未采用：更正值“abc”不是数字".
    /// Whatever the reason, each is named, so a clerk never has to guess
    /// which of the rows did not take.
    pub fn not_applied(&self, words: &dyn crate::findings::Words) -> Vec<String> {
        self.listed
            .iter()
            .filter(|l| match l {
                Listed::Decision(o) => {
                    matches!(o.status, Status::Refused(_) | Status::CityChanged | Status::NotApplicable)
                }
                Listed::Row(_) => true,
            })
            .map(|l| {
                let (row, city, code, status) = match l {
                    Listed::Decision(o) => (o.decision.row, &o.decision.key.city, o.decision.key.code.id(), &o.status),
                    Listed::Row(r) => (r.row, &r.city, r.code.as_str(), &r.status),
                };
                let who = [city.as_str(), code].iter().filter(|t| !t.is_empty()).copied().collect::<Vec<_>>().join(" ");
                let who = if who.is_empty() { String::new() } else { format!("（{who}）") };
                format!("第 {row} 行{who}：{}", status.zh(words))
            })
            .collect()
    }

    /// The corrections of one city's file.
    pub fn corrections_of<'a>(&'a self, city: &'a str) -> impl Iterator<Item = &'a Correction> + 'a {
        self.corrections.iter().filter(move |c| c.city == city)
    }
}

/// 草稿 or 定稿, and what is still open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Finality {
    /// Open errors and warnings.
    pub open: usize,
    /// Expected cities not counted in the totals.
    pub uncounted: usize,
}

impl Finality {
    pub fn is_final(&self) -> bool {
        self.open == 0 && self.uncounted == 0
    }

    /// "定稿" or "草稿（尚有 N 个问题未处理，M 个地市未计入合计）".
    pub fn zh(&self) -> String {
        if self.is_final() {
            return "定稿".to_string();
        }
        let mut parts = Vec::new();
        if self.open > 0 {
            parts.push(format!("尚有 {} 个问题未处理", self.open));
        }
        if self.uncounted > 0 {
            parts.push(format!("{} 个地市未计入合计", self.uncounted));
        }
        format!("草稿（{}）", parts.join("，"))
    }
}

#[cfg(test)]
mod tests;
