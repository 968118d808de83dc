//! Wording of the 自评报告 draft (report.toml), checked against the form on load.

use super::*;

/// Wording of the 自评报告 draft (report.toml): titles and sentence
/// patterns whose `{slots}` the draft writer fills with figures.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportSpec {
    pub title: String,
    pub basis: String,
    pub sections: std::collections::BTreeMap<String, String>,
    pub sentences: std::collections::BTreeMap<String, String>,
    pub benefit_labels: std::collections::BTreeMap<String, String>,
    /// The tables' captions, with the same slots as the sentences.
    pub captions: std::collections::BTreeMap<String, String>,
    pub thresholds: ReportThresholds,
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
        let err = |detail: String| Error::Spec { path: origin.to_string(), detail };
        let spec: ReportSpec = toml::from_str(text).map_err(|e| err(e.message().to_string()))?;
        for k in REPORT_SENTENCES {
            if !spec.sentences.contains_key(*k) {
                return Err(err(format!("[sentences] 缺少 {k}")));
            }
        }
        for k in REPORT_SECTIONS {
            if !spec.sections.contains_key(*k) {
                return Err(err(format!("[sections] 缺少 {k}")));
            }
        }
        for k in REPORT_CAPTIONS {
            if !spec.captions.contains_key(*k) {
                return Err(err(format!("[captions] 缺少 {k}")));
            }
        }
        Ok(spec)
    }

    /// Every 附件1 count of the form has its words, and every word is for
    /// one of them.
    pub fn check_against(&self, form: &FormSpec, origin: &str) -> Result<()> {
        let err = |detail: String| Error::Spec { path: origin.to_string(), detail };
        let counts: Vec<&str> = form.benefit_counts().iter().map(|f| f.id.as_str()).collect();
        for id in &counts {
            if !self.benefit_labels.contains_key(*id) {
                return Err(err(format!("[benefit_labels] 缺少 {id}（form.toml 中的附件1 指标）")));
            }
        }
        for k in self.benefit_labels.keys() {
            if !counts.contains(&k.as_str()) {
                return Err(err(format!("[benefit_labels] 的 {k} 不是 form.toml 中带 feeds 的附件1 指标")));
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
