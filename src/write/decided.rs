//! The sheet 省级核实与更正 of a city's 校验报告: what the province
//! corrected in the city's figures (and asks the city to change in its own
//! file) and what it confirmed by phone, each with its basis.

use super::est_lines;
use crate::decisions::{Closed, Closure, Correction};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// What the province decided about one city's file, for its 校验报告.
#[derive(Clone, Copy)]
pub struct Decided<'a> {
    pub closed: &'a [Closed],
    pub corrections: &'a [Correction],
    /// Why the city is still left out of the totals; `None`: it is counted
    /// (or the run makes no summary).
    pub left_out: Option<&'a str>,
}

/// The first sheet's line, when the province decided anything about this
/// file: "省级已更正 1 处（请在本市文件中作相同修改）、已核实 2 处".
pub fn summary_line(d: &Decided) -> Option<String> {
    let k = d.corrections.iter().filter(|c| c.follows.is_none()).count();
    let v = d.closed.iter().filter(|c| c.closure == Closure::Verified).count();
    let mut parts = Vec::new();
    if k > 0 {
        parts.push(format!("省级已更正 {k} 处，请在本市文件中作相同修改"));
    }
    if v > 0 {
        parts.push(format!("经电话等方式核实无误 {v} 处，无需修改"));
    }
    (!parts.is_empty()).then(|| format!("{}。详见“省级核实与更正”表。", parts.join("；")))
}

/// The sheet itself.
pub fn sheet(
    wb: &mut Workbook,
    city: &str,
    d: &Decided,
    form: &crate::spec::FormSpec,
    base: &dyn Fn() -> Format,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("省级核实与更正")?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    let title = base().set_bold().set_font_size(14);
    let (head_f, cell) = super::list_formats(base);
    let cols = [
        ("处理", 12.0),
        ("栏目", 22.0),
        ("位置", 14.0),
        ("原填", 14.0),
        ("更正为", 14.0),
        ("依据", 40.0),
        ("经办人", 10.0),
        ("日期", 12.0),
    ];
    ws.merge_range(0, 0, 0, 7, &format!("{city} 省级核实与更正"), &title)?;
    // Never says 计入全省汇总 for a city that is not counted.
    let note = match d.left_out {
        None => "省级已按下表更正的数字已计入全省汇总；请在本市原文件中作相同修改，下次报送时一并改正。核实无误的项目无需修改。"
            .to_string(),
        Some(why) => format!(
            "省级已按下表更正，但本市仍未计入全省汇总：{why}。请在本市原文件中作相同修改，并改正其余问题后重新报送。核实无误的项目无需修改。"
        ),
    };
    ws.merge_range(1, 0, 1, 7, &note, &base().set_text_wrap())?;
    ws.set_row_height(1, 15.0 * est_lines(&note, 138.0) as f64 + 4.0)?;
    for (c, (h, w)) in cols.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &head_f)?;
        ws.set_column_width(c as u16, *w)?;
    }
    let rows = rows(d, form);
    for (k, r) in rows.iter().enumerate() {
        let row = 3 + k as u32;
        let lines = r.iter().zip(cols.iter()).map(|(t, (_, w))| est_lines(t, *w)).max().unwrap_or(1);
        ws.set_row_height(row, 15.0 * lines as f64)?;
        for (c, t) in r.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, t, &cell)?;
        }
    }
    ws.set_repeat_rows(0, 2)?;
    Ok(())
}

/// The sheet's rows: the province's corrections, then what it verified.
fn rows(d: &Decided, form: &crate::spec::FormSpec) -> Vec<[String; 8]> {
    let mut rows: Vec<[String; 8]> = d
        .corrections
        .iter()
        .map(|c| {
            let what = match &c.follows {
                Some(f) => format!("随“{}”重算", corrected_label(d, f).unwrap_or(f)),
                None => "省级更正".to_string(),
            };
            [
                what,
                c.label.clone(),
                c.place.clone(),
                c.original.clone(),
                c.value.clone(),
                c.basis.clone(),
                c.clerk.clone(),
                c.date.clone(),
            ]
        })
        .collect();
    rows.extend(d.closed.iter().filter(|c| c.closure == Closure::Verified).map(|c| {
        [
            "已核实无误".to_string(),
            c.finding.message(form),
            c.finding.place(),
            c.finding.found.clone().unwrap_or_default(),
            String::new(),
            c.basis.clone(),
            c.clerk.clone(),
            c.date.clone(),
        ]
    }));
    rows
}

/// The label of the corrected field a recomputed one follows, as the
/// corrections of this file name it.
fn corrected_label<'a>(d: &Decided<'a>, field: &str) -> Option<&'a str> {
    d.corrections.iter().find(|c| c.field == field).map(|c| c.label.as_str())
}
