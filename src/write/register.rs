//! The register workbook, `核实与更正.xlsx`: its rows (decisions::sheet)
//! laid out for the clerk: the program's columns locked, the clerk's
//! yellow and unlocked, 处理 a dropdown, A4 landscape one page wide with the
//! header row on every page.

use crate::decisions::sheet::{RowCells, COLUMNS, HEADER_ROW, SHEET};
use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, Format, FormatAlign, FormatBorder, ProtectionOptions, Workbook, XlsxError,
};

/// The register workbook. `title` from [`crate::decisions::sheet::title`]; `state` the run's
/// 草稿/定稿 line.
pub fn workbook(title: &str, state: &str, rows: &[RowCells]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = super::new_workbook();
    wb.set_properties(&crate::marker::mark_props(
        DocProperties::new().set_title(title).set_author("selfeval"),
        crate::marker::Kind::Register,
    ));
    write_sheet(&mut wb, title, state, rows)?;
    wb.save_to_buffer()
}

fn write_sheet(wb: &mut Workbook, title: &str, state: &str, rows: &[RowCells]) -> Result<(), XlsxError> {
    let base = || Format::new().set_font_name("宋体").set_font_charset(134).set_font_size(11);
    let cell = || base().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::VerticalCenter);
    let title_f = Format::new()
        .set_font_name("黑体")
        .set_font_charset(134)
        .set_font_size(14)
        .set_bold()
        .set_align(FormatAlign::Center);
    let head = cell().set_bold().set_background_color(Color::RGB(0xD9E1F2)).set_align(FormatAlign::Center);
    let clerk_head = head.clone().set_background_color(Color::RGB(0xFFE699));
    let locked = cell();
    let input = cell().set_unlocked().set_background_color(Color::RGB(0xFFF2CC));

    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    let last_col = COLUMNS.len() as u16; // 序号 + columns
    ws.merge_range(0, 0, 0, last_col, title, &title_f)?;
    let note = format!(
        "{state}。请在黄色各栏填写：处理（下拉选择：已核实无误 / 按程序计算值更正 / 更正为 / 退回地市）、更正值（选“更正为”时填写，按该栏目的单位）、依据（如“2025-03-20 电话核实，茂名市住建局”）、经办人、日期；保存后把本文件放在本次结果文件夹中（或用 --decisions 指定），再运行一次。错误只能由更正关闭，“已核实无误”只关闭警告。"
    );
    ws.merge_range(1, 0, 1, last_col, &note, &base().set_text_wrap().set_align(FormatAlign::VerticalCenter))?;
    ws.set_row_height(1, 15.0 * super::est_lines(&note, 125.0) as f64 + 4.0)?;
    let h = HEADER_ROW - 1;
    ws.write_string_with_format(h, 0, "序号", &head)?;
    ws.set_column_width(0, 4)?;
    for (i, c) in COLUMNS.iter().enumerate() {
        let col = i as u16 + 1;
        ws.write_string_with_format(h, col, c.head, if c.clerk { &clerk_head } else { &head })?;
        ws.set_column_width(col, c.width)?;
    }
    ws.set_row_height(h, 30)?;
    for (n, r) in rows.iter().enumerate() {
        let row = h + 1 + n as u32;
        ws.write_number_with_format(row, 0, (n + 1) as f64, &locked)?;
        for (i, c) in COLUMNS.iter().enumerate() {
            let f = if c.clerk { &input } else { &locked };
            ws.write_string_with_format(row, i as u16 + 1, (c.get)(r), f)?;
        }
        // Tall enough for the longest wrapped cell of the row: a printed
        // register never hides the end of a message or a status.
        let lines = COLUMNS.iter().map(|c| super::est_lines((c.get)(r), c.width)).max().unwrap_or(1);
        ws.set_row_height(row, (15.0 * lines.clamp(1, 30) as f64 + 3.0).max(18.0))?;
    }
    if let Some(col) = COLUMNS.iter().position(|c| c.head == "处理") {
        let col = col as u16 + 1;
        let options: Vec<&str> = crate::decisions::Action::ALL.iter().map(|a| a.zh()).collect();
        let dv = DataValidation::new()
            .allow_list_strings(&options)?
            .set_input_title("处理")?
            .set_input_message("请从下拉列表选择处理方式")?
            .set_error_title("输入有误")?
            .set_error_message(format!("请从下拉列表选择：{}", options.join("、")))?;
        // Rows for decisions not yet made, and a few to spare.
        let last = h + rows.len() as u32 + 1;
        ws.add_data_validation(h + 1, col, last.max(h + 1), col, &dv)?;
    }
    let last_row = h + rows.len().max(1) as u32;
    ws.autofilter(h, 0, last_row, last_col)?;
    ws.set_freeze_panes(HEADER_ROW, 0)?;
    // A4 landscape, one page wide: the columns add up to what fits at
    // about 85%, so 11 pt type prints at about 9.5 pt.
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(h, h)?;
    ws.set_header("&C&\"黑体\"&10核实与更正登记表");
    ws.set_footer("&C&\"宋体\"&10第 &P 页 共 &N 页");
    ws.protect_with_options(&ProtectionOptions {
        format_rows: true,
        format_columns: true,
        use_autofilter: true,
        sort: true,
        ..ProtectionOptions::default()
    });
    Ok(())
}
