//! The draft's layout (report.toml `[[outline]]`) and the slots a fund
//! declares for it (`[slots]`): what each item is, when it is shown, and
//! which figures its `{slots}` name. Everything is checked when the set
//! loads, so a misspelt slot or table is a setup error naming it, never a
//! draft with braces in it.

use super::error::SpecError;
use serde::Deserialize;

/// One paragraph or table of the draft: exactly one of h1, h2, h3, body,
/// placeholder, table; the rest refine it.
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
    /// The key of a summary.toml `kind = "cities"` or `"targets"` table.
    #[serde(default)]
    pub table: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
    /// Shown only when this holds.
    #[serde(default)]
    pub when: Option<When>,
    /// A body repeated for each of these, with the per-item slots
    /// [`Each::SLOTS`].
    #[serde(default)]
    pub each: Option<Each>,
    /// Numbered （一）（二）… in order with the numbered items around it.
    #[serde(default)]
    pub numbered: bool,
    /// A table's columns (the sheet's column keys), all when empty.
    #[serde(default)]
    pub columns: Vec<String>,
    /// A table's header words, one a column; the sheet's lowest header
    /// words when empty.
    #[serde(default)]
    pub header: Vec<String>,
    /// A table's column widths in twentieths of a point; from the sheet's
    /// widths when empty.
    #[serde(default)]
    pub widths: Vec<usize>,
    /// A table's font size in points (8 for the wide tables).
    #[serde(default)]
    pub font_size: Option<f64>,
    /// A city table's 其中 line (the cities without the province's own).
    #[serde(default)]
    pub subtotal: bool,
    /// Percents without their sign ("166.62"): the header says (%).
    #[serde(default)]
    pub bare_percent: bool,
    /// A targets table's words for met, not met, and cannot tell yet.
    #[serde(default)]
    pub met_words: Vec<String>,
}

impl OutlineItem {
    fn kinds(&self) -> usize {
        [&self.h1, &self.h2, &self.h3, &self.body, &self.placeholder, &self.table]
            .iter()
            .filter(|k| k.is_some())
            .count()
    }

    /// Its texts (all but a table's), for slot checks.
    pub fn texts(&self) -> impl Iterator<Item = &String> {
        [&self.h1, &self.h2, &self.h3, &self.body, &self.placeholder, &self.caption].into_iter().flatten()
    }

    /// Whether it is well formed: one kind; caption and table options with
    /// a table only; each and numbered with a body only.
    pub(super) fn well_formed(&self) -> bool {
        let table_options = self.caption.is_some()
            || !self.columns.is_empty()
            || !self.header.is_empty()
            || !self.widths.is_empty()
            || self.font_size.is_some()
            || self.subtotal
            || self.bare_percent
            || !self.met_words.is_empty();
        self.kinds() == 1
            && (self.table.is_some() || !table_options)
            && (self.body.is_some() || (self.each.is_none() && !self.numbered))
            && (self.met_words.is_empty() || self.met_words.len() == 3)
    }
}

/// When an item is shown.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// Some cities are not in the totals.
    Incomplete,
    /// The cities' spend rate is below `thresholds.slow_spending`.
    SlowSpending,
    /// A warning is left in some city's form.
    Warnings,
    /// The province found a figure true (核实无误).
    Verified,
    /// The province corrected a figure.
    Corrected,
    /// The declared `cities_without` slot of this name lists a city.
    Any(String),
}

/// What a body is repeated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Each {
    /// Every 附件1 count, as a share of its bound measure's plan.
    Share,
    /// The counts whose share is below its standard.
    ShareBelow,
}

impl Each {
    /// The slots a repeated body may use beside the draft's own.
    pub const SLOTS: &'static [&'static str] = &["ordinal", "label", "share", "share_actual", "verdict", "target"];
}

/// A fund's own slot as report.toml writes it; see [`Slot`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlot {
    #[serde(default)]
    sheet: Option<String>,
    #[serde(default)]
    total: Option<String>,
    #[serde(default)]
    cities_without: Option<String>,
    #[serde(default)]
    none: Option<String>,
    #[serde(default)]
    some: Option<String>,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    verdict: Option<String>,
    #[serde(default)]
    words: Vec<String>,
}

/// A fund's own slot, settled at load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// A summary table column's 合计, printed as the draft prints it.
    Total { sheet: String, column: String },
    /// The counted cities whose `field` holds no figure (only a word such as an `allow_text`): joined
    /// with 、 (wrapped in `some` as {cities}), or `none`.
    CitiesWithout { field: String, none: String, some: Option<String> },
    /// A 绩效目标's 年度目标值 as 表1-1 shows it.
    Target(String),
    /// Whether a 绩效目标 is met: `words` are met, not met, cannot tell.
    Verdict { key: String, words: [String; 3] },
}

impl RawSlot {
    pub(super) fn resolve(self, name: &str) -> Result<Slot, SpecError> {
        let bad = || SpecError::SlotForm(name.to_string());
        match (self.sheet, self.total, self.cities_without, self.target, self.verdict) {
            (Some(sheet), Some(column), None, None, None) => Ok(Slot::Total { sheet, column }),
            (None, None, Some(field), None, None) => {
                Ok(Slot::CitiesWithout { field, none: self.none.ok_or_else(bad)?, some: self.some })
            }
            (None, None, None, Some(key), None) => Ok(Slot::Target(key)),
            (None, None, None, None, Some(key)) => {
                let words: [String; 3] = self.words.try_into().map_err(|_| bad())?;
                Ok(Slot::Verdict { key, words })
            }
            _ => Err(bad()),
        }
    }
}

/// How a 附件1 share compares with its standard, in the fund's words.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareVerdicts {
    pub above: String,
    pub slightly_below: String,
    pub below: String,
    /// With no numeric standard.
    pub none: String,
}
