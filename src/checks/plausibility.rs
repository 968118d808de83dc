//! Figures that are possible but unusual: warnings for a person to
//! confirm, each with the band (templates/<year>/checks.toml) and the
//! value. Run on the actuals a city reports.

use super::Ctx;
use crate::calc;
use crate::findings::{Code, Finding};
use crate::model::Submission;
use crate::spec::Band;
use rust_decimal::Decimal;

fn band_text(b: &Band) -> String {
    format!("{}–{}", calc::fmt_num(b.min), calc::fmt_num(b.max))
}

fn ratio_check(
    ctx: &Ctx,
    code: Code,
    (at, other): (&str, &str),
    value: Option<Decimal>,
    band: &Band,
    detail: String,
) -> Vec<Finding> {
    let Some(v) = value else { return vec![] };
    if v >= band.min && v <= band.max {
        return vec![];
    }
    vec![Finding::at(code, &ctx.loc(at), Some(band_text(band)), Some(calc::fmt2(v)), &detail).from_fields(&[at, other])]
}

/// SE501: 平均每户建筑面积 = 建筑面积（万平方米）× 10000 ÷ 户数.
pub fn area_per_household(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let (Some(area), Some(hh)) = (sub.num("actual.area"), sub.num("actual.households")) else {
        return vec![];
    };
    let v = if hh.is_zero() { None } else { Some(area * Decimal::from(10_000) / hh) };
    let detail = format!("实际完成 {} 万平方米 ÷ {} 户", calc::fmt_num(area), calc::fmt_num(hh));
    ratio_check(
        ctx,
        Code::AreaPerHousehold,
        ("actual.area", "actual.households"),
        v,
        &ctx.bands.area_per_household,
        detail,
    )
}

/// SE502: 平均每栋户数 = 户数 ÷ 楼栋数.
pub fn households_per_building(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let (Some(hh), Some(b)) = (sub.num("actual.households"), sub.num("actual.buildings")) else {
        return vec![];
    };
    let v = if b.is_zero() { None } else { Some(hh / b) };
    let detail = format!("实际完成 {} 户 ÷ {} 栋", calc::fmt_num(hh), calc::fmt_num(b));
    ratio_check(
        ctx,
        Code::HouseholdsPerBuilding,
        ("actual.buildings", "actual.households"),
        v,
        &ctx.bands.households_per_building,
        detail,
    )
}

/// SE503: 平均每个小区户数 = 户数 ÷ 小区数.
pub fn households_per_community(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let (Some(hh), Some(c)) = (sub.num("actual.households"), sub.num("actual.communities")) else {
        return vec![];
    };
    let v = if c.is_zero() { None } else { Some(hh / c) };
    let detail = format!("实际完成 {} 户 ÷ {} 个小区", calc::fmt_num(hh), calc::fmt_num(c));
    ratio_check(
        ctx,
        Code::HouseholdsPerCommunity,
        ("actual.communities", "actual.households"),
        v,
        &ctx.bands.households_per_community,
        detail,
    )
}

/// SE504: the completion rates (actual ÷ plan) should tell one
/// story; the largest more than `max_ratio` times the smallest suggests
/// the measures were counted differently.
pub fn completion_spread(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let mut rates = Vec::new();
    for m in &ctx.form.measures {
        let (Some(a), Some(p)) = (sub.num(&m.actual), sub.num(&m.plan)) else {
            return vec![];
        };
        let Some(r) = calc::percent(a, p) else {
            return vec![];
        };
        rates.push((m, r));
    }
    let Some(&(max_m, max)) = rates.iter().max_by_key(|(_, r)| *r) else {
        return vec![];
    };
    let Some(&(_, min)) = rates.iter().min_by_key(|(_, r)| *r) else {
        return vec![];
    };
    if min <= Decimal::ZERO {
        return vec![];
    }
    let Some(ratio) = max.checked_div(min) else { return vec![] };
    if ratio <= ctx.bands.completion_spread.max_ratio {
        return vec![];
    }
    let detail: Vec<String> = rates.iter().map(|(m, r)| format!("{} {}", m.target_word, calc::fmt_pct(*r))).collect();
    vec![Finding::at(
        Code::CompletionRatesDisagree,
        &ctx.loc(&max_m.rate),
        Some(calc::fmt_num(ctx.bands.completion_spread.max_ratio)),
        Some(calc::fmt2(ratio)),
        &detail.join("、"),
    )
    .from_fields(&measures_fields(ctx))]
}

/// Every actual and plan field: what the measure-wide warnings read.
fn measures_fields<'a>(ctx: &'a Ctx) -> Vec<&'a str> {
    let m = &ctx.form.measures;
    m.iter().map(|m| m.actual.as_str()).chain(m.iter().map(|m| m.plan.as_str())).collect()
}

/// SE505: actuals equal to the plan in every measure look copied.
pub fn copied_plan(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let mut parts = Vec::new();
    for m in &ctx.form.measures {
        let (Some(a), Some(p)) = (sub.num(&m.actual), sub.num(&m.plan)) else {
            return vec![];
        };
        if a != p {
            return vec![];
        }
        parts.push(calc::fmt_num(a));
    }
    let Some(first) = ctx.form.measures.first() else { return vec![] };
    vec![Finding::at(Code::CopiedPlan, &ctx.loc(&first.actual), None, None, &parts.join(" / "))
        .from_fields(&measures_fields(ctx))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixture::{clean, run, with};
    use crate::read::Value;

    #[test]
    fn area_per_household_fires_and_stays_quiet() {
        // 汕头市: 284.28 万㎡ / 32562 户 = 87.3 ㎡.
        assert!(run(area_per_household, &clean(0)).is_empty());
        // 阳江市 (report figures): 107.66 万㎡ / 7600 户 = 141.66 ㎡.
        assert_eq!(run(area_per_household, &clean(7)), vec![(Code::AreaPerHousehold, "任务完成!C4".into())]);
    }

    #[test]
    fn households_per_building_fires_and_stays_quiet() {
        assert!(run(households_per_building, &clean(0)).is_empty());
        // 云浮市: 2811 户 / 814 栋 = 3.45.
        assert_eq!(run(households_per_building, &clean(14)), vec![(Code::HouseholdsPerBuilding, "任务完成!C6".into())]);
    }

    #[test]
    fn households_per_community_fires_and_stays_quiet() {
        assert!(run(households_per_community, &clean(0)).is_empty());
        let sub = with(0, "actual.communities", Value::Number(3.0));
        assert_eq!(run(households_per_community, &sub), vec![(Code::HouseholdsPerCommunity, "任务完成!C7".into())]);
    }

    #[test]
    fn completion_spread_fires_and_stays_quiet() {
        assert!(run(completion_spread, &clean(0)).is_empty());
        // 云浮市: buildings 329.55% against area 110.93%.
        assert_eq!(run(completion_spread, &clean(14)), vec![(Code::CompletionRatesDisagree, "任务完成!D6".into())]);
    }

    #[test]
    fn copied_plan_fires_and_stays_quiet() {
        assert!(run(copied_plan, &clean(0)).is_empty());
        // 汕尾市 differs from its plan by 0.02 万㎡ only: not a copy.
        assert!(run(copied_plan, &clean(5)).is_empty());
        // 惠州市 (report figures): actual = plan in all four.
        assert_eq!(run(copied_plan, &clean(4)), vec![(Code::CopiedPlan, "任务完成!C4".into())]);
    }
}
