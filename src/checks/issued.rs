//! A city's figures against what the province issued (省级参数表).

use super::Ctx;
use crate::calc;
use crate::findings::{Code, Finding, Loc};
use crate::model::Submission;
use crate::params::CityParams;
use crate::spec::{Issued, Role};

fn issued<'a>(sub: &Submission, ctx: &'a Ctx) -> Option<&'a CityParams> {
    ctx.params.resolve_city(&sub.city_text()?)
}

/// SE403: the 地市 cell names one of the cities the fund supports.
pub fn city_known(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let Some(typed) = sub.city_text() else {
        return vec![];
    };
    if ctx.params.resolve_city(&typed).is_some() {
        return vec![];
    }
    let names: Vec<&str> = ctx.params.cities.iter().map(|c| c.name.as_str()).collect();
    vec![Finding::at(
        Code::UnknownCity,
        &ctx.loc_of(Role::City),
        None,
        Some(typed),
        &format!("本年度补助的地市为：{}", names.join("、")),
    )]
}

/// SE401: fields declared `issued = "budget"` (the copied budget on 资金执行,
/// 全年预算数 on 自评评分) equal the issued budget.
pub fn budget_issued(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let Some(city) = issued(sub, ctx) else {
        return vec![];
    };
    ctx.form
        .fields()
        .filter(|f| f.issued == Some(Issued::Budget))
        .filter_map(|f| {
            let id = f.id.as_str();
            let v = sub.num(id)?;
            (v != city.budget).then(|| {
                Finding::at(
                    Code::BudgetMismatch,
                    &ctx.loc(id),
                    Some(calc::fmt_num(city.budget)),
                    Some(calc::fmt_num(v)),
                    "",
                )
            })
        })
        .collect()
}

/// SE402: every measure's plan equals the plan the province issued; the
/// finding names it by the params' plan header (计划建筑面积（万平方米）),
/// since the form's plan, actual and rate share one row label.
pub fn plan_issued(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let Some(city) = issued(sub, ctx) else {
        return vec![];
    };
    ctx.form
        .measures
        .iter()
        .filter_map(|m| {
            let v = sub.num(&m.plan)?;
            let want = city.plan.get(&m.key)?;
            (v != want).then(|| {
                let mut loc: Loc = ctx.loc(&m.plan);
                loc.label = m.plan_header.clone();
                Finding::at(Code::PlanMismatch, &loc, Some(calc::fmt_num(want)), Some(calc::fmt_num(v)), "")
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Value;
    use crate::testkit::{clean, run, with};

    #[test]
    fn unknown_city_fires_and_stays_quiet() {
        assert!(run(city_known, &clean(0)).is_empty());
        // "汕头" without 市 is the same city.
        assert!(run(city_known, &with(0, "info.city", Value::Text("汕头".into()))).is_empty());
        let sub = with(0, "info.city", Value::Text("深圳市".into()));
        assert_eq!(run(city_known, &sub), vec![(Code::UnknownCity, "基本信息!B4".into())]);
    }

    #[test]
    fn budget_fires_and_stays_quiet() {
        assert!(run(budget_issued, &clean(5)).is_empty());
        let sub = with(5, "exec.budget", Value::Number(5410000.0));
        assert_eq!(run(budget_issued, &sub), vec![(Code::BudgetMismatch, "资金执行!B4".into())]);
    }

    #[test]
    fn plan_fires_and_stays_quiet() {
        assert!(run(plan_issued, &clean(6)).is_empty());
        let sub = with(6, "plan.communities", Value::Number(29.0));
        assert_eq!(run(plan_issued, &sub), vec![(Code::PlanMismatch, "任务完成!B7".into())]);
    }
}
