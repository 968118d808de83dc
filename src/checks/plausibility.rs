//! Figures that are possible but unusual: warnings for a person to
//! confirm, each with the band (`templates/<year>/checks.toml`) and the
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

/// SE501–SE503: each ratio of checks.toml `[[ratios]]` (averages per
/// unit of the reported actuals) within its band. Quiet when a figure it
/// needs is missing or a divisor is 0: the value checks report those.
pub fn ratios(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.bands
        .ratios
        .iter()
        .filter_map(|r| {
            let (v, detail) = super::derived::as_filed(sub, ctx, &r.expr, &r.detail);
            let v = v?;
            if v >= r.band.min && v <= r.band.max {
                return None;
            }
            let fields = r.fields();
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            let f = Finding::at(r.code, &ctx.loc(&r.at), Some(band_text(&r.band)), Some(calc::fmt2(v)), &detail);
            Some(f.from_fields(&fields))
        })
        .collect()
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
    use crate::read::Value;
    use crate::testkit::{clean, run, with};

    #[test]
    fn area_per_household_fires_and_stays_quiet() {
        // 汕头市: 284.28 万㎡ / 32562 户 = 87.3 ㎡.
        assert!(run(ratios, &clean(0)).is_empty());
        // 阳江市 (report figures): 107.66 万㎡ / 7600 户 = 141.66 ㎡.
        // (and 7600 户 in 4470 栋, 1.70 per building: SE502 too.)
        let got = run(ratios, &clean(7));
        assert_eq!(got[0], (Code::Ratio1, "任务完成!C4".into()), "{got:?}");
    }

    #[test]
    fn households_per_building_fires_and_stays_quiet() {
        // 云浮市: 2811 户 / 814 栋 = 3.45.
        assert_eq!(run(ratios, &clean(14)), vec![(Code::Ratio2, "任务完成!C6".into())]);
    }

    #[test]
    fn a_fund_declares_as_many_ratios_as_it_needs() {
        // Two more ratios without codes of their own (SE506), one on each
        // side of its band's edge: 汕头市 has 32562 户 in 1010 栋 ≈ 32.24.
        let form = crate::testkit::form();
        let extra = |min: &str, max: &str| {
            format!("\n[[ratios]]\nat = \"actual.buildings\"\nexpr = \"actual.households / actual.buildings\"\nmin = \"{min}\"\nmax = \"{max}\"\ndetail = \"每栋户数\"\n")
        };
        let text = format!(
            "{}{}{}",
            include_str!("../../templates/old-communities/2024/checks.toml"),
            extra("33", "80"),
            extra("10", "32.3")
        );
        let bands = crate::spec::Bands::from_toml(&text, "checks.toml", &form).expect("loads");
        assert_eq!(bands.ratios.len(), 5);
        let params = crate::testkit::data().params_for(&form);
        let ctx = Ctx { form: &form, params: &params, bands: &bands };
        let got: Vec<Code> = ratios(&clean(0), &ctx).iter().map(|f| f.code).collect();
        assert_eq!(got, [Code::RatioMore], "below 33 fires; within 10–32.3 (32.24) is quiet");
    }

    #[test]
    fn households_per_community_fires_and_stays_quiet() {
        let sub = with(0, "actual.communities", Value::Number(3.0));
        assert_eq!(run(ratios, &sub), vec![(Code::Ratio3, "任务完成!C7".into())]);
    }

    /// On the band's edge is inside it: 汕头市's 32562 户 at 130 ㎡ each.
    #[test]
    fn a_ratio_on_its_band_s_edge_is_quiet_and_the_words_show_the_figures() {
        assert!(run(ratios, &with(0, "actual.area", Value::Number(423.306))).is_empty());
        let (form, params) = crate::testkit::ctx_parts();
        let bands = crate::testkit::bands();
        let ctx = Ctx { form: &form, params: &params, bands: &bands };
        let f = ratios(&with(0, "actual.area", Value::Number(423.31)), &ctx);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].expected.as_deref(), f[0].found.as_deref()), (Some("50–130"), Some("130.00")));
        let m = f[0].message(&form);
        assert!(m.contains("实际完成 423.31 万平方米 ÷ 32562 户"), "{m}");
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
