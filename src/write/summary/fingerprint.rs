//! The 核验指纹 sheet: the result's fingerprint and every part of it, in
//! cells, so an auditor holding only the printed or re-saved summary sees
//! what it was made from, and `selfeval verify` reads it back (by label,
//! not position) to name the city whose file changed since.

use super::{Print, Res, SummaryError};
use crate::fingerprint::{Fingerprint, InputPart, PreviousPart};
use umya_spreadsheet::{OrientationValues, Workbook, Worksheet};

/// The sheet's name.
pub const SHEET: &str = "核验指纹";
/// Labels in column A; the value is in column B.
pub const DIGEST: &str = "指纹（SHA-256）";
pub const SHORT: &str = "印在每页的指纹";
pub const TEMPLATES: &str = "模板";
pub const PARAMS: &str = "省级参数表";
pub const DECISIONS: &str = "已执行的核实与更正";
pub const PREVIOUS: &str = "比较的上一轮结果";
pub const PREVIOUS_DIGEST: &str = "上一轮 report.json 的 SHA-256";
/// The header of the files' table: 序号, 文件, 地市, SHA-256.
pub const FILES_HEAD: [&str; 4] = ["序号", "文件", "地市", "SHA-256"];

/// Adds the sheet, last, laid out for A4.
pub(super) fn sheet(book: &mut Workbook, print: &Print, department: &str, state: &str) -> Res<()> {
    let fp = print.fingerprint;
    let ws = book.new_sheet(SHEET).map_err(SummaryError::Write)?;
    let title = "汇总结果核验指纹";
    ws.cell_mut("A1").set_value_string(title);
    ws.cell_mut("A1").style_mut().font_mut().set_bold(true).set_size(14.0);
    let none = "（无）".to_string();
    let (previous, previous_digest) = match &fp.previous {
        Some(p) => (p.folder.clone(), p.sha256.clone()),
        None => (none.clone(), none.clone()),
    };
    let rows: [(&str, String); 7] = [
        (DIGEST, fp.sha256.clone()),
        (SHORT, fp.short().to_string()),
        (TEMPLATES, fp.templates.clone()),
        (PARAMS, fp.params.clone()),
        (DECISIONS, if fp.decisions.is_empty() { none.clone() } else { fp.decisions.clone() }),
        (PREVIOUS, previous),
        (PREVIOUS_DIGEST, previous_digest),
    ];
    for (i, (label, value)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        put(ws, 1, r, label);
        put(ws, 2, r, value);
        // A digest is one line across 文件 … SHA-256.
        ws.add_merge_cells(format!("B{r}:D{r}"));
    }
    let head = 3 + rows.len() as u32 + 1;
    for (c, h) in FILES_HEAD.iter().enumerate() {
        put(ws, c as u32 + 1, head, h);
        ws.cell_mut((c as u32 + 1, head)).style_mut().font_mut().set_bold(true);
    }
    for (i, f) in fp.inputs.iter().enumerate() {
        let r = head + 1 + i as u32;
        ws.cell_mut((1, r)).set_value_number((i + 1) as f64);
        put(ws, 2, r, &f.file);
        put(ws, 3, r, f.city.as_deref().unwrap_or(""));
        put(ws, 4, r, &f.sha256);
    }
    let note = head + 2 + fp.inputs.len() as u32;
    put(
        ws,
        1,
        note,
        "核验：selfeval verify 省级汇总表.xlsx 材料文件夹（另有 --decisions 登记表、--templates、--params 时照原样给出），\
         程序按材料重新计算，逐格比较本表的数字，并逐个核对上列文件的 SHA-256。",
    );
    ws.add_merge_cells(format!("A{note}:D{note}"));
    ws.cell_mut((1, note)).style_mut().alignment_mut().set_wrap_text(true);
    ws.row_dimension_mut(note).set_height(30.0);
    for (col, width) in [("A", 28.0), ("B", 46.0), ("C", 10.0), ("D", 68.0)] {
        ws.column_dimension_mut(col).set_width(width);
    }
    let setup = ws.page_setup_mut();
    setup.set_paper_size(9);
    setup.set_orientation(OrientationValues::Landscape);
    setup.set_fit_to_width(1);
    setup.set_fit_to_height(0);
    setup.set_fit_to_page(true);
    super::frame(ws, SHEET, department, state, print);
    Ok(())
}

fn put(ws: &mut Worksheet, col: u32, row: u32, text: &str) {
    ws.cell_mut((col, row)).set_value_string(text);
}

/// A fingerprint as a 核验指纹 sheet records it, read back from its
/// cells (`None` when the sheet or its digest row is missing).
pub fn read_back(cells: &dyn Fn(u32, u32) -> String, rows: u32) -> Option<Fingerprint> {
    let label_row = |label: &str| (1..=rows).find(|r| cells(*r, 1).trim() == label);
    let value = |label: &str| label_row(label).map(|r| cells(r, 2).trim().to_string());
    let sha256 = value(DIGEST)?;
    let none = |v: String| if v == "（无）" { String::new() } else { v };
    let previous = value(PREVIOUS)
        .map(none)
        .filter(|v| !v.is_empty())
        .map(|folder| PreviousPart { folder, sha256: value(PREVIOUS_DIGEST).map(none).unwrap_or_default() });
    let head = (1..=rows).find(|r| cells(*r, 1).trim() == FILES_HEAD[0] && cells(*r, 4).trim() == FILES_HEAD[3])?;
    let inputs = (head + 1..=rows)
        .take_while(|r| !cells(*r, 4).trim().is_empty())
        .map(|r| InputPart {
            file: cells(r, 2).trim().to_string(),
            city: Some(cells(r, 3).trim().to_string()).filter(|c| !c.is_empty()),
            sha256: cells(r, 4).trim().to_string(),
        })
        .collect();
    Some(Fingerprint {
        sha256,
        templates: value(TEMPLATES).unwrap_or_default(),
        params: value(PARAMS).unwrap_or_default(),
        decisions: value(DECISIONS).map(none).unwrap_or_default(),
        previous,
        inputs,
    })
}
