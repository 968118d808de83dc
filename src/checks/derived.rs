//! Every derived figure of the form (rates, scores, 总分, 自评等级) against
//! the relation form.toml declares for it (`[[derived]]`): one check for
//! all of them, so a changed rule is an edited line of data, not Rust.
//!
//! The same relations fill in a derived cell whose formula result the
//! file did not keep ([`complete`]): selfeval never needs a cached result
//! to know a figure it can compute.

use super::Ctx;
use crate::calc;
use crate::findings::{Code, Finding};
use crate::model::{Parsed, Submission};
use crate::spec::derived::{DerivedSpec, Piece};
use crate::spec::relation::{Expr, Func, Scope, Val};
use crate::spec::Kind;
use rust_decimal::Decimal;

/// Depth beyond which `recomputed()` gives up: relations are checked
/// acyclic on load, so this only bounds a template edited past that check.
const MAX_DEPTH: usize = 32;

/// Figures as the city filed them; a 分值 is the template's.
struct Filed<'a> {
    sub: &'a Submission,
    ctx: &'a Ctx<'a>,
}

impl Scope for Filed<'_> {
    fn filed(&self, id: &str) -> Option<Val> {
        match self.ctx.form.standard_weight(id) {
            Some(w) => Some(Val::Num(w)),
            None => val(self.sub.parsed(id)),
        }
    }

    fn recomputed(&self, id: &str) -> Option<Val> {
        recompute(self.sub, self.ctx, id, 0)
    }

    fn grade(&self, total: Decimal) -> Option<String> {
        Some(self.ctx.bands.grade(total).to_string())
    }
}

/// Every derived figure recomputed from the inputs alone, never the
/// city's own value of it.
struct Recomputed<'a> {
    filed: Filed<'a>,
    depth: usize,
}

impl Scope for Recomputed<'_> {
    fn filed(&self, id: &str) -> Option<Val> {
        match self.filed.ctx.form.derived(id) {
            Some(_) => self.recomputed(id),
            None => self.filed.filed(id),
        }
    }

    fn recomputed(&self, id: &str) -> Option<Val> {
        recompute(self.filed.sub, self.filed.ctx, id, self.depth + 1)
    }

    fn grade(&self, total: Decimal) -> Option<String> {
        self.filed.grade(total)
    }
}

fn recompute(sub: &Submission, ctx: &Ctx, id: &str, depth: usize) -> Option<Val> {
    if depth > MAX_DEPTH {
        return None;
    }
    ctx.form.derived(id)?.value(&Recomputed { filed: Filed { sub, ctx }, depth })
}

/// selfeval's own value of derived field `id`, from the inputs alone.
pub fn recomputed(sub: &Submission, ctx: &Ctx, id: &str) -> Option<Val> {
    recompute(sub, ctx, id, 0)
}

/// A read value as a relation sees it; `None` when empty or unreadable.
fn val(p: &Parsed) -> Option<Val> {
    match p {
        Parsed::Number(d) => Some(Val::Num(*d)),
        Parsed::Text(t) => Some(Val::Text(t.clone())),
        _ => None,
    }
}

/// A stored fraction as the percent a clerk sees: 0.4564 → 45.64%.
fn percent(fraction: Decimal) -> String {
    fraction.checked_mul(Decimal::ONE_HUNDRED).map(calc::fmt_pct).unwrap_or_default()
}

/// A figure as findings show it: a percent as 45.64%, a score with 2
/// places, a word as it is.
fn shown_value(v: &Val, kind: Kind) -> String {
    match (v, kind) {
        (Val::Text(t), _) => t.clone(),
        (Val::Num(d), Kind::Percent) => percent(*d),
        (Val::Num(d), _) => calc::fmt2(*d),
    }
}

/// The field an expression shows, for its formatting: `x` or `recomputed(x)`.
fn shown_field(e: &Expr) -> Option<&str> {
    match e {
        Expr::Field(id) => Some(id),
        Expr::Call(Func::Recomputed, a) => match a.as_slice() {
            [Expr::Field(id)] => Some(id),
            _ => None,
        },
        _ => None,
    }
}

