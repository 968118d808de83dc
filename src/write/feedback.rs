//! What goes back to a city: a validation report it can act on
//! (`<城市>_校验报告.xlsx`) and a copy of its own workbook with every
//! finding's cell coloured and commented (`<城市>_标注.xlsx`).
//!
//! The copy is an edit of the city's own package ([`super::annotate`]):
//! untouched parts are copied byte for byte, the touched sheet, styles and
//! comments are edited as spans, and the result is proved (parts, XML
//! tokens, and calamine's reading of the flagged sheets) before it is
//! written. The original is only ever read; a copy that fails the proof is
//! not written, and an info finding (SE006) says so.

use super::est_lines;
pub use super::names::{feedback_base, NameRoom};
use crate::findings::{self, Finding};
use crate::read;
use crate::spec::FormSpec;
use rust_xlsxwriter::{Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

pub use super::annotate::{ERROR_FILL, WARNING_FILL};
pub use super::problems::expected_shown;

/// What the cover of a report says about its file.
pub struct ReportHead<'a> {
    pub city: &'a str,
    pub file: &'a str,
    /// The template set: its version, and the words of the findings.
    pub form: &'a FormSpec,
    pub time: &'a str,
    /// File name of the annotated copy, if one was made.
    pub annotated: Option<&'a str>,
    /// Which round of submissions, and what changed since the previous.
    pub round: u32,
    pub change: Option<&'a crate::rounds::SubjectChange>,
    /// The form's sheets in order: problems are listed as the clerk meets
    /// them, sheet by sheet, top to bottom.
    pub sheets: &'a [String],
    /// What the province decided about this file (核实与更正).
    pub decided: super::decided::Decided<'a>,
    /// The city's other files (自评报告, 佐证材料), listed on 报送材料.
    pub parts: &'a [crate::submission::Part],
}

/// The validation report workbook of one file.
pub fn report_workbook(head: &ReportHead, findings: &[Finding]) -> Result<Vec<u8>, XlsxError> {
    let mut sorted = findings.to_vec();
    sort_in_form_order(&mut sorted, head.sheets);
    let (e, w, i) = findings::counts(&sorted);
    let mut wb = super::new_workbook();
    // A small workbook: the fastest deflate level costs a few bytes.
    wb.set_zip_compression_level(1);
    wb.set_properties(&crate::marker::mark_props(
        DocProperties::new().set_title(format!("{} 绩效自评表校验报告", head.city)).set_author("selfeval"),
        crate::marker::Kind::Report,
    ));
    let base = || Format::new().set_font_name("宋体").set_font_charset(134).set_font_size(11);
    conclusion_sheet(&mut wb, head, (e, w, i), &base)?;
    let whose = super::problems::Whose { city: head.city, file: head.file, time: head.time, form: head.form };
    super::problems::sheet(&mut wb, &whose, &sorted, &base)?;
    wb.save_to_buffer()
}

