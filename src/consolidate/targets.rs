//! 表1-1: each 绩效目标 of the params judged on the counted cities'
//! figures, as the targets table's `judged` rules say (summary.toml), with
//! its 说明 in the rule's words. Never judged on an incomplete batch.

use super::{CityRow, Totals};
use crate::calc;
use crate::findings::render;
use crate::params::{Params, Target, TargetValue};
use crate::spec::relation::Val;
use crate::spec::targets::{is_percent, TargetHow, TargetRule};
use crate::spec::FormSpec;
use rust_decimal::Decimal;
use serde::Serialize;

/// A 表1-1 line: target, actual, rate, met.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    /// The 绩效目标's key (a measure, a `[target_words]` key, a count).
    pub key: String,
    pub level1: String,
    pub level2: String,
    pub level3: String,
    /// "≥700".
    pub target: String,
    pub actual: Option<TargetActual>,
    /// actual ÷ target in percent, for numeric targets.
    pub rate: Option<Decimal>,
    pub met: Option<bool>,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum TargetActual {
    Number(Decimal),
    /// A percent value (93.25 meaning 93.25%).
    Percent(Decimal),
    Text(String),
}

/// What a rule needs besides the target: the batch and the form.
struct Batch<'a> {
    rows: &'a [CityRow],
    totals: &'a Totals,
    form: &'a FormSpec,
}

impl Batch<'_> {
    /// The counted cities' values of `field`.
    fn values<'b>(&'b self, field: &'b str) -> impl Iterator<Item = &'b Val> + 'b {
        self.rows.iter().filter_map(move |r| r.figures.as_ref()?.values.get(field))
    }
}

/// Judges every target of the params by the rule that names it; a target
/// no rule names is shown without an actual, 无法判断.
pub fn judge(
    rows: &[CityRow],
    totals: &Totals,
    params: &Params,
    form: &FormSpec,
    rules: &[TargetRule],
) -> Vec<TargetRow> {
    let n = rows.len();
    let counted = totals.cities_counted;
    let batch = Batch { rows, totals, form };
    params
        .targets
        .iter()
        .map(|t| {
            let rule = rules.iter().find(|r| r.targets.contains(&t.key));
            let mut row = blank_row(t, rule.map(|r| r.unit.as_str()).unwrap_or_default());
            if let Some(rule) = rule {
                judge_one(&mut row, t, rule, &batch);
            }
            if counted < n {
                // Never judge a target on an incomplete batch.
                row.met = None;
                let what = format!(
                    "只汇总了 {counted}/{n} 个地市（{}），全部地市通过校验后才能判断是否达成",
                    totals.coverage.excluded_text()
                );
                row.note = if row.note.is_empty() { what } else { format!("{}；{what}", row.note) };
            }
            row
        })
        .collect()
}

fn blank_row(t: &Target, unit: &str) -> TargetRow {
    let op = if t.op == crate::params::Op::Equal { "" } else { t.op.symbol() };
    let target = match &t.value {
        TargetValue::Number(d) => format!("{op}{}{unit}", calc::fmt_num(*d)),
        TargetValue::Text(s) => s.clone(),
    };
    TargetRow {
        key: t.key.clone(),
        level1: t.level1.clone(),
        level2: t.level2.clone(),
        level3: t.level3.clone(),
        target,
        actual: None,
        rate: None,
        met: None,
        note: String::new(),
    }
}

/// A numeric actual: its rate against a numeric target, and whether it
/// meets it (to 2 places, as the report rounds).
fn numeric(row: &mut TargetRow, t: &Target, actual: Decimal, as_pct: bool) {
    if let TargetValue::Number(target) = t.value {
        row.rate = calc::percent(actual, target);
        row.met = Some(t.op.meets(calc::round2(actual), target));
    }
    row.actual = Some(if as_pct { TargetActual::Percent(actual) } else { TargetActual::Number(actual) });
}

