//! 核实与更正 registers, as a clerk fills them.
#![allow(dead_code)]

use super::*;

/// One register row as read: header → text.
pub type Row = std::collections::BTreeMap<String, String>;

/// The register's rows (below its header row), by header text.
pub fn register_rows(path: &Path) -> Vec<Row> {
    use calamine::{open_workbook_auto, Reader};
    let mut wb = open_workbook_auto(path).expect("register opens");
    let name = wb.sheet_names().first().cloned().expect("a sheet");
    let range = wb.worksheet_range(&name).expect("sheet");
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let h = rows.iter().position(|r| r.iter().any(|c| c == "处理")).expect("header row");
    rows[h + 1..]
        .iter()
        .map(|r| rows[h].iter().cloned().zip(r.iter().cloned()).collect::<Row>())
        .filter(|r| r.get("代码").is_some_and(|c| !c.is_empty()))
        .collect()
}

/// The clerk's answer for a row: (处理, 更正值, 依据, 经办人, 日期).
pub type Answer = Option<(&'static str, &'static str, &'static str, &'static str, &'static str)>;

/// The clerk's answer to 茂名's 实际支出 typed in 元 (SE208): corrected to
/// the program's computed value, on the basis of a phone call.
pub fn maoming_spent_corrected(r: &Row) -> Answer {
    (r["地市"] == "茂名市" && r["代码"] == "SE208").then_some((
        "按程序计算值更正",
        "",
        "2025-03-20 电话核实，茂名市住建局",
        "李四",
        "2025-03-20",
    ))
}

/// Writes `dst`: the register `src` with the clerk's answers filled in,
/// by an ordinary xlsx library (rust_xlsxwriter), as a clerk's own
/// spreadsheet program would save it: same headers, plain cells.
pub fn fill(src: &Path, dst: &Path, title: &str, answer: impl Fn(&Row) -> Answer, extra: &[Row]) {
    let rows = register_rows(src);
    let heads = [
        "序号",
        "地市",
        "文件",
        "代码",
        "栏目",
        "栏目编号",
        "工作表!单元格",
        "问题",
        "填报值",
        "程序计算值",
        "处理",
        "更正值",
        "依据",
        "经办人",
        "日期",
        "状态",
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, title).expect("title");
    for (c, h) in heads.iter().enumerate() {
        ws.write_string(2, c as u16, *h).expect("head");
    }
    let mut all: Vec<Row> = rows;
    all.extend(extra.iter().cloned());
    for (i, r) in all.iter().enumerate() {
        let mut r = r.clone();
        if let Some((a, v, b, k, d)) = answer(&r) {
            for (h, x) in [("处理", a), ("更正值", v), ("依据", b), ("经办人", k), ("日期", d)] {
                r.insert(h.to_string(), x.to_string());
            }
        }
        for (c, h) in heads.iter().enumerate() {
            let text = r.get(*h).cloned().unwrap_or_default();
            ws.write_string(3 + i as u32, c as u16, &text).expect("cell");
        }
    }
    wb.save(dst).expect("save filled register");
}

/// `run DIR --out OUT --decisions REG` (REG optional); (exit, report, OUT).
pub fn run_decided(dir: &Path, sub: &str, register: Option<&Path>) -> (i32, serde_json::Value, PathBuf) {
    let out = dir.parent().expect("parent").join(format!("out-{sub}"));
    let mut args: Vec<&std::ffi::OsStr> = vec!["run".as_ref(), dir.as_os_str(), "--out".as_ref(), out.as_os_str()];
    if let Some(r) = register {
        args.extend(["--decisions".as_ref(), r.as_os_str()]);
    }
    args.push("--quiet".as_ref());
    let o = selfeval(&args);
    let text = std::fs::read_to_string(out.join("report.json"))
        .unwrap_or_else(|_| panic!("no report.json: {}", String::from_utf8_lossy(&o.stderr)));
    (o.status.code().unwrap_or(-1), serde_json::from_str(&text).expect("json"), out)
}

/// The 2024 register's title, as a clerk's re-typed copy keeps it.
pub const REGISTER_TITLE: &str = "2024年城镇老旧小区改造专项资金绩效自评 核实与更正登记表";
