//! The figures each sentence names, by slot: computed once from the summary and the findings, rounded as the report prints them.

use super::*;

use crate::spec::outline::Slot;
use crate::spec::relation::Val;
use crate::spec::{ColFormat, SummaryColumn, SummarySpec};

pub(super) fn slots(
    spec: &ReportSpec,
    s: &ProvinceSummary,
    findings: &[Finding],
    form: &crate::spec::FormSpec,
    generated: &str,
) -> Slots {
    let t = &s.totals;
    let mut x = Slots(BTreeMap::new());
    x.set("year", s.year.to_string());
    x.set("generated", generated);
    x.set("total", num(s.total));
    let all_budget: Decimal = s.rows.iter().map(|r| r.issued.budget).sum();
    x.set("cities_budget_all", num(all_budget));
    let short: Vec<String> = s.rows.iter().map(|r| r.issued.name.trim_end_matches('市').to_string()).collect();
    x.set("city_names", format!("{}市", short.join("、")));
    x.set("n_cities", s.rows.len().to_string());
    x.set("own_budget", num(s.own.budget));
    x.set("own_spent", num(s.own.spent));
    x.set("own_rate", opt_pct(calc::percent(s.own.spent, s.own.budget)));
    for (i, m) in s.measures.iter().map(|m| m.key.as_str()).enumerate() {
        let issued: Decimal = s.rows.iter().filter_map(|r| r.issued.plan.get(m)).sum();
        // The targets state the plan as issued, for every city; the
        // output sentences the plan of the cities counted.
        x.set(&format!("plan_all_{m}"), num(issued));
        x.set(&format!("plan_{m}"), num(t.plan.get(m).unwrap_or_default()));
        x.set(&format!("actual_{m}"), num(t.actual.get(m).unwrap_or_default()));
        x.set(&format!("rate_{m}"), opt_pct(t.completion.get(i).copied().flatten()));
    }
    x.set("spent", num(t.spent));
    x.set("spend_rate", opt_pct(t.spend_rate));
    x.set("cities_budget", num(t.cities_budget));
    x.set("cities_spent", num(t.cities_spent));
    x.set("cities_spend_rate", opt_pct(t.cities_spend_rate));
    x.set("n_counted", t.cities_counted.to_string());
    x.set("excluded", t.coverage.excluded_text());
    for m in &s.measures {
        x.set(&format!("w_{}", m.key), weight(s, &m.key));
    }
    // Spend rates by city.
    let rates: Vec<(String, Decimal)> = s
        .rows
        .iter()
        .filter_map(|r| {
            let f = r.figures.as_ref()?;
            Some((r.issued.name.clone(), calc::percent(f.spent, r.issued.budget)?))
        })
        .collect();
    let avg = t.cities_spend_rate.unwrap_or_default();
    let above: Vec<String> = rates.iter().filter(|(_, r)| *r > avg).map(|(c, _)| c.clone()).collect();
    let below: Vec<String> = rates.iter().filter(|(_, r)| *r <= avg).map(|(c, _)| c.clone()).collect();
    x.set("above", join_cities(&above));
    x.set("below", join_cities(&below));
    x.set("n_above", above.len().to_string());
    x.set("n_below", below.len().to_string());
    if let Some((c, r)) = rates.iter().max_by_key(|(_, r)| *r) {
        x.set("max_city", c.clone());
        x.set("max_rate", pct(*r));
    }
    if let Some((c, r)) = rates.iter().min_by_key(|(_, r)| *r) {
        x.set("min_city", c.clone());
        x.set("min_rate", pct(*r));
    }
    let low = spec.thresholds.low_spending;
    let low_cities: Vec<String> =
        rates.iter().filter(|(_, r)| calc::round2(*r) < low).map(|(c, r)| format!("{c}（{}）", pct(*r))).collect();
    x.set("low_cities", join_cities(&low_cities));
    x.set("low_threshold", calc::fmt_num(low));
    let warnings: Vec<&Finding> = findings.iter().filter(|f| f.severity == Severity::Warning).collect();
    x.set("n_warnings", warnings.len().to_string());
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for w in &warnings {
        *codes.entry(w.title(form)).or_default() += 1;
    }
    x.set("warning_codes", codes.iter().map(|(t, n)| format!("{t} {n} 处")).collect::<Vec<_>>().join("、"));
    x
}

/// A factor weight in percent, as the params state it.
pub(super) fn weight(s: &ProvinceSummary, m: &str) -> String {
    s.weights.get(m).map(calc::fmt_num).unwrap_or_default()
}

pub(super) struct Share {
    pub(super) label: String,
    pub(super) share: Decimal,
    pub(super) share_actual: Option<Decimal>,
    pub(super) verdict: String,
    pub(super) target: String,
    pub(super) below: bool,
}

impl Share {
    /// The slots a repeated body (`each`) fills for this share.
    pub(super) fn slots(&self, base: &Slots, ordinal: usize) -> Slots {
        let mut x = Slots(base.0.clone());
        x.set("ordinal", zh_number(ordinal));
        x.set("label", self.label.clone());
        x.set("share", pct(self.share));
        x.set("share_actual", opt_pct(self.share_actual));
        x.set("verdict", self.verdict.clone());
        x.set("target", self.target.clone());
        x
    }
}

