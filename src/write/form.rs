//! Writes the city form from its spec with rust_xlsxwriter: blank (for
//! `selfeval template`) or filled (for the samples).
//!
//! The form computes and checks itself, as the Federal Audit
//! Clearinghouse's generated workbooks do: every field's cell has a
//! defined name (so Excel moves it with an inserted row and the reader
//! still finds it); derived cells (支出率, 完成率, 执行率, 得分, 总分,
//! 自评等级) are locked formulas over those names; every input has a typed
//! data validation with a Chinese input message and error alert; broken
//! relations turn red as the clerk types (conditional formatting); the
//! template's own values (模板版本, 年度, 资金名称, 金额单位, 分值) are locked.

use crate::calc;
use crate::spec::{Bands, FieldSpec, FormSpec, Kind, Role};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, ConditionalFormatFormula, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, ProtectionOptions, Worksheet, XlsxError,
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

/// What a form is built from: the year's spec, its grade bands (for the
/// 自评等级 formula) and the cities the province issues to (the 地市
/// dropdown; empty for none).
pub struct FormBook<'a> {
    pub form: &'a FormSpec,
    pub bands: &'a Bands,
    pub cities: &'a [String],
}

/// The name of a field in formulas.
fn n(id: &str) -> String {
    FormSpec::defined_name(id)
}

/// Formulas of the derived cells, by field id, over the fields' defined
/// names: each written from the same `[[derived]]` relation the check
/// computes, rounding included, so a form Excel or LibreOffice
/// calculated passes the checks.
pub fn derived_formulas(form: &FormSpec, bands: &Bands) -> Vec<(String, String)> {
    let grades: Vec<(rust_decimal::Decimal, String)> = bands.grades.iter().map(|g| (g.min, g.name.clone())).collect();
    form.derived.iter().map(|d| (d.field.clone(), d.expr.excel(d.round, &|id: &str| n(id), &grades))).collect()
}

/// Fields the clerk must not change: the template's own values.
pub fn fixed_value(form: &FormSpec, id: &str) -> Option<Input> {
    let ind_weight = form.scoring.indicators.iter().find(|i| i.ids.weight == id).map(|i| i.weight);
    match form.roles.of(id) {
        Some(Role::Version) => Some(Input::Text(form.version.clone())),
        Some(Role::Year) => Some(Input::Number(form.year.into())),
        Some(Role::Fund) => Some(Input::Text(form.fund.clone())),
        Some(Role::Unit) => Some(Input::Text(form.unit.clone())),
        Some(Role::FundWeight) => Some(Input::Number(form.scoring.fund_weight)),
        _ => ind_weight.map(Input::Number),
    }
}

/// Relations that turn a cell red as the clerk types: (field whose cell
/// is marked, condition over the names).
fn red_rules(form: &FormSpec) -> Vec<(String, String)> {
    let above = |small: &str, big: &str| (small.to_string(), format!("N({})>N({})", n(small), n(big)));
    let order: Vec<&str> = crate::spec::Role::SPEND_ORDER.iter().filter_map(|r| form.role(*r)).collect();
    let mut v: Vec<(String, String)> = order.windows(2).map(|w| above(w[0], w[1])).collect();
    if let (Some(e), Some(a)) = (form.role(Role::Executed), form.role(Role::Annual)) {
        // A fund whose budget is its 全年预算数 has this pair in the order already.
        if !v.contains(&above(e, a)) {
            v.push(above(e, a));
        }
    }
    for m in &form.measures {
        v.push((m.rate.clone(), format!("N({})>2", n(&m.rate))));
    }
    for f in form.fields() {
        if let Some(bound) = &f.at_most {
            v.push(above(&f.id, bound));
        }
    }
    v.retain(|(id, _)| form.field(id).is_some());
    v
}

/// Writes the form; `values` fills input cells by field id (an empty map
/// gives the blank form). Derived cells get their formula, with the
/// value in `values` as its cached result.
pub fn city_form(book: &FormBook, values: &HashMap<String, Input>) -> Result<Vec<u8>, XlsxError> {
    let form = book.form;
    let mut wb = super::new_workbook();
    wb.set_properties(&fixed_properties(&form.title));
    for f in form.fields() {
        let quoted = f.sheet.replace('\'', "''");
        let (col, row) = (crate::cellref::CellRef::col_letters(f.cell.col), f.cell.row + 1);
        wb.define_name(n(&f.id), &format!("='{quoted}'!${col}${row}"))?;
    }
    let w = Writing {
        book,
        values,
        formulas: derived_formulas(form, book.bands).into_iter().collect(),
        reds: red_rules(form),
        fmt: Formats::new(),
    };
    for sheet in &form.sheets {
        w.sheet(wb.add_worksheet(), sheet)?;
    }
    wb.save_to_buffer()
}

/// The form's cell formats.
struct Formats {
    title: Format,
    note: Format,
    label: Format,
    head: Format,
    red: Format,
}

fn bordered(f: Format) -> Format {
    f.set_border(FormatBorder::Thin).set_font_name("宋体").set_font_size(11)
}

