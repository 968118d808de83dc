//! Submissions → the provincial summary: per-city rows in the report's
//! order, 合计 recomputed exactly, 表1-1 targets judged, allocation run.

use crate::allocate::{allocate, AllocError, Allocation};
use crate::calc;
use crate::model::Parsed;
use crate::model::{CityFigures, Measures, Submission};
use crate::params::{CityParams, Params, ProvinceOwn, TargetValue};
use crate::roster::{CityStatus, Coverage, Roster};
use crate::spec::relation::Val;
use crate::spec::{FormSpec, Role};
use rust_decimal::Decimal;
use serde::Serialize;

/// One city line of the summary: what was issued, and what it reported.
#[derive(Debug, Clone, Serialize)]
pub struct CityRow {
    pub issued: CityParams,
    /// `None` when the city's figures are not in the totals (see
    /// [`crate::roster`] for the rule); `status` and `reason` say why.
    pub figures: Option<CityFigures>,
    pub status: CityStatus,
    pub reason: String,
}

/// The recomputed 合计 figures, exact; rates in percent.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub budget: Decimal,
    pub arrived: Decimal,
    pub spent: Decimal,
    pub spend_rate: Option<Decimal>,
    pub cities_budget: Decimal,
    pub cities_arrived: Decimal,
    pub cities_spent: Decimal,
    pub cities_spend_rate: Option<Decimal>,
    pub plan: Measures,
    pub actual: Measures,
    /// Completion rates, in the form's measure order.
    pub completion: Vec<Option<Decimal>>,
    /// The 附件1 counts, in the order of the form's `feeds` fields.
    pub benefits: Vec<Decimal>,
    /// Mean 验收合格率 of the cities that have accepted works.
    pub acceptance: Option<Decimal>,
    /// Simple mean of the cities' 满意度, as the report computes it.
    pub satisfaction: Option<Decimal>,
    /// Cities whose figures are in the totals.
    pub cities_counted: usize,
    /// Which cities the totals cover, for every 合计 label.
    pub coverage: Coverage,
}

/// A 表1-1 line: target, actual, rate, met.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
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

#[derive(Debug, Clone, Serialize)]
pub struct ProvinceSummary {
    pub year: i64,
    pub fund: String,
    pub total: Decimal,
    pub own: ProvinceOwn,
    pub rows: Vec<CityRow>,
    pub totals: Totals,
    pub targets: Vec<TargetRow>,
    pub allocation: Allocation,
    /// The factor weights, in percent (for the report draft).
    pub weights: Measures,
    /// The issued targets as the params state them.
    pub params_targets: Vec<crate::params::Target>,
    /// 基本参数 rows describing the fund (表1-1's header block).
    pub profile: Vec<(String, String)>,
    /// The year's measures, in 表2-3's order (from the form).
    #[serde(skip)]
    pub measures: Vec<crate::spec::MeasureSpec>,
    /// The 附件1 count fields, in the order of `totals.benefits`.
    #[serde(skip)]
    pub benefit_fields: Vec<crate::spec::FieldSpec>,
}

/// A city table column's 合计 over the counted cities' figures, exact: a
/// sum, a simple mean, or the ratio of two columns' sums; `None` for a
/// column without one (or a ratio over 0).
pub fn column_total(col: &crate::spec::SummaryColumn, counted: &[&CityFigures]) -> Option<Decimal> {
    use crate::spec::ColTotal;
    let nums =
        |k: &str| -> Vec<Decimal> { counted.iter().filter_map(|f| f.values.get(k).and_then(Val::num)).collect() };
    let sum = |k: &str| nums(k).iter().sum::<Decimal>();
    match (col.total?, col.of.as_slice()) {
        (ColTotal::Sum, _) => Some(sum(&col.key)),
        (ColTotal::Mean, _) => {
            let n = nums(&col.key);
            (!n.is_empty()).then(|| n.iter().sum::<Decimal>() / Decimal::from(n.len()))
        }
        (ColTotal::Ratio, [a, b]) => sum(a).checked_div(sum(b)),
        (ColTotal::Ratio, _) => None,
    }
}

