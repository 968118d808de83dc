//! How a targets table (summary.toml `kind = "targets"`, 表1-1) judges
//! each 绩效目标 of the params: which figure of the counted cities stands
//! for it, and the words of its 说明. A fund whose targets measure other
//! things declares other rules; no target key is known to Rust.

use super::error::SpecError;
use super::{FormSpec, Kind};
use serde::Deserialize;

/// One rule: the targets it judges and how.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetRule {
    /// The 绩效目标 keys (a measure's key, a `[target_words]` key of
    /// form.toml, a 附件1 count's field id) this rule judges.
    pub targets: Vec<String>,
    pub how: TargetHow,
    /// For `mean` and `all`: the form field taken from each counted city.
    #[serde(default)]
    pub field: Option<String>,
    /// For `all`: the answer every city must give, and the one shown when
    /// some do not.
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub otherwise: Option<String>,
    /// Follows a numeric target value in 年度目标值 ("%": ≥80%).
    #[serde(default)]
    pub unit: String,
    /// 说明, with the slots its `how` offers ([`TargetHow::slots`]).
    pub note: String,
    /// For `share`: added to the note when the share of the plan passes
    /// 100% and is counted as 100%.
    #[serde(default)]
    pub capped: String,
}

/// Which figure stands for a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetHow {
    /// A measure: the counted cities' actual total, against the target
    /// and beside their plan.
    Sum,
    /// The counted cities' simple mean of `field` (a percent field's as a
    /// percent).
    Mean,
    /// Whether every counted city's `field` is `equals`.
    All,
    /// A 附件1 count's total as a share of its bound measure's plan
    /// (above 100% counted as 100%), its share of the actual beside it.
    Share,
}

impl TargetHow {
    /// The slots a note of this rule may use.
    pub fn slots(self) -> &'static [&'static str] {
        match self {
            TargetHow::Sum => &["counted", "plan", "rate"],
            TargetHow::Mean => &["counted", "n"],
            TargetHow::All => &["counted", "n", "yes"],
            TargetHow::Share => &["count", "short", "planned", "share", "actual", "share_actual", "of_plan", "capped"],
        }
    }
}

/// The `{name}` slots a text uses.
pub fn slots_in(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

/// Checks the rules against the form: fields exist, a target is judged
/// once, each `how` has what it needs, and every note slot is one its
/// `how` fills, so a typo is a load error, not a 说明 with braces in it.
pub(super) fn check(sheet: &str, rules: &[TargetRule], form: &FormSpec) -> Result<(), SpecError> {
    let sheet = || sheet.to_string();
    let mut seen: Vec<&str> = Vec::new();
    for r in rules {
        for t in &r.targets {
            if seen.contains(&t.as_str()) {
                return Err(SpecError::TargetTwice { sheet: sheet(), target: t.clone() });
            }
            seen.push(t);
            let known = match r.how {
                TargetHow::Sum => form.measure(t).is_some(),
                TargetHow::Share => form.benefit_counts().iter().any(|f| &f.id == t),
                TargetHow::Mean | TargetHow::All => form.target_words.contains_key(t),
            };
            if !known {
                return Err(SpecError::TargetUnknown { sheet: sheet(), target: t.clone(), how: r.how.name() });
            }
        }
        let field = r.field.as_deref().and_then(|id| form.field(id));
        match (r.how, field, &r.equals) {
            (TargetHow::Mean, Some(f), _) if f.kind.is_numeric() => {}
            (TargetHow::All, Some(_), Some(_)) => {}
            (TargetHow::Sum | TargetHow::Share, None, None) if r.field.is_none() => {}
            _ => return Err(SpecError::TargetField { sheet: sheet(), how: r.how.name() }),
        }
        for text in [&r.note, &r.capped] {
            if let Some(s) = slots_in(text).into_iter().find(|s| !r.how.slots().contains(s)) {
                let (slot, known) = (s.to_string(), r.how.slots().join("、"));
                return Err(SpecError::TargetSlot { sheet: sheet(), slot, known });
            }
        }
    }
    if let Some(k) = form.target_words.keys().find(|k| !seen.contains(&k.as_str())) {
        return Err(SpecError::TargetNotJudged { sheet: sheet(), target: k.clone() });
    }
    Ok(())
}

impl TargetHow {
    pub fn name(self) -> &'static str {
        match self {
            TargetHow::Sum => "sum",
            TargetHow::Mean => "mean",
            TargetHow::All => "all",
            TargetHow::Share => "share",
        }
    }
}

/// Whether a field's figures are percents (held as fractions).
pub fn is_percent(form: &FormSpec, id: &str) -> bool {
    form.field(id).is_some_and(|f| f.kind == Kind::Percent)
}

impl FormSpec {
    /// Every 汇总口径 word the form understands, with its key: the
    /// measures', `[target_words]` and the benefit counts' `feeds`.
    pub fn target_keys(&self) -> Vec<(String, String)> {
        let fixed = self.target_words.iter().map(|(k, w)| (w.clone(), k.clone()));
        let measures = self.measures.iter().map(|m| (m.target_word.clone(), m.key.clone()));
        let counts = self.benefit_counts().into_iter().filter_map(|f| Some((f.feeds.clone()?, f.id.clone())));
        measures.chain(fixed).chain(counts).collect()
    }
}