/// The finding's `{detail}` from the declaration's template.
fn detail(pieces: &[Piece], scope: &Filed) -> String {
    let mut s = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => s.push_str(t),
            Piece::Value { expr, two } => {
                let kind = shown_field(expr).and_then(|id| scope.ctx.form.field(id)).map(|f| f.kind);
                s.push_str(&match (expr.eval(scope), kind, two) {
                    (None, ..) => String::new(),
                    (Some(Val::Num(n)), _, true) => calc::fmt2(n),
                    (Some(Val::Num(n)), Some(Kind::Percent), false) => percent(n),
                    (Some(Val::Num(n)), ..) => calc::fmt_num(n),
                    (Some(Val::Text(t)), ..) => t,
                });
            }
        }
    }
    s
}

/// An expression over the figures as filed, and its words: what the
/// plausibility ratios (checks.toml `[[ratios]]`) show.
pub(super) fn as_filed(sub: &Submission, ctx: &Ctx, expr: &Expr, words: &[Piece]) -> (Option<Decimal>, String) {
    let scope = Filed { sub, ctx };
    (expr.eval(&scope).and_then(|v| v.num()), detail(words, &scope))
}

/// SE302–SE308: a filed derived figure that does not follow from the
/// figures it is computed from. Quiet when either side is unknown: an
/// empty or unreadable cell is reported by the value checks.
pub fn relations(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form.derived.iter().filter_map(|d| mismatch(sub, ctx, d)).collect()
}

fn mismatch(sub: &Submission, ctx: &Ctx, d: &DerivedSpec) -> Option<Finding> {
    let kind = ctx.form.field(&d.field)?.kind;
    let scope = Filed { sub, ctx };
    let found = val(sub.parsed(&d.field))?;
    let want = d.value(&scope)?;
    let agrees = match (&found, &want) {
        (Val::Num(f), Val::Num(w)) => d.agrees(*f, *w, ctx.bands.score.tolerance),
        (Val::Text(f), Val::Text(w)) => f == w,
        // A word where a figure belongs (or the reverse): the value
        // checks say so.
        _ => true,
    };
    (!agrees).then(|| {
        Finding::at(
            d.code,
            &ctx.loc(&d.field),
            Some(shown_value(&want, kind)),
            Some(shown_value(&found, kind)),
            &detail(&d.detail, &scope),
        )
    })
}

/// Fills each derived field whose formula left no readable result with
/// selfeval's value and records it in `sub.computed`: the figure is
/// known without the file's cached result, so it never costs the city an
/// error or its place in the totals. Run before the checks.
pub fn complete(sub: &mut Submission, ctx: &Ctx) {
    for d in &ctx.form.derived {
        let Parsed::NoCache { formula } = sub.parsed(&d.field).clone() else {
            continue;
        };
        if let Some(v) = recomputed(sub, ctx, &d.field) {
            let p = match v {
                Val::Num(n) => Parsed::Number(n),
                Val::Text(t) => Parsed::Text(t),
            };
            sub.values.insert(d.field.clone(), p);
        }
        sub.computed.insert(d.field.clone(), formula);
    }
}

/// A derived figure recomputed because an input it depends on was
/// corrected by the province.
#[derive(Debug, Clone, PartialEq)]
pub struct Following {
    pub field: String,
    pub value: Val,
    /// The figure as the file held it, as a clerk sees it.
    pub was: String,
    /// The corrected field it was recomputed from.
    pub follows: String,
}