/// The figures the summary takes from a workbook; `None` if any is
/// unreadable (the findings say which).
pub fn figures(sub: &Submission, issued: &CityParams, form: &FormSpec) -> Option<CityFigures> {
    let mut actual = Measures::default();
    for m in &form.measures {
        actual.set(&m.key, sub.num(&m.actual)?);
    }
    let benefits = form.benefit_counts().iter().map(|f| sub.num(&f.id)).collect::<Option<Vec<_>>>()?;
    let num = |role: Role| sub.num(form.role(role)?);
    let pct = |role: Role| sub.pct(form.role(role)?);
    // A role the form has must be readable; one it lacks is simply absent.
    let optional = |role: Role, v: Option<Decimal>| match form.role(role) {
        Some(_) => v.map(Some),
        None => Some(None),
    };
    Some(CityFigures {
        city: issued.name.clone(),
        file: sub.name.clone(),
        budget: num(Role::Budget)?,
        arrived: optional(Role::Arrived, num(Role::Arrived))?,
        spent: num(Role::Spent)?,
        plan: issued.plan.clone(),
        actual,
        benefits,
        acceptance: pct(Role::Acceptance),
        satisfaction: optional(Role::Satisfaction, pct(Role::Satisfaction))?,
        started: pct(Role::Started),
        living: sub.text_of(Role::Living).map(str::to_string),
        values: form
            .fields()
            .filter_map(|f| match sub.parsed(&f.id) {
                Parsed::Number(d) => Some((f.id.clone(), Val::Num(*d))),
                Parsed::Text(t) => Some((f.id.clone(), Val::Text(t.clone()))),
                _ => None,
            })
            .collect(),
    })
}

/// Builds the summary. `used[i]` is the submission whose figures stand
/// for `params.cities[i]`, `Some` only for a city the roster counts.
pub fn consolidate(
    used: &[Option<&Submission>],
    roster: &Roster,
    params: &Params,
    form: &FormSpec,
) -> Result<ProvinceSummary, AllocError> {
    let rows: Vec<CityRow> = params
        .cities
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let entry = roster.entry(&c.name);
            let mut status = entry.map(|e| e.status).unwrap_or(CityStatus::NotReceived);
            let mut reason = entry.map(|e| e.reason.clone()).unwrap_or_default();
            let figures = used.get(i).copied().flatten().and_then(|s| figures(s, c, form));
            if figures.is_none() && status.counted() {
                // Cannot happen for a form without errors; said, not hidden.
                status = CityStatus::NeedsFix;
                reason = "自评表中有数字无法读取".to_string();
            }
            CityRow { issued: c.clone(), figures, status, reason }
        })
        .collect();
    let totals = totals(&rows, params, form);
    let targets = targets(&rows, &totals, params, form);
    Ok(ProvinceSummary {
        year: params.year,
        fund: params.fund.clone(),
        total: params.total,
        own: params.province_own.clone(),
        allocation: allocate(params)?,
        weights: params.weights.clone(),
        params_targets: params.targets.clone(),
        profile: params.profile.clone(),
        measures: form.measures.clone(),
        benefit_fields: form.benefit_counts().into_iter().cloned().collect(),
        rows,
        totals,
        targets,
    })
}

/// Which cities the rows' figures cover.
pub fn coverage(rows: &[CityRow]) -> Coverage {
    let of = |s: CityStatus| rows.iter().filter(|r| r.status == s).map(|r| r.issued.name.clone()).collect();
    Coverage {
        counted: rows.iter().filter(|r| r.figures.is_some()).count(),
        expected: rows.len(),
        needs_fix: of(CityStatus::NeedsFix),
        not_received: of(CityStatus::NotReceived),
    }
}

fn totals(rows: &[CityRow], params: &Params, form: &FormSpec) -> Totals {
    let figs: Vec<&CityFigures> = rows.iter().filter_map(|r| r.figures.as_ref()).collect();
    let sum = |f: &dyn Fn(&CityFigures) -> Decimal| figs.iter().map(|c| f(c)).sum::<Decimal>();
    // Budget and plan are summed over the same cities as the figures
    // reported, so every rate divides like by like.
    let counted = || rows.iter().filter(|r| r.figures.is_some());
    let cities_budget: Decimal = counted().map(|r| r.issued.budget).sum();
    // 0 for a form without 到位资金: nothing arrived that was reported.
    let cities_arrived = sum(&|c| c.arrived.unwrap_or_default());
    let cities_spent = sum(&|c| c.spent);
    let own = &params.province_own;
    let mut plan = Measures::default();
    let mut actual = Measures::default();
    for m in form.measures.iter().map(|m| m.key.as_str()) {
        plan.set(m, counted().filter_map(|r| r.issued.plan.get(m)).sum());
        actual.set(m, figs.iter().filter_map(|c| c.actual.get(m)).sum());
    }
    let completion = form.measures.iter().map(|m| calc::percent(actual.get(&m.key)?, plan.get(&m.key)?)).collect();
    let benefits =
        (0..form.benefit_counts().len()).map(|i| figs.iter().filter_map(|c| c.benefits.get(i)).sum()).collect();
    let acc: Vec<Decimal> = figs.iter().filter_map(|c| c.acceptance).collect();
    let sat: Vec<Decimal> = figs.iter().filter_map(|c| c.satisfaction).collect();
    let budget = cities_budget + own.budget;
    let spent = cities_spent + own.spent;
    Totals {
        budget,
        arrived: cities_arrived + own.arrived,
        spent,
        spend_rate: calc::percent(spent, budget),
        cities_budget,
        cities_arrived,
        cities_spent,
        cities_spend_rate: calc::percent(cities_spent, cities_budget),
        plan,
        actual,
        completion,
        benefits,
        acceptance: calc::mean(&acc),
        satisfaction: calc::mean(&sat),
        cities_counted: figs.len(),
        coverage: coverage(rows),
    }
}

