//! `[[ratios]]` of checks.toml: ratios of a city's figures that are
//! possible but unusual (an average per unit), each a relation over the form's
//! fields in the `[[derived]]` grammar with its band and its words.

use super::derived::{pieces, Piece};
use super::error::RatioError;
use super::relation::{Expr, RelationError};
use super::{Band, FormSpec};
use crate::findings::Code;
use serde::Deserialize;

/// One `[[ratios]]` entry as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRatio {
    /// SE501–SE503 for the first three a fund names (their own codes,
    /// so a register can decide each); left out, SE506: a fund declares as
    /// many ratios as it needs.
    #[serde(default)]
    code: Option<String>,
    /// The field whose cell is marked.
    at: String,
    expr: String,
    #[serde(flatten)]
    band: Band,
    /// Words after the value, `{field}` showing its figure.
    #[serde(default)]
    detail: String,
}

/// A plausibility ratio, checked against the form on load.
#[derive(Debug, Clone)]
pub struct RatioSpec {
    pub code: Code,
    pub at: String,
    pub expr: Expr,
    pub band: Band,
    pub detail: Vec<Piece>,
}

impl RatioSpec {
    /// The fields the finding is about: the marked one first, then the
    /// others the ratio reads.
    pub fn fields(&self) -> Vec<String> {
        let rest = self.expr.fields().into_iter().filter(|f| *f != self.at);
        std::iter::once(self.at.clone()).chain(rest).collect()
    }
}

impl RawRatio {
    /// Resolves the relation and words against `form`.
    pub(super) fn build(&self, form: &FormSpec) -> Result<RatioSpec, RatioError> {
        let code = match &self.code {
            None => Code::RatioMore,
            Some(id) => Code::RATIOS.iter().copied().find(|c| c.id() == id).ok_or_else(|| RatioError::Code {
                code: id.clone(),
                allowed: Code::RATIOS.iter().map(|c| c.id()).collect::<Vec<_>>().join(" "),
            })?,
        };
        // Errors name the ratio by its code, or by its expression.
        let name = self.code.clone().unwrap_or_else(|| self.expr.clone());
        let ids: Vec<&str> = form.fields().map(|f| f.id.as_str()).collect();
        if !ids.contains(&self.at.as_str()) {
            return Err(RatioError::At { code: name, at: self.at.clone() });
        }
        if self.band.min > self.band.max {
            return Err(RatioError::Band { code: name });
        }
        let derived = |id: &str| form.derived(id).is_some();
        let rel = |e: RelationError| RatioError::Relation { code: name.clone(), source: e };
        let expr = Expr::parse(&self.expr).and_then(|e| e.resolve(&ids, &derived)).map_err(rel)?;
        let detail = pieces(&self.detail, &ids, &derived).map_err(|e| match e {
            Some(e) => rel(e),
            None => RatioError::Detail { code: name.clone() },
        })?;
        Ok(RatioSpec { code, at: self.at.clone(), expr, band: self.band.clone(), detail })
    }
}
