//! Helpers shared by the integration tests: run the real binary on real
//! workbooks in a temp folder and read what it wrote.
#![allow(dead_code)]

use calamine::{Data, Reader, Xlsx};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// Copies the 15 samples into a fresh temp folder `材料` and returns both.
pub fn sample_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("材料");
    std::fs::create_dir(&dir).expect("mkdir");
    for e in std::fs::read_dir(samples()).expect("samples") {
        let p = e.expect("entry").path();
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
            n.starts_with(|c: char| c.is_ascii_digit()) && n.contains(city)
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

/// Whether the outside programs a test needs are here. A missing one
/// skips the test with a line saying so, except where
/// `SELFEVAL_REQUIRE_TOOLS` is set (`.ci/run` sets it), where it fails:
/// CI can never pass by skipping.
pub fn tools_or_skip(test: &str, tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| find_tool(t).is_none()).collect();
    if missing.is_empty() {
        return true;
    }
    let what = format!(
        "{test}: 缺少 {}（apt-get install libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-noto-cjk，或运行 .ci/run）",
        missing.join("、")
    );
    if std::env::var_os("SELFEVAL_REQUIRE_TOOLS").is_some() {
        panic!("{what}；SELFEVAL_REQUIRE_TOOLS 已设置，不允许跳过");
    }
    eprintln!("已跳过 {what}");
    false
}

