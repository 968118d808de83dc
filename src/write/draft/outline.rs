//! The draft laid out by report.toml's `[[outline]]`: headings, sentences
//! (shown `when` their condition holds, repeated `each`, `numbered`),
//! placeholders, and summary.toml's city and targets tables as printed
//! text, in the order the fund's report wants them.

use super::doc::Doc;
use super::*;
use crate::consolidate::table::{cell, own_cell};
use crate::consolidate::TargetActual;
use crate::spec::outline::{Each, OutlineItem, Slot, When};
use crate::spec::relation::Val;
use crate::spec::{SheetRole, SummaryColumn, SummarySheet, SummarySpec};

/// Width of the printed text area in twentieths of a point (A4, 2.5 cm margins).
const TEXT_WIDTH: usize = 9000;

/// What the outline is written from.
pub(super) struct Context<'a> {
    pub(super) spec: &'a ReportSpec,
    pub(super) summary: &'a SummarySpec,
    pub(super) s: &'a ProvinceSummary,
    pub(super) findings: &'a [Finding],
    pub(super) decisions: &'a crate::decisions::Record,
    pub(super) slots: &'a Slots,
    /// 附件2 佐证材料清单, as the summary's sheet has it.
    pub(super) listing: &'a [crate::submission::ListingRow],
}

pub(super) fn write(doc: &mut Doc, cx: &Context) {
    // The number of the last numbered paragraph; any other item ends the list.
    let mut number = 0;
    for item in &cx.spec.outline {
        if item.when.as_ref().is_some_and(|w| !holds(w, cx)) {
            continue;
        }
        if !item.numbered {
            number = 0;
        }
        let fill = |t: &str| cx.slots.fill(t);
        if let Some(t) = &item.h1 {
            doc.h1(&fill(t));
        } else if let Some(t) = &item.h2 {
            doc.h2(&fill(t));
        } else if let Some(t) = &item.h3 {
            doc.h3(&fill(t));
        } else if let Some(t) = &item.body {
            for text in bodies(item, t, cx) {
                match item.numbered {
                    true => {
                        number += 1;
                        doc.body(&format!("（{}）{text}", zh_number(number)));
                    }
                    false => doc.body(&text),
                }
            }
        } else if let Some(t) = &item.placeholder {
            doc.placeholder(&fill(t));
        } else if let Some(sheet) = item.table.as_deref().and_then(|k| cx.summary.sheet(k)) {
            table_item(doc, item, sheet, cx);
        }
    }
}

/// A body's paragraphs: one, or one for each share it is repeated for.
fn bodies(item: &OutlineItem, text: &str, cx: &Context) -> Vec<String> {
    let Some(each) = item.each else { return vec![cx.slots.fill(text)] };
    shares(cx.spec, cx.s)
        .iter()
        .filter(|b| each == Each::Share || b.below)
        .enumerate()
        .map(|(i, b)| b.slots(cx.slots, i + 1).fill(text))
        .collect()
}

/// Whether an item's condition holds for this run.
fn holds(when: &When, cx: &Context) -> bool {
    let t = &cx.s.totals;
    match when {
        When::Incomplete => !t.coverage.complete(),
        When::SlowSpending => t.cities_spend_rate.is_some_and(|r| r < cx.spec.thresholds.slow_spending),
        When::Warnings => cx.findings.iter().any(|f| f.severity == Severity::Warning),
        When::Verified => cx.decisions.verified() > 0,
        When::Corrected => cx.decisions.corrections.iter().any(|c| c.follows.is_none()),
        When::Any(name) => cx.spec.slots.iter().any(|(n, slot)| match slot {
            Slot::CitiesWithout { field, .. } => n == name && !cities_without(cx.s, field).is_empty(),
            _ => false,
        }),
    }
}

/// A table's caption and rows, at its widths and size.
fn table_item(doc: &mut Doc, item: &OutlineItem, sheet: &SummarySheet, cx: &Context) {
    doc.caption(&cx.slots.fill(item.caption.as_deref().unwrap_or(&sheet.title)));
    let columns: Vec<&SummaryColumn> = match item.columns.is_empty() {
        true => sheet.columns.iter().collect(),
        false => item.columns.iter().filter_map(|k| sheet.columns.iter().find(|c| &c.key == k)).collect(),
    };
    let header: Vec<String> = match item.header.is_empty() {
        true => columns.iter().map(|c| lowest_header(sheet, c)).collect(),
        false => item.header.clone(),
    };
    let widths: Vec<usize> = match item.widths.is_empty() {
        true => {
            let total: f64 = columns.iter().map(|c| c.width).sum::<f64>().max(1.0);
            columns.iter().map(|c| (c.width / total * TEXT_WIDTH as f64) as usize).collect()
        }
        false => item.widths.clone(),
    };
    let mut rows = vec![header];
    match sheet.role {
        SheetRole::Targets => rows.extend(target_rows(item, &columns, cx.s)),
        SheetRole::Listing => rows.extend(listing_rows(&columns, cx.listing)),
        _ => rows.extend(city_rows(item, sheet, &columns, cx.s)),
    }
    let size = item.font_size.map(|pt| (pt * 2.0).round() as usize).unwrap_or(SIZE_WIDE);
    doc.table(&rows, &widths, size);
}

