//! Every rate a city reports, recomputed from its own figures and
//! compared at the report's precision (percent, 2 places, 四舍五入).

use super::Ctx;
use crate::calc;
use crate::findings::{Code, Finding};
use crate::model::Submission;

/// A reported rate (percent) against `part ÷ whole × 100`, both rounded
/// to 2 places; `None` when they agree or a figure is missing.
fn rate_finding(sub: &Submission, ctx: &Ctx, code: Code, rate_id: &str, part: &str, whole: &str) -> Option<Finding> {
    let found = sub.pct(rate_id)?;
    let expected = calc::percent2(sub.num(part)?, sub.num(whole)?)?;
    if calc::round2(found) == expected {
        return None;
    }
    Some(Finding::at(code, &ctx.loc(rate_id), Some(calc::fmt_pct(expected)), Some(calc::fmt_pct(found)), ""))
}

/// SE302: 支出率 = 实际支出 ÷ 预算指标 (表2-2: 658.54 ÷ 1443 = 45.64%).
pub fn spend_rate(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    rate_finding(sub, ctx, Code::SpendRateMismatch, "exec.rate", "exec.spent", "exec.budget").into_iter().collect()
}

/// SE303: 完成率 = 实际完成 ÷ 改造计划, for each measure of the form.
pub fn completion_rates(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .measures
        .iter()
        .filter_map(|m| rate_finding(sub, ctx, Code::CompletionRateMismatch, &m.rate, &m.actual, &m.plan))
        .collect()
}

/// SE304: 自评表 执行率 = 全年执行数 ÷ 全年预算数.
pub fn exec_rate(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    rate_finding(sub, ctx, Code::ExecRateMismatch, "fund.rate", "fund.executed", "fund.annual").into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixture::{clean, run, with};
    use crate::read::Value;

    #[test]
    fn spend_rate_fires_and_stays_quiet() {
        assert!(run(spend_rate, &clean(1)).is_empty());
        // An unrounded formula result is the same rate.
        assert!(run(spend_rate, &with(1, "exec.rate", Value::Number(658.54 / 1443.0))).is_empty());
        let sub = with(1, "exec.rate", Value::Number(0.4664));
        assert_eq!(run(spend_rate, &sub), vec![(Code::SpendRateMismatch, "资金执行!B7".into())]);
    }

    #[test]
    fn completion_rate_fires_and_stays_quiet() {
        assert!(run(completion_rates, &clean(2)).is_empty());
        let sub = with(2, "rate.households", Value::Number(1.0));
        assert_eq!(run(completion_rates, &sub), vec![(Code::CompletionRateMismatch, "任务完成!D5".into())]);
    }

    #[test]
    fn exec_rate_fires_and_stays_quiet() {
        assert!(run(exec_rate, &clean(3)).is_empty());
        let sub = with(3, "fund.rate", Value::Number(0.0352));
        assert_eq!(run(exec_rate, &sub), vec![(Code::ExecRateMismatch, "自评评分!F4".into())]);
    }
}
