//! 自评评分's rules that are not figures: a shortfall needs its 偏差原因,
//! and 分值 are the standard's. (The scores themselves are `[[derived]]`
//! relations, checked in derived.rs.)

use super::Ctx;
use crate::calc;
use crate::findings::{Code, Finding};
use crate::model::{Parsed, Submission};
use crate::spec::{Direction, IndicatorSpec, Kind};

/// Whether an indicator fell short of its target, by its direction;
/// `None` when its values are not readable. (Its 得分 is a `[[derived]]`
/// relation; a shortfall is what asks for 偏差原因, not a figure.)
pub fn short_of_target(sub: &Submission, ind: &IndicatorSpec) -> Option<bool> {
    let (target, actual) = (ind.ids.target.as_str(), ind.ids.actual.as_str());
    match ind.direction {
        Direction::YesNo => match (sub.parsed(target), sub.parsed(actual)) {
            (Parsed::Text(t), Parsed::Text(a)) => Some(t != a),
            _ => None,
        },
        Direction::Higher => Some(sub.num(actual)? < sub.num(target)?),
        Direction::Lower => Some(sub.num(actual)? > sub.num(target)?),
    }
}

fn shown(sub: &Submission, id: &str, kind: Kind) -> String {
    match (kind, sub.parsed(id)) {
        (Kind::Percent, Parsed::Number(_)) => sub.pct(id).map(calc::fmt_pct).unwrap_or_default(),
        (_, Parsed::Number(d)) => calc::fmt_num(*d),
        (_, Parsed::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

/// SE309: 偏差原因分析及改进措施 is required where the actual falls short.
pub fn reasons(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .scoring
        .indicators
        .iter()
        .filter_map(|ind| {
            let short = short_of_target(sub, ind)?;
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

/// SE310: 分值 are the standard's (资金 10, indicators as the template):
/// every field the form fixes a weight for ([`FormSpec::standard_weight`]).
///
/// [`FormSpec::standard_weight`]: crate::spec::FormSpec::standard_weight
pub fn weights(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .fields()
        .filter_map(|f| {
            let (id, w) = (f.id.as_str(), ctx.form.standard_weight(&f.id)?);
            let v = sub.num(id)?;
            (v != w).then(|| {
                Finding::at(Code::WeightNotStandard, &ctx.loc(id), Some(calc::fmt_num(w)), Some(calc::fmt_num(v)), "")
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Value;
    use crate::testkit::{clean, ctx_parts, run, set};

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
