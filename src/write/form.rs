//! Writes the city form from its spec with rust_xlsxwriter: blank (for
//! `selfeval template`) or filled (for the samples). Labels are locked,
//! input cells shaded and unlocked, closed choices get dropdowns.

use crate::calc;
use crate::spec::{FieldSpec, FormSpec, Kind};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Worksheet, XlsxError,
};
use std::collections::{HashMap, HashSet};

/// A value to put in an input cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Number(Decimal),
    Text(String),
    /// "YYYY-MM-DD", written as a real date cell.
    Date(String),
}

/// Number format of a field kind.
pub fn kind_format(kind: Kind) -> &'static str {
    match kind {
        Kind::Amount | Kind::Decimal | Kind::Score => "0.00",
        Kind::Count | Kind::Year => "0",
        Kind::Percent => "0.00%",
        Kind::Date => "yyyy-mm-dd",
        Kind::Text | Kind::Choice => "@",
    }
}

/// The fixed creation time written into generated files, so that the same
/// input always gives the same workbook.
fn fixed_properties(title: &str) -> DocProperties {
    let t = ExcelDateTime::from_ymd(2025, 1, 1).unwrap_or_default();
    DocProperties::new().set_title(title).set_author("selfeval").set_creation_datetime(&t)
}

/// Writes the form; `values` fills input cells by field id (an empty map
/// gives the blank form).
pub fn city_form(form: &FormSpec, values: &HashMap<String, Input>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = super::new_workbook();
    wb.set_properties(&fixed_properties(&form.title));
    let border = |f: Format| f.set_border(FormatBorder::Thin).set_font_name("宋体").set_font_size(11);
    let title_f = Format::new().set_bold().set_font_size(14).set_font_name("宋体").set_align(FormatAlign::Center);
    let note_f = Format::new().set_font_name("宋体").set_font_size(10).set_font_color(Color::RGB(0x595959));
    let label_f = border(Format::new().set_text_wrap().set_align(FormatAlign::VerticalCenter));
    let head_f = border(
        Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xD9E1F2))
            .set_align(FormatAlign::Center)
            .set_text_wrap(),
    );
    let input_base = || border(Format::new().set_unlocked().set_background_color(Color::RGB(0xFFF2CC)));

    for sheet in &form.sheets {
        let ws: &mut Worksheet = wb.add_worksheet();
        ws.set_name(&sheet.name)?;
        for (i, w) in sheet.widths.iter().enumerate() {
            ws.set_column_width(i as u16, *w)?;
        }
        for tc in [&sheet.title, &sheet.note].into_iter().flatten() {
            let f = if sheet.title.as_ref().is_some_and(|t| t.cell == tc.cell) { &title_f } else { &note_f };
            match tc.merge {
                Some(m) => {
                    ws.merge_range(m.first.row, m.first.col as u16, m.last.row, m.last.col as u16, &tc.text, f)?;
                }
                None => {
                    ws.write_string_with_format(tc.cell.row, tc.cell.col as u16, &tc.text, f)?;
                }
            }
        }
        // A label on a row with input cells names that row; any other
        // label is a column header.
        let field_rows: HashSet<u32> = sheet.fields.iter().map(|f| f.cell.row).collect();
        // Lines the tallest wrapped text of each row needs: a spreadsheet
        // program does not grow rows of a generated file by itself.
        let mut lines: std::collections::BTreeMap<u32, usize> = Default::default();
        let mut fit = |cell: crate::cellref::CellRef, text: &str| {
            let width = sheet.widths.get(cell.col as usize).copied().unwrap_or(8.43);
            let n = crate::write::feedback::est_lines(text, width * 1.1);
            let e = lines.entry(cell.row).or_insert(1);
            *e = (*e).max(n);
        };
        for l in &sheet.labels {
            let f = if field_rows.contains(&l.cell.row) { &label_f } else { &head_f };
            ws.write_string_with_format(l.cell.row, l.cell.col as u16, &l.text, f)?;
            fit(l.cell, &l.text);
        }
        let mut written_labels = HashSet::new();
        for f in &sheet.fields {
            if written_labels.insert(f.label.cell) {
                ws.write_string_with_format(f.label.cell.row, f.label.cell.col as u16, &f.label.text, &label_f)?;
                fit(f.label.cell, &f.label.text);
            }
            let mut fmt = input_base().set_num_format(kind_format(f.kind));
            if f.kind == Kind::Text {
                fmt = fmt.set_text_wrap();
            }
            let value = values.get(&f.id);
            if let Some(Input::Text(t)) = value {
                fit(f.cell, t);
            }
            write_input(ws, f, value, &fmt)?;
            add_validation(ws, f)?;
        }
        for (row, n) in lines {
            if n > 1 {
                ws.set_row_height(row, 15.0 * n as f64)?;
            }
        }
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        if sheet.widths.iter().sum::<f64>() > 110.0 {
            ws.set_landscape();
        }
        ws.protect();
    }
    wb.save_to_buffer()
}

fn write_input(ws: &mut Worksheet, f: &FieldSpec, v: Option<&Input>, fmt: &Format) -> Result<(), XlsxError> {
    let (r, c) = (f.cell.row, f.cell.col as u16);
    match v {
        None => {
            ws.write_blank(r, c, fmt)?;
        }
        Some(Input::Number(d)) => {
            ws.write_number_with_format(r, c, calc::to_f64(*d), fmt)?;
        }
        Some(Input::Text(t)) => {
            ws.write_string_with_format(r, c, t, fmt)?;
        }
        Some(Input::Date(d)) => {
            let parts: Vec<&str> = d.split('-').collect();
            let ymd = match parts.as_slice() {
                [y, m, dd] => y.parse().ok().zip(m.parse().ok()).zip(dd.parse().ok()),
                _ => None,
            };
            match ymd.and_then(|((y, m), dd)| ExcelDateTime::from_ymd(y, m, dd).ok()) {
                Some(dt) => ws.write_datetime_with_format(r, c, &dt, fmt)?,
                None => ws.write_string_with_format(r, c, d, fmt)?,
            };
        }
    }
    Ok(())
}

fn add_validation(ws: &mut Worksheet, f: &FieldSpec) -> Result<(), XlsxError> {
    let (r, c) = (f.cell.row, f.cell.col as u16);
    if !f.options.is_empty() {
        let dv = DataValidation::new()
            .allow_list_strings(&f.options)?
            .set_input_message(format!("请从下拉列表选择：{}", f.options.join("、")))?;
        ws.add_data_validation(r, c, r, c, &dv)?;
    } else if !f.allow_text.is_empty() {
        // A dropdown offering the words (未验收) that still accepts a
        // number: the error alert is off, so typing 100% is allowed.
        let dv = DataValidation::new()
            .allow_list_strings(&f.allow_text)?
            .show_error_message(false)
            .set_input_message(format!("填写百分比（如 100.00%），或从下拉列表选“{}”", f.allow_text.join("、")))?;
        ws.add_data_validation(r, c, r, c, &dv)?;
    }
    Ok(())
}
