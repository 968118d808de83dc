//! report.json: the machine-readable result of a run, for scripts and for
//! next year's tooling. Decimals are strings so no figure is rounded by a
//! JSON reader.

use crate::calc;
use crate::consolidate::ProvinceSummary;
use crate::decisions::{Closure, Correction, Finality, Listed, Record, RowProblem, StatusShown};
use crate::findings::{Finding, Shown};
use crate::model::InputReport;
use crate::spec::{ColFormat, FormSpec, SummarySpec};
use rust_decimal::Decimal;
use serde::Serialize;

/// report.json's shape, raised when a field changes meaning or place
/// (docs/report.schema.json describes it; 2: `totals` follows the
/// fund's declared tables).
pub const SCHEMA: u32 = 2;

/// The run's 合计, as the fund's tables declare them: for each city table
/// (summary.toml key), each column with a total (its key) and its value
/// formatted as the column is ("3623.35", "18.40%", "92301"); `cities` is
/// the 其中 line without the province's own, in a table that has one.
#[derive(Debug, Clone, Serialize)]
pub struct JsonTotals {
    pub cities_counted: usize,
    /// What the totals cover: "合计" or "合计（13个地市，不含…）".
    pub coverage: String,
    /// The amount the factor method allocates, 2 places.
    pub allocation_available: String,
    pub tables: JsonTables,
}

/// Tables and columns in their declared order.
#[derive(Debug, Clone)]
pub struct JsonTables(Vec<(String, Vec<(String, JsonTotal)>)>);

#[derive(Debug, Clone, Serialize)]
pub struct JsonTotal {
    pub total: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cities: Option<String>,
}

impl Serialize for JsonTables {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Columns<'a>(&'a [(String, JsonTotal)]);
        impl Serialize for Columns<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in self.0 {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, cols) in &self.0 {
            m.serialize_entry(k, &Columns(cols))?;
        }
        m.end()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report<'a> {
    /// [`SCHEMA`].
    pub schema: u32,
    pub tool: &'static str,
    pub version: &'static str,
    pub generated_at: String,
    /// Which round of submissions this run is (1 without a previous one).
    pub round: u32,
    /// The previous round compared with, and what changed since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<&'a crate::rounds::Comparison>,
    pub templates: &'a str,
    pub params: &'a str,
    pub inputs: &'a [InputReport],
    pub missing_cities: Vec<String>,
    /// 报送情况: one entry per expected city (with the summary only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cities: Option<&'a [crate::roster::CityEntry]>,
    pub findings: Vec<Shown<'a>>,
    pub totals: Option<JsonTotals>,
    /// 核实与更正: the register used, each decision and what became of
    /// it, what was closed and corrected, and 草稿 / 定稿.
    pub decisions: RecordShown<'a>,
    /// The fingerprint of the result and what went into it (printed on
    /// every page of the summary; `selfeval verify` checks it).
    pub fingerprint: &'a crate::fingerprint::Fingerprint,
}

/// A total as its column shows it.
fn formatted(format: ColFormat, x: Decimal) -> String {
    match format {
        ColFormat::Pct2 => x.checked_mul(Decimal::ONE_HUNDRED).map(calc::fmt_pct).unwrap_or_default(),
        ColFormat::Int => calc::fmt_num(calc::round2(x)),
        ColFormat::Dec2 => calc::fmt2(x),
        ColFormat::Coef | ColFormat::Text => x.normalize().to_string(),
    }
}

/// The totals block of report.json, from the run's one computation of
/// every table's totals.
pub fn totals(s: &ProvinceSummary, summary: &SummarySpec) -> JsonTotals {
    let tables = s.tables.0.iter().filter_map(|t| {
        let sheet = summary.sheet(&t.key)?;
        let with_own = sheet.own.is_some();
        let cols = t.columns.iter().filter_map(|(key, v)| {
            let format = sheet.col(key).map(|c| sheet.columns[c as usize].format)?;
            let total = v.all.map(|x| formatted(format, x)).unwrap_or_default();
            let cities = v.cities.filter(|_| with_own).map(|x| formatted(format, x));
            Some((key.clone(), JsonTotal { total, cities }))
        });
        Some((t.key.clone(), cols.collect()))
    });
    JsonTotals {
        cities_counted: s.totals.cities_counted,
        coverage: s.totals.coverage.total_label(),
        allocation_available: calc::fmt2(s.allocation.available),
        tables: JsonTables(tables.collect()),
    }
}

/// One entry of `decisions.outcomes`: a decision with what became of it,
/// or a register row refused before it could be one; the status worded by
/// the fund.
#[derive(Debug, Clone)]
pub struct ListedShown<'a> {
    listed: &'a Listed,
    words: &'a FormSpec,
}

impl Serialize for ListedShown<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Decided<'a> {
            #[serde(flatten)]
            decision: &'a crate::decisions::Decision,
            status: StatusShown<'a>,
        }
        #[derive(Serialize)]
        struct Row<'a> {
            row: u32,
            city: &'a str,
            code: &'a str,
            field: &'a str,
            action: &'a str,
            value: &'a str,
            status: StatusShown<'a>,
        }
        match self.listed {
            Listed::Decision(o) => {
                Decided { decision: &o.decision, status: StatusShown { status: &o.status, words: self.words } }
                    .serialize(s)
            }
            Listed::Row(r) => Row {
                row: r.row,
                city: &r.city,
                code: &r.code,
                field: &r.field,
                action: &r.action,
                value: &r.value,
                status: StatusShown { status: &r.status, words: self.words },
            }
            .serialize(s),
        }
    }
}

/// Findings as report.json lists them, worded by the template set.
pub fn shown<'a>(findings: &'a [Finding], form: &'a FormSpec) -> Vec<Shown<'a>> {
    findings.iter().map(|f| f.shown(form)).collect()
}

/// report.json's `decisions`: the run's record, each closed finding with
/// its words.
#[derive(Debug, Clone, Serialize)]
pub struct RecordShown<'a> {
    register: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    register_unusable: Option<String>,
    applied: usize,
    outcomes: Vec<ListedShown<'a>>,
    problems: &'a [RowProblem],
    closed: Vec<ClosedShown<'a>>,
    corrections: &'a [Correction],
    finality: &'a Finality,
    state: String,
    open: Vec<String>,
}

/// A closed finding: the finding's keys, then how it was closed.
#[derive(Debug, Clone, Serialize)]
struct ClosedShown<'a> {
    #[serde(flatten)]
    finding: Shown<'a>,
    closure: Closure,
    row: u32,
    basis: &'a str,
    clerk: &'a str,
    date: &'a str,
}

impl<'a> RecordShown<'a> {
    pub fn new(r: &'a Record, form: &'a FormSpec) -> Self {
        let closed = r
            .closed
            .iter()
            .map(|c| ClosedShown {
                finding: c.finding.shown(form),
                closure: c.closure,
                row: c.row,
                basis: &c.basis,
                clerk: &c.clerk,
                date: &c.date,
            })
            .collect();
        RecordShown {
            register: &r.register,
            register_unusable: r.register_unusable.as_ref().map(ToString::to_string),
            applied: r.applied,
            outcomes: r.listed.iter().map(|listed| ListedShown { listed, words: form }).collect(),
            problems: &r.problems,
            closed,
            corrections: &r.corrections,
            finality: &r.finality,
            state: r.state(),
            open: r.open(form),
        }
    }
}

pub fn to_bytes(r: &Report) -> Vec<u8> {
    serde_json::to_vec_pretty(r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}").into_bytes())
}
