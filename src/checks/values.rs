//! Single values: filled, of the right type, in range, in the right unit.

use super::Ctx;
use crate::calc;
use crate::findings::{Code, Finding};
use crate::model::{Parsed, Submission};
use crate::spec::{Kind, Role};
use rust_decimal::Decimal;

/// SE201: a required input cell is empty.
pub fn required_filled(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .fields()
        .filter(|f| f.required && *sub.parsed(&f.id) == Parsed::Missing)
        .filter(|f| sub.raw.sheet(&f.sheet).is_some())
        .map(|f| Finding::at(Code::RequiredEmpty, &ctx.loc(&f.id), Some(f.kind.zh().to_string()), None, ""))
        .collect()
}

/// SE202: a cell holds something its kind cannot be ("约3千" as an amount,
/// 12.5 households, a choice not in the list, #DIV/0!).
pub fn types_valid(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .fields()
        .filter_map(|f| match sub.parsed(&f.id) {
            Parsed::Bad { found } => {
                let mut expected = f.kind.zh().to_string();
                if !f.options.is_empty() {
                    expected = format!("“{}”之一", f.options.join("”“"));
                } else if !f.allow_text.is_empty() {
                    expected = format!("{expected}或“{}”", f.allow_text.join("”“"));
                }
                Some(Finding::at(Code::WrongType, &ctx.loc(&f.id), Some(expected), Some(found.clone()), ""))
            }
            _ => None,
        })
        .collect()
}

/// SE207: a formula whose result was never saved is unknown, not 0.
/// Derived figures are not asked for: selfeval computes them (SE210).
pub fn formulas_cached(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .fields()
        .filter(|f| ctx.form.derived(&f.id).is_none())
        .filter_map(|f| match sub.parsed(&f.id) {
            Parsed::NoCache { formula } => Some(Finding::at(
                Code::FormulaNoCache,
                &ctx.loc(&f.id),
                None,
                Some(format!("={formula}")),
                &format!("={formula}"),
            )),
            _ => None,
        })
        .collect()
}

/// SE203: amounts, measures, counts and scores are never negative.
pub fn no_negative(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .fields()
        .filter(|f| matches!(f.kind, Kind::Amount | Kind::Decimal | Kind::Count | Kind::Score))
        .filter_map(|f| {
            let v = sub.num(&f.id)?;
            (v < Decimal::ZERO).then(|| {
                Finding::at(Code::NegativeAmount, &ctx.loc(&f.id), Some("≥ 0".into()), Some(calc::fmt_num(v)), "")
            })
        })
        .collect()
}

/// SE204: a rate lies between 0% and its maximum (100% for 支出率,
/// 执行率 and the like; completion rates may exceed 100%).
pub fn rates_in_range(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .fields()
        .filter(|f| f.kind == Kind::Percent)
        .filter_map(|f| {
            let p = sub.pct(&f.id)?;
            let too_high = f.max_percent.is_some_and(|m| p > m);
            if p >= Decimal::ZERO && !too_high {
                return None;
            }
            let range = match f.max_percent {
                Some(m) => format!("0% 至 {}%", calc::fmt_num(m)),
                None => "不小于 0%".to_string(),
            };
            Some(Finding::at(Code::RateOutOfRange, &ctx.loc(&f.id), Some(range), Some(calc::fmt_pct(p)), ""))
        })
        .collect()
}

/// SE205: amounts are reported in the form's unit (万元).
pub fn unit_is_wan(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    match ctx.id(Role::Unit).and_then(|id| sub.text(id)) {
        Some(u) if u.trim() != ctx.form.unit => {
            vec![Finding::at(
                Code::WrongUnit,
                &ctx.loc_of(Role::Unit),
                Some(ctx.form.unit.clone()),
                Some(u.to_string()),
                "",
            )]
        }
        _ => vec![],
    }
}

