//! The register workbook, `核实与更正.xlsx`: one row per open error and
//! warning, then the decisions of earlier rounds with what became of them.
//!
//! The identity columns (地市 … 程序计算值) and 状态 are the program's and
//! locked; the clerk's columns (处理, 更正值, 依据, 经办人, 日期) are
//! unlocked, 处理 a dropdown. Columns are found again by their header text
//! when read ([`super::register`]), so a clerk who re-saves it in WPS or
//! LibreOffice, or widens and reorders columns, loses nothing.

use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, Format, FormatAlign, FormatBorder, ProtectionOptions, Workbook, XlsxError,
};

/// One register row's texts, by column.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RowCells {
    pub city: String,
    pub file: String,
    pub code: String,
    pub label: String,
    pub field: String,
    pub place: String,
    pub message: String,
    pub found: String,
    pub computed: String,
    pub action: String,
    pub value: String,
    pub basis: String,
    pub clerk: String,
    pub date: String,
    pub status: String,
}

/// A register column: its header, width, and whether the clerk fills it.
pub struct Column {
    pub head: &'static str,
    pub width: f64,
    pub clerk: bool,
    pub get: fn(&RowCells) -> &str,
    pub set: fn(&mut RowCells, String),
}

/// The columns, in the order written. 序号 comes first and is not a field.
pub const COLUMNS: &[Column] = &[
    Column { head: "地市", width: 7.0, clerk: false, get: |r| &r.city, set: |r, v| r.city = v },
    Column { head: "文件", width: 10.0, clerk: false, get: |r| &r.file, set: |r, v| r.file = v },
    Column { head: "代码", width: 6.0, clerk: false, get: |r| &r.code, set: |r, v| r.code = v },
    Column { head: "栏目", width: 8.0, clerk: false, get: |r| &r.label, set: |r, v| r.label = v },
    Column { head: "栏目编号", width: 7.0, clerk: false, get: |r| &r.field, set: |r, v| r.field = v },
    Column { head: "工作表!单元格", width: 9.0, clerk: false, get: |r| &r.place, set: |r, v| r.place = v },
    Column { head: "问题", width: 20.0, clerk: false, get: |r| &r.message, set: |r, v| r.message = v },
    Column { head: "填报值", width: 8.0, clerk: false, get: |r| &r.found, set: |r, v| r.found = v },
    Column { head: "程序计算值", width: 8.0, clerk: false, get: |r| &r.computed, set: |r, v| r.computed = v },
    Column { head: "处理", width: 10.0, clerk: true, get: |r| &r.action, set: |r, v| r.action = v },
    Column { head: "更正值", width: 7.0, clerk: true, get: |r| &r.value, set: |r, v| r.value = v },
    Column { head: "依据", width: 11.0, clerk: true, get: |r| &r.basis, set: |r, v| r.basis = v },
    Column { head: "经办人", width: 6.0, clerk: true, get: |r| &r.clerk, set: |r, v| r.clerk = v },
    Column { head: "日期", width: 8.0, clerk: true, get: |r| &r.date, set: |r, v| r.date = v },
    Column { head: "状态", width: 12.0, clerk: false, get: |r| &r.status, set: |r, v| r.status = v },
];

/// The register's one sheet.
pub const SHEET: &str = "核实与更正";
/// Excel row (1-based) of the header; data rows follow.
pub const HEADER_ROW: u32 = 3;

/// The title of a year's register: its year is read back from it.
pub fn title(year: i64, fund: &str) -> String {
    format!("{year}年{fund}绩效自评 核实与更正登记表")
}

