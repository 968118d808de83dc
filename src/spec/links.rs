//! Figures a form repeats or bounds across its sheets (`[[same]]`, and a
//! field's `issued`, `at_most` and `target`), declared in form.toml and
//! checked on load.

use super::error::LinkError;
use super::*;

/// What decides which of two disagreeing cells is right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Witness {
    /// The province's issued figure for `b` (a budget or a measure's plan).
    Issued,
    /// A rate cell the clerk filled: `rate` = the figure ÷ `whole`.
    Rate { rate: String, whole: String },
    /// Nothing: only the clerk knows.
    None,
}

/// A pair of fields that must hold the same figure (SE312): `a` repeats
/// on 自评评分 the figure `b` holds on its own sheet.
#[derive(Debug, Clone)]
pub struct SameFigure {
    pub a: String,
    pub b: String,
    pub witness: Witness,
}

/// `[[same]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSame {
    a: String,
    b: String,
    /// "issued": the province's figure for `b` decides.
    #[serde(default)]
    witness: Option<String>,
    /// A rate field computed from `b` (with `whole`) decides.
    #[serde(default)]
    rate: Option<String>,
    #[serde(default)]
    whole: Option<String>,
}

/// A province figure a field must equal (SE401).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Issued {
    /// The city's issued budget (省级参数表 下达预算).
    Budget,
}

impl FormSpec {
    /// Parses `[[same]]` into [`FormSpec::same`], checking every field.
    pub(super) fn resolve_links(&mut self) -> std::result::Result<(), LinkError> {
        let known = |id: &str| self.index.contains_key(id);
        let mut same = Vec::new();
        for r in &self.raw_same {
            for id in [Some(&r.a), Some(&r.b), r.rate.as_ref(), r.whole.as_ref()].into_iter().flatten() {
                if !known(id) {
                    return Err(LinkError::SameField(id.clone()));
                }
            }
            let witness = match (r.witness.as_deref(), &r.rate, &r.whole) {
                (Some("issued"), None, None) => Witness::Issued,
                (None, Some(rate), Some(whole)) => Witness::Rate { rate: rate.clone(), whole: whole.clone() },
                (None, None, None) => Witness::None,
                _ => return Err(LinkError::SameWitness(r.a.clone())),
            };
            same.push(SameFigure { a: r.a.clone(), b: r.b.clone(), witness });
        }
        for s in same.iter().filter(|s| s.witness == Witness::Issued) {
            if self.issued_kind(&s.b).is_none() {
                return Err(LinkError::NotIssued(s.a.clone()));
            }
        }
        for f in self.fields() {
            if let Some(b) = f.at_most.as_deref().filter(|b| !known(b)) {
                return Err(LinkError::Bound { field: f.id.clone(), bound: b.to_string() });
            }
        }
        self.same = same;
        Ok(())
    }

    /// What the province issued for a field, if it issues one: the
    /// budget (a field's `issued`) or a measure's plan (by measure key).
    pub fn issued_kind(&self, id: &str) -> Option<IssuedFigure<'_>> {
        if let Some(Issued::Budget) = self.field(id).and_then(|f| f.issued) {
            return Some(IssuedFigure::Budget);
        }
        self.measures.iter().find(|m| m.plan == id).map(|m| IssuedFigure::Plan(&m.key))
    }

    /// The pairs of fields that must hold the same figure: the declared
    /// `[[same]]`, then each measure's plan and actual against the
    /// indicator that repeats them (decided by the issued plan and the
    /// completion rate).
    pub fn same_figures(&self) -> Vec<SameFigure> {
        let mut v = self.same.clone();
        for m in &self.measures {
            let Some(ind) = m.indicator.as_deref().and_then(|k| self.indicator(k)) else { continue };
            v.push(SameFigure { a: ind.ids.target.clone(), b: m.plan.clone(), witness: Witness::Issued });
            let rate = Witness::Rate { rate: m.rate.clone(), whole: m.plan.clone() };
            v.push(SameFigure { a: ind.ids.actual.clone(), b: m.actual.clone(), witness: rate });
        }
        v
    }
}

/// A province figure, as [`FormSpec::issued_kind`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuedFigure<'a> {
    Budget,
    Plan(&'a str),
}
