//! Figures that appear on more than one sheet, or bound each other
//! across sheets.

use super::Ctx;
use crate::calc;
use crate::findings::{Code, Finding};
use crate::model::{Submission, TargetValue};
use crate::spec::{Kind, BENEFIT_COUNTS, MEASURES};

/// SE311: each 附件1 count is a number of communities, so at most the
/// city's actual 改造小区数.
pub fn benefits_within_communities(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let Some(total) = sub.num("actual.communities") else {
        return vec![];
    };
    BENEFIT_COUNTS
        .iter()
        .filter_map(|id| {
            let v = sub.num(id)?;
            (v > total).then(|| {
                Finding::at(
                    Code::BenefitExceedsCommunities,
                    &ctx.loc(id),
                    Some(calc::fmt_num(total)),
                    Some(calc::fmt_num(v)),
                    "",
                )
            })
        })
        .collect()
}

/// Pairs of fields that must hold the same figure: (field, the one it
/// must equal, where that one is, in words).
fn pairs(ctx: &Ctx) -> Vec<(String, String, String)> {
    let mut v = vec![
        ("fund.annual".to_string(), "exec.budget".to_string()),
        ("fund.executed".to_string(), "exec.spent".to_string()),
        ("ind.satisfaction.actual".to_string(), "benefit.satisfaction".to_string()),
    ];
    for m in MEASURES {
        v.push((format!("ind.{m}.target"), format!("plan.{m}")));
        v.push((format!("ind.{m}.actual"), format!("actual.{m}")));
    }
    v.into_iter()
        .filter_map(|(a, b)| {
            let fb = ctx.form.field(&b)?;
            let at = format!("「{}」表{}（{}）", fb.sheet, fb.cell, fb.label.text);
            ctx.form.field(&a).map(|_| (a, b, at))
        })
        .collect()
}

/// SE312: 自评评分 repeats figures of the other sheets; they must agree
/// (全年预算数 = 预算指标, 全年执行数 = 实际支出, indicator targets = plan,
/// actuals = actuals, 满意度 = 效益指标 满意度).
pub fn sheets_agree(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    pairs(ctx)
        .into_iter()
        .filter_map(|(a, b, at)| {
            let (va, vb) = (sub.num(&a)?, sub.num(&b)?);
            if va == vb {
                return None;
            }
            let percent = ctx.form.field(&a).is_some_and(|f| f.kind == Kind::Percent);
            let show = |id: &str, v| {
                if percent {
                    sub.pct(id).map(calc::fmt_pct).unwrap_or_default()
                } else {
                    calc::fmt_num(v)
                }
            };
            if percent && calc::round2(sub.pct(&a)?) == calc::round2(sub.pct(&b)?) {
                return None;
            }
            Some(Finding::at(Code::SheetsDisagree, &ctx.loc(&a), Some(show(&b, vb)), Some(show(&a, va)), &at))
        })
        .collect()
}

/// SE313: 服务对象满意度 against the 表1-1 target (≥80%).
pub fn satisfaction_target(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let Some(sat) = sub.pct("benefit.satisfaction") else {
        return vec![];
    };
    let Some(target) = ctx.params.targets.iter().find(|t| t.key == "satisfaction") else {
        return vec![];
    };
    let TargetValue::Number(want) = target.value else {
        return vec![];
    };
    if sat >= want {
        return vec![];
    }
    vec![Finding::at(
        Code::SatisfactionBelowTarget,
        &ctx.loc("benefit.satisfaction"),
        Some(format!("{}{}%", target.op, calc::fmt_num(want))),
        Some(calc::fmt_pct(sat)),
        "",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixture::{clean, run, with};
    use crate::read::Value;

    #[test]
    fn benefit_bound_fires_and_stays_quiet() {
        // 梅州市 has 206 communities and counts up to 197.
        assert!(run(benefits_within_communities, &clean(3)).is_empty());
        let sub = with(3, "benefit.linked", Value::Number(207.0));
        assert_eq!(
            run(benefits_within_communities, &sub),
            vec![(Code::BenefitExceedsCommunities, "效益指标!C7".into())]
        );
    }

    #[test]
    fn sheets_agree_fires_and_stays_quiet() {
        assert!(run(sheets_agree, &clean(7)).is_empty());
        let sub = with(7, "ind.households.actual", Value::Number(7000.0));
        assert_eq!(run(sheets_agree, &sub), vec![(Code::SheetsDisagree, "自评评分!E8".into())]);
        let sub = with(7, "ind.satisfaction.actual", Value::Number(0.95));
        assert_eq!(run(sheets_agree, &sub), vec![(Code::SheetsDisagree, "自评评分!E13".into())]);
    }

    #[test]
    fn satisfaction_target_fires_and_stays_quiet() {
        assert!(run(satisfaction_target, &clean(8)).is_empty());
        let sub = with(8, "benefit.satisfaction", Value::Number(0.7857));
        assert_eq!(run(satisfaction_target, &sub), vec![(Code::SatisfactionBelowTarget, "效益指标!C11".into())]);
    }
}
