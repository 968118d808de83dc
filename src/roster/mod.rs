//! 报送情况: which file stands for each expected city, and the city's
//! status. This is where the summary's one rule lives:
//!
//! **A city's figures enter the totals only when the file used for it
//! has no error.** A city whose file has any error is 待修正 and its whole
//! row is left out of every 合计 (表1-1, 表2-2, 表2-3, 附件1 and
//! report.json `totals`); a city that sent nothing is 未报送. Every 合计
//! then says which cities it covers, and every rate divides figures of
//! the same cities. Leaving out only the flagged cells would make a row
//! half one city's answer and half blank, and ratios of it meaningless.
//!
//! One city, one file: when several files name a city, the one with the
//! later 填报日期 is used, then the later modification time, then the
//! later file name; the others are listed, and SE404 says which was used
//! and why. A file whose name names one city while its 地市 cell names
//! another belongs to neither until the city resolves it (SE406).

use crate::findings::{Code, Finding, Loc, Severity};
use crate::model::Submission;
use crate::params::Params;
use crate::spec::{FormSpec, Role};
use std::time::SystemTime;

mod filing;
#[cfg(test)]
use filing::normalise_date;
pub use filing::{build, file};

/// What became of a city in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CityStatus {
    /// The file used has no finding above info.
    Passed,
    /// The file used has warnings and no error.
    PassedWithWarnings,
    /// A file arrived, but it cannot be used as it is.
    NeedsFix,
    /// Nothing arrived.
    NotReceived,
}

impl CityStatus {
    pub fn zh(self) -> &'static str {
        match self {
            CityStatus::Passed => "通过",
            CityStatus::PassedWithWarnings => "通过（有警告）",
            CityStatus::NeedsFix => "待修正",
            CityStatus::NotReceived => "未报送",
        }
    }

    /// Whether a city in this status has its figures in the totals.
    pub fn counted(self) -> bool {
        matches!(self, CityStatus::Passed | CityStatus::PassedWithWarnings)
    }
}

/// One received file, as the roster sees it.
#[derive(Debug, Clone)]
pub struct FileFacts<'a> {
    /// Path as shown to users.
    pub name: &'a str,
    /// The typed submission; `None` when the file could not be read.
    pub sub: Option<&'a Submission>,
    /// The file's own findings so far.
    pub findings: &'a [Finding],
    pub modified: Option<SystemTime>,
}

/// One expected city's line of 报送情况.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CityEntry {
    pub city: String,
    pub status: CityStatus,
    /// Index (into the files given to [`build`]) of the file used.
    #[serde(skip)]
    pub used: Option<usize>,
    /// The file used, as shown to users.
    pub file: Option<String>,
    /// Other files received for the city.
    pub other_files: Vec<String>,
    /// 填报日期 of the file used.
    pub date: Option<String>,
    pub errors: usize,
    pub warnings: usize,
    /// Its figures are in the totals.
    pub in_totals: bool,
    /// Findings the province confirmed (已核实) and figures it corrected.
    pub verified: usize,
    pub corrected: usize,
    /// Why it is 待修正, or which of several files was used and why.
    pub reason: String,
    /// Why it is left out of the totals, before the province's decisions
    /// are added to `reason` (empty when it is counted).
    #[serde(skip)]
    pub left_out: String,
    /// Its 自评报告, 佐证材料 and other files, with sizes and SHA-256 (a
    /// template set without submission.toml lists none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submission: Option<crate::submission::Received>,
}

impl CityEntry {
    /// Counts the findings of the city's submission (自评报告, 佐证材料): a
    /// city that passed has warnings now; none of them takes its figures
    /// out of the totals.
    pub fn add_submission_counts(&mut self, errors: usize, warnings: usize) {
        self.errors += errors;
        self.warnings += warnings;
        if self.status == CityStatus::Passed && errors + warnings > 0 {
            self.status = CityStatus::PassedWithWarnings;
        }
    }
}

/// The roster of a run: one entry per expected city, in the params'
/// order, plus the findings the roster itself raises, by file index.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub cities: Vec<CityEntry>,
    /// Findings to add to a file (SE404, SE406).
    pub file_findings: Vec<(usize, Finding)>,
    /// Findings of the run as a whole (SE405).
    pub run_findings: Vec<Finding>,
    /// The city each file is filed under (None: under no city).
    pub city_of_file: Vec<Option<String>>,
    /// Roster findings the province confirmed (核实与更正), by file index:
    /// not counted, kept to be shown as 已核实.
    pub closed: Vec<(usize, Finding)>,
}

