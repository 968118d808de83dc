//! report.json: the machine-readable result of a run, for scripts and for
//! next year's tooling. Decimals are strings so no figure is rounded by a
//! JSON reader.

use crate::calc;
use crate::consolidate::ProvinceSummary;
use crate::decisions::{Closure, Correction, Finality, Listed, Record, RowProblem};
use crate::findings::{Finding, Shown};
use crate::model::InputReport;
use crate::spec::FormSpec;
use rust_decimal::Decimal;
use serde::Serialize;

/// The report's 合计 figures, rounded as the report prints them.
#[derive(Debug, Clone, Serialize)]
pub struct JsonTotals {
    pub budget: String,
    pub arrived: String,
    pub spent: String,
    pub spend_rate: String,
    pub cities_budget: String,
    pub cities_spent: String,
    pub cities_spend_rate: String,
    /// By measure, in the form's order.
    pub plan: Vec<String>,
    pub actual: Vec<String>,
    pub completion: Vec<String>,
    /// 附件1 counts, in the form's order.
    pub benefits: Vec<String>,
    pub acceptance: String,
    pub satisfaction: String,
    pub cities_counted: usize,
    /// What the totals cover: "合计" or "合计（13个地市，不含…）".
    pub coverage: String,
    pub allocation_available: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report<'a> {
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

fn d2(x: Decimal) -> String {
    calc::fmt2(x)
}

fn p2(x: Option<Decimal>) -> String {
    x.map(calc::fmt_pct).unwrap_or_default()
}

fn by_measure(s: &ProvinceSummary, m: &crate::model::Measures, f: impl Fn(Decimal) -> String) -> Vec<String> {
    s.measures.iter().map(|k| f(m.get(&k.key).unwrap_or_default())).collect()
}

/// The totals block of report.json.
pub fn totals(s: &ProvinceSummary) -> JsonTotals {
    let t = &s.totals;
    let count = |x: Decimal| calc::fmt_num(x);
    let measure = |x: Decimal| if x.fract().is_zero() { count(x) } else { d2(x) };
    JsonTotals {
        budget: d2(t.budget),
        arrived: d2(t.arrived),
        spent: d2(t.spent),
        spend_rate: p2(t.spend_rate),
        cities_budget: d2(t.cities_budget),
        cities_spent: d2(t.cities_spent),
        cities_spend_rate: p2(t.cities_spend_rate),
        plan: by_measure(s, &t.plan, measure),
        actual: by_measure(s, &t.actual, measure),
        completion: t.completion.iter().map(|c| p2(*c)).collect(),
        benefits: t.benefits.iter().map(|x| count(*x)).collect(),
        acceptance: p2(t.acceptance),
        satisfaction: p2(t.satisfaction),
        cities_counted: t.cities_counted,
        coverage: t.coverage.total_label(),
        allocation_available: d2(s.allocation.available),
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
    outcomes: &'a [Listed],
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
            outcomes: &r.listed,
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
