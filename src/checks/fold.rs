//! One root cause, one finding. When a figure is judged wrong at its
//! source (元 typed for 万元, a negative count, a figure that is not the
//! province's), every rate, score and cross-check computed from it is
//! wrong too; reporting each would bury the one thing to fix under a
//! cascade. Those findings are folded into the root's message instead
//! ("因此支出率、执行率、得分也不对"), and the same mistake repeated in the
//! cell that must hold the same figure is one finding marking both cells.

use super::Ctx;
use crate::findings::{Code, Finding, Note, Severity};
use std::collections::BTreeSet;

/// Codes that judge a figure wrong where it was typed.
pub const ROOT_CODES: &[Code] = &[Code::LooksLikeYuan, Code::NegativeAmount, Code::BudgetMismatch, Code::PlanMismatch];

/// Findings computed from other figures: rates and their range, totals,
/// scores, cross-sheet agreement, plausibility.
fn derived(code: Code) -> bool {
    use crate::findings::info::Group;
    code == Code::RateOutOfRange || matches!(code.group(), Group::Recomputed | Group::Plausibility)
}

/// The fields a derived field is computed from, transitively, as the
/// form's relations (`[[derived]]`) declare them.
pub fn sources(id: &str, ctx: &Ctx) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut todo = vec![id.to_string()];
    while let Some(f) = todo.pop() {
        for s in direct_sources(&f, ctx) {
            if out.insert(s.clone()) {
                todo.push(s);
            }
        }
    }
    out
}

/// The figures a derived field's `[[derived]]` relation reads.
fn direct_sources(id: &str, ctx: &Ctx) -> Vec<String> {
    ctx.form.derived(id).map(|d| d.expr.fields()).unwrap_or_default()
}

fn label(id: &str, ctx: &Ctx) -> String {
    ctx.form.field(id).map(|f| f.label.text.clone()).unwrap_or_default()
}

/// Folds derived findings into their root findings; see the module doc.
pub fn fold(findings: Vec<Finding>, ctx: &Ctx) -> Vec<Finding> {
    let is_root = |f: &Finding| ROOT_CODES.contains(&f.code) && f.field.is_some();
    let (roots, rest): (Vec<Finding>, Vec<Finding>) = findings.into_iter().partition(is_root);
    if roots.is_empty() {
        return rest;
    }
    let mut roots = merge_roots(roots, ctx);
    let bad: Vec<(usize, BTreeSet<String>)> = roots
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut own: BTreeSet<String> = r.field.iter().cloned().collect();
            own.extend(r.related.iter().filter_map(|p| field_at(p, ctx)));
            (i, own)
        })
        .collect();
    let mut folded: Vec<Vec<String>> = vec![Vec::new(); roots.len()];
    let mut kept = Vec::new();
    for f in rest {
        // Only what is computed from figures folds: an empty or
        // unreadable cell is its own thing to fix.
        if f.severity == Severity::Info || !derived(f.code) {
            kept.push(f);
            continue;
        }
        let mut deps: BTreeSet<String> = f.inputs.iter().cloned().collect();
        if let Some(id) = &f.field {
            deps.insert(id.clone());
            deps.extend(sources(id, ctx));
        }
        for i in f.inputs.iter() {
            deps.extend(sources(i, ctx));
        }
        match bad.iter().find(|(_, b)| !b.is_disjoint(&deps)) {
            Some((i, _)) => {
                if let Some(id) = &f.field {
                    folded[*i].push(label(id, ctx));
                }
            }
            None => kept.push(f),
        }
    }
    for (r, labels) in roots.iter_mut().zip(folded) {
        let own = r.field.as_deref().map(|id| label(id, ctx)).unwrap_or_default();
        let mut seen = BTreeSet::new();
        let names: Vec<String> =
            labels.into_iter().filter(|l| !l.is_empty() && *l != own && seen.insert(l.clone())).collect();
        if !names.is_empty() {
            r.notes.push(Note::Therefore(names));
        }
    }
    roots.extend(kept);
    roots
}

