//! Figures that appear on more than one sheet, or bound each other
//! across sheets.

use super::Ctx;
use crate::calc;
use crate::findings::{Code, Finding};
use crate::model::Submission;
use crate::params::TargetValue;
use crate::spec::{IssuedFigure, Kind, SameFigure, Witness};
use rust_decimal::Decimal;

/// SE311: a field declared `at_most` another (each 附件1 count is a
/// number of communities, so at most the communities renovated).
pub fn benefits_within_communities(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .fields()
        .filter_map(|f| {
            let bound = f.at_most.as_deref()?;
            let (v, total) = (sub.num(&f.id)?, sub.num(bound)?);
            (v > total).then(|| {
                Finding::at(
                    Code::PartExceedsWhole,
                    &ctx.loc(&f.id),
                    Some(calc::fmt_num(total)),
                    Some(calc::fmt_num(v)),
                    &where_is(ctx, bound),
                )
                .from_fields(&[f.id.as_str(), bound])
            })
        })
        .collect()
}

/// "“资金执行”表B6（实际支出）".
fn where_is(ctx: &Ctx, id: &str) -> String {
    ctx.form.field(id).map(|f| format!("“{}”表{}（{}）", f.sheet, f.cell, f.label.text)).unwrap_or_default()
}

/// Which of two figures a third one supports: `Some(true)` for the
/// first, `Some(false)` for the second, `None` when it cannot tell.
fn decide(sub: &Submission, ctx: &Ctx, p: &SameFigure, va: Decimal, vb: Decimal) -> Option<bool> {
    let fits = |v: Decimal| -> Option<bool> {
        match &p.witness {
            Witness::Issued => {
                let city = ctx.params.resolve_city(&sub.city_text()?)?;
                let issued = match ctx.form.issued_kind(&p.b)? {
                    IssuedFigure::Plan(m) => city.plan.get(m)?,
                    IssuedFigure::Budget => city.budget,
                };
                Some(v == issued)
            }
            Witness::Rate { rate, whole } => {
                let reported = calc::round2(sub.pct(rate)?);
                Some(calc::percent2(v, sub.num(whole)?)? == reported)
            }
            Witness::None => None,
        }
    };
    match (fits(va)?, fits(vb)?) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// SE312: 自评评分 repeats figures of the other sheets (form.toml
/// `[[same]]` and the measures); they must agree (全年预算数 = the copied budget, 全年执行数 = the amount spent, indicator targets = plan,
/// actuals = actuals, a rate repeated on two sheets). Both cells are marked; one
/// is called wrong only when a third figure decides (the issued figure, or
/// the rate the clerk computed from one of them).
pub fn sheets_agree(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .same_figures()
        .into_iter()
        .filter_map(|p| {
            let (va, vb) = (sub.num(&p.a)?, sub.num(&p.b)?);
            if va == vb {
                return None;
            }
            let percent = ctx.form.field(&p.a).is_some_and(|f| f.kind == Kind::Percent);
            if percent && calc::round2(sub.pct(&p.a)?) == calc::round2(sub.pct(&p.b)?) {
                return None;
            }
            let show = |id: &str, v| {
                if percent {
                    sub.pct(id).map(calc::fmt_pct).unwrap_or_default()
                } else {
                    calc::fmt_num(v)
                }
            };
            let place = |id: &str| {
                let f = ctx.form.field(id)?;
                Some(crate::findings::Place { sheet: f.sheet.clone(), cell: f.cell })
            };
            let (sa, sb) = (show(&p.a, va), show(&p.b, vb));
            let (wrong, right, found, expected, why) = match decide(sub, ctx, &p, va, vb) {
                Some(true) => (&p.b, &p.a, sb, Some(sa), "与另一处和第三个数字（省下达数或所填比率）一致"),
                Some(false) => (&p.a, &p.b, sa, Some(sb), "与另一处和第三个数字（省下达数或所填比率）一致"),
                None => (&p.a, &p.b, sa, None, ""),
            };
            let detail = match &expected {
                Some(e) => format!("{} 的 {e}（{why}）", where_is(ctx, right)),
                None => format!(
                    "{} 的 {}（两处应为同一数字，请核对哪一处正确后统一）",
                    where_is(ctx, right),
                    sb_or(&p, sub, vb, percent)
                ),
            };
            let mut f = Finding::at(Code::SheetsDisagree, &ctx.loc(wrong), expected, Some(found), &detail)
                .from_fields(&[p.a.as_str(), p.b.as_str()]);
            f.related = place(right).into_iter().collect();
            Some(f)
        })
        .collect()
}

/// The second figure as shown, for the undecided message.
fn sb_or(p: &SameFigure, sub: &Submission, vb: Decimal, percent: bool) -> String {
    if percent {
        sub.pct(&p.b).map(calc::fmt_pct).unwrap_or_default()
    } else {
        calc::fmt_num(vb)
    }
}

/// SE313: a percent field declared `target` against the
/// 表1-1 target of that key (≥80%).
pub fn satisfaction_target(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .fields()
        .filter_map(|f| {
            let key = f.target.as_deref()?;
            let sat = sub.pct(&f.id)?;
            let target = ctx.params.targets.iter().find(|t| t.key == key)?;
            let TargetValue::Number(want) = target.value else { return None };
            (sat < want).then(|| {
                Finding::at(
                    Code::BelowTarget,
                    &ctx.loc(&f.id),
                    Some(format!("{}{}%", target.op, calc::fmt_num(want))),
                    Some(calc::fmt_pct(sat)),
                    "",
                )
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
    fn benefit_bound_fires_and_stays_quiet() {
        // 梅州市 has 206 communities and counts up to 197.
        assert!(run(benefits_within_communities, &clean(3)).is_empty());
        let sub = with(3, "benefit.linked", Value::Number(207.0));
        assert_eq!(run(benefits_within_communities, &sub), vec![(Code::PartExceedsWhole, "效益指标!C7".into())]);
        // Worded by the catalog alone (no template set's [messages]), the
        // finding names the cell that bounds it.
        let (form, params) = crate::testkit::ctx_parts();
        let bands = crate::testkit::bands();
        let f = benefits_within_communities(&sub, &Ctx { form: &form, params: &params, bands: &bands });
        let m = f[0].message(&crate::testkit::catalog_form());
        assert!(m.contains("超过“任务完成”表C7（改造小区数（个））的 206"), "{m}");
    }

    #[test]
    fn sheets_agree_fires_and_stays_quiet() {
        assert!(run(sheets_agree, &clean(7)).is_empty());
        let sub = with(7, "ind.households.actual", Value::Number(7000.0));
        assert_eq!(run(sheets_agree, &sub), vec![(Code::SheetsDisagree, "自评评分!E8".into())]);
        let sub = with(7, "ind.satisfaction.actual", Value::Number(0.95));
        assert_eq!(run(sheets_agree, &sub), vec![(Code::SheetsDisagree, "自评评分!E13".into())]);
        // Quiet on the boundary: a percent equal at 2 places is the same.
        let b = crate::testkit::clean(7).num("benefit.satisfaction").unwrap();
        let nearly = calc::to_f64(b) + 0.000_000_001;
        assert!(run(sheets_agree, &with(7, "ind.satisfaction.actual", Value::Number(nearly))).is_empty());
        let off = calc::to_f64(b) + 0.0001;
        assert_eq!(run(sheets_agree, &with(7, "ind.satisfaction.actual", Value::Number(off))).len(), 1);
    }

    /// 资金执行!B6 wrong, 自评评分!D4 right, and 支出率 computed from the
    /// right one: the wrong cell is named, and the other is marked too.
    #[test]
    fn the_witness_decides_which_cell_is_wrong() {
        let (form, params) = crate::testkit::ctx_parts();
        let bands = crate::testkit::bands();
        let ctx = Ctx { form: &form, params: &params, bands: &bands };
        // 韶关市 (1): spent 658.54 of 1443, 支出率 45.64%.
        let sub = with(1, "exec.spent", Value::Number(685.54));
        let f = sheets_agree(&sub, &ctx);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].place(), "资金执行!B6", "{f:#?}");
        assert_eq!(f[0].expected.as_deref(), Some("658.54"));
        assert_eq!(f[0].related.iter().map(ToString::to_string).collect::<Vec<_>>(), vec!["自评评分!D4"]);
        // The other way round: 自评评分!D4 wrong.
        let sub = with(1, "fund.executed", Value::Number(685.54));
        let f = sheets_agree(&sub, &ctx);
        assert_eq!(f[0].place(), "自评评分!D4");
        assert_eq!(f[0].related.iter().map(ToString::to_string).collect::<Vec<_>>(), vec!["资金执行!B6"]);
        // No witness (满意度): neither is called right, both are marked.
        let sub = with(1, "ind.satisfaction.actual", Value::Number(0.5));
        let f = sheets_agree(&sub, &ctx);
        assert_eq!(f[0].expected, None);
        assert_eq!(f[0].related.len(), 1);
        let m = f[0].message(ctx.form);
        assert!(m.contains("请核对哪一处正确"), "{m}");
    }

    #[test]
    fn satisfaction_target_fires_and_stays_quiet() {
        assert!(run(satisfaction_target, &clean(8)).is_empty());
        let sub = with(8, "benefit.satisfaction", Value::Number(0.7857));
        assert_eq!(run(satisfaction_target, &sub), vec![(Code::BelowTarget, "效益指标!C11".into())]);
    }
}
