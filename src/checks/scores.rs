//! 自评评分 recomputed by the standard 项目支出绩效自评表 rules, and
//! compared with what the city gave itself.

use super::Ctx;
use crate::calc;
use crate::findings::{Code, Finding};
use crate::model::{Parsed, Submission};
use crate::spec::{Direction, IndicatorSpec, Kind};
use rust_decimal::Decimal;

fn differs(a: Decimal, b: Decimal, ctx: &Ctx) -> bool {
    (a - b).abs() > ctx.bands.score.tolerance
}

/// The funding line's score: 分值 × 执行率 (percent, 2 places), capped.
/// `weight` is the form's `[scoring] fund_weight`.
pub fn expected_fund_score(sub: &Submission, weight: Decimal) -> Option<(Decimal, Decimal)> {
    let rate = calc::percent(sub.num("fund.executed")?, sub.num("fund.annual")?)?;
    Some((calc::budget_score(weight, rate), calc::round2(rate)))
}

/// Whether an indicator fell short of its target, and its score by the
/// standard rules. `None` when its values are not readable.
pub fn expected_indicator(sub: &Submission, ind: &IndicatorSpec) -> Option<(Decimal, bool)> {
    let (target, actual) = (ind.ids.target.as_str(), ind.ids.actual.as_str());
    match ind.direction {
        Direction::YesNo => {
            let (t, a) = (sub.parsed(target), sub.parsed(actual));
            match (t, a) {
                (Parsed::Text(t), Parsed::Text(a)) => {
                    let met = t == a;
                    Some((if met { ind.weight } else { Decimal::ZERO }, !met))
                }
                _ => None,
            }
        }
        Direction::Higher => {
            let (t, a) = (sub.num(target)?, sub.num(actual)?);
            Some((calc::higher_score(ind.weight, t, a), a < t))
        }
        Direction::Lower => {
            let (t, a) = (sub.num(target)?, sub.num(actual)?);
            Some((calc::lower_score(ind.weight, t, a), a > t))
        }
    }
}

/// The total a city should have given itself.
pub fn expected_total(sub: &Submission, ctx: &Ctx) -> Option<Decimal> {
    let mut total = expected_fund_score(sub, ctx.form.scoring.fund_weight)?.0;
    for ind in &ctx.form.scoring.indicators {
        total += expected_indicator(sub, ind)?.0;
    }
    Some(total)
}