/// Root findings of one cell, or of the two cells that must hold one
/// figure, made one finding: the second judgement or the twin cell is
/// noted in the first.
fn merge_roots(roots: Vec<Finding>, ctx: &Ctx) -> Vec<Finding> {
    // The same mistake in both cells of a pair that must hold one figure:
    // one finding, both cells marked.
    let pairs = ctx.form.same_figures();
    let mut merged: Vec<Finding> = Vec::new();
    for r in roots {
        let field = r.field.clone().unwrap_or_default();
        // Two judgements of one cell (元 suspected, and not the issued
        // figure): one finding, the second said in it.
        if let Some(m) = merged.iter_mut().find(|m| m.field.as_deref() == Some(field.as_str())) {
            m.notes.push(Note::Also(Box::new(r)));
            continue;
        }
        let twin = merged.iter_mut().find(|m| {
            let mf = m.field.as_deref().unwrap_or("");
            m.code == r.code && pairs.iter().any(|p| (p.a == field && p.b == mf) || (p.b == field && p.a == mf))
        });
        match twin {
            Some(m) => {
                m.related.extend(r.spot());
                m.notes.push(Note::SameIn {
                    sheet: r.sheet.clone().unwrap_or_default(),
                    cell: r.cell,
                    label: label(&field, ctx),
                });
            }
            None => merged.push(r),
        }
    }
    merged
}

/// The field at "sheet!cell", if it is one of the form's.
fn field_at(place: &crate::findings::Place, ctx: &Ctx) -> Option<String> {
    ctx.form.fields().find(|f| f.sheet == place.sheet && f.cell == place.cell).map(|f| f.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Value;
    use crate::testkit::{bands, ctx_parts, with};

    fn codes_of(fs: &[Finding]) -> Vec<(Code, String)> {
        fs.iter().map(|f| (f.code, f.place())).collect()
    }

    /// 茂名 types 实际支出 in 元 in both cells that hold it: one finding.
    #[test]
    fn a_yuan_figure_is_one_finding_not_six() {
        let (form, params) = ctx_parts();
        let b = bands();
        let ctx = Ctx { form: &form, params: &params, bands: &b };
        let mut sub = with(9, "exec.spent", Value::Number(1_606_700.0));
        crate::testkit::set(&mut sub, &form, "fund.executed", Value::Number(1_606_700.0));
        let got = crate::checks::run_file(&mut sub.clone(), &ctx);
        let errors: Vec<&Finding> = got.iter().filter(|f| f.severity == Severity::Error).collect();
        assert_eq!(errors.len(), 1, "{:#?}", codes_of(&got));
        let f = errors[0];
        assert_eq!(f.code, Code::LooksLikeYuan);
        assert_eq!(f.place(), "资金执行!B6");
        assert_eq!(f.related.iter().map(ToString::to_string).collect::<Vec<_>>(), vec!["自评评分!D4"]);
        let m = f.message(&form);
        assert!(m.contains("因此") && m.contains("支出率"), "{m}");
    }

    /// Nothing to fold: findings pass through unchanged.
    #[test]
    fn an_independent_finding_is_kept() {
        let (form, params) = ctx_parts();
        let b = bands();
        let ctx = Ctx { form: &form, params: &params, bands: &b };
        // A wrong 支出率 alone stays an SE302 of its own.
        let sub = with(1, "exec.rate", Value::Number(0.4664));
        let got = crate::checks::run_file(&mut sub.clone(), &ctx);
        assert_eq!(codes_of(&got), vec![(Code::SpendRateMismatch, "资金执行!B7".to_string())]);
        // A negative 户数 folds the plausibility warnings it causes.
        let sub = with(9, "actual.households", Value::Number(-28757.0));
        let got = crate::checks::run_file(&mut sub.clone(), &ctx);
        assert!(got.iter().all(|f| !matches!(f.code, Code::Ratio2 | Code::Ratio3)), "{:#?}", codes_of(&got));
        assert!(got.iter().any(|f| f.code == Code::NegativeAmount));
    }
}