/// An outside program by name: `soffice` where LibreOffice puts it, others on PATH.
fn find_tool(name: &str) -> Option<PathBuf> {
    if name == "soffice" {
        return ["/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/usr/bin/libreoffice"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists() && Path::new("/usr/lib/libreoffice/program/oosplash").exists());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// LibreOffice's soffice, which the tests use as the real spreadsheet
/// program (`.ci/run` installs it). Tests call [`tools_or_skip`] first.
pub fn soffice() -> PathBuf {
    find_tool("soffice").expect("LibreOffice (call tools_or_skip first)")
}

/// A LibreOffice profile that recalculates xlsx formulas on load.
pub fn recalculating_profile(dir: &Path) -> String {
    let user = dir.join("user");
    std::fs::create_dir_all(&user).expect("profile");
    std::fs::write(
        user.join("registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .expect("xcu");
    format!("-env:UserInstallation=file://{}", dir.display())
}

/// Opens `path` in LibreOffice (recalculating every formula) and saves it
/// as xlsx in place, the way a city clerk using LibreOffice would.
pub fn libreoffice_resave(path: &Path) {
    let work = tempfile::tempdir().expect("tempdir");
    let saved = libreoffice_convert(path, "xlsx:Calc MS Excel 2007 XML", work.path());
    std::fs::copy(&saved, path).expect("copy back");
}

/// Converts `path` with LibreOffice to `target` (xls, ods, or an
/// extension with a filter: "xlsx:Calc MS Excel 2007 XML") in `dir`, as a
/// clerk's "另存为" would; returns the new file (named like `path`).
pub fn libreoffice_convert(path: &Path, target: &str, dir: &Path) -> PathBuf {
    let ext = target.split(':').next().unwrap_or(target);
    let work = tempfile::tempdir().expect("tempdir");
    let profile = recalculating_profile(&work.path().join("profile"));
    let src_ext = path.extension().map(|e| e.to_string_lossy().to_string()).unwrap_or_default();
    let plain = work.path().join(format!("in.{src_ext}"));
    std::fs::copy(path, &plain).expect("copy in");
    let outdir = work.path().join("out");
    let o = Command::new(soffice())
        .arg(&profile)
        .args(["--headless", "--convert-to", target, "--outdir"])
        .arg(&outdir)
        .arg(&plain)
        .output()
        .expect("soffice runs");
    let saved = outdir.join(format!("in.{ext}"));
    assert!(saved.exists(), "LibreOffice did not convert to {ext}: {}", String::from_utf8_lossy(&o.stderr));
    let stem = path.file_stem().expect("stem").to_string_lossy().to_string();
    let dest = dir.join(format!("{stem}.{ext}"));
    std::fs::copy(&saved, &dest).expect("copy out");
    dest
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

/// Converts files to PDF with LibreOffice in one call (copied under plain
/// names into `work` first, as LibreOffice names its output after the
/// input); every conversion must succeed. Returns the PDFs, in order.
pub fn to_pdf(files: &[PathBuf], work: &Path) -> Vec<PathBuf> {
    let profile = recalculating_profile(&work.join("profile"));
    let plain: Vec<PathBuf> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let ext = f.extension().expect("ext").to_string_lossy().to_string();
            let to = work.join(format!("f{i}.{ext}"));
            std::fs::copy(f, &to).expect("copy");
            to
        })
        .collect();
    let out = work.join("pdf");
    let o = Command::new(soffice())
        .arg(&profile)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .args(&plain)
        .output()
        .expect("soffice");
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let pdf = out.join(format!("f{i}.pdf"));
            let ok = std::fs::metadata(&pdf).map(|m| m.len() > 1000).unwrap_or(false);
            assert!(ok, "LibreOffice could not open {}: {}", f.display(), String::from_utf8_lossy(&o.stderr));
            pdf
        })
        .collect()
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

// ── 核实与更正 registers, as a clerk fills them ──

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

/// Every cell (value, formula, number format, wrap), merge, note, column
/// width, row height and print setting of an xlsx, one per line, for a
/// golden comparison a reviewer can read. What differs from run to run
/// (the run's date, the fingerprint's digests) is masked.
pub fn workbook_dump(path: &Path) -> String {
    use std::fmt::Write as _;
    let book = umya_spreadsheet::reader::xlsx::read(path).expect("xlsx reads");
    let mut out = String::new();
    for ws in book.sheet_collection() {
        let _ = writeln!(out, "== {}", ws.name());
        let ps = ws.page_setup();
        let _ = writeln!(
            out,
            "page: paper={} orientation={:?} scale={} fit={}x{} fit_to_page={}",
            ps.paper_size(),
            ps.orientation(),
            ps.scale(),
            ps.fit_to_width(),
            ps.fit_to_height(),
            ps.fit_to_page(),
        );
        let m = ws.page_margins();
        let _ = writeln!(
            out,
            "margins: {} {} {} {} {} {} centered={}",
            m.left(),
            m.right(),
            m.top(),
            m.bottom(),
            m.header(),
            m.footer(),
            ws.print_options().horizontal_centered()
        );
        let hf = ws.header_footer();
        let _ = writeln!(out, "header: {}", mask_run(hf.odd_header().value()));
        let _ = writeln!(out, "footer: {}", mask_run(hf.odd_footer().value()));
        for n in ws.defined_names() {
            let _ = writeln!(out, "name: {} = {}", n.name(), n.address());
        }
        for c in ws.column_dimensions() {
            let _ = writeln!(out, "col {}: width={} hidden={}", c.col_num(), c.width(), c.hidden());
        }
        let mut rows: Vec<_> = ws.row_dimensions();
        rows.sort_by_key(|r| r.row_num());
        for r in rows {
            let _ = writeln!(out, "row {}: height={} custom={}", r.row_num(), r.height(), r.custom_height());
        }
        let mut merges: Vec<String> = ws.merge_cells().iter().map(|m| m.range()).collect();
        merges.sort();
        let _ = writeln!(out, "merges: {}", merges.join(" "));
        let mut cells = ws.cells();
        cells.sort_by_key(|c| (c.coordinate().row_num(), c.coordinate().col_num()));
        for c in cells {
            let value = c.value();
            let formula = c.formula();
            let fmt = c.style().number_format().map(|f| f.format_code().to_string()).unwrap_or_default();
            if value.is_empty() && formula.is_empty() {
                continue;
            }
            let wrap = c.style().alignment().is_some_and(|a| a.wrap_text());
            let shown = if ws.name() == "核验指纹" { mask_hex(&value) } else { value.to_string() };
            let _ = writeln!(
                out,
                "{}{}: {:?} f={:?} fmt={:?}{}",
                col_letters(c.coordinate().col_num()),
                c.coordinate().row_num(),
                shown,
                formula,
                fmt,
                if wrap { " wrap" } else { "" }
            );
        }
        let mut notes: Vec<String> = ws
            .comments()
            .iter()
            .map(|n| {
                let at = n.coordinate();
                let text = n.text().text().map(|t| t.value().to_string()).unwrap_or_default();
                format!("note {}{}: {:?}", col_letters(at.col_num()), at.row_num(), text)
            })
            .collect();
        notes.sort();
        for n in notes {
            let _ = writeln!(out, "{n}");
        }
    }
    out
}

fn col_letters(mut n: u32) -> String {
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

/// A page header's or footer's run-time parts masked: the date after
/// 制表日期：, the 12 digits after 指纹：.
pub fn mask_run(s: &str) -> String {
    let mut out = s.to_string();
    for (mark, end) in [("制表日期：", "日"), ("指纹：", ""), ("汇总生成（", "）")] {
        if let Some(at) = out.find(mark) {
            let from = at + mark.len();
            let to = if end.is_empty() {
                out[from..].find(|c: char| !c.is_ascii_hexdigit()).map(|i| from + i).unwrap_or(out.len())
            } else {
                out[from..].find(end).map(|i| from + i + end.len()).unwrap_or(out.len())
            };
            out.replace_range(from..to, "<…>");
        }
    }
    out
}

/// A cell that is a digest (12 or 64 hex digits) masked.
fn mask_hex(s: &str) -> String {
    let hex = s.chars().all(|c| c.is_ascii_hexdigit());
    if hex && (s.len() == 12 || s.len() == 64) {
        "<digest>".into()
    } else {
        s.to_string()
    }
}

/// The text of a docx: each paragraph a line, table cells separated by
/// " | ", the header's fingerprint masked.
pub fn docx_text(path: &Path) -> String {
    let mut out = String::new();
    for part in ["word/header1.xml", "word/document.xml"] {
        let xml = zip_member(path, part);
        let xml = xml.replace("</w:p>", "\n").replace("</w:tc>", " | ").replace("</w:tr>", "\n");
        let mut text = String::new();
        let mut in_tag = false;
        for ch in xml.chars() {
            match ch {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
        for line in text.replace("\n | ", " | ").lines() {
            out.push_str(&mask_run(line));
            out.push('\n');
        }
    }
    out
}

/// Compares `got` with the golden file `tests/golden/<name>`, showing a
/// line diff; `UPDATE_GOLDEN=1` rewrites the file instead.
pub fn assert_golden(name: &str, got: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, got).expect("write golden");
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("no golden file {}", path.display()));
    similar_asserts::assert_eq!(want, got, "{name} changed; if intended, UPDATE_GOLDEN=1 and review git diff");
}
