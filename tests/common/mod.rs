//! Helpers shared by the integration tests: run the real binary on real
//! workbooks in a temp folder and read what it wrote.
#![allow(dead_code)]

use calamine::{Data, Reader, Xlsx};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod golden;
mod office;
mod register;
// Each test binary uses some of the helpers, none all of them.
#[allow(unused_imports)]
pub use golden::*;
#[allow(unused_imports)]
pub use office::*;
#[allow(unused_imports)]
pub use register::*;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn samples() -> PathBuf {
    root().join("samples/2024")
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_selfeval"))
}

/// Runs selfeval with `args`; stdin closed so it never waits.
pub fn selfeval(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(bin()).args(args).stdin(std::process::Stdio::null()).output().expect("selfeval runs")
}

/// The 15 sample forms (not the 自评报告 and 佐证材料 beside them), sorted.
pub fn sample_forms() -> Vec<PathBuf> {
    let mut forms: Vec<PathBuf> = std::fs::read_dir(samples())
        .expect("samples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .collect();
    forms.sort();
    forms
}

/// Copies the 15 sample forms into a fresh temp folder `材料` and returns
/// both: the forms alone, as a batch of forms is collected (the samples'
/// 自评报告 and 佐证材料 are tests/submission.rs's).
pub fn sample_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("材料");
    std::fs::create_dir(&dir).expect("mkdir");
    for p in sample_forms() {
        std::fs::copy(&p, dir.join(p.file_name().expect("name"))).expect("copy");
    }
    (tmp, dir)
}

/// The sample file of a city in `dir` (named `NN_城市_…`).
pub fn file_of(dir: &Path, city: &str) -> PathBuf {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            let n = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            // The form, not the city's 自评报告 or 佐证材料 beside it.
            let form = [".xlsx", ".xls", ".xlsb", ".ods", ".xlsm"].iter().any(|x| n.ends_with(x));
            form && n.starts_with(|c: char| c.is_ascii_digit()) && n.contains(city)
        })
        .expect("city file")
}

/// Runs `run DIR --out OUT` and returns (exit code, report.json, OUT).
pub fn run_dir(dir: &Path, sub: &str) -> (i32, serde_json::Value, PathBuf) {
    let out = dir.parent().expect("parent").join(format!("out-{sub}-{}", std::process::id()));
    let o = selfeval(&["run".as_ref(), dir.as_os_str(), "--out".as_ref(), out.as_os_str(), "--quiet".as_ref()]);
    let report = std::fs::read_to_string(out.join("report.json"))
        .unwrap_or_else(|_| panic!("no report.json; stderr: {}", String::from_utf8_lossy(&o.stderr)));
    (o.status.code().unwrap_or(-1), serde_json::from_str(&report).expect("json"), out)
}

/// (code, sheet!cell) of every finding in a report.json.
pub fn codes_at(report: &serde_json::Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = f["sheet"].as_str().unwrap_or("");
            let c = f["cell"].as_str().unwrap_or("");
            let place = if c.is_empty() { s.to_string() } else { format!("{s}!{c}") };
            (f["code"].as_str().unwrap_or("").to_string(), place)
        })
        .collect()
}

/// Opens an xlsx with calamine and returns a sheet's cells as a grid.
pub fn sheet(path: &Path, name: &str) -> calamine::Range<Data> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).expect("open xlsx");
    wb.worksheet_range(name).expect("sheet")
}

/// A cell by A1 address.
pub fn at<'a>(r: &'a calamine::Range<Data>, a1: &str) -> &'a Data {
    let (col, row) = a1.split_at(a1.find(|c: char| c.is_ascii_digit()).expect("digits"));
    let c = col.bytes().fold(0u32, |acc, b| acc * 26 + (b - b'A' + 1) as u32) - 1;
    let r0: u32 = row.parse::<u32>().expect("row") - 1;
    r.get_value((r0, c)).unwrap_or(&Data::Empty)
}

/// A number cell rounded to 2 places as text ("3623.35").
pub fn num2(d: &Data) -> String {
    match d {
        Data::Float(x) => format!("{:.2}", x),
        Data::Int(i) => format!("{i}.00"),
        other => format!("not a number: {other:?}"),
    }
}