/// A column's lowest non-empty header word.
fn lowest_header(sheet: &SummarySheet, c: &SummaryColumn) -> String {
    let at = sheet.columns.iter().position(|x| x.key == c.key).unwrap_or(0);
    sheet.header.iter().rev().filter_map(|r| r.get(at)).find(|t| !t.is_empty()).cloned().unwrap_or_default()
}

/// A city table as printed text: 合计, every city (or why it is not
/// counted, in its first reported column), the province's own line, and
/// with `subtotal` the cities alone.
fn city_rows(
    item: &OutlineItem,
    sheet: &SummarySheet,
    columns: &[&SummaryColumn],
    s: &ProvinceSummary,
) -> Vec<Vec<String>> {
    let bare = item.bare_percent;
    // The 合计 line (with the own line, where the table has one) or the
    // 其中 line (`with_own` false): the run's one computation of each.
    let total_line = |label: String, with_own: bool| -> Vec<String> {
        let cells = columns.iter().map(|c| match c.key.as_str() {
            "seq" => String::new(),
            "city" => label.clone(),
            _ if c.total.is_none() => String::new(),
            _ => s
                .tables
                .get(&sheet.key, &c.key)
                .and_then(|t| if with_own { t.all } else { t.cities })
                .map(|d| shown(c, d, bare))
                .unwrap_or_else(|| "—".into()),
        });
        cells.collect()
    };
    let mut rows = vec![total_line(s.totals.coverage.total_label(), true)];
    for (i, r) in s.rows.iter().enumerate() {
        let mut said = false;
        let row = columns.iter().map(|c| match c.key.as_str() {
            "seq" => (i + 1).to_string(),
            "city" => r.issued.name.clone(),
            _ if c.issued.is_some() || r.figures.is_some() => match cell(sheet, c, r) {
                Some(Val::Num(d)) => shown(c, d, bare),
                Some(Val::Text(t)) => t,
                None => "—".into(),
            },
            // A city left out says why in its first reported column.
            _ if !said => {
                said = true;
                r.status.zh().to_string()
            }
            _ => "—".into(),
        });
        rows.push(row.collect());
    }
    if let Some(line) = &sheet.own {
        let row = columns.iter().map(|c| match c.key.as_str() {
            "seq" => (s.rows.len() + 1).to_string(),
            "city" => line.label.clone(),
            _ => own_cell(sheet, c, &s.own).map(|d| shown(c, d, bare)).unwrap_or_default(),
        });
        rows.push(row.collect());
        if item.subtotal && line.subtotal {
            rows.push(total_line(s.totals.coverage.cities_label(), false));
        }
    }
    rows
}

/// 附件2 as printed text: 类型 on a group's first line, 编号, 文件名称.
fn listing_rows(columns: &[&SummaryColumn], listing: &[crate::submission::ListingRow]) -> Vec<Vec<String>> {
    let cell = |r: &crate::submission::ListingRow, key: &str| match key {
        "type" => r.kind.clone(),
        "code" => r.code.clone(),
        "name" => r.name.clone(),
        _ => String::new(),
    };
    listing.iter().map(|r| columns.iter().map(|c| cell(r, &c.key)).collect()).collect()
}

/// 表1-1 as printed text: each 绩效目标 with its actual and whether met.
fn target_rows(item: &OutlineItem, columns: &[&SummaryColumn], s: &ProvinceSummary) -> Vec<Vec<String>> {
    let word = |i: usize, default: &str| item.met_words.get(i).cloned().unwrap_or_else(|| default.to_string());
    s.targets
        .iter()
        .map(|t| {
            let row = columns.iter().map(|c| match c.key.as_str() {
                "level1" => t.level1.clone(),
                "level2" => t.level2.clone(),
                "level3" => t.level3.clone(),
                "target" => t.target.clone(),
                "actual" => match &t.actual {
                    Some(TargetActual::Number(d)) => num(*d),
                    Some(TargetActual::Percent(p)) => pct(*p),
                    Some(TargetActual::Text(x)) => x.clone(),
                    None => "—".into(),
                },
                "rate" => opt_pct(t.rate),
                "met" => match t.met {
                    Some(true) => word(0, "达成"),
                    Some(false) => word(1, "未达成"),
                    None => word(2, "无法判断"),
                },
                "note" => t.note.clone(),
                _ => String::new(),
            });
            row.collect()
        })
        .collect()
}