/// The 附件1 counts as shares of their bound measure's plan (capped at
/// 100%), judged against their 表1-1 standards in the fund's words.
pub(super) fn shares(spec: &ReportSpec, s: &ProvinceSummary) -> Vec<Share> {
    let t = &s.totals;
    let words = spec.share_verdicts.clone().unwrap_or_default();
    s.benefit_fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let count = *t.benefits.get(i)?;
            let m = s.measures.iter().find(|m| Some(&m.actual) == f.at_most.as_ref())?;
            let share = calc::percent(count, t.plan.get(&m.key)?)?.min(Decimal::ONE_HUNDRED);
            let share_actual = calc::percent(count, t.actual.get(&m.key)?);
            let want = match s.params_targets.iter().find(|x| x.key == f.id).map(|x| &x.value) {
                Some(TargetValue::Number(d)) => Some(*d),
                _ => None,
            };
            let (verdict, below) = match want {
                Some(w) if calc::round2(share) >= w => (&words.above, false),
                Some(w) if w - calc::round2(share) <= spec.thresholds.slightly_below => (&words.slightly_below, true),
                Some(_) => (&words.below, true),
                None => (&words.none, false),
            };
            Some(Share {
                label: spec.benefit_labels.get(&f.id).cloned().unwrap_or_else(|| f.id.clone()),
                share,
                share_actual,
                verdict: verdict.clone(),
                target: want.map(|w| format!("{}%", calc::fmt_num(w))).unwrap_or_default(),
                below,
            })
        })
        .collect()
}

/// The fund's own slots ([slots] of report.toml): a table's 合计, the
/// cities without a figure, a target and whether it is met.
pub(super) fn declared_slots(x: &mut Slots, spec: &ReportSpec, summary: &SummarySpec, s: &ProvinceSummary) {
    for (name, slot) in &spec.slots {
        let text = match slot {
            Slot::Total { sheet, column } => total_text(summary, s, sheet, column),
            Slot::CitiesWithout { field, none, some } => {
                let cities = cities_without(s, field);
                match (cities.is_empty(), some) {
                    (true, _) => none.clone(),
                    (false, Some(pattern)) => render(pattern, &[("cities", &cities.join("、"))]),
                    (false, None) => cities.join("、"),
                }
            }
            Slot::Target(key) => s.targets.iter().find(|r| &r.key == key).map(|r| r.target.clone()).unwrap_or_default(),
            Slot::Verdict { key, words } => match s.targets.iter().find(|r| &r.key == key).and_then(|r| r.met) {
                Some(true) => words[0].clone(),
                Some(false) => words[1].clone(),
                None => words[2].clone(),
            },
        };
        x.set(name, text);
    }
}

/// A summary column's 合计 as the draft prints it ("—" for none).
fn total_text(summary: &SummarySpec, s: &ProvinceSummary, sheet: &str, column: &str) -> String {
    let Some(sheet) = summary.sheet(sheet) else { return String::new() };
    let Some(col) = sheet.columns.iter().find(|c| c.key == column) else { return String::new() };
    match s.tables.get(&sheet.key, &col.key).and_then(|t| t.all) {
        Some(d) => shown(col, d, false),
        None => "—".into(),
    }
}

/// The counted cities whose `field` holds no figure (a word, or nothing).
pub(super) fn cities_without(s: &ProvinceSummary, field: &str) -> Vec<String> {
    s.rows
        .iter()
        .filter(|r| r.figures.as_ref().is_some_and(|f| !matches!(f.values.get(field), Some(Val::Num(_)))))
        .map(|r| r.issued.name.clone())
        .collect()
}

/// A figure of a summary column as the draft prints it: a percent column's
/// as "45.64%" ("166.62" when `bare`), any other rounded to 2 places.
pub(super) fn shown(col: &SummaryColumn, d: Decimal, bare: bool) -> String {
    match (col.format, bare) {
        (ColFormat::Pct2, false) => pct(d * Decimal::ONE_HUNDRED),
        (ColFormat::Pct2, true) => rate_num(Some(d * Decimal::ONE_HUNDRED)),
        _ => num(d),
    }
}

/// The 核实与更正 words: 草稿 / 定稿, what was confirmed and on what
/// basis, what the province corrected.
pub(super) fn decision_slots(x: &mut Slots, d: &crate::decisions::Record) {
    x.set("state", d.state());
    x.set("n_verified", d.verified().to_string());
    let mut bases: Vec<&str> = Vec::new();
    for c in d.closed.iter().filter(|c| c.closure == crate::decisions::Closure::Verified) {
        if !bases.contains(&c.basis.as_str()) {
            bases.push(&c.basis);
        }
    }
    let more = if bases.len() > 3 { format!("等 {} 项依据", bases.len()) } else { String::new() };
    x.set("verified_basis", format!("{}{more}", bases.iter().take(3).copied().collect::<Vec<_>>().join("；")));
    let own: Vec<&crate::decisions::Correction> = d.corrections.iter().filter(|c| c.follows.is_none()).collect();
    x.set("n_corrected", own.len().to_string());
    x.set(
        "corrections_list",
        own.iter()
            .map(|c| format!("{}{}原填 {}，更正为 {}，依据：{}", c.city, c.label, c.original, c.value, c.basis))
            .collect::<Vec<_>>()
            .join("；"),
    );
}