/// A percent cell as the report prints it ("19.21%").
pub fn pct2(d: &Data) -> String {
    match d {
        Data::Float(x) => format!("{:.2}%", x * 100.0),
        other => format!("not a number: {other:?}"),
    }
}

/// Edits one workbook in place with umya (the way a clerk's Excel would).
pub fn edit(path: &Path, f: impl FnOnce(&mut umya_spreadsheet::Workbook)) {
    let mut book = umya_spreadsheet::reader::xlsx::read(path).expect("umya read");
    f(&mut book);
    umya_spreadsheet::writer::xlsx::write(&book, path).expect("umya write");
}

pub fn set_num(path: &Path, sheet: &str, cell: &str, v: f64) {
    edit(path, |b| {
        b.sheet_by_name_mut(sheet).expect("sheet").cell_mut(cell).set_value_number(v);
    });
}

pub fn set_text(path: &Path, sheet: &str, cell: &str, v: &str) {
    edit(path, |b| {
        b.sheet_by_name_mut(sheet).expect("sheet").cell_mut(cell).set_value_string(v);
    });
}

/// Rewrites one member of an xlsx zip (to plant broken XML).
pub fn replace_zip_member(path: &Path, member: &str, content: &[u8]) {
    use std::io::{Read, Write};
    let bytes = std::fs::read(path).expect("read xlsx");
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).expect("member");
        let name = f.name().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("inflate");
        out.start_file(name.as_str(), opts).expect("start");
        out.write_all(if name == member { content } else { &data }).expect("write");
    }
    let cursor = out.finish().expect("finish");
    std::fs::write(path, cursor.into_inner()).expect("write xlsx");
}

/// Runs the binary, watching its peak memory (VmHWM, KiB) while it runs;
/// returns (exit code, peak KiB, wall time).
pub fn run_measured(args: &[&std::ffi::OsStr]) -> (i32, u64, std::time::Duration) {
    let start = std::time::Instant::now();
    let mut child = std::process::Command::new(bin())
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("spawn");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(l) = text.lines().find(|l| l.starts_with("VmHWM:")) {
                let kib: u64 = l.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
                peak_kib = peak_kib.max(kib);
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            return (status.code().unwrap_or(-1), peak_kib, start.elapsed());
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// A formula with a cached result, as Excel saves it (no '=').
pub fn set_formula(path: &Path, sheet: &str, cell: &str, formula: &str, cached: f64) {
    edit(path, |b| {
        let c = b.sheet_by_name_mut(sheet).expect("sheet").cell_mut(cell);
        c.set_formula(formula);
        c.set_formula_result_number(cached);
    });
}

/// The warnings the clean samples raise, as (code, city): one list in
/// tests/fixtures/clean-warnings.txt, each line with its justification.
pub fn clean_warnings() -> Vec<(String, String)> {
    include_str!("../fixtures/clean-warnings.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut w = l.split_whitespace();
            (w.next().unwrap_or("").to_string(), w.next().unwrap_or("").to_string())
        })
        .collect()
}

/// Runs `args` and returns stdout as text.
pub fn stdout_of(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let o = selfeval(args);
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).to_string())
}

/// One member of an xlsx zip, as text.
pub fn zip_member(path: &Path, member: &str) -> String {
    use std::io::Read;
    let bytes = std::fs::read(path).expect("read xlsx");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut f = z.by_name(member).expect("member");
    let mut s = String::new();
    f.read_to_string(&mut s).expect("utf-8");
    s
}

/// A 合计 of report.json (schema 2): column `column` of the declared table
/// `table`, with the province's own line where the table has one.
pub fn total(report: &serde_json::Value, table: &str, column: &str) -> String {
    let t = &report["totals"]["tables"][table][column]["total"];
    t.as_str().unwrap_or_else(|| panic!("no total of {table}/{column} in {}", report["totals"])).to_string()
}

/// The same column's 其中 line: the cities alone.
pub fn cities_total(report: &serde_json::Value, table: &str, column: &str) -> String {
    let t = &report["totals"]["tables"][table][column]["cities"];
    t.as_str().unwrap_or_else(|| panic!("no cities' total of {table}/{column} in {}", report["totals"])).to_string()
}