impl Formats {
    fn new() -> Self {
        Formats {
            title: Format::new().set_bold().set_font_size(14).set_font_name("宋体").set_align(FormatAlign::Center),
            note: Format::new().set_font_name("宋体").set_font_size(10).set_font_color(Color::RGB(0x595959)),
            label: bordered(Format::new().set_text_wrap().set_align(FormatAlign::VerticalCenter)),
            head: bordered(
                Format::new()
                    .set_bold()
                    .set_background_color(Color::RGB(0xD9E1F2))
                    .set_align(FormatAlign::Center)
                    .set_text_wrap(),
            ),
            red: Format::new().set_background_color(Color::RGB(0xFFC7CE)).set_font_color(Color::RGB(0x9C0006)),
        }
    }

    /// An input cell: unlocked, yellow.
    fn input(&self) -> Format {
        bordered(Format::new().set_unlocked().set_background_color(Color::RGB(0xFFF2CC)))
    }

    /// Computed and fixed cells: locked, grey, so the clerk sees at once
    /// what not to type in.
    fn computed(&self) -> Format {
        bordered(Format::new().set_background_color(Color::RGB(0xEDEDED)))
    }
}

/// What each sheet of a city form is written from.
struct Writing<'a> {
    book: &'a FormBook<'a>,
    values: &'a HashMap<String, Input>,
    formulas: HashMap<String, String>,
    reds: Vec<(String, String)>,
    fmt: Formats,
}

impl Writing<'_> {
    fn sheet(&self, ws: &mut Worksheet, sheet: &crate::spec::SheetSpec) -> Result<(), XlsxError> {
        ws.set_name(&sheet.name)?;
        // A formula with nothing to compute yet (a blank form) caches
        // nothing, not a 0 a reader would take for a figure.
        ws.set_formula_result_default("");
        for (i, w) in sheet.widths.iter().enumerate() {
            ws.set_column_width(i as u16, *w)?;
        }
        for tc in [&sheet.title, &sheet.note].into_iter().flatten() {
            let title = sheet.title.as_ref().is_some_and(|t| t.cell == tc.cell);
            write_text_cell(ws, tc, if title { &self.fmt.title } else { &self.fmt.note })?;
        }
        // A label on a row with input cells names that row; any other
        // label is a column header.
        let field_rows: HashSet<u32> = sheet.fields.iter().map(|f| f.cell.row).collect();
        // Lines the tallest wrapped text of each row needs: a spreadsheet
        // program does not grow rows of a generated file by itself.
        let mut lines: std::collections::BTreeMap<u32, usize> = Default::default();
        let mut fit = |cell: crate::cellref::CellRef, text: &str| {
            let width = sheet.widths.get(cell.col as usize).copied().unwrap_or(8.43);
            let n = super::est_lines(text, width * 1.1);
            let e = lines.entry(cell.row).or_insert(1);
            *e = (*e).max(n);
        };
        for l in &sheet.labels {
            let f = if field_rows.contains(&l.cell.row) { &self.fmt.label } else { &self.fmt.head };
            ws.write_string_with_format(l.cell.row, l.cell.col as u16, &l.text, f)?;
            fit(l.cell, &l.text);
        }
        let mut written_labels = HashSet::new();
        for f in &sheet.fields {
            if written_labels.insert(f.label.cell) {
                ws.write_string_with_format(f.label.cell.row, f.label.cell.col as u16, &f.label.text, &self.fmt.label)?;
                fit(f.label.cell, &f.label.text);
            }
            if let Some(t) = self.field(ws, f)? {
                fit(f.cell, &t);
            }
        }
        if let Some(tc) = &sheet.footer {
            let f = Format::new().set_font_name("宋体").set_font_size(11).set_align(FormatAlign::VerticalCenter);
            write_text_cell(ws, tc, &f)?;
            ws.set_row_height(tc.cell.row, 30)?;
        }
        for (row, n) in lines {
            if n > 1 {
                ws.set_row_height(row, 15.0 * n as f64)?;
            }
        }
        print_and_protect(ws, sheet);
        Ok(())
    }

    /// One field's cell: its formula, fixed value or input (with its
    /// validation), and the red marks of its rules. The text it shows, if
    /// any, for the row's height.
    fn field(&self, ws: &mut Worksheet, f: &FieldSpec) -> Result<Option<String>, XlsxError> {
        let form = self.book.form;
        let fixed = fixed_value(form, &f.id);
        let formula = self.formulas.get(&f.id);
        let base = if fixed.is_some() || formula.is_some() { self.fmt.computed() } else { self.fmt.input() };
        let mut fmt = base.set_num_format(kind_format(f.kind));
        if f.kind == Kind::Text {
            fmt = fmt.set_text_wrap();
        }
        let value = self.values.get(&f.id).or(fixed.as_ref());
        match formula {
            Some(text) => {
                let result = match value {
                    Some(Input::Number(d)) => d.normalize().to_string(),
                    Some(Input::Text(t)) => t.clone(),
                    _ => String::new(),
                };
                let fml = Formula::new(format!("={text}")).set_result(result);
                ws.write_formula_with_format(f.cell.row, f.cell.col as u16, fml, &fmt)?;
            }
            None => {
                write_input(ws, f, value, &fmt)?;
                if fixed.is_none() {
                    // Only the city cell offers the cities.
                    let is_city = form.roles.of(&f.id) == Some(Role::City);
                    add_validation(ws, f, if is_city { self.book.cities } else { &[] })?;
                }
            }
        }
        for (_, rule) in self.reds.iter().filter(|(id, _)| *id == f.id) {
            let cf =
                ConditionalFormatFormula::new().set_rule(Formula::new(format!("={rule}"))).set_format(&self.fmt.red);
            ws.add_conditional_format(f.cell.row, f.cell.col as u16, f.cell.row, f.cell.col as u16, &cf)?;
        }
        Ok(match value {
            Some(Input::Text(t)) => Some(t.clone()),
            _ => None,
        })
    }
}

