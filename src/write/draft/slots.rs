//! The figures each sentence names, by slot: computed once from the summary and the findings, rounded as the report prints them.

use super::*;

pub(super) fn slots(spec: &ReportSpec, s: &ProvinceSummary, findings: &[Finding], generated: &str) -> Slots {
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
    x.set("acceptance", opt_pct(t.acceptance));
    x.set("satisfaction", opt_pct(t.satisfaction));
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
    let not_accepted: Vec<String> = s
        .rows
        .iter()
        .filter(|r| r.figures.as_ref().is_some_and(|f| f.acceptance.is_none()))
        .map(|r| r.issued.name.clone())
        .collect();
    x.set("not_accepted_list", join_cities(&not_accepted));
    x.set(
        "not_accepted",
        if not_accepted.is_empty() {
            "各地市均已组织验收".to_string()
        } else {
            format!("{}尚未验收", not_accepted.join("、"))
        },
    );
    // 满意度 against its target.
    let sat_target =
        s.targets.iter().find(|r| r.level3.contains("满意度")).map(|r| r.target.clone()).unwrap_or_default();
    x.set("sat_target", sat_target.clone());
    let sat_met = s.targets.iter().find(|r| r.level3.contains("满意度")).and_then(|r| r.met);
    x.set(
        "sat_verdict",
        match sat_met {
            Some(true) => "达到",
            Some(false) => "未达到",
            None => "尚不能判断是否达到",
        },
    );
    let warnings: Vec<&Finding> = findings.iter().filter(|f| f.severity == Severity::Warning).collect();
    x.set("n_warnings", warnings.len().to_string());
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for w in &warnings {
        *codes.entry(w.title.as_str()).or_default() += 1;
    }
    x.set("warning_codes", codes.iter().map(|(t, n)| format!("{t} {n} 处")).collect::<Vec<_>>().join("、"));
    x
}

/// A factor weight in percent, as the params state it.
pub(super) fn weight(s: &ProvinceSummary, m: &str) -> String {
    s.weights.get(m).map(calc::fmt_num).unwrap_or_default()
}

/// One share line per 附件1 count, with its standard.
pub(super) fn benefit_lines(spec: &ReportSpec, s: &ProvinceSummary, slots: &Slots) -> Vec<String> {
    shares(spec, s)
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let mut x = Slots(slots.0.clone());
            x.set("ordinal", zh_number(i + 1));
            x.set("label", b.label);
            x.set("share", pct(b.share));
            x.set("share_actual", opt_pct(b.share_actual));
            x.set("verdict", b.verdict);
            x.set("target", b.target);
            x.fill(spec.sentence("benefit_item"))
        })
        .collect()
}

pub(super) struct Share {
    pub(super) label: String,
    pub(super) share: Decimal,
    pub(super) share_actual: Option<Decimal>,
    pub(super) verdict: &'static str,
    pub(super) target: String,
    pub(super) below: bool,
}

/// The 附件1 counts as shares of the plan's communities (capped at 100%),
/// judged against their 表1-1 standards.
pub(super) fn shares(spec: &ReportSpec, s: &ProvinceSummary) -> Vec<Share> {
    let t = &s.totals;
    s.benefit_fields
        .iter()
        .map(|f| &f.id)
        .enumerate()
        .filter_map(|(i, id)| {
            let count = *t.benefits.get(i)?;
            let share = calc::percent(count, t.plan.get("communities")?)?.min(Decimal::ONE_HUNDRED);
            let share_actual = calc::percent(count, t.actual.get("communities")?);
            let target = s.params_targets.iter().find(|x| x.key == *id);
            let want = match target.map(|x| &x.value) {
                Some(TargetValue::Number(d)) => Some(*d),
                _ => None,
            };
            let (verdict, below) = match want {
                Some(w) if calc::round2(share) >= w => ("达到并高于", false),
                Some(w) if w - calc::round2(share) <= spec.thresholds.slightly_below => ("略低于", true),
                Some(_) => ("低于", true),
                None => ("对照", false),
            };
            Some(Share {
                label: spec.benefit_labels.get(id).cloned().unwrap_or_else(|| id.to_string()),
                share,
                share_actual,
                verdict,
                target: want.map(|w| format!("{}%", calc::fmt_num(w))).unwrap_or_default(),
                below,
            })
        })
        .collect()
}

/// The 核实与更正 words: 草稿 / 定稿, what was confirmed and on what
/// basis, what the province corrected.
pub(super) fn decision_slots(x: &mut Slots, d: &crate::decisions::Record) {
    x.set("state", d.state.clone());
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

pub(super) fn problems(
    spec: &ReportSpec,
    s: &ProvinceSummary,
    findings: &[Finding],
    decisions: &crate::decisions::Record,
    slots: &Slots,
) -> Vec<String> {
    let mut out = Vec::new();
    let t = &s.totals;
    if t.cities_spend_rate.is_some_and(|r| r < spec.thresholds.slow_spending) {
        out.push(slots.fill(spec.sentence("problem_spending")));
    }
    if s.rows.iter().any(|r| r.figures.as_ref().is_some_and(|f| f.acceptance.is_none())) {
        out.push(slots.fill(spec.sentence("problem_not_accepted")));
    }
    for b in shares(spec, s).into_iter().filter(|b| b.below) {
        let mut x = Slots(slots.0.clone());
        x.set("label", b.label);
        x.set("share", pct(b.share));
        x.set("verdict", b.verdict);
        x.set("target", b.target);
        out.push(x.fill(spec.sentence("problem_share")));
    }
    if findings.iter().any(|f| f.severity == Severity::Warning) {
        out.push(slots.fill(spec.sentence("problem_warnings")));
    }
    let said = |key: &str| !spec.sentence(key).is_empty();
    if decisions.verified() > 0 && said("problem_verified") {
        out.push(slots.fill(spec.sentence("problem_verified")));
    }
    if decisions.corrections.iter().any(|c| c.follows.is_none()) && said("problem_corrected") {
        out.push(slots.fill(spec.sentence("problem_corrected")));
    }
    if !t.coverage.complete() {
        out.push(slots.fill(spec.sentence("problem_incomplete")));
    }
    out
}