impl Roster {
    /// Records on each city what the province decided about its file:
    /// 报送情况 then says 计入合计（含省级更正 1 处） and 已核实 2 处.
    pub fn with_decisions(mut self, decided: &[(usize, usize)]) -> Roster {
        for c in &mut self.cities {
            if !c.in_totals {
                c.left_out = match c.reason.is_empty() {
                    true => c.status.zh().to_string(),
                    false => format!("{}：{}", c.status.zh(), c.reason),
                };
            }
            let Some((v, k)) = c.used.and_then(|i| decided.get(i)) else { continue };
            c.verified = *v;
            c.corrected = *k;
            let mut said = Vec::new();
            if *k > 0 && c.in_totals {
                said.push(format!("计入合计（含省级更正 {k} 处）"));
            } else if *k > 0 {
                said.push(format!("省级已更正 {k} 处"));
            }
            if *v > 0 {
                said.push(format!("已核实 {v} 处"));
            }
            if !said.is_empty() {
                let head = said.join("，");
                c.reason = if c.reason.is_empty() { head } else { format!("{head}；{}", c.reason) };
            }
        }
        self
    }

    /// For each of `files` files, the city it stands for, if it is the
    /// file used for one.
    pub fn used_for(&self, files: usize) -> Vec<Option<String>> {
        let mut used = vec![None; files];
        for c in &self.cities {
            if let Some(slot) = c.used.and_then(|i| used.get_mut(i)) {
                *slot = Some(c.city.clone());
            }
        }
        used
    }

    /// The cities nothing arrived from.
    pub fn missing(&self) -> Vec<String> {
        self.cities.iter().filter(|c| c.status == CityStatus::NotReceived).map(|c| c.city.clone()).collect()
    }

    /// Cities whose figures are in the totals.
    pub fn counted(&self) -> impl Iterator<Item = &CityEntry> {
        self.cities.iter().filter(|c| c.in_totals)
    }

    /// Whether `city` is counted.
    pub fn is_counted(&self, city: &str) -> bool {
        self.cities.iter().any(|c| c.city == city && c.in_totals)
    }

    /// The entry of a city.
    pub fn entry(&self, city: &str) -> Option<&CityEntry> {
        self.cities.iter().find(|c| c.city == city)
    }

    /// What the totals cover, as a 合计 label says it:
    /// "合计" when every city is in, else
    /// "合计（13个地市，不含待修正的茂名市、未报送的潮州市）".
    pub fn coverage(&self) -> Coverage {
        let of = |s: CityStatus| self.cities.iter().filter(|c| c.status == s).map(|c| c.city.clone()).collect();
        Coverage {
            counted: self.counted().count(),
            expected: self.cities.len(),
            needs_fix: of(CityStatus::NeedsFix),
            not_received: of(CityStatus::NotReceived),
        }
    }

    /// One line for the batch: "15 个地市：通过 12，有警告 1，待修正 1，未报送 1".
    pub fn batch_line(&self) -> String {
        let n = |s: CityStatus| self.cities.iter().filter(|c| c.status == s).count();
        format!(
            "{} 个地市：通过 {}，通过（有警告）{}，待修正 {}，未报送 {}；已汇总 {}/{}",
            self.cities.len(),
            n(CityStatus::Passed),
            n(CityStatus::PassedWithWarnings),
            n(CityStatus::NeedsFix),
            n(CityStatus::NotReceived),
            self.counted().count(),
            self.cities.len()
        )
    }
}

/// Which cities a total covers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    pub counted: usize,
    pub expected: usize,
    pub needs_fix: Vec<String>,
    pub not_received: Vec<String>,
}

impl Coverage {
    pub fn complete(&self) -> bool {
        self.counted == self.expected
    }

    /// "（不含待修正的茂名市、未报送的潮州市）", empty when complete.
    pub fn excluded_text(&self) -> String {
        let mut parts = Vec::new();
        if !self.needs_fix.is_empty() {
            parts.push(format!("待修正的{}", self.needs_fix.join("、")));
        }
        if !self.not_received.is_empty() {
            parts.push(format!("未报送的{}", self.not_received.join("、")));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("不含{}", parts.join("、"))
        }
    }

    /// The 合计 label: "合计" or "合计（13个地市，不含…）".
    pub fn total_label(&self) -> String {
        if self.complete() {
            "合计".to_string()
        } else {
            format!("合计（{}个地市，{}）", self.counted, self.excluded_text())
        }
    }

    /// The "其中：N个地市" label of 表2-2.
    pub fn cities_label(&self) -> String {
        format!("其中：{}个地市", self.counted)
    }
}

/// The issued city a file's 地市 cell names.
fn city_in_cell(sub: Option<&Submission>, params: &Params) -> Option<String> {
    let typed = sub?.city_text()?;
    params.resolve_city(&typed).map(|c| c.name.clone())
}

#[cfg(test)]
mod tests;