/// The register workbook. `title` from [`title`]; `state` the run's
/// 草稿/定稿 line.
pub fn workbook(title: &str, state: &str, rows: &[RowCells]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = crate::write::new_workbook();
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
    ws.set_row_height(1, 15.0 * crate::write::est_lines(&note, 125.0) as f64 + 4.0)?;
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
        let lines = COLUMNS.iter().map(|c| crate::write::est_lines((c.get)(r), c.width)).max().unwrap_or(1);
        ws.set_row_height(row, (15.0 * lines.clamp(1, 30) as f64 + 3.0).max(18.0))?;
    }
    if let Some(col) = COLUMNS.iter().position(|c| c.head == "处理") {
        let col = col as u16 + 1;
        let options: Vec<&str> = super::Action::ALL.iter().map(|a| a.zh()).collect();
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

/// The register's rows: every open finding (with the decision on it, if
/// any, and what became of it), every closed one with the decision that
/// closed it, then decisions whose finding is gone and rows that could not
/// be used, so nothing the clerk wrote is lost from one round to the next.
pub fn rows(
    open: Vec<&crate::findings::Finding>,
    record: &super::Record,
    form: &crate::spec::FormSpec,
    params: &crate::model::Params,
) -> Vec<RowCells> {
    use super::{Closure, Key, Status};
    let city_of = |f: &crate::findings::Finding| {
        f.city
            .clone()
            .or_else(|| (f.code == crate::findings::Code::FileNameCityMismatch).then(|| f.found.clone()).flatten())
    };
    let identity = |f: &crate::findings::Finding| {
        let field = f.field.clone().unwrap_or_default();
        let computed = f
            .expected
            .as_deref()
            .filter(|_| f.code.decisions().contains(&super::Action::UseComputed))
            .and_then(super::computed_value)
            .unwrap_or_default()
            .to_string();
        RowCells {
            city: city_of(f).unwrap_or_default(),
            file: f.file.clone(),
            code: f.code.id().to_string(),
            label: if field.is_empty() { String::new() } else { form.label(&field).to_string() },
            field,
            place: f.place(),
            message: f.message.clone(),
            found: f.found.clone().unwrap_or_default(),
            computed,
            ..RowCells::default()
        }
    };
    let clerk = |mut r: RowCells, c: &RowCells| {
        r.action = c.action.clone();
        r.value = c.value.clone();
        r.basis = c.basis.clone();
        r.clerk = c.clerk.clone();
        r.date = c.date.clone();
        r
    };
    let mut used_rows: Vec<u32> = Vec::new();
    let mut used_problems: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    for f in open {
        let row = identity(f);
        let key = city_of(f).map(|c| Key::new(&c, f));
        let outcome = record.outcomes.iter().rev().find(|o| Some(&o.decision.key) == key.as_ref());
        let problem = record.problems.iter().find(|p| {
            p.cells.city == row.city && p.cells.code.eq_ignore_ascii_case(&row.code) && p.cells.field == row.field
        });
        out.push(match (outcome, problem) {
            (Some(o), _) if o.status == Status::CityChanged => {
                used_rows.push(o.decision.row);
                let c = &o.decision.cells;
                RowCells {
                    status: format!(
                        "{}（原处理：{}{}，原填报值 {}）",
                        o.status.zh(),
                        c.action,
                        if c.basis.is_empty() { String::new() } else { format!("，依据：{}", c.basis) },
                        c.found
                    ),
                    ..row
                }
            }
            (Some(o), _) => {
                used_rows.push(o.decision.row);
                RowCells { status: o.status.zh(), ..clerk(row, &o.decision.cells) }
            }
            (None, Some(p)) => {
                used_problems.push(p.row);
                let why = p.message.split_once('：').map(|(_, w)| w).unwrap_or(&p.message);
                RowCells { status: why.to_string(), ..clerk(row, &p.cells) }
            }
            (None, None) => RowCells { status: "待处理".to_string(), ..row },
        });
    }
    for c in &record.closed {
        let own = record.outcomes.iter().find(|o| {
            o.decision.row == c.row && o.decision.key == Key::new(&city_of(&c.finding).unwrap_or_default(), &c.finding)
        });
        let row = identity(&c.finding);
        out.push(match own {
            Some(o) => {
                used_rows.push(o.decision.row);
                let what = match c.closure {
                    Closure::Verified => "已采用（已核实）".to_string(),
                    Closure::Corrected => {
                        let left_out = record
                            .corrections
                            .iter()
                            .find(|x| x.row == c.row && x.follows.is_none())
                            .and_then(|x| x.left_out.as_deref());
                        match left_out {
                            Some(why) => format!("已采用（已更正），但本市仍未计入合计：{why}"),
                            None => "已采用（已更正）".to_string(),
                        }
                    }
                };
                RowCells { status: what, ..clerk(row, &o.decision.cells) }
            }
            None => RowCells { status: format!("已随第 {} 行的更正消除", c.row), ..row },
        });
    }
    for o in record.outcomes.iter().filter(|o| !used_rows.contains(&o.decision.row)) {
        out.push(RowCells { status: o.status.zh(), ..o.decision.cells.clone() });
    }
    for p in record.problems.iter().filter(|p| !used_problems.contains(&p.row)) {
        let why = p.message.split_once('：').map(|(_, w)| w).unwrap_or(&p.message);
        out.push(RowCells { status: why.to_string(), ..p.cells.clone() });
    }
    let order = |c: &str| params.cities.iter().position(|x| x.name == c).unwrap_or(usize::MAX);
    out.sort_by_key(|r| order(&r.city));
    out
}