/// Recomputes every derived figure whose cell is a formula and which
/// depends (through other derived figures too) on a `corrected` input,
/// from the corrected inputs, whatever result the file cached: Excel, WPS
/// and LibreOffice recalculate on save, so a 支出率 next to a 实际支出
/// typed in 元 holds 57815.76% on disk, and that stale result must not
/// outlive the correction. A derived figure typed by hand (no formula) is
/// left as filed: its check still speaks, and the clerk can correct it
/// too. Run after the corrections are put in, before the checks.
pub fn follow(sub: &mut Submission, ctx: &Ctx, corrected: &[&str]) -> Vec<Following> {
    let mut out = Vec::new();
    for d in &ctx.form.derived {
        let Some(spec) = ctx.form.field(&d.field) else { continue };
        if corrected.contains(&d.field.as_str()) || !matches!(sub.parsed(&d.field), Parsed::Number(_) | Parsed::Text(_))
        {
            continue;
        }
        let is_formula = sub.raw.sheet(&spec.sheet).is_some_and(|s| s.formulas.contains_key(&sub.cell_of(spec)));
        let Some(parent) = corrected.iter().find(|c| depends_on(ctx, &d.field, c, 0)) else { continue };
        let Some(value) = is_formula.then(|| recomputed(sub, ctx, &d.field)).flatten() else { continue };
        let was = val(sub.parsed(&d.field));
        let same = match (&was, &value) {
            (Some(Val::Num(f)), Val::Num(w)) => d.agrees(*f, *w, Decimal::ZERO),
            (Some(f), w) => f == w,
            (None, _) => false,
        };
        if !same {
            let was = was.map(|v| shown_value(&v, spec.kind)).unwrap_or_else(|| "（空）".to_string());
            out.push(Following { field: d.field.clone(), value, was, follows: parent.to_string() });
        }
    }
    for f in &out {
        let p = match &f.value {
            Val::Num(n) => Parsed::Number(*n),
            Val::Text(t) => Parsed::Text(t.clone()),
        };
        sub.values.insert(f.field.clone(), p);
        sub.notes.remove(&f.field);
    }
    out
}

/// Whether derived field `id` is computed (at any depth) from `input`.
fn depends_on(ctx: &Ctx, id: &str, input: &str, depth: usize) -> bool {
    let Some(d) = ctx.form.derived(id).filter(|_| depth <= MAX_DEPTH) else { return false };
    d.expr.fields().iter().any(|f| f == input || depends_on(ctx, f, input, depth + 1))
}