/// A 附件1 count as a share of the measure it is bounded by (`at_most`,
/// the communities), the way section 二(一)3 states it: of the planned
/// communities (700), a share above 100% counted as 100%; the share of the
/// actual communities (1161) beside it.
fn benefit_share(row: &mut TargetRow, t: &crate::params::Target, i: usize, totals: &Totals, form: &FormSpec) {
    let Some(count) = totals.benefits.get(i).copied() else {
        return;
    };
    let bound = form.benefit_counts().get(i).and_then(|f| f.at_most.clone());
    let Some(m) = form.measures.iter().find(|m| Some(&m.actual) == bound.as_ref()) else {
        return;
    };
    let (Some(planned), Some(actual)) = (totals.plan.get(&m.key), totals.actual.get(&m.key)) else {
        return;
    };
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
    let capped = if of_plan > Decimal::ONE_HUNDRED {
        format!("（{}，超过 100% 的按 100% 计）", calc::fmt_pct(of_plan))
    } else {
        String::new()
    };
    let s = &m.short;
    row.note = format!(
        "{} 个{s}，占计划改造{s} {} 个的 {}{capped}；占实际改造{s} {} 个的 {}",
        calc::fmt_num(count),
        calc::fmt_num(planned),
        calc::fmt_pct(shown),
        calc::fmt_num(actual),
        calc::fmt_pct(of_actual)
    );
}