/// 校验结论: who, which file, the counts and the verdict, how to read the
/// annotated copy; what changed since the previous round and what the
/// province decided, each with its own sheet.
fn conclusion_sheet(
    wb: &mut Workbook,
    head: &ReportHead,
    (e, w, i): (usize, usize, usize),
    base: &dyn Fn() -> Format,
) -> Result<(), XlsxError> {
    let title = base().set_bold().set_font_size(16);
    let label = base().set_bold().set_border(FormatBorder::Thin).set_background_color(Color::RGB(0xD9E1F2));
    let value = base().set_border(FormatBorder::Thin).set_text_wrap();
    let pass = base().set_bold().set_font_size(14).set_border(FormatBorder::Thin);
    let ok_f = pass.clone().set_font_color(Color::RGB(0x006100)).set_background_color(Color::RGB(0xC6EFCE));
    let bad_f = pass.set_font_color(Color::RGB(0x9C0006)).set_background_color(Color::RGB(0xFFC7CE));

    let ws = wb.add_worksheet();
    ws.set_name("校验结论")?;
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 66)?;
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.write_string_with_format(0, 0, format!("{} 绩效自评表校验报告", head.city), &title)?;
    ws.set_row_height(0, 26)?;
    let verdict = Verdict::of(e, w).long();
    let rows: [(&str, String); 8] = [
        ("地市", head.city.to_string()),
        ("文件", head.file.to_string()),
        ("模板版本", head.form.version.clone()),
        ("校验时间", head.time.to_string()),
        ("错误", format!("{e} 个（必须修改）")),
        ("警告", format!("{w} 个（请核实，确认无误可不改）")),
        ("提示", format!("{i} 个（供参考）")),
        ("结论", verdict),
    ];
    for (k, (l, v)) in rows.iter().enumerate() {
        let r = 2 + k as u32;
        // A long line wraps in a taller row (the 结论 of a failed form).
        let lines = est_lines(v, if *l == "结论" { 66.0 / 1.4 } else { 66.0 });
        let line = if *l == "结论" { 20.0 } else { 15.0 };
        ws.set_row_height(r, (line * lines as f64 + 4.0).max(18.0))?;
        ws.write_string_with_format(r, 0, *l, &label)?;
        let f = if *l == "结论" {
            if e == 0 {
                &ok_f
            } else {
                &bad_f
            }
        } else {
            &value
        };
        ws.write_string_with_format(r, 1, v, f)?;
    }
    let guide = match head.annotated {
        Some(name) => format!("标注副本“{name}”中，错误所在单元格为红色、警告为黄色，鼠标移到单元格上可看到说明。请在原文件中修改，不要直接报送标注副本。"),
        None if e + w == 0 => "无需修改。".to_string(),
        None => "本文件未生成标注副本，请按“问题清单”中的工作表和单元格修改原文件。".to_string(),
    };
    ws.write_string_with_format(11, 0, "说明", &label)?;
    ws.write_string_with_format(11, 1, &guide, &value)?;
    ws.set_row_height(11, 15.0 * est_lines(&guide, 66.0) as f64 + 4.0)?;
    if let Some(ch) = head.change {
        ws.write_string_with_format(12, 0, "与上次相比", &label)?;
        let line = format!("第 {} 轮：{}", head.round, ch.line);
        ws.write_string_with_format(12, 1, &line, &value)?;
        ws.set_row_height(12, 15.0 * est_lines(&line, 66.0) as f64 + 4.0)?;
        changes_sheet(wb, head, ch, base)?;
    }
    if let Some(line) = super::decided::summary_line(&head.decided) {
        ws_line(wb, 13, "省级核实与更正", &line, &label, &value)?;
        super::decided::sheet(wb, head.city, &head.decided, head.form, base)?;
    }
    if let Some(line) = super::parts::summary_line(head.parts) {
        ws_line(wb, 14, "报送材料", &line, &label, &value)?;
        super::parts::sheet(wb, head.city, head.parts, base)?;
    }
    Ok(())
}

/// One more labelled line on the first sheet.
fn ws_line(wb: &mut Workbook, r: u32, l: &str, v: &str, label: &Format, value: &Format) -> Result<(), XlsxError> {
    let ws = wb.worksheet_from_index(0)?;
    ws.write_string_with_format(r, 0, l, label)?;
    ws.write_string_with_format(r, 1, v, value)?;
    ws.set_row_height(r, 20.0 * est_lines(v, 66.0) as f64)?;
    Ok(())
}

/// The sheet 与上次报送相比: what the city fixed since the previous
/// round, what remains, what is new, and the figures it changed.
fn changes_sheet(
    wb: &mut Workbook,
    head: &ReportHead,
    ch: &crate::rounds::SubjectChange,
    base: &dyn Fn() -> Format,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("与上次报送相比")?;
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 14)?;
    ws.set_column_width(2, 20)?;
    ws.set_column_width(3, 60)?;
    let title = base().set_bold().set_font_size(14);
    let label = base().set_bold().set_border(FormatBorder::Thin).set_background_color(Color::RGB(0xD9E1F2));
    let cell = base().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    // Two title rows, repeated on every page: whose file, which round.
    ws.merge_range(0, 0, 0, 3, &format!("{} 与上次报送相比（第 {} 轮）", head.city, head.round), &title)?;
    ws.merge_range(1, 0, 1, 3, &format!("文件：{}；校验时间：{}", head.file, head.time), &base())?;
    ws.set_row_height(0, 22)?;
    ws.set_repeat_rows(0, 1)?;
    ws.set_footer("&C第 &P 页 共 &N 页");
    ws.write_string_with_format(2, 0, "概况", &label)?;
    ws.merge_range(2, 1, 2, 3, &ch.line, &cell)?;
    ws.set_row_height(2, 15.0 * est_lines(&ch.line, 94.0) as f64)?;
    let mut r = 4u32;
    let section =
        |ws: &mut rust_xlsxwriter::Worksheet, r: &mut u32, name: &str, heads: [&str; 3]| -> Result<(), XlsxError> {
            ws.write_string_with_format(*r, 0, name, &label)?;
            for (c, h) in heads.iter().enumerate() {
                ws.write_string_with_format(*r, 1 + c as u16, *h, &label)?;
            }
            *r += 1;
            Ok(())
        };
    section(ws, &mut r, &format!("已修正（{} 个）", ch.fixed.len()), ["代码", "位置", "上次的问题"])?;
    for f in &ch.fixed {
        let place = match (&f.sheet, &f.cell) {
            (Some(s), Some(c)) => format!("{s}!{c}"),
            (Some(s), None) => s.clone(),
            _ => String::new(),
        };
        ws.write_string_with_format(r, 0, "已修正", &cell)?;
        ws.write_string_with_format(r, 1, &f.code, &cell)?;
        ws.write_string_with_format(r, 2, &place, &cell)?;
        ws.write_string_with_format(r, 3, &f.message, &cell)?;
        ws.set_row_height(r, 15.0 * est_lines(&f.message, 60.0) as f64)?;
        r += 1;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "仍存在", &label)?;
    ws.merge_range(r, 1, r, 3, &format!("{} 个（见“问题清单”，标为“仍存在”）", ch.persisting), &cell)?;
    r += 1;
    ws.write_string_with_format(r, 0, "新出现", &label)?;
    ws.merge_range(r, 1, r, 3, &format!("{} 个（见“问题清单”，标为“新出现”）", ch.new), &cell)?;
    r += 2;
    section(ws, &mut r, &format!("改动的数字（{} 个）", ch.figures.len()), ["栏目", "上次", "本次"])?;
    for fc in &ch.figures {
        ws.write_string_with_format(r, 0, "改动", &cell)?;
        ws.write_string_with_format(r, 1, &fc.label, &cell)?;
        ws.write_string_with_format(r, 2, &fc.old, &cell)?;
        ws.write_string_with_format(r, 3, &fc.new, &cell)?;
        r += 1;
    }
    Ok(())
}

