//! The 自评报告（初稿）: a Word document laid out by the template set's
//! report.toml (`[[outline]]`: the 2024 set follows the 2024 report's
//! structure), every figure taken from the consolidated summary (the same
//! numbers as 省级汇总表 and report.json), and every judgement a person
//! must make left as a marked 【待填写：…】.
//!
//! docx-rs writes the document: pure Rust, maintained, and it sets East
//! Asian fonts, tables, sections and page-number fields. It cannot mark a
//! table row as a repeated header, so header rows are flagged `cantSplit`
//! while building and given `<w:tblHeader/>` in the package afterwards.

use crate::calc;
use crate::consolidate::ProvinceSummary;
use crate::findings::{render, Finding, Severity};
use crate::params::TargetValue;
use crate::spec::ReportSpec;
use docx_rs::{
    AlignmentType, Docx, Footer, Header, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run, RunFonts,
    Table, TableCell, TableRow, WidthType,
};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::{Read, Write};

mod doc;
mod outline;
mod slots;
#[cfg(test)]
mod tests;

use doc::*;
use slots::*;

/// Title font: 方正小标宋简体, or 宋体 where it is not installed.
const TITLE_FONT: &str = "方正小标宋简体";
/// Body font: 仿宋_GB2312 (the official font), 仿宋 as its fallback name.
const BODY_FONT: &str = "仿宋_GB2312";
const HEADING_FONT: &str = "黑体";
const KAITI: &str = "楷体_GB2312";
/// 二号 and 三号 in half-points.
const SIZE_TITLE: usize = 44;
const SIZE_BODY: usize = 32;
/// A table's default size: 8 pt, the smallest for print, so wide tables
/// (14 columns on A4 portrait) fit.
const SIZE_WIDE: usize = 16;

/// Why the draft could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("生成 Word 文档时出错")]
    Pack,
}

/// The figures the sentences use, by slot name.
pub(super) struct Slots(BTreeMap<String, String>);

impl Slots {
    fn fill(&self, pattern: &str) -> String {
        let pairs: Vec<(&str, &str)> = self.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        render(pattern, &pairs)
    }

    fn set(&mut self, k: &str, v: impl Into<String>) {
        self.0.insert(k.to_string(), v.into());
    }
}

/// A percent the way the report prints it: "19.21%", "18.40%", "100%".
pub fn pct(x: Decimal) -> String {
    let r = calc::round2(x);
    if r.fract().is_zero() {
        format!("{}%", r.trunc())
    } else {
        calc::fmt_pct(r)
    }
}

/// A percent without its sign, 2 places ("166.62"), for a column headed (%).
fn rate_num(x: Option<Decimal>) -> String {
    x.map(calc::fmt2).unwrap_or_else(|| "—".into())
}

fn opt_pct(x: Option<Decimal>) -> String {
    x.map(pct).unwrap_or_else(|| "—".into())
}

/// An amount or a measure as the report prints it ("3623.35", "18672").
fn num(x: Decimal) -> String {
    calc::fmt_num(calc::round2(x))
}

fn join_cities(v: &[String]) -> String {
    if v.is_empty() {
        "无".to_string()
    } else {
        v.join("、")
    }
}

/// Builds the draft's bytes: the title, the basis line, then report.toml's
/// `[[outline]]`. `generated` is the run's time, said in the basis line.
pub fn draft(
    spec: &ReportSpec,
    summary: &crate::spec::SummarySpec,
    c: &crate::write::summary::Contents,
    generated: &str,
    fingerprint: &str,
) -> Result<Vec<u8>, DraftError> {
    let (s, findings, decisions) = (c.summary, c.findings, c.decisions);
    let mut slots = slots(spec, s, findings, c.form, generated);
    decision_slots(&mut slots, decisions);
    declared_slots(&mut slots, spec, summary, s);
    let mut doc = Doc::new(fingerprint);
    doc.title(&slots.fill(&spec.title));
    doc.body(&slots.fill(&spec.basis));
    let cx = outline::Context { spec, summary, s, findings, decisions, slots: &slots, listing: c.listing };
    outline::write(&mut doc, &cx);
    doc.pack()
}

/// 1 → 一, … for list ordinals.
fn zh_number(n: usize) -> String {
    const D: [&str; 11] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    match n {
        0..=10 => D[n].to_string(),
        11..=19 => format!("十{}", D[n - 10]),
        _ => n.to_string(),
    }
}
