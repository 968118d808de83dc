//! Wording of the 自评报告 draft (report.toml), checked against the form on load.

use super::*;

/// Wording of the 自评报告 draft (report.toml): titles and sentence
/// patterns whose `{slots}` the draft writer fills with figures.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportSpec {
    pub title: String,
    pub basis: String,
    #[serde(default)]
    pub sections: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub sentences: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub benefit_labels: std::collections::BTreeMap<String, String>,
    /// The tables' captions, with the same slots as the sentences.
    #[serde(default)]
    pub captions: std::collections::BTreeMap<String, String>,
    pub thresholds: ReportThresholds,
    /// A draft laid out entirely here (`[[outline]]`): headings, sentences,
    /// placeholders and summary.toml's city tables in order. Empty for
    /// the default fund's draft, whose structure follows its 2024 report.
    #[serde(default)]
    pub outline: Vec<OutlineItem>,
}

/// One paragraph or table of an `[[outline]]` draft: exactly one of the
/// keys (a table may carry its caption).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutlineItem {
    #[serde(default)]
    pub h1: Option<String>,
    #[serde(default)]
    pub h2: Option<String>,
    #[serde(default)]
    pub h3: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    /// 【待填写：…】 for a person to write.
    #[serde(default)]
    pub placeholder: Option<String>,
    /// The key of a summary.toml `kind = "cities"` table.
    #[serde(default)]
    pub table: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
}

impl OutlineItem {
    fn kinds(&self) -> usize {
        [&self.h1, &self.h2, &self.h3, &self.body, &self.placeholder, &self.table]
            .iter()
            .filter(|k| k.is_some())
            .count()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportThresholds {
    /// The cities' overall spend rate (percent) below which spending is
    /// named slow under 存在问题.
    pub slow_spending: Decimal,
    pub low_spending: Decimal,
    pub slightly_below: Decimal,
}

/// Sentence keys the draft writer uses; a missing one is a load error.
pub const REPORT_SENTENCES: &[&str] = &[
    "funding",
    "allocation",
    "targets",
    "spending",
    "spending_spread",
    "spending_reason",
    "output",
    "output_total",
    "benefit_intro",
    "benefit_item",
    "acceptance",
    "satisfaction",
    "incomplete",
    "problem_spending",
    "problem_not_accepted",
    "problem_share",
    "problem_warnings",
    "problem_incomplete",
    "problem_reason",
    "next",
];

/// Caption keys of the draft's tables (表1-1, 表2-2, 表2-3, 附件1).
pub const REPORT_CAPTIONS: &[&str] = &["targets", "budget", "tasks", "benefits"];

/// Section keys the draft writer uses.
pub const REPORT_SECTIONS: &[&str] =
    &["basic", "funding", "allocation", "targets", "self_eval", "process", "output", "benefit", "problems", "next"];

impl ReportSpec {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        Self::parse(text).map_err(|source| Error::spec(origin, source))
    }

    fn parse(text: &str) -> std::result::Result<Self, SpecError> {
        let spec: ReportSpec = toml::from_str(text)?;
        if !spec.outline.is_empty() {
            if let Some(i) =
                spec.outline.iter().position(|o| o.kinds() != 1 || (o.caption.is_some() && o.table.is_none()))
            {
                return Err(SpecError::OutlineItem(i + 1));
            }
            return Ok(spec);
        }
        let words = [
            ("sentences", REPORT_SENTENCES, &spec.sentences),
            ("sections", REPORT_SECTIONS, &spec.sections),
            ("captions", REPORT_CAPTIONS, &spec.captions),
        ];
        for (table, keys, map) in words {
            if let Some(k) = keys.iter().find(|k| !map.contains_key(**k)) {
                return Err(SpecError::MissingWords { table, key: k.to_string() });
            }
        }
        Ok(spec)
    }

    /// Every 附件1 count of the form has its words, and every word is for
    /// one of them.
    pub fn check_against(&self, form: &FormSpec, origin: &str) -> Result<()> {
        let err = |source: SpecError| Error::spec(origin, source);
        let counts: Vec<&str> = form.benefit_counts().iter().map(|f| f.id.as_str()).collect();
        if let Some(id) = counts.iter().find(|id| !self.benefit_labels.contains_key(**id)) {
            return Err(err(SpecError::MissingBenefitLabel(id.to_string())));
        }
        if let Some(k) = self.benefit_labels.keys().find(|k| !counts.contains(&k.as_str())) {
            return Err(err(SpecError::UnknownBenefitLabel(k.clone())));
        }
        Ok(())
    }

    /// Every `table` of an outline is a city table of the summary.
    pub fn check_tables(&self, summary: &SummarySpec, origin: &str) -> Result<()> {
        for t in self.outline.iter().filter_map(|o| o.table.as_deref()) {
            if !summary.sheet(t).is_some_and(|s| s.kind == SheetKind::Cities) {
                return Err(Error::spec(origin, SpecError::OutlineTable(t.to_string())));
            }
        }
        Ok(())
    }

    pub fn sentence(&self, key: &str) -> &str {
        self.sentences.get(key).map(String::as_str).unwrap_or("")
    }

    pub fn caption(&self, key: &str) -> &str {
        self.captions.get(key).map(String::as_str).unwrap_or("")
    }

    pub fn section(&self, key: &str) -> &str {
        self.sections.get(key).map(String::as_str).unwrap_or("")
    }
}
