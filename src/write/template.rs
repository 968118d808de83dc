//! Builds the styled summary template (省级汇总表模板.xlsx) from
//! summary.toml. The run fills a copy of it with umya-spreadsheet, taking
//! each data cell's style from the template's two prototype rows: the
//! first data row (合计, bold) and the one below it (an ordinary row).

use crate::spec::{ColFormat, SummarySheet, SummarySpec};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

pub fn workbook(spec: &SummarySpec) -> Result<Vec<u8>, XlsxError> {
    let mut wb = super::new_workbook();
    let t = ExcelDateTime::from_ymd(2025, 1, 1).unwrap_or_default();
    wb.set_properties(
        &DocProperties::new().set_title("省级汇总表模板").set_author("selfeval").set_creation_datetime(&t),
    );
    for sheet in &spec.sheets {
        write_sheet(&mut wb, sheet, &spec.department)?;
    }
    wb.save_to_buffer()
}

fn write_sheet(wb: &mut Workbook, s: &SummarySheet, department: &str) -> Result<(), XlsxError> {
    let base =
        || Format::new().set_font_name("宋体").set_font_charset(134).set_font_size(10).set_border(FormatBorder::Thin);
    let title = Format::new()
        .set_font_name("黑体")
        .set_font_charset(134)
        .set_font_size(14)
        .set_bold()
        .set_align(FormatAlign::Center);
    let note = Format::new().set_font_name("宋体").set_font_charset(134).set_font_size(10).set_text_wrap();
    let head = base()
        .set_bold()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let ncols = s.columns.len() as u16;
    let last = ncols.saturating_sub(1);

    let ws = wb.add_worksheet();
    ws.set_name(&s.name)?;
    // A title with a line break ("附件1" on its own line, as the report
    // sets it) wraps in a taller row.
    let lines = s.title.lines().count().max(1);
    let title = if lines > 1 { title.set_text_wrap() } else { title };
    ws.merge_range(0, 0, 0, last, &s.title, &title)?;
    ws.set_row_height(0, 24.0 * lines as f64)?;
    if let Some(n) = &s.note {
        ws.merge_range(1, 0, 1, last, n, &note)?;
        ws.set_row_height(1, if n.chars().count() > 60 { 30 } else { 16 })?;
    }
    for (c, col) in s.columns.iter().enumerate() {
        ws.set_column_width(c as u16, col.width)?;
    }
    header_block(ws, s, &head, &note)?;
    // Header rows start below the title, the note and the block.
    for (i, row) in s.header.iter().enumerate() {
        let r = s.header_row0() + i as u32;
        for (c, text) in row.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, text, &head)?;
        }
        if let Some(h) = s.header_height.get(i).filter(|h| **h > 0.0) {
            ws.set_row_height(r, *h)?;
        }
    }
    for m in &s.merges {
        let text = s
            .header
            .get((m.first.row as usize).saturating_sub(2))
            .and_then(|r| r.get(m.first.col as usize))
            .cloned()
            .unwrap_or_default();
        ws.merge_range(m.first.row, m.first.col as u16, m.last.row, m.last.col as u16, &text, &head)?;
    }
    // Prototype rows: first data row (bold when it is 合计) and the next.
    let fr = s.first_row0();
    for (c, col) in s.columns.iter().enumerate() {
        let f = cell_format(col.format, base());
        let total =
            if s.has_total_row() { f.clone().set_bold().set_background_color(Color::RGB(0xF2F2F2)) } else { f.clone() };
        ws.write_blank(fr, c as u16, &total)?;
        ws.write_blank(fr + 1, c as u16, &f)?;
    }
    ws.set_freeze_panes(fr, 2)?;
    print_setup(ws, s, department, fr)?;
    Ok(())
}

/// A header block (表1-1's 绩效目标表): labels in A (and B), the value
/// merged across the rest; the writer fills the texts.
fn header_block(ws: &mut Worksheet, s: &SummarySheet, head: &Format, note: &Format) -> Result<(), XlsxError> {
    let last = (s.columns.len() as u16).saturating_sub(1);
    let mut i = 0;
    while i < s.block.len() {
        let b = &s.block[i];
        let r = 2 + i as u32;
        let run = s.block[i..].iter().take_while(|x| x.label == b.label && !x.sub.is_empty()).count();
        if b.sub.is_empty() || run == 0 {
            ws.merge_range(r, 0, r, 1, "", head)?;
            ws.merge_range(r, 2, r, last, "", &note.clone().set_border(FormatBorder::Thin))?;
            i += 1;
            continue;
        }
        if run > 1 {
            ws.merge_range(r, 0, r + run as u32 - 1, 0, "", head)?;
        } else {
            ws.write_blank(r, 0, head)?;
        }
        for k in 0..run as u32 {
            ws.write_blank(r + k, 1, head)?;
            ws.merge_range(r + k, 2, r + k, last, "", &note.clone().set_border(FormatBorder::Thin))?;
        }
        i += run;
    }
    Ok(())
}

/// As an office prints it: the paper the table's width needs (never
/// below 80% scale), one page wide, title and header rows repeated, the
/// table name, 制表单位 and date in the header, page numbers below.
fn print_setup(ws: &mut Worksheet, s: &SummarySheet, department: &str, fr: u32) -> Result<(), XlsxError> {
    let layout = s.print_layout();
    ws.set_paper_size(layout.paper);
    if layout.landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.6, 0.6, 0.8, 0.8, 0.4, 0.4);
    ws.set_repeat_rows(0, fr.saturating_sub(1))?;
    ws.set_header(format!("&L&\"宋体\"&10制表单位：{}&C&\"黑体\"&10{}&R&\"宋体\"&10制表日期：&D", department, s.name));
    ws.set_footer("&C&\"宋体\"&10第 &P 页 共 &N 页");
    Ok(())
}

fn cell_format(cf: ColFormat, f: Format) -> Format {
    let f = f.set_num_format(cf.excel());
    match cf {
        ColFormat::Text => f.set_text_wrap().set_align(FormatAlign::VerticalCenter),
        _ => f.set_align(FormatAlign::Right).set_align(FormatAlign::VerticalCenter),
    }
}