fn shown(sub: &Submission, id: &str, kind: Kind) -> String {
    match (kind, sub.parsed(id)) {
        (Kind::Percent, Parsed::Number(_)) => sub.pct(id).map(calc::fmt_pct).unwrap_or_default(),
        (_, Parsed::Number(d)) => calc::fmt_num(*d),
        (_, Parsed::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

/// SE306: 资金执行得分 = 分值 × 执行率 (执行率 = 全年执行数 ÷ 全年预算数),
/// at most 分值. Full marks at a 4% spend rate are caught here.
pub fn fund_score(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let (Some(found), Some((want, rate))) =
        (sub.num("fund.score"), expected_fund_score(sub, ctx.form.scoring.fund_weight))
    else {
        return vec![];
    };
    if !differs(found, want, ctx) {
        return vec![];
    }
    vec![Finding::at(
        Code::FundScoreMismatch,
        &ctx.loc("fund.score"),
        Some(calc::fmt2(want)),
        Some(calc::fmt2(found)),
        &format!("分值 {} × 执行率 {}", calc::fmt_num(ctx.form.scoring.fund_weight), calc::fmt_pct(rate)),
    )]
}

/// SE307: each indicator's 得分: full marks when actual ≥ target (higher
/// is better), else actual ÷ target × 分值; lower-is-better falls to 0 at
/// twice the target; yes/no indicators score full or nothing.
pub fn indicator_scores(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .scoring
        .indicators
        .iter()
        .filter_map(|ind| {
            let id = &ind.ids.score;
            let found = sub.num(id)?;
            let (want, _) = expected_indicator(sub, ind)?;
            if !differs(found, want, ctx) {
                return None;
            }
            let detail = format!(
                "年度指标值 {}，实际完成值 {}，分值 {}",
                shown(sub, &ind.ids.target, ind.kind),
                shown(sub, &ind.ids.actual, ind.kind),
                calc::fmt_num(ind.weight)
            );
            Some(Finding::at(
                Code::IndicatorScoreMismatch,
                &ctx.loc(id),
                Some(calc::fmt2(want)),
                Some(calc::fmt2(found)),
                &detail,
            ))
        })
        .collect()
}

/// SE308: 自评等级 follows the recomputed 总分: 优 ≥ 90, 良 80–<90,
/// 中 60–<80, 差 < 60.
pub fn grade(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let (Some(found), Some(total)) = (sub.text("score.grade"), expected_total(sub, ctx)) else {
        return vec![];
    };
    let want = ctx.bands.grade(total);
    if found == want {
        return vec![];
    }
    vec![Finding::at(
        Code::GradeMismatch,
        &ctx.loc("score.grade"),
        Some(want.to_string()),
        Some(found.to_string()),
        &calc::fmt2(total),
    )]
}

/// SE309: 偏差原因分析及改进措施 is required where the actual falls short.
pub fn reasons(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .scoring
        .indicators
        .iter()
        .filter_map(|ind| {
            let (_, short) = expected_indicator(sub, ind)?;
            let id = &ind.ids.reason;
            let given = sub.text(id).is_some_and(|t| !t.trim().is_empty());
            (short && !given).then(|| {
                let detail = format!(
                    "年度指标值 {}，实际完成值 {}",
                    shown(sub, &ind.ids.target, ind.kind),
                    shown(sub, &ind.ids.actual, ind.kind)
                );
                Finding::at(Code::ReasonMissing, &ctx.loc(id), Some("偏差原因分析及改进措施".into()), None, &detail)
            })
        })
        .collect()
}

/// SE310: 分值 are the standard's (资金 10, indicators as the template).
pub fn weights(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let mut want: Vec<(String, Decimal)> = vec![("fund.weight".into(), ctx.form.scoring.fund_weight)];
    want.extend(ctx.form.scoring.indicators.iter().map(|i| (i.ids.weight.clone(), i.weight)));
    want.into_iter()
        .filter_map(|(id, w)| {
            let v = sub.num(&id)?;
            (v != w).then(|| {
                Finding::at(Code::WeightNotStandard, &ctx.loc(&id), Some(calc::fmt_num(w)), Some(calc::fmt_num(v)), "")
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixture::{clean, ctx_parts, run, set};
    use crate::read::Value;

    #[test]
    fn fund_score_fires_and_stays_quiet() {
        assert!(run(fund_score, &clean(0)).is_empty());
        // 汕头市: full marks at a 4.53% rate.
        let (form, _) = ctx_parts();
        let mut sub = clean(0);
        set(&mut sub, &form, "fund.score", Value::Number(10.0));
        assert_eq!(run(fund_score, &sub), vec![(Code::FundScoreMismatch, "自评评分!G4".into())]);
        // Within the 0.1 tolerance: quiet.
        set(&mut sub, &form, "fund.score", Value::Number(0.5));
        assert!(run(fund_score, &sub).is_empty());
    }

    #[test]
    fn indicator_score_fires_and_stays_quiet() {
        assert!(run(indicator_scores, &clean(4)).is_empty());
        let (form, _) = ctx_parts();
        let mut sub = clean(4);
        // 惠州市 actual 11 communities; target raised to 22: score 5.00, not 10.
        set(&mut sub, &form, "ind.communities.target", Value::Number(22.0));
        assert_eq!(run(indicator_scores, &sub), vec![(Code::IndicatorScoreMismatch, "自评评分!G7".into())]);
        set(&mut sub, &form, "ind.communities.score", Value::Number(5.0));
        assert!(run(indicator_scores, &sub).is_empty());
        // Yes/no: 否 scores nothing.
        set(&mut sub, &form, "ind.living.actual", Value::Text("否".into()));
        assert_eq!(run(indicator_scores, &sub), vec![(Code::IndicatorScoreMismatch, "自评评分!G12".into())]);
    }

    #[test]
    fn grade_fires_and_stays_quiet() {
        assert!(run(grade, &clean(2)).is_empty());
        let (form, _) = ctx_parts();
        let mut sub = clean(2);
        set(&mut sub, &form, "score.grade", Value::Text("良".into()));
        assert_eq!(run(grade, &sub), vec![(Code::GradeMismatch, "自评评分!G16".into())]);
    }

    #[test]
    fn reason_fires_and_stays_quiet() {
        assert!(run(reasons, &clean(5)).is_empty());
        let (form, _) = ctx_parts();
        let mut sub = clean(5);
        set(&mut sub, &form, "ind.area.actual", Value::Number(20.0));
        assert_eq!(run(reasons, &sub), vec![(Code::ReasonMissing, "自评评分!H10".into())]);
        set(&mut sub, &form, "ind.area.reason", Value::Text("部分项目推迟开工，已督促2025年一季度开工".into()));
        assert!(run(reasons, &sub).is_empty());
    }

    #[test]
    fn weight_fires_and_stays_quiet() {
        assert!(run(weights, &clean(6)).is_empty());
        let (form, _) = ctx_parts();
        let mut sub = clean(6);
        set(&mut sub, &form, "ind.living.weight", Value::Number(20.0));
        assert_eq!(run(weights, &sub), vec![(Code::WeightNotStandard, "自评评分!F12".into())]);
    }
}