/// SE206: the form is for the year being evaluated.
pub fn year_matches(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    match ctx.num(sub, Role::Year) {
        Some(y) if y != Decimal::from(ctx.params.year) => vec![Finding::at(
            Code::WrongYear,
            &ctx.loc_of(Role::Year),
            Some(ctx.params.year.to_string()),
            Some(calc::fmt_num(y)),
            "",
        )],
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Value;
    use crate::testkit::{clean, run, with};

    #[test]
    fn required_fires_and_stays_quiet() {
        assert!(run(required_filled, &clean(0)).is_empty());
        let sub = with(0, "exec.spent", Value::Empty);
        assert_eq!(run(required_filled, &sub), vec![(Code::RequiredEmpty, "资金执行!B6".into())]);
        // 备注 is optional.
        assert!(run(required_filled, &with(0, "info.remark", Value::Empty)).is_empty());
    }

    #[test]
    fn type_fires_and_stays_quiet() {
        assert!(run(types_valid, &clean(4)).is_empty());
        let sub = with(4, "actual.households", Value::Text("约三千".into()));
        assert_eq!(run(types_valid, &sub), vec![(Code::WrongType, "任务完成!C5".into())]);
        let sub = with(4, "ind.living.actual", Value::Text("基本".into()));
        assert_eq!(run(types_valid, &sub), vec![(Code::WrongType, "自评评分!E12".into())]);
    }

    #[test]
    fn formula_without_cache_fires_and_stays_quiet() {
        let (form, _) = crate::testkit::ctx_parts();
        let uncached = |id: &str, formula: &str| {
            let mut sub = clean(5);
            let f = form.field(id).unwrap();
            let sheet = sub.raw.sheets.iter_mut().find(|s| s.name == f.sheet).unwrap();
            sheet.cells.remove(&f.cell);
            sheet.formulas.insert(f.cell, formula.into());
            crate::model::Submission::build(sub.path.clone(), sub.name.clone(), sub.raw.clone(), &form)
        };
        assert!(run(formulas_cached, &clean(5)).is_empty());
        // An input typed as a formula and never calculated: unknown.
        let sub = uncached("exec.spent", "B5*0.9");
        assert_eq!(run(formulas_cached, &sub), vec![(Code::FormulaNoCache, "资金执行!B6".into())]);
        // Unknown is not empty: the required check leaves it to SE207.
        assert!(run(required_filled, &sub).is_empty());
        // A derived figure is selfeval's to compute: not asked for.
        assert!(run(formulas_cached, &uncached("exec.rate", "B6/B4")).is_empty());
    }

    #[test]
    fn negative_fires_and_stays_quiet() {
        assert!(run(no_negative, &clean(6)).is_empty());
        let sub = with(6, "exec.spent", Value::Number(-5.0));
        assert_eq!(run(no_negative, &sub), vec![(Code::NegativeAmount, "资金执行!B6".into())]);
    }

    #[test]
    fn rate_range_fires_and_stays_quiet() {
        assert!(run(rates_in_range, &clean(7)).is_empty());
        // 145.64 is beyond 100% whether read as a fraction or a percent.
        let sub = with(7, "exec.rate", Value::Number(145.64));
        assert_eq!(run(rates_in_range, &sub), vec![(Code::RateOutOfRange, "资金执行!B7".into())]);
        let sub = with(7, "rate.area", Value::Number(-0.1));
        assert_eq!(run(rates_in_range, &sub), vec![(Code::RateOutOfRange, "任务完成!D4".into())]);
        // Completion above 100% is normal.
        assert!(run(rates_in_range, &with(7, "rate.area", Value::Number(1.6586))).is_empty());
    }

    #[test]
    fn unit_fires_and_stays_quiet() {
        assert!(run(unit_is_wan, &clean(8)).is_empty());
        let sub = with(8, "info.unit", Value::Text("元".into()));
        assert_eq!(run(unit_is_wan, &sub), vec![(Code::WrongUnit, "基本信息!B7".into())]);
    }

    #[test]
    fn year_fires_and_stays_quiet() {
        assert!(run(year_matches, &clean(9)).is_empty());
        let sub = with(9, "info.year", Value::Number(2023.0));
        assert_eq!(run(year_matches, &sub), vec![(Code::WrongYear, "基本信息!B5".into())]);
    }
}

/// SE209: a value typed other than the form asks ("3,378", "45.64%" as
/// text, full-width digits) was read unambiguously; say how, so the
/// clerk can confirm.
pub fn normalised(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let mut ids: Vec<&String> = sub.notes.keys().collect();
    ids.sort();
    ids.into_iter()
        .filter_map(|id| {
            let (typed, how) = sub.notes.get(id)?;
            let f = ctx.form.field(id)?;
            let read = match f.kind {
                Kind::Percent => calc::fmt_pct(sub.pct(id)?),
                _ => calc::fmt_num(sub.num(id)?),
            };
            Some(Finding::at(Code::ValueNormalised, &ctx.loc(id), Some(read), Some(typed.clone()), how))
        })
        .collect()
}

#[cfg(test)]
mod normalised_tests {
    use super::*;
    use crate::read::Value;
    use crate::testkit::{clean, run, with};

    #[test]
    fn normalised_fires_and_stays_quiet() {
        assert!(run(normalised, &clean(0)).is_empty());
        let sub = with(0, "exec.budget", Value::Text("3,378".into()));
        assert_eq!(run(normalised, &sub), vec![(Code::ValueNormalised, "资金执行!B4".into())]);
        let sub = with(0, "exec.rate", Value::Text("4.53%".into()));
        assert_eq!(run(normalised, &sub), vec![(Code::ValueNormalised, "资金执行!B7".into())]);
    }
}
