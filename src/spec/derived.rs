//! `[[derived]]` of form.toml: each derived figure of the form (a rate, a
//! score, the total, the grade) declared once, with its relation, its
//! rounding, how it is compared and the finding that reports a mismatch.
//! The checks, the generated form's formulas and the fold all read these.

use super::error::DerivedError;
use super::relation::{Expr, RelationError};
use super::{Direction, FormSpec};
use crate::findings::Code;
use rust_decimal::Decimal;
use serde::Deserialize;

/// How a filed figure is compared with its relation's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compare {
    /// Equal once both are rounded to `round` places (rates, totals).
    #[default]
    Rounded,
    /// Within checks.toml's `[score] tolerance` (a self-given score).
    Score,
}

/// One `[[derived]]` entry as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDerived {
    field: String,
    expr: String,
    #[serde(default)]
    round: Option<u32>,
    code: String,
    #[serde(default)]
    compare: Compare,
    #[serde(default)]
    detail: Option<String>,
}

/// A piece of a finding's `{detail}`: words, or a figure to show.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    /// An expression; `two` shows it with 2 places (else by its field's kind).
    Value {
        expr: Expr,
        two: bool,
    },
}

/// One derived figure, checked on load.
#[derive(Debug, Clone)]
pub struct DerivedSpec {
    pub field: String,
    pub expr: Expr,
    /// Places the value is rounded to (a percent's stored fraction: 4).
    pub round: Option<u32>,
    pub code: Code,
    pub compare: Compare,
    pub detail: Vec<Piece>,
}

impl RawDerived {
    pub(super) fn field(&self) -> &str {
        &self.field
    }

    /// Parses the relation and detail against the form's `ids`.
    pub(super) fn build(self, ids: &[&str], derived: &dyn Fn(&str) -> bool) -> Result<DerivedSpec, DerivedError> {
        let field = self.field.clone();
        if !ids.contains(&field.as_str()) {
            return Err(DerivedError::UnknownField(field));
        }
        let rel = |e: RelationError| DerivedError::Relation { field: field.clone(), source: e };
        let expr = Expr::parse(&self.expr).and_then(|e| e.resolve(ids, derived)).map_err(rel)?;
        let code = Code::RELATIONS.iter().copied().find(|c| c.id() == self.code).ok_or_else(|| DerivedError::Code {
            field: field.clone(),
            code: self.code.clone(),
            allowed: Code::RELATIONS.iter().map(|c| c.id()).collect::<Vec<_>>().join(" "),
        })?;
        let detail = match &self.detail {
            Some(d) => pieces(d, ids, derived).map_err(|e| match e {
                Some(e) => rel(e),
                None => DerivedError::Detail { field: field.clone() },
            })?,
            None => Vec::new(),
        };
        Ok(DerivedSpec { field, expr, round: self.round, code, compare: self.compare, detail })
    }
}

/// Splits "分值 {x.weight} × 执行率 {recomputed(x.rate)}" into
/// pieces; `Err(None)` for an unclosed brace.
pub(super) fn pieces(
    text: &str,
    ids: &[&str],
    derived: &dyn Fn(&str) -> bool,
) -> Result<Vec<Piece>, Option<RelationError>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Piece::Text(rest[..open].to_string()));
        }
        let close = rest[open..].find('}').ok_or(None)? + open;
        let inner = &rest[open + 1..close];
        let (src, two) = match inner.strip_suffix(":2") {
            Some(s) => (s, true),
            None => (inner, false),
        };
        let expr = Expr::parse(src).and_then(|e| e.resolve(ids, derived)).map_err(Some)?;
        out.push(Piece::Value { expr, two });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_string()));
    }
    Ok(out)
}

/// Rejects relations that reach themselves through other derived
/// figures: selfeval could never compute them.
pub(super) fn check_cycles(list: &[DerivedSpec]) -> Result<(), DerivedError> {
    fn visit<'a>(id: &'a str, list: &'a [DerivedSpec], path: &mut Vec<&'a str>) -> Result<(), DerivedError> {
        if path.contains(&id) {
            path.push(id);
            return Err(DerivedError::Cycle(path.join(" → ")));
        }
        let Some(d) = list.iter().find(|d| d.field == id) else {
            return Ok(());
        };
        path.push(id);
        for f in d.expr.fields() {
            // Each visit is bounded by the list's length: `path` never repeats.
            if let Some(next) = list.iter().find(|x| x.field == f) {
                visit(&next.field, list, path)?;
            }
        }
        path.pop();
        Ok(())
    }
    for d in list {
        visit(&d.field, list, &mut Vec::new())?;
    }
    Ok(())
}

impl DerivedSpec {
    /// The relation's value, rounded as declared.
    pub fn value(&self, scope: &dyn super::relation::Scope) -> Option<super::relation::Val> {
        use super::relation::Val;
        match self.expr.eval(scope)? {
            Val::Num(d) => Some(Val::Num(match self.round {
                Some(p) => crate::calc::round_half_up(d, p),
                None => d,
            })),
            t => Some(t),
        }
    }

    /// Whether a filed number agrees with the relation's value.
    pub fn agrees(&self, found: Decimal, want: Decimal, tolerance: Decimal) -> bool {
        match self.compare {
            Compare::Rounded => match self.round {
                Some(p) => crate::calc::round_half_up(found, p) == want,
                None => found == want,
            },
            Compare::Score => (found - want).abs() <= tolerance,
        }
    }
}

impl FormSpec {
    /// Parses `[[derived]]` against the form's fields; an indicator's
    /// score must use the function of its `direction`.
    pub(super) fn resolve_derived(&mut self) -> std::result::Result<(), DerivedError> {
        use super::relation::Func;
        use DerivedError;
        let raw = std::mem::take(&mut self.raw_derived);
        let declared: Vec<String> = raw.iter().map(|r| r.field().to_string()).collect();
        let is_derived = |id: &str| declared.iter().any(|d| d == id);
        let ids: Vec<&str> = self.fields().map(|f| f.id.as_str()).collect();
        let mut out: Vec<DerivedSpec> = Vec::new();
        for r in raw {
            let d = r.build(&ids, &is_derived)?;
            if out.iter().any(|o| o.field == d.field) {
                return Err(DerivedError::Duplicate(d.field));
            }
            out.push(d);
        }
        check_cycles(&out)?;
        for ind in &self.scoring.indicators {
            let want = match ind.direction {
                Direction::Higher => Func::Higher,
                Direction::Lower => Func::Lower,
                Direction::YesNo => Func::YesNo,
            };
            if let Some(d) = out.iter().find(|d| d.field == ind.ids.score) {
                if !matches!(&d.expr, Expr::Call(f, _) if *f == want) {
                    return Err(DerivedError::Direction { field: d.field.clone(), want: want.name() });
                }
            }
        }
        self.derived = out;
        Ok(())
    }

    /// The relation of a derived field, if it has one.
    pub fn derived(&self, id: &str) -> Option<&DerivedSpec> {
        self.derived.iter().find(|d| d.field == id)
    }

    /// The 分值 the template fixes for a weight field: the standard's,
    /// whatever the city's copy says (SE310 reports a changed one).
    pub fn standard_weight(&self, id: &str) -> Option<Decimal> {
        if let Some(i) = self.scoring.indicators.iter().find(|i| i.ids.weight == id) {
            return Some(i.weight);
        }
        // The funding line's 分值 cell; `[scoring] fund_weight` is its value.
        (self.role(super::Role::FundWeight) == Some(id)).then_some(self.scoring.fund_weight)
    }
}
