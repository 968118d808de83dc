//! 问题清单, the second sheet of a city's 校验报告: one row per finding, in
//! the form's order, on A4 landscape.

use super::est_lines;
use crate::findings::{Finding, Severity};
use rust_xlsxwriter::{Color, Format, Workbook, XlsxError};

/// Whose problems these are, for the sheet's two title rows.
pub(super) struct Whose<'a> {
    pub city: &'a str,
    pub file: &'a str,
    pub time: &'a str,
    /// The template set: the words of the findings.
    pub form: &'a crate::spec::FormSpec,
}

/// The 应为 column: a plausibility band is a reference range, not what
/// the figure must be.
pub fn expected_shown(f: &Finding) -> String {
    let e = f.expected.clone().unwrap_or_default();
    if f.code.group() == crate::findings::info::Group::Plausibility && !e.is_empty() {
        format!("参考范围 {e}")
    } else {
        e
    }
}

/// 问题清单's columns and widths. The widths add up to one A4 landscape
/// page at about 80%: the 11 pt type prints at 8.5 pt or more (the report
/// goes back to a city on paper; the old 179 units printed it at 6.5 pt).
const PROBLEM_COLUMNS: [(&str, f64); 10] = [
    ("序号", 5.0),
    ("严重程度", 8.0),
    ("代码", 7.0),
    ("工作表", 9.0),
    ("单元格", 7.0),
    ("问题", 32.0),
    ("应为", 11.0),
    ("实为", 11.0),
    ("如何修改", 28.0),
    ("与上次相比", 8.0),
];

/// 问题清单: one row per finding, in the form's order, on A4 landscape.
pub(super) fn sheet(
    wb: &mut Workbook,
    head: &Whose,
    sorted: &[Finding],
    base: &dyn Fn() -> Format,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("问题清单")?;
    let (head_f, cell) = super::list_formats(base);
    let sev_f = |s: Severity| match s {
        Severity::Error => cell.clone().set_background_color(Color::RGB(0xFFC7CE)),
        Severity::Warning => cell.clone().set_background_color(Color::RGB(0xFFEB9C)),
        Severity::Info => cell.clone(),
    };
    let cols = PROBLEM_COLUMNS;
    // Two title rows: a printed page says whose problems these are.
    let title_f = base().set_bold().set_font_size(14);
    ws.merge_range(0, 0, 0, 9, &format!("{} 绩效自评表问题清单", head.city), &title_f)?;
    ws.merge_range(1, 0, 1, 9, &format!("文件：{}；校验时间：{}", head.file, head.time), &base())?;
    ws.set_row_height(0, 22)?;
    const HEAD: u32 = 2;
    for (c, (h, wdt)) in cols.iter().enumerate() {
        ws.write_string_with_format(HEAD, c as u16, *h, &head_f)?;
        ws.set_column_width(c as u16, *wdt)?;
    }
    ws.set_row_height(HEAD, 27)?;
    ws.set_freeze_panes(HEAD + 1, 0)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, HEAD)?;
    ws.set_footer("&C第 &P 页 共 &N 页");
    if sorted.is_empty() {
        ws.write_string_with_format(HEAD + 1, 0, "", &cell)?;
        ws.merge_range(HEAD + 1, 1, HEAD + 1, 9, "未发现问题，校验通过。", &cell)?;
    }
    for (k, f) in sorted.iter().enumerate() {
        let r = HEAD + 1 + k as u32;
        let texts = [
            (k + 1).to_string(),
            f.severity.zh().to_string(),
            f.code.id().to_string(),
            f.sheet.clone().unwrap_or_default(),
            f.cell.map(|c| c.to_string()).unwrap_or_default(),
            f.message(head.form),
            expected_shown(f),
            f.found.clone().unwrap_or_default(),
            f.fix(head.form),
            f.change.map(|c| c.zh().to_string()).unwrap_or_default(),
        ];
        let lines = texts.iter().zip(cols.iter()).map(|(t, (_, w))| est_lines(t, *w)).max().unwrap_or(1);
        ws.set_row_height(r, 15.0 * lines.min(30) as f64 + 3.0)?;
        for (c, t) in texts.iter().enumerate() {
            // Always as text: a city's "=…" stays words, never a formula.
            let fmt = if c == 1 { sev_f(f.severity) } else { cell.clone() };
            ws.write_string_with_format(r, c as u16, t, &fmt)?;
        }
    }
    ws.autofilter(HEAD, 0, HEAD + sorted.len().max(1) as u32, 9)?;
    Ok(())
}
