//! What a city's whole submission holds besides its form, and which of the
//! form's figures its 自评报告 states: `submission.toml` beside form.toml.
//!
//! The report this tool serves says each city "提交了自评报告、项目绩效
//! 自评指标评分表及佐证材料". Which file is the report (words in its name),
//! what the evidence is called, how much a missing part weighs, and the
//! words that introduce each figure in a report are the fund's and the
//! year's, so they are data: next year's wording is an edit here.

use super::{FormSpec, SpecError};
use crate::findings::Severity;
use serde::Deserialize;

/// The parts of a submission and the report's figures.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionSpec {
    pub report: PartSpec,
    pub evidence: PartSpec,
    /// The form's figures a report states, each with the words that
    /// introduce it.
    #[serde(default)]
    pub figures: Vec<FigureSpec>,
    /// 附件2 佐证材料清单, group by group (empty: the set makes none).
    #[serde(default)]
    pub listing: Vec<ListingGroup>,
}

/// One group of 附件2 佐证材料清单 ("1.过程类"): the province's own
/// documents as listed, or one line a city ("3-1 汕头市自评报告及佐证材料")
/// with the files it sent below it. Numbered "n-1", "n-2", … with n the
/// group's place.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingGroup {
    /// 类型, shown on the group's first line.
    #[serde(rename = "type")]
    pub kind: String,
    /// The province's own documents, one line each.
    #[serde(default)]
    pub items: Vec<String>,
    /// A city's line, with `{city}` ("{city}自评报告及佐证材料"): one a
    /// city of the params, in their order.
    #[serde(default)]
    pub cities: Option<String>,
}

/// One part of a submission: recognised by words in its file name (or,
/// for evidence, a folder's name), and how much its absence weighs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartSpec {
    /// Words, any of which in a file's (or folder's) name makes it this part.
    pub names: Vec<String>,
    /// The severity of a city that sent none (warning by default: never a
    /// reason to keep its figures out of the totals).
    #[serde(default = "warning")]
    pub missing: Severity,
}

fn warning() -> Severity {
    Severity::Warning
}

/// A figure of the form a report states: the field, the words a sentence
/// introduces it with, and how the report writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureSpec {
    /// The form field's id (form.toml).
    pub field: String,
    /// What a clerk calls it in the finding ("支出率").
    pub name: String,
    /// Words that introduce it; the figure is the first number within a
    /// few characters after one of them, written with `unit`.
    pub words: Vec<String>,
    pub unit: Unit,
    /// A word the sentence must hold before `words`, where the words alone
    /// are shared by several figures ("完成率" of 小区 or of 户数).
    #[serde(default)]
    pub within: Option<String>,
}

/// How a report writes a figure's unit.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// 万元 (元 and 亿元 understood and converted).
    Wan,
    /// A percent ("45.64%"); the form keeps the fraction.
    Percent,
    /// A count or measure with its own word ("个", "户", "栋", "万平方米", "分").
    Word(String),
    /// One of the field's options ("优"), right after the words.
    Choice,
}

impl SubmissionSpec {
    /// Parses submission.toml and checks every figure names a form field.
    pub fn from_toml(text: &str, form: &FormSpec) -> Result<Self, SpecError> {
        let spec: SubmissionSpec = toml::from_str(text)?;
        for f in &spec.figures {
            if form.field(&f.field).is_none() {
                return Err(SpecError::UnknownFigureField(f.field.clone()));
            }
            if f.words.iter().any(|w| w.trim().is_empty()) || f.words.is_empty() {
                return Err(SpecError::FigureWithoutWords(f.field.clone()));
            }
        }
        for g in &spec.listing {
            let cities = g.cities.as_ref().is_some_and(|c| c.contains("{city}"));
            if g.items.is_empty() == g.cities.is_none() || (g.cities.is_some() && !cities) {
                return Err(SpecError::ListingGroup(g.kind.clone()));
            }
        }
        for part in [&spec.report, &spec.evidence] {
            if part.names.is_empty() {
                return Err(SpecError::PartWithoutNames);
            }
        }
        Ok(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2024_set_loads_and_an_unknown_field_is_refused() {
        let form = crate::testkit::form();
        let text = include_str!("../../templates/old-communities/2024/submission.toml");
        let spec = SubmissionSpec::from_toml(text, &form).expect("loads");
        assert!(spec.figures.iter().any(|f| f.field == "exec.rate" && f.unit == Unit::Percent));
        let bad = text.replace("field = \"exec.rate\"", "field = \"exec.rat\"");
        assert!(
            matches!(SubmissionSpec::from_toml(&bad, &form), Err(SpecError::UnknownFigureField(f)) if f == "exec.rat")
        );
    }

    #[test]
    fn a_listing_group_is_either_documents_or_one_line_a_city() {
        let form = crate::testkit::form();
        let text = include_str!("../../templates/old-communities/2024/submission.toml");
        let spec = SubmissionSpec::from_toml(text, &form).expect("loads");
        assert_eq!(spec.listing.len(), 3);
        assert_eq!(spec.listing[2].cities.as_deref(), Some("{city}自评报告及佐证材料"));
        let refused = |t: &str| matches!(SubmissionSpec::from_toml(t, &form), Err(SpecError::ListingGroup(_)));
        let without_city = text.replace("cities = \"{city}自评报告及佐证材料\"", "cities = \"自评报告及佐证材料\"");
        assert!(refused(&without_city));
        let both = text.replace("cities = \"{city}", "items = [\"x\"]\ncities = \"{city}");
        assert!(refused(&both));
    }
}