/// A file's conclusion, from its error and warning counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// Passed, with this many warnings to verify.
    Warnings(usize),
    /// This many errors to fix before sending.
    Errors(usize),
}

impl Verdict {
    pub fn of(errors: usize, warnings: usize) -> Verdict {
        match (errors, warnings) {
            (0, 0) => Verdict::Pass,
            (0, w) => Verdict::Warnings(w),
            (e, _) => Verdict::Errors(e),
        }
    }

    /// As the 校验报告 says it.
    pub fn long(self) -> String {
        match self {
            Verdict::Errors(e) => format!("未通过：有 {e} 个错误，请按“问题清单”逐项修改后重新报送"),
            _ => self.short(),
        }
    }

    /// As a screen says it in one line (the browser page).
    pub fn short(self) -> String {
        match self {
            Verdict::Pass => "校验通过".into(),
            Verdict::Warnings(w) => format!("校验通过（有 {w} 个警告，请核实）"),
            Verdict::Errors(e) => format!("有 {e} 个错误，请修改后再报送"),
        }
    }
}

/// Findings in the form's order: file-level first, then sheet by sheet
/// as the form has them, top to bottom, left to right; errors before
/// warnings on the same cell.
pub fn sort_in_form_order(fs: &mut [Finding], sheets: &[String]) {
    fs.sort_by_cached_key(|f| {
        let sheet = f.sheet.as_ref().map(|s| sheets.iter().position(|x| x == s).unwrap_or(sheets.len()));
        let cell = f.cell.map(|c| (c.row, c.col));
        (sheet, cell, f.severity, f.code)
    });
}

/// One file's feedback: `<base>_校验报告.xlsx` always, and for an xlsx
/// input with findings on cells, `<base>_标注.xlsx`.
pub struct CityFeedback<'a> {
    /// The original's bytes (the annotated copy is an edit of them).
    pub source: &'a read::Source,
    pub name: &'a str,
    /// The file's format, `None` when it could not be read.
    pub format: Option<read::Format>,
    pub city: Option<&'a str>,
    pub base: &'a str,
    pub dir: &'a std::path::Path,
    pub time: &'a str,
    /// The template set: its version, and the words of the findings.
    pub form: &'a FormSpec,
    /// What changed for this city since the previous round.
    pub change: Option<&'a crate::rounds::SubjectChange>,
    pub round: u32,
    /// The form's sheet names, in order.
    pub sheets: &'a [String],
    pub decided: super::decided::Decided<'a>,
    /// The city's other files (自评报告, 佐证材料).
    pub parts: &'a [crate::submission::Part],
}

/// One file's feedback made in memory: what the run writes
/// to disk, and what the browser page offers as downloads, byte for byte.
pub struct Made {
    /// `<base>_校验报告.xlsx` and its bytes.
    pub report: (String, Vec<u8>),
    /// `<base>_标注.xlsx` (or .xlsm) and its bytes, when one was made.
    pub annotated: Option<(String, Vec<u8>)>,
    /// SE006 when no annotated copy could be made.
    pub added: Vec<Finding>,
}

