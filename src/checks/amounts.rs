//! Amounts against each other, and totals against their parts.

use super::Ctx;
use crate::calc;
use crate::findings::{Code, Finding};
use crate::model::Submission;
use crate::spec::{Kind, Role};
use rust_decimal::Decimal;

/// SE301: spent ≤ arrived ≤ budget (the roles' fields). Money cannot be spent before it
/// arrives, and more cannot arrive than was issued.
pub fn spend_order(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let ids: Vec<&str> = Role::SPEND_ORDER.iter().filter_map(|r| ctx.id(*r)).collect();
    let Some(values) = ids.iter().map(|id| sub.num(id)).collect::<Option<Vec<Decimal>>>() else {
        return vec![];
    };
    // `small` ≤ `big`, or one finding on the `small` cell.
    let order = |small: (&str, Decimal), big: (&str, Decimal)| {
        (small.1 > big.1).then(|| {
            let (l, r) = (ctx.form.label(small.0), ctx.form.label(big.0));
            let (a, b) = (calc::fmt_num(small.1), calc::fmt_num(big.1));
            Finding::at(
                Code::SpendOrder,
                &ctx.loc(small.0),
                Some(format!("≤ {b}")),
                Some(a.clone()),
                &format!("{l} {a} 大于{r} {b}"),
            )
            .from_fields(&[small.0, big.0])
        })
    };
    let pairs = ids.iter().copied().zip(values);
    pairs.clone().zip(pairs.skip(1)).filter_map(|(small, big)| order(small, big)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Value;
    use crate::testkit::{clean, run, run_with, with};

    #[test]
    fn spend_order_fires_and_stays_quiet() {
        assert!(run(spend_order, &clean(0)).is_empty());
        let sub = with(0, "exec.spent", Value::Number(4000.0));
        assert_eq!(run(spend_order, &sub), vec![(Code::SpendOrder, "资金执行!B6".into())]);
        let sub = with(0, "exec.arrived", Value::Number(3400.0));
        assert_eq!(run(spend_order, &sub), vec![(Code::SpendOrder, "资金执行!B5".into())]);
    }

    #[test]
    fn a_form_without_arrived_bounds_spent_by_the_budget() {
        let text = crate::spec::embedded_form_text().replacen("arrived = \"exec.arrived\"\n", "", 1);
        let form = crate::spec::FormSpec::from_toml(&text, "t").expect("loads without arrived");
        // An arrived amount above the budget is not this form's business any more.
        assert!(run_with(spend_order, &with(0, "exec.arrived", Value::Number(3400.0)), &form).is_empty());
        let sub = with(0, "exec.spent", Value::Number(3378.01));
        assert_eq!(run_with(spend_order, &sub, &form), vec![(Code::SpendOrder, "资金执行!B6".into())]);
        assert!(run_with(spend_order, &with(0, "exec.spent", Value::Number(3378.0)), &form).is_empty(), "= budget");
    }
}

/// SE208: an amount far above the city's issued budget was most likely
/// typed in 元, not 万元 (3378 万元 typed as 33,780,000).
pub fn looks_like_yuan(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let Some(city) = sub.city_text().and_then(|t| ctx.params.resolve_city(&t)) else {
        return vec![];
    };
    let Some(limit) = city.budget.checked_mul(ctx.bands.units.yuan_factor) else {
        return vec![];
    };
    let budget_label = ctx.id(Role::Budget).map(|id| ctx.form.label(id)).unwrap_or("预算");
    ctx.form
        .fields()
        .filter(|f| f.kind == Kind::Amount)
        .filter_map(|f| {
            let id = f.id.as_str();
            let v = sub.num(id)?;
            (v > limit && limit > Decimal::ZERO).then(|| {
                let wan = v / Decimal::from(10_000);
                Finding::at(
                    Code::LooksLikeYuan,
                    &ctx.loc(id),
                    Some(format!("{} 万元", calc::fmt2(wan))),
                    Some(calc::fmt_num(v)),
                    &format!(
                        "本市{} {} 万元；如以元计，折合 {} 万元",
                        budget_label,
                        calc::fmt_num(city.budget),
                        calc::fmt2(wan)
                    ),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod yuan_tests {
    use super::*;
    use crate::read::Value;
    use crate::testkit::{clean, run, with};

    #[test]
    fn yuan_fires_and_stays_quiet() {
        assert!(run(looks_like_yuan, &clean(1)).is_empty());
        let sub = with(1, "exec.spent", Value::Number(6_585_400.0));
        assert_eq!(run(looks_like_yuan, &sub), vec![(Code::LooksLikeYuan, "资金执行!B6".into())]);
    }
}