fn targets(rows: &[CityRow], totals: &Totals, params: &Params, form: &FormSpec) -> Vec<TargetRow> {
    let n = rows.len();
    let counts = form.benefit_counts();
    let counted = totals.cities_counted;
    params
        .targets
        .iter()
        .map(|t| {
            // Targets of rates are percents in 表1-1 (≥80 means ≥80%).
            let count_at = counts.iter().position(|f| f.id == t.key);
            let unit =
                if matches!(t.key.as_str(), "started" | "satisfaction") || count_at.is_some() { "%" } else { "" };
            let op = if t.op == crate::params::Op::Equal { "" } else { t.op.symbol() };
            let target_text = match &t.value {
                TargetValue::Number(d) => format!("{op}{}{unit}", calc::fmt_num(*d)),
                TargetValue::Text(s) => s.clone(),
            };
            let mut row = TargetRow {
                level1: t.level1.clone(),
                level2: t.level2.clone(),
                level3: t.level3.clone(),
                target: target_text,
                actual: None,
                rate: None,
                met: None,
                note: String::new(),
            };
            let numeric = |row: &mut TargetRow, actual: Decimal, as_pct: bool| {
                if let TargetValue::Number(target) = t.value {
                    row.rate = calc::percent(actual, target);
                    row.met = Some(t.op.meets(calc::round2(actual), target));
                }
                row.actual = Some(if as_pct { TargetActual::Percent(actual) } else { TargetActual::Number(actual) });
            };
            match t.key.as_str() {
                m if form.measure(m).is_some() => {
                    if let (Some(a), Some(p)) = (totals.actual.get(m), totals.plan.get(m)) {
                        numeric(&mut row, a, false);
                        row.note = format!(
                            "{counted}个地市实际完成（在建+完工）合计；省下达计划 {}，完成率 {}",
                            calc::fmt_num(p),
                            calc::percent(a, p).map(calc::fmt_pct).unwrap_or_default()
                        );
                    }
                }
                "started" => {
                    let v: Vec<Decimal> = rows.iter().filter_map(|r| r.figures.as_ref()?.started).collect();
                    if let Some(mean) = calc::mean(&v) {
                        numeric(&mut row, mean, true);
                        row.note = format!("{} 个地市自评表“开工目标完成率”的平均值", v.len());
                    }
                }
                "living" => {
                    let v: Vec<&str> = rows.iter().filter_map(|r| r.figures.as_ref()?.living.as_deref()).collect();
                    if !v.is_empty() {
                        let yes = v.iter().filter(|x| **x == "是").count();
                        let all = if yes == v.len() { "是" } else { "否" };
                        row.actual = Some(TargetActual::Text(all.to_string()));
                        row.met = Some(TargetValue::Text(all.to_string()) == t.value);
                        row.note = format!("{yes} / {} 个地市自评为“是”", v.len());
                    }
                }
                "satisfaction" => {
                    if let Some(s) = totals.satisfaction {
                        numeric(&mut row, s, true);
                        row.note = format!("{counted}个地市服务对象满意度的简单平均（附件1）");
                    }
                }
                _ => {
                    if let Some(i) = count_at {
                        benefit_share(&mut row, t, i, totals, form);
                    }
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::clean;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// The summary of `subs` as a run makes it: roster, then consolidation.
    fn summarise(subs: &[Submission]) -> ProvinceSummary {
        let params = crate::testkit::params();
        let names: Vec<String> = subs.iter().map(|s| s.name.clone()).collect();
        let facts: Vec<crate::roster::FileFacts> = names
            .iter()
            .zip(subs)
            .map(|(n, s)| crate::roster::FileFacts { name: n, sub: Some(s), findings: &[], modified: None })
            .collect();
        let roster = crate::roster::build(&facts, &params, &crate::findings::Loc::file());
        let used: Vec<Option<&Submission>> =
            roster.cities.iter().map(|c| c.used.filter(|_| c.in_totals).map(|i| &subs[i])).collect();
        consolidate(&used, &roster, &params, &crate::testkit::form()).unwrap()
    }

    #[test]
    fn samples_reproduce_the_report_totals() {
        let subs: Vec<Submission> = (0..15).map(clean).collect();
        let s = summarise(&subs);
        let t = &s.totals;
        assert_eq!(t.budget, d("18860"));
        assert_eq!(t.arrived, d("18860"));
        assert_eq!(t.spent, d("3623.35"));
        assert_eq!(t.spend_rate.map(calc::round2), Some(d("19.21")));
        assert_eq!(t.cities_spent, d("3435.35"));
        assert_eq!(t.cities_spend_rate.map(calc::round2), Some(d("18.40")));
        let m =
            |v: [&str; 4]| Measures::of(["area", "households", "buildings", "communities"].into_iter().zip(v.map(d)));
        assert_eq!(t.plan, m(["841.32", "92301", "9575", "700"]));
        assert_eq!(t.actual, m(["1401.82", "154903", "15504", "1161"]));
        let comp: Vec<_> = t.completion.iter().map(|c| c.map(calc::round2)).collect();
        assert_eq!(comp, vec![Some(d("166.62")), Some(d("167.82")), Some(d("161.92")), Some(d("165.86"))]);
        assert_eq!(t.benefits, ["1111", "1022", "342", "728", "660", "71"].map(d).to_vec());
        assert_eq!(t.acceptance.map(calc::round2), Some(d("100.00")));
        assert_eq!(t.satisfaction.map(calc::round2), Some(d("93.25")));
        // 表1-1 targets all met; of the 附件1 standards, 提升类 (48.86% < 50%)
        // and 维修资金 (10.14% < 40%) are not, as section 二(一)3 says.
        let met: Vec<Option<bool>> = s.targets.iter().map(|r| r.met).collect();
        let mut want = vec![Some(true); 7];
        want.extend([Some(true), Some(true), Some(false), Some(true), Some(true), Some(false)]);
        assert_eq!(met, want, "{:#?}", s.targets);
    }

    #[test]
    fn a_missing_city_is_left_out_of_the_totals_and_said() {
        let subs: Vec<Submission> = (1..15).map(clean).collect();
        let s = summarise(&subs);
        assert!(s.rows[0].figures.is_none());
        assert_eq!(s.rows[0].status, CityStatus::NotReceived);
        assert_eq!(s.totals.cities_counted, 14);
        assert_eq!(s.totals.cities_spent, d("3435.35") - d("152.93"));
        // Rates divide like by like: 汕头's budget (3378) is out too.
        assert_eq!(s.totals.cities_budget, d("18672") - d("3378"));
        assert_eq!(s.totals.cities_spend_rate, calc::percent(d("3282.42"), d("15294")));
        assert!(s.targets[0].note.contains("14/15"));
        assert!(s.targets.iter().all(|t| t.met.is_none()), "no target judged on an incomplete batch");
        assert_eq!(s.totals.coverage.total_label(), "合计（14个地市，不含未报送的汕头市）");
    }
}