impl CityFeedback<'_> {
    /// Makes the files in memory; may add an SE006 finding when no
    /// annotated copy can be made.
    pub fn make(&self, findings: &[Finding]) -> super::Result<Made> {
        use super::Failure;
        // A macro workbook stays one: Excel refuses a .xlsx holding macros.
        let ext = match read::extension(self.name).as_str() {
            "xlsm" => "xlsm",
            _ => "xlsx",
        };
        let annotated_name = format!("{}_标注.{ext}", self.base);
        let mut annotated = None;
        let skip = |detail: &str| {
            let mut f = Finding::at(findings::Code::AnnotationSkipped, &findings::Loc::file(), None, None, detail);
            f.file = self.name.to_string();
            f.city = self.city.map(str::to_string);
            f
        };
        let has_cells = findings.iter().any(|f| f.cell.is_some());
        let mut added = Vec::new();
        match self.format {
            Some(fmt) if has_cells && fmt != read::Format::Xlsx => {
                let what = match fmt {
                    read::Format::Xlsb => "原文件是 Excel 二进制工作簿（.xlsb）",
                    _ => "原文件是 .xls 或 .ods 格式",
                };
                added.push(skip(&format!("{what}，无法保证副本与原文件完全一致")));
            }
            // A copy of a damaged sheet would be as damaged: say so instead.
            Some(_) if has_cells && findings.iter().any(|f| f.code == findings::Code::SheetUnreadable) => {
                added.push(skip("原文件中有工作表已损坏，副本同样无法正常打开"));
            }
            Some(_) if has_cells => {
                let original = self
                    .source
                    .bytes()
                    .map_err(|e| Failure::Read { path: self.source.path_or(self.name), source: e })?;
                match super::annotate::annotated_copy(&original, findings, self.form) {
                    Ok(bytes) => annotated = Some((annotated_name, bytes)),
                    Err(why) => added.push(skip(&why.to_string())),
                }
            }
            _ => {}
        }
        let city = self.city.unwrap_or("（未确定地市）");
        let head = ReportHead {
            city,
            file: self.name,
            form: self.form,
            time: self.time,
            annotated: annotated.as_ref().map(|(n, _): &(String, Vec<u8>)| n.as_str()),
            round: self.round,
            change: self.change,
            sheets: self.sheets,
            decided: self.decided,
            parts: self.parts,
        };
        let report_name = format!("{}_校验报告.xlsx", self.base);
        // The report tells the city of the copy that could not be made.
        let mut all = findings.to_vec();
        all.extend(added.iter().cloned());
        let bytes = report_workbook(&head, &all)
            .map_err(|e| Failure::write(self.dir.join(&report_name), super::WriteError::Report(e)))?;
        Ok(Made { report: (report_name, bytes), annotated, added })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_turns_on_the_first_error_and_warning() {
        assert_eq!(Verdict::of(0, 0).short(), "校验通过");
        assert_eq!(Verdict::of(0, 1).short(), "校验通过（有 1 个警告，请核实）");
        assert_eq!(Verdict::of(1, 3).short(), "有 1 个错误，请修改后再报送");
        assert!(Verdict::of(1, 0).long().starts_with("未通过：有 1 个错误"));
        assert_eq!(Verdict::of(0, 2).long(), Verdict::of(0, 2).short());
    }

    fn sample() -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2024/13_潮州市_2024年绩效自评表.xlsx");
        std::fs::read(p).unwrap()
    }

    #[test]
    fn an_annotated_copy_passes_its_own_proof() {
        let original = sample();
        let mut f = crate::findings::Finding::at(
            crate::findings::Code::SpendRateMismatch,
            &crate::findings::Loc::cell("资金执行", crate::cellref::CellRef::parse("B7").unwrap(), "支出率"),
            Some("15.82%".into()),
            Some("16.82%".into()),
            "",
        );
        f.file = "x.xlsx".into();
        let copy = crate::write::annotate::annotated_copy(&original, &[f], &crate::testkit::form()).unwrap();
        // Annotated: a comment on the cell saying what is wrong, and the
        // error fill among the styles (the original has neither).
        let member = |bytes: &[u8], prefix: &str| -> String {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let names: Vec<String> = z.file_names().filter(|n| n.starts_with(prefix)).map(String::from).collect();
            let mut text = String::new();
            for n in names {
                std::io::Read::read_to_string(&mut z.by_name(&n).unwrap(), &mut text).unwrap();
            }
            text
        };
        assert!(member(&original, "xl/comments").is_empty());
        assert!(member(&copy, "xl/comments").contains("16.82%"), "the comment names the figure found");
        assert!(!member(&original, "xl/styles.xml").contains(super::ERROR_FILL));
        assert!(member(&copy, "xl/styles.xml").contains(super::ERROR_FILL));
        let a = read::read_bytes(original, "xlsx").unwrap();
        let b = read::read_bytes(copy, "xlsx").unwrap();
        crate::write::annotate::same_content(&a, &b).unwrap();
    }
}