fn judge_one(row: &mut TargetRow, t: &Target, rule: &TargetRule, b: &Batch) {
    let counted = b.totals.cities_counted.to_string();
    match rule.how {
        TargetHow::Sum => {
            let (Some(a), Some(p)) = (b.totals.actual.get(&t.key), b.totals.plan.get(&t.key)) else { return };
            numeric(row, t, a, false);
            let rate = calc::percent(a, p).map(calc::fmt_pct).unwrap_or_default();
            row.note = render(&rule.note, &[("counted", &counted), ("plan", &calc::fmt_num(p)), ("rate", &rate)]);
        }
        TargetHow::Mean => {
            let Some(field) = rule.field.as_deref() else { return };
            let pct = is_percent(b.form, field);
            let scale = if pct { Decimal::ONE_HUNDRED } else { Decimal::ONE };
            let v: Vec<Decimal> = b.values(field).filter_map(Val::num).filter_map(|d| d.checked_mul(scale)).collect();
            let Some(mean) = calc::mean(&v) else { return };
            numeric(row, t, mean, pct);
            row.note = render(&rule.note, &[("counted", &counted), ("n", &v.len().to_string())]);
        }
        TargetHow::All => {
            let (Some(field), Some(equals)) = (rule.field.as_deref(), rule.equals.as_deref()) else { return };
            let v: Vec<&str> = b
                .values(field)
                .filter_map(|x| match x {
                    Val::Text(s) => Some(s.as_str()),
                    Val::Num(_) => None,
                })
                .collect();
            if v.is_empty() {
                return;
            }
            let yes = v.iter().filter(|x| **x == equals).count();
            let all = if yes == v.len() { equals } else { rule.otherwise.as_deref().unwrap_or_default() };
            row.actual = Some(TargetActual::Text(all.to_string()));
            row.met = Some(TargetValue::Text(all.to_string()) == t.value);
            let (yes, n) = (yes.to_string(), v.len().to_string());
            row.note = render(&rule.note, &[("counted", &counted), ("n", &n), ("yes", &yes)]);
        }
        TargetHow::Share => share(row, t, rule, b),
    }
}

/// A 附件1 count as a share of the measure it is bounded by (`at_most`,
/// the communities), the way section 二(一)3 states it: of the planned
/// (700), a share above 100% counted as 100%; the share of the actual
/// (1161) beside it.
fn share(row: &mut TargetRow, t: &Target, rule: &TargetRule, b: &Batch) {
    let count: Decimal = b.values(&t.key).filter_map(Val::num).sum();
    let bound = b.form.field(&t.key).and_then(|f| f.at_most.clone());
    let Some(m) = b.form.measures.iter().find(|m| Some(&m.actual) == bound.as_ref()) else { return };
    let (Some(planned), Some(actual)) = (b.totals.plan.get(&m.key), b.totals.actual.get(&m.key)) else { return };
    let (Some(of_plan), Some(of_actual)) = (calc::percent(count, planned), calc::percent(count, actual)) else {
        return;
    };
    let shown = of_plan.min(Decimal::ONE_HUNDRED);
    // A share under a % target, never a bare count.
    row.actual = Some(TargetActual::Percent(shown));
    if let TargetValue::Number(want) = t.value {
        row.rate = calc::percent(calc::round2(shown), want);
        row.met = Some(t.op.meets(calc::round2(shown), want));
    }
    let of_plan_text = calc::fmt_pct(of_plan);
    let slots = [
        ("count", calc::fmt_num(count)),
        ("short", m.short.clone()),
        ("planned", calc::fmt_num(planned)),
        ("share", calc::fmt_pct(shown)),
        ("actual", calc::fmt_num(actual)),
        ("share_actual", calc::fmt_pct(of_actual)),
        ("of_plan", of_plan_text),
    ];
    let pairs: Vec<(&str, &str)> = slots.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let capped = if of_plan > Decimal::ONE_HUNDRED { render(&rule.capped, &pairs) } else { String::new() };
    let mut all = pairs.clone();
    all.push(("capped", &capped));
    row.note = render(&rule.note, &all);
}