/// A4, one page wide (landscape when wide); locked cells stay locked, and
/// the clerk may still make a row taller for a long 偏差原因 or widen a
/// column.
fn print_and_protect(ws: &mut Worksheet, sheet: &crate::spec::SheetSpec) {
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    if sheet.widths.iter().sum::<f64>() > 110.0 {
        ws.set_landscape();
    }
    ws.protect_with_options(&ProtectionOptions {
        format_rows: true,
        format_columns: true,
        ..ProtectionOptions::default()
    });
}

/// A fixed text of the spec (title, note, footer), merged where it says.
fn write_text_cell(ws: &mut Worksheet, tc: &crate::spec::TextCell, f: &Format) -> Result<(), XlsxError> {
    match tc.merge {
        Some(m) => ws.merge_range(m.first.row, m.first.col as u16, m.last.row, m.last.col as u16, &tc.text, f)?,
        None => ws.write_string_with_format(tc.cell.row, tc.cell.col as u16, &tc.text, f)?,
    };
    Ok(())
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

/// A typed data validation for an input: whole numbers ≥ 0 for counts,
/// decimals ≥ 0 for money and measures, 0–100% (or the field's maximum)
/// for rates, a date for dates, the issued cities for 地市, lists for
/// closed choices; each with a Chinese input message and error alert.
fn add_validation(ws: &mut Worksheet, f: &FieldSpec, cities: &[String]) -> Result<(), XlsxError> {
    let (r, c) = (f.cell.row, f.cell.col as u16);
    let title: String = f.label.text.chars().take(30).collect();
    let typed = |dv: DataValidation, what: &str| -> Result<DataValidation, XlsxError> {
        dv.set_input_title(title.clone())?
            .set_input_message(what)?
            .set_error_title("输入有误")?
            .set_error_message(format!("“{}”{what}", f.label.text.chars().take(60).collect::<String>()))
    };
    let dv = if !f.options.is_empty() {
        typed(
            DataValidation::new().allow_list_strings(&f.options)?,
            &format!("请从下拉列表选择：{}", f.options.join("、")),
        )?
    } else if !f.allow_text.is_empty() {
        // A dropdown offering the allowed words that still accepts a
        // number: the error alert is off, so typing 100% is allowed.
        DataValidation::new()
            .allow_list_strings(&f.allow_text)?
            .show_error_message(false)
            .set_input_message(format!("填写百分比（如 100.00%），或从下拉列表选“{}”", f.allow_text.join("、")))?
    } else if !cities.is_empty() && cities.join(",").len() < 250 {
        typed(DataValidation::new().allow_list_strings(cities)?, "请从下拉列表选择本市名称")?
    } else {
        match f.kind {
            Kind::Count => typed(
                DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
                "应填写不小于 0 的整数",
            )?,
            Kind::Amount => typed(
                DataValidation::new().allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
                "应填写不小于 0 的金额（万元）",
            )?,
            Kind::Decimal | Kind::Score => typed(
                DataValidation::new().allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
                "应填写不小于 0 的数字",
            )?,
            Kind::Percent => {
                let max = f.max_percent.map(|m| calc::to_f64(m) / 100.0).unwrap_or(1.0);
                typed(
                    DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, max)),
                    &format!("应填写 0%～{}% 之间的百分比，如 45.64%", (max * 100.0).round()),
                )?
            }
            Kind::Date => {
                let from = ExcelDateTime::from_ymd(2000, 1, 1)?;
                typed(
                    DataValidation::new().allow_date(DataValidationRule::GreaterThanOrEqualTo(from)),
                    "应填写日期（年-月-日）",
                )?
            }
            Kind::Year => typed(
                DataValidation::new().allow_whole_number(DataValidationRule::Between(2000, 2100)),
                "应填写四位年份",
            )?,
            Kind::Text => typed(
                DataValidation::new().allow_text_length(DataValidationRule::LessThanOrEqualTo(500)),
                "请填写文字，500 字以内",
            )?,
            Kind::Choice => return Ok(()),
        }
    };
    ws.add_data_validation(r, c, r, c, &dv.set_error_style(DataValidationErrorStyle::Stop))?;
    Ok(())
}
