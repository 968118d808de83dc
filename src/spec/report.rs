//! Wording and layout of the 自评报告 draft (report.toml), checked against
//! the form and the summary on load.

use super::outline::{Each, OutlineItem, RawSlot, ShareVerdicts, Slot, When};
use super::targets::slots_in;
use super::*;

/// Wording of the 自评报告 draft (report.toml): its title and basis line,
/// then `[[outline]]` in order, whose `{slots}` the draft writer fills
/// with figures.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    pub title: String,
    pub basis: String,
    /// The 附件1 counts as the report's text names them (each = "share").
    #[serde(default)]
    pub benefit_labels: std::collections::BTreeMap<String, String>,
    pub thresholds: ReportThresholds,
    /// The fund's own slots as written; see [`ReportSpec::slots`].
    #[serde(default, rename = "slots")]
    raw_slots: std::collections::BTreeMap<String, RawSlot>,
    /// The fund's own slots, settled on load.
    #[serde(skip)]
    pub slots: Vec<(String, Slot)>,
    #[serde(default)]
    pub share_verdicts: Option<ShareVerdicts>,
    /// The draft: headings, sentences, placeholders and summary tables.
    pub outline: Vec<OutlineItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportThresholds {
    /// The cities' overall spend rate (percent) below which spending is
    /// slow (`when = "slow_spending"`).
    pub slow_spending: Decimal,
    /// A city whose spend rate is below this is in {low_cities}.
    pub low_spending: Decimal,
    /// A share within this many points below its standard is
    /// `share_verdicts.slightly_below`.
    pub slightly_below: Decimal,
}

/// The slots the draft fills for every fund (beside the measures' and the
/// fund's own): see README.md, 自评报告的写法.
pub const BUILTIN_SLOTS: &[&str] = &[
    "year",
    "generated",
    "total",
    "cities_budget_all",
    "city_names",
    "n_cities",
    "own_budget",
    "own_spent",
    "own_rate",
    "spent",
    "spend_rate",
    "cities_budget",
    "cities_spent",
    "cities_spend_rate",
    "n_counted",
    "excluded",
    "above",
    "below",
    "n_above",
    "n_below",
    "max_city",
    "max_rate",
    "min_city",
    "min_rate",
    "low_cities",
    "low_threshold",
    "n_warnings",
    "warning_codes",
    "state",
    "n_verified",
    "verified_basis",
    "n_corrected",
    "corrections_list",
];

/// The slots each measure `m` brings: plan_all_m (the plan issued to every
/// city), plan_m and actual_m (of the cities counted), rate_m, w_m.
pub const MEASURE_SLOTS: &[&str] = &["plan_all_", "plan_", "actual_", "rate_", "w_"];

impl ReportSpec {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        Self::parse(text).map_err(|source| LoadError::spec(origin, source))
    }

    fn parse(text: &str) -> std::result::Result<Self, SpecError> {
        let mut spec: ReportSpec = toml::from_str(text)?;
        if let Some(i) = spec.outline.iter().position(|o| !o.well_formed()) {
            return Err(SpecError::OutlineItem(i + 1));
        }
        let raw = std::mem::take(&mut spec.raw_slots);
        for (name, r) in raw {
            let slot = r.resolve(&name)?;
            spec.slots.push((name, slot));
        }
        if spec.outline.iter().any(|o| o.each.is_some()) && spec.share_verdicts.is_none() {
            return Err(SpecError::MissingWords { table: "share_verdicts", key: "above".into() });
        }
        Ok(spec)
    }

    /// Checks the words against the form and the summary: every 附件1
    /// count has its label, every table is a city or targets table of the
    /// summary with the columns named, every slot is one the draft fills.
    pub fn check(&self, form: &FormSpec, summary: &SummarySpec, origin: &str) -> Result<()> {
        self.check_words(form, summary).map_err(|source| LoadError::spec(origin, source))
    }

    fn check_words(&self, form: &FormSpec, summary: &SummarySpec) -> std::result::Result<(), SpecError> {
        let counts: Vec<&str> = form.benefit_counts().iter().map(|f| f.id.as_str()).collect();
        if let Some(id) = counts.iter().find(|id| !self.benefit_labels.contains_key(**id)) {
            return Err(SpecError::MissingBenefitLabel(id.to_string()));
        }
        if let Some(k) = self.benefit_labels.keys().find(|k| !counts.contains(&k.as_str())) {
            return Err(SpecError::UnknownBenefitLabel(k.clone()));
        }
        for (name, slot) in &self.slots {
            check_slot(name, slot, form, summary)?;
        }
        for item in &self.outline {
            if let Some(t) = item.table.as_deref() {
                check_table(item, t, summary)?;
            }
            if let Some(When::Any(name)) = &item.when {
                if !self.slots.iter().any(|(n, s)| n == name && matches!(s, Slot::CitiesWithout { .. })) {
                    return Err(SpecError::WhenAny(name.clone()));
                }
            }
        }
        let known = |slot: &str, each: bool| {
            BUILTIN_SLOTS.contains(&slot)
                || self.slots.iter().any(|(n, _)| n == slot)
                || (each && Each::SLOTS.contains(&slot))
                || form
                    .measures
                    .iter()
                    .any(|m| MEASURE_SLOTS.iter().any(|p| slot.strip_prefix(p).is_some_and(|rest| rest == m.key)))
        };
        let texts = [(&self.title, false), (&self.basis, false)].into_iter();
        let items = self.outline.iter().flat_map(|o| o.texts().map(move |t| (t, o.each.is_some())));
        for (text, each) in texts.chain(items) {
            if let Some(s) = slots_in(text).into_iter().find(|s| !known(s, each)) {
                return Err(SpecError::UnknownSlot(s.to_string()));
            }
        }
        Ok(())
    }
}

fn check_slot(name: &str, slot: &Slot, form: &FormSpec, summary: &SummarySpec) -> std::result::Result<(), SpecError> {
    let bad = || SpecError::SlotTarget { slot: name.to_string() };
    match slot {
        Slot::Total { sheet, column } => {
            let has_total = summary
                .sheet(sheet)
                .filter(|s| s.role == SheetRole::Cities)
                .and_then(|s| s.columns.iter().find(|c| &c.key == column))
                .is_some_and(|c| c.total.is_some());
            if !has_total {
                return Err(SpecError::SlotTotal {
                    slot: name.to_string(),
                    sheet: sheet.clone(),
                    column: column.clone(),
                });
            }
        }
        Slot::CitiesWithout { field, .. } if form.field(field).is_none() => return Err(bad()),
        Slot::Target(key) | Slot::Verdict { key, .. } if !form.target_keys().iter().any(|(_, k)| k == key) => {
            return Err(bad())
        }
        _ => {}
    }
    Ok(())
}

/// A draft table is a city, targets or listing table of the summary; the columns,
/// header words and widths it gives fit it.
fn check_table(item: &OutlineItem, key: &str, summary: &SummarySpec) -> std::result::Result<(), SpecError> {
    let bad = || SpecError::OutlineTable(key.to_string());
    let sheet = summary
        .sheet(key)
        .filter(|s| matches!(s.role, SheetRole::Cities | SheetRole::Targets | SheetRole::Listing))
        .ok_or_else(bad)?;
    if item.columns.iter().any(|c| sheet.col(c).is_none()) {
        return Err(bad());
    }
    let n = if item.columns.is_empty() { sheet.columns.len() } else { item.columns.len() };
    if (!item.header.is_empty() && item.header.len() != n) || (!item.widths.is_empty() && item.widths.len() != n) {
        return Err(SpecError::OutlineTableShape(key.to_string()));
    }
    Ok(())
}
