//! Submissions → the provincial summary: per-city rows in the report's
//! order, 合计 recomputed exactly, 表1-1 targets judged, allocation run.

use crate::allocate::{allocate, AllocError, Allocation};
use crate::model::Parsed;
use crate::model::{CityFigures, Measures, Submission};
use crate::params::{CityParams, Params, ProvinceOwn};
use crate::roster::{CityStatus, Coverage, Roster};
use crate::spec::relation::Val;
use crate::spec::{FormSpec, Role, SheetRole, SummarySpec};
use rust_decimal::Decimal;
use serde::Serialize;

pub mod table;
mod targets;
mod totals;

pub use targets::{TargetActual, TargetRow};
pub use totals::{ColumnTotal, TableTotals, Tables, Totals};

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

#[derive(Debug, Clone, Serialize)]
pub struct ProvinceSummary {
    pub year: i64,
    pub fund: String,
    pub total: Decimal,
    pub own: ProvinceOwn,
    pub rows: Vec<CityRow>,
    /// Every declared table's 合计, computed once.
    pub tables: Tables,
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

/// The figures the summary takes from a workbook; `None` if any is
/// unreadable (the findings say which).
pub fn figures(sub: &Submission, issued: &CityParams, form: &FormSpec) -> Option<CityFigures> {
    let mut actual = Measures::default();
    for m in &form.measures {
        actual.set(&m.key, sub.num(&m.actual)?);
    }
    let benefits = form.benefit_counts().iter().map(|f| sub.num(&f.id)).collect::<Option<Vec<_>>>()?;
    let num = |role: Role| sub.num(form.role(role)?);
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
    summary: &SummarySpec,
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
    let tables = Tables::compute(summary, &rows, &params.province_own);
    let totals = Totals::of(&tables, summary, form, coverage(&rows));
    let rules = summary.sheets.iter().find(|s| s.role == SheetRole::Targets).map(|s| s.judged.as_slice());
    let targets = targets::judge(&rows, &totals, params, form, rules.unwrap_or_default());
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
        tables,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc;
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
        let t = crate::spec::Templates::embedded().unwrap();
        let roster = crate::roster::build(&facts, &params, &t.form);
        let used: Vec<Option<&Submission>> =
            roster.cities.iter().map(|c| c.used.filter(|_| c.in_totals).map(|i| &subs[i])).collect();
        consolidate(&used, &roster, &params, &t.form, &t.summary).unwrap()
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
