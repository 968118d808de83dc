//! A draft laid out entirely by report.toml's `[[outline]]`: a fund whose
//! report does not follow the default fund's structure gets its headings,
//! sentences (with the same slots), placeholders and its summary.toml city
//! tables in the order it lists them.

use super::doc::Doc;
use super::*;
use crate::consolidate::column_total;
use crate::model::CityFigures;
use crate::spec::relation::Val;
use crate::spec::{ColFormat, SummarySheet, SummarySpec};

/// Width of the printed text area in twentieths of a point (A4, 2.5 cm margins).
const TEXT_WIDTH: usize = 9000;

pub(super) fn write(doc: &mut Doc, spec: &ReportSpec, summary: &SummarySpec, s: &ProvinceSummary, slots: &Slots) {
    for item in &spec.outline {
        let fill = |t: &str| slots.fill(t);
        if let Some(t) = &item.h1 {
            doc.h1(&fill(t));
        } else if let Some(t) = &item.h2 {
            doc.h2(&fill(t));
        } else if let Some(t) = &item.h3 {
            doc.h3(&fill(t));
        } else if let Some(t) = &item.body {
            doc.body(&fill(t));
        } else if let Some(t) = &item.placeholder {
            doc.placeholder(&fill(t));
        } else if let Some(sheet) = item.table.as_deref().and_then(|k| summary.sheet(k)) {
            doc.caption(&fill(item.caption.as_deref().unwrap_or(&sheet.title)));
            let total: f64 = sheet.columns.iter().map(|c| c.width).sum::<f64>().max(1.0);
            let widths: Vec<usize> =
                sheet.columns.iter().map(|c| (c.width / total * TEXT_WIDTH as f64) as usize).collect();
            doc.table(&city_table(sheet, s), &widths, SIZE_WIDE);
        }
    }
}

/// A city table as printed text: one header row (each column's lowest
/// header word), 合计, then every city (or why it is not counted).
fn city_table(sheet: &SummarySheet, s: &ProvinceSummary) -> Vec<Vec<String>> {
    let header: Vec<String> = (0..sheet.columns.len())
        .map(|c| {
            sheet.header.iter().rev().filter_map(|r| r.get(c)).find(|t| !t.is_empty()).cloned().unwrap_or_default()
        })
        .collect();
    let figs: Vec<&CityFigures> = s.rows.iter().filter_map(|r| r.figures.as_ref()).collect();
    let shown = |c: &crate::spec::SummaryColumn, v: Option<&Val>| match (v, c.format) {
        (None, _) => "—".to_string(),
        (Some(Val::Text(t)), _) => t.clone(),
        (Some(Val::Num(d)), ColFormat::Pct2) => pct(*d * Decimal::ONE_HUNDRED),
        (Some(Val::Num(d)), _) => num(*d),
    };
    let mut rows = vec![header];
    let totals = sheet.columns.iter().map(|c| match c.key.as_str() {
        "seq" => String::new(),
        "city" => s.totals.coverage.total_label(),
        _ => column_total(c, &figs).map(|d| shown(c, Some(&Val::Num(d)))).unwrap_or_default(),
    });
    rows.push(totals.collect());
    for (i, r) in s.rows.iter().enumerate() {
        // A city left out says why in its first figure column, the rest
        // "—", as the default draft's tables print it.
        let mut said = false;
        let row = sheet.columns.iter().map(|c| match (c.key.as_str(), &r.figures) {
            ("seq", _) => (i + 1).to_string(),
            ("city", _) => r.issued.name.clone(),
            (_, Some(f)) => shown(c, f.values.get(&c.key)),
            (_, None) if !said => {
                said = true;
                r.status.zh().to_string()
            }
            (_, None) => "—".to_string(),
        });
        rows.push(row.collect());
    }
    rows
}
