//! `[params_layout]` of form.toml: the sheet names, row labels and column
//! headers of the province's params workbook (省级参数表). The reader finds
//! every figure by these words, and the writer lays the workbook out with
//! them, so a department whose workbook heads its budget column otherwise
//! edits data, not the reader.

use super::*;

/// Where each issued figure is in 省级参数表.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamsLayout {
    /// Key–value sheet: labels in column A, values in column B.
    pub sheet_basic: String,
    /// One row per city, columns found by their headers.
    pub sheet_cities: String,
    /// Factor weights by measure (`weight_label` rows); only with measures.
    pub sheet_weights: String,
    /// 表1-1's targets.
    pub sheet_targets: String,
    /// 基本参数 labels.
    pub year: String,
    pub fund: String,
    pub total: String,
    pub own_budget: String,
    pub own_arrived: String,
    pub own_spent: String,
    /// 地市下达 headers (measures add their `plan_header`).
    pub city: String,
    pub budget: String,
    pub fiscal: String,
    pub performance: String,
    pub project: String,
    /// 绩效目标 headers: 一级, 二级, 三级指标, 比较, 目标值, 汇总口径.
    pub target_headers: [String; 6],
}

impl ParamsLayout {
    /// 基本参数 labels the reader takes a figure from (every other labelled
    /// row describes the fund).
    pub fn basic_labels(&self) -> [&str; 6] {
        [&self.year, &self.fund, &self.total, &self.own_budget, &self.own_arrived, &self.own_spent].map(String::as_str)
    }
}
