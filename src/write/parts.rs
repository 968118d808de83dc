//! 报送材料, a sheet of a city's 校验报告: every file it sent besides its
//! form (自评报告, 佐证材料, other files), with its size and SHA-256, so the
//! city can see what the province received and prove it was the same file.

use crate::submission::{Part, PartKind};
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, XlsxError};

/// The 校验结论 line: how many files of each kind were received.
pub fn summary_line(parts: &[Part]) -> Option<String> {
    if parts.is_empty() {
        return None;
    }
    let count = |k: PartKind| parts.iter().filter(|p| p.kind == k).count();
    let mut said: Vec<String> = [PartKind::Report, PartKind::Evidence, PartKind::Other]
        .into_iter()
        .map(|k| (k, count(k)))
        .filter(|(k, n)| *n > 0 || *k != PartKind::Other)
        .map(|(k, n)| match n {
            0 => format!("{}未收到", k.zh()),
            n => format!("{} {n} 个文件", k.zh()),
        })
        .collect();
    said.push("（见“报送材料”表）".into());
    Some(said.join("，").replace("，（", "（"))
}

/// The sheet: 序号, 类型, 文件, 大小（字节）, SHA-256.
pub fn sheet(wb: &mut Workbook, city: &str, parts: &[Part], base: &dyn Fn() -> Format) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("报送材料")?;
    let head = base().set_bold().set_border(FormatBorder::Thin).set_background_color(Color::RGB(0xD9E1F2));
    let cell = base().set_border(FormatBorder::Thin).set_text_wrap();
    let title = base().set_bold().set_font_size(14);
    ws.merge_range(0, 0, 0, 4, &format!("{city} 报送材料（自评表以外的文件）"), &title)?;
    ws.set_row_height(0, 22)?;
    let cols: [(&str, f64); 5] =
        [("序号", 6.0), ("类型", 10.0), ("文件", 60.0), ("大小（字节）", 14.0), ("SHA-256", 70.0)];
    for (c, (h, w)) in cols.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &head)?;
        ws.set_column_width(c as u16, *w)?;
    }
    for (i, p) in parts.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &cell)?;
        ws.write_string_with_format(r, 1, p.kind.zh(), &cell)?;
        ws.write_string_with_format(r, 2, &p.file, &cell)?;
        ws.write_number_with_format(r, 3, p.size as f64, &cell)?;
        let hash = if p.sha256.is_empty() { "（文件已无法读取）" } else { p.sha256.as_str() };
        ws.write_string_with_format(r, 4, hash, &cell)?;
    }
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(kind: PartKind) -> Part {
        Part { file: "f".into(), kind, size: 1, sha256: "ab".into() }
    }

    #[test]
    fn the_line_counts_each_kind_and_says_a_missing_one() {
        assert_eq!(summary_line(&[]), None);
        let line = summary_line(&[part(PartKind::Report), part(PartKind::Evidence), part(PartKind::Evidence)]);
        assert_eq!(line.as_deref(), Some("自评报告 1 个文件，佐证材料 2 个文件（见“报送材料”表）"));
        let line = summary_line(&[part(PartKind::Evidence), part(PartKind::Other)]);
        assert_eq!(line.as_deref(), Some("自评报告未收到，佐证材料 1 个文件，其他材料 1 个文件（见“报送材料”表）"));
    }
}