/// SE210 (info): each derived cell [`complete`] filled in, with its
/// value, or that the figures it needs are not all there (those are
/// reported where they are).
pub fn computed_cells(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .derived
        .iter()
        .filter_map(|d| {
            let formula = sub.computed.get(&d.field)?;
            let kind = ctx.form.field(&d.field)?.kind;
            let value = val(sub.parsed(&d.field))
                .map(|v| shown_value(&v, kind))
                .unwrap_or_else(|| "所依据的数字不全，无法计算".to_string());
            Some(Finding::at(Code::DerivedComputed, &ctx.loc(&d.field), Some(value), Some(format!("={formula}")), ""))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Value;
    use crate::testkit::{clean, ctx_parts, run, set, with};

    /// The cells `relations` reports with `code` for one sample changed
    /// (a changed score moves 总分 and 自评等级 too; each has its test).
    fn fired(i: usize, code: Code, changes: &[(&str, Value)]) -> Vec<(Code, String)> {
        let (form, _) = ctx_parts();
        let mut sub = clean(i);
        for (id, v) in changes {
            set(&mut sub, &form, id, v.clone());
        }
        run(relations, &sub).into_iter().filter(|(c, _)| *c == code).collect()
    }

    #[test]
    fn the_clean_samples_follow_every_relation() {
        for i in 0..15 {
            assert!(run(relations, &clean(i)).is_empty(), "sample {i}");
        }
    }

    #[test]
    fn spend_rate_fires_and_stays_quiet() {
        // An unrounded formula result is the same rate.
        assert!(fired(1, Code::SpendRateMismatch, &[("exec.rate", Value::Number(658.54 / 1443.0))]).is_empty());
        assert_eq!(
            fired(1, Code::SpendRateMismatch, &[("exec.rate", Value::Number(0.4664))]),
            vec![(Code::SpendRateMismatch, "资金执行!B7".into())]
        );
    }

    #[test]
    fn completion_rate_fires_and_stays_quiet() {
        assert_eq!(
            fired(2, Code::CompletionRateMismatch, &[("rate.households", Value::Number(1.0))]),
            vec![(Code::CompletionRateMismatch, "任务完成!D5".into())]
        );
    }

    #[test]
    fn exec_rate_fires_and_stays_quiet() {
        assert_eq!(
            fired(3, Code::ExecRateMismatch, &[("fund.rate", Value::Number(0.0352))]),
            vec![(Code::ExecRateMismatch, "自评评分!F4".into())]
        );
    }

    #[test]
    fn score_total_fires_and_stays_quiet() {
        assert_eq!(
            fired(1, Code::ScoreTotalMismatch, &[("score.total", Value::Number(100.0))]),
            vec![(Code::ScoreTotalMismatch, "自评评分!G15".into())]
        );
    }

    #[test]
    fn fund_score_fires_and_stays_quiet() {
        // 汕头市: full marks at a 4.53% rate.
        let sub = with(0, "fund.score", Value::Number(10.0));
        let (form, params) = ctx_parts();
        let bands = crate::testkit::bands();
        let ctx = Ctx { form: &form, params: &params, bands: &bands };
        let f: Vec<Finding> = relations(&sub, &ctx).into_iter().filter(|f| f.code == Code::FundScoreMismatch).collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::FundScoreMismatch);
        assert_eq!(
            f[0].message(&form),
            "资金执行得分应为 分值 × 执行率 = 0.45，自评为 10.00（分值 10 × 执行率 4.53%）"
        );
        // Within the 0.1 tolerance of 0.45: quiet, on the boundary too.
        assert!(fired(0, Code::FundScoreMismatch, &[("fund.score", Value::Number(0.55))]).is_empty());
        assert_eq!(fired(0, Code::FundScoreMismatch, &[("fund.score", Value::Number(0.56))]).len(), 1);
    }

    #[test]
    fn indicator_score_fires_and_stays_quiet() {
        // 惠州市 actual 11 communities; target raised to 22: score 5.00, not 10.
        let raised = ("ind.communities.target", Value::Number(22.0));
        assert_eq!(
            fired(4, Code::IndicatorScoreMismatch, std::slice::from_ref(&raised)),
            vec![(Code::IndicatorScoreMismatch, "自评评分!G7".into())]
        );
        assert!(
            fired(4, Code::IndicatorScoreMismatch, &[raised, ("ind.communities.score", Value::Number(5.0))]).is_empty()
        );
        // Yes/no: 否 scores nothing.
        assert_eq!(
            fired(4, Code::IndicatorScoreMismatch, &[("ind.living.actual", Value::Text("否".into()))]),
            vec![(Code::IndicatorScoreMismatch, "自评评分!G12".into())]
        );
    }

    #[test]
    fn grade_fires_and_stays_quiet() {
        assert_eq!(
            fired(2, Code::GradeMismatch, &[("score.grade", Value::Text("良".into()))]),
            vec![(Code::GradeMismatch, "自评评分!G16".into())]
        );
    }

    #[test]
    fn a_derived_cell_without_its_result_is_computed_not_blamed() {
        let (form, params) = ctx_parts();
        let bands = crate::testkit::bands();
        let ctx = Ctx { form: &form, params: &params, bands: &bands };
        let mut sub = clean(1);
        let want = sub.values.clone();
        for id in ["exec.rate", "score.total", "score.grade"] {
            let f = form.field(id).unwrap();
            let sheet = sub.raw.sheets.iter_mut().find(|s| s.name == f.sheet).unwrap();
            sheet.cells.remove(&f.cell);
            sheet.formulas.insert(f.cell, "ROUND(B6/B4,4)".into());
        }
        let mut sub = Submission::build(sub.path.clone(), sub.name.clone(), sub.raw.clone(), &form);
        complete(&mut sub, &ctx);
        for id in ["exec.rate", "score.total", "score.grade"] {
            assert_eq!(sub.values.get(id), want.get(id), "{id}");
        }
        let f = computed_cells(&sub, &ctx);
        assert_eq!(f.len(), 3);
        assert!(f.iter().all(|f| f.severity == crate::findings::Severity::Info));
        assert_eq!(f[0].expected.as_deref(), Some("45.64%"));
        // Nothing filled in: quiet.
        assert!(computed_cells(&clean(1), &ctx).is_empty());
    }
}
