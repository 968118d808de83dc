//! What became of a decision in this run (the register's 状态) and why a
//! decision was not applied; worded where shown, in the fund's words.

use super::register;
use crate::findings::{Code, Finding};
use serde::Serialize;

/// What became of a decision in this run (the register's 状态; report.json
/// shows it through [`StatusShown`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Applied: the finding is 已核实 or the figure corrected.
    Applied,
    /// 退回地市: shown, nothing changed.
    Returned,
    /// Not applied, and why.
    Refused(Refusal),
    /// The city's new file already holds the corrected value.
    CityFixed,
    /// The city's figure changed since the decision: not applied.
    CityChanged,
    /// Its finding is gone.
    NotApplicable,
}

impl Status {
    /// The register's 状态, in the fund's words (a refusal may quote a
    /// finding's message).
    pub fn zh(&self, words: &dyn crate::findings::Words) -> String {
        match self {
            Status::Applied => "已采用".to_string(),
            Status::Returned => "已退回地市".to_string(),
            Status::Refused(why) => format!("未采用：{}", why.zh(words)),
            Status::CityFixed => "地市已改正".to_string(),
            Status::CityChanged => "地市数据已变化，请重新核实".to_string(),
            Status::NotApplicable => "已不适用".to_string(),
        }
    }
}

/// Why a decision was not applied (report.json says it in words).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The register row itself cannot be a decision.
    #[error(transparent)]
    Row(#[from] register::RowError),
    #[error("该问题没有程序计算值，请改选“更正为”并填写更正值")]
    NoComputedValue,
    #[error("文件无法重新读取，未能更正")]
    Unreadable,
    /// After the correction an error is still on the figure: that finding,
    /// worded where it is shown ([`Refusal::zh`]).
    #[error("更正后仍有错误（{}）", .0.code.id())]
    ErrorRemains(Box<Finding>),
    /// A roster question (SE404, SE406) answered with a correction.
    #[error("{} 只能以“已核实无误”或“退回地市”处理", .0.id())]
    OnlyConfirm(Code),
}

impl Refusal {
    /// Why, in the fund's words.
    pub fn zh(&self, words: &dyn crate::findings::Words) -> String {
        match self {
            Refusal::ErrorRemains(f) => format!("更正后仍有错误（{}）", f.message(words)),
            other => other.to_string(),
        }
    }
}

/// report.json's `status` of a decision: `{kind, detail}` as the register
/// column says it, worded by the fund.
pub struct StatusShown<'a> {
    pub status: &'a Status,
    pub words: &'a dyn crate::findings::Words,
}

impl Serialize for StatusShown<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let kind = match self.status {
            Status::Applied => "applied",
            Status::Returned => "returned",
            Status::Refused(_) => "refused",
            Status::CityFixed => "city_fixed",
            Status::CityChanged => "city_changed",
            Status::NotApplicable => "not_applicable",
        };
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("kind", kind)?;
        if let Status::Refused(why) = self.status {
            m.serialize_entry("detail", &why.zh(self.words))?;
        }
        m.end()
    }
}
