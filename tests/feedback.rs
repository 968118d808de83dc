//! What a city gets back, and how the clerk's drag-and-drop run behaves.

mod common;
use common::*;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

fn s(x: &str) -> &OsStr {
    OsStr::new(x)
}

fn hash_dir(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<(PathBuf, Vec<u8>)> =
        walk(dir).into_iter().map(|p| (p.clone(), std::fs::read(&p).expect("read"))).collect();
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir") {
        let p = e.expect("e").path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The only `材料_校验结果_*` folder beside the input.
fn result_dir(tmp: &Path) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(tmp)
        .expect("dir")
        .map(|e| e.expect("e").path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("材料_校验结果_")))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().expect("one")
}

fn plant_chaozhou(dir: &Path) -> PathBuf {
    let f = file_of(dir, "潮州市");
    set_num(&f, "资金执行", "B7", 0.1682);
    f
}

#[test]
fn a_dropped_folder_with_one_planted_error_gives_everything_beside_it() {
    let (tmp, dir) = sample_copy();
    let planted = plant_chaozhou(&dir);
    let before = hash_dir(&dir);
    let o = selfeval(&[dir.as_os_str()]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(hash_dir(&dir), before, "inputs must stay byte-identical");

    let out = result_dir(tmp.path());
    assert!(out.join("省级汇总表.xlsx").is_file());
    assert!(out.join("report.json").is_file());
    let fb = out.join("反馈");
    let reports: Vec<_> = walk(&fb).into_iter().filter(|p| p.to_string_lossy().ends_with("_校验报告.xlsx")).collect();
    assert_eq!(reports.len(), 15);
    let annotated: Vec<_> = walk(&fb).into_iter().filter(|p| p.to_string_lossy().ends_with("_标注.xlsx")).collect();
    // A copy for each city with findings: the planted error, and the
    // warnings the report's own figures raise.
    let mut names: Vec<String> =
        annotated.iter().map(|p| p.file_name().expect("n").to_string_lossy().to_string()).collect();
    names.sort();
    let mut want: Vec<String> =
        ["潮州市", "河源市", "惠州市", "汕尾市", "阳江市", "湛江市", "茂名市", "揭阳市", "云浮市"]
            .iter()
            .map(|c| format!("{c}_标注.xlsx"))
            .collect();
    want.sort();
    assert_eq!(names, want);
    let annotated = [fb.join("潮州市_标注.xlsx")];

    // A warning is yellow.
    let book = umya_spreadsheet::reader::xlsx::read(fb.join("阳江市_标注.xlsx")).expect("umya");
    let ws = book.sheet_by_name("任务完成").expect("sheet");
    let fill = ws.style("C4").background_color().map(|c| c.argb_str().to_string());
    assert_eq!(fill.as_deref(), Some(selfeval::write::feedback::WARNING_FILL));

    // The planted cell is red and carries the message.
    let book = umya_spreadsheet::reader::xlsx::read(&annotated[0]).expect("umya");
    let ws = book.sheet_by_name("资金执行").expect("sheet");
    let fill = ws.style("B7").background_color().map(|c| c.argb_str().to_string());
    assert_eq!(fill.as_deref(), Some(selfeval::write::feedback::ERROR_FILL));
    let untouched = ws.style("B6").background_color().map(|c| c.argb_str().to_string());
    assert_ne!(untouched.as_deref(), Some(selfeval::write::feedback::ERROR_FILL));
    let note = ws
        .comments()
        .iter()
        .find(|c| c.coordinate().to_string() == "B7")
        .and_then(|c| c.text().rich_text().map(|t| t.text().to_string()))
        .expect("a comment on B7");
    assert!(note.contains("SE302") && note.contains("15.82%"), "{note}");

    // …and is otherwise the city's workbook, value for value, formula for formula.
    let a = selfeval::read::read_path(&planted).expect("original");
    let b = selfeval::read::read_path(&annotated[0]).expect("copy");
    selfeval::write::annotate::same_content(&a, &b).expect("identical content");
    assert_eq!(
        a.sheets.iter().map(|s| s.cells.len()).sum::<usize>(),
        b.sheets.iter().filter(|s| s.name != "标注说明").map(|s| s.cells.len()).sum::<usize>()
    );
    // The last sheet lists every marked cell and says not to submit the copy.
    let legend = b.sheets.last().expect("legend");
    assert_eq!(legend.name, "标注说明");
    let text: Vec<String> = legend.cells.values().map(|v| v.shown()).collect();
    assert!(text.iter().any(|t| t.contains("标注副本，请勿报送")), "{text:?}");
    assert!(text.iter().any(|t| t == "B7") && text.iter().any(|t| t == "SE302"), "{text:?}");
}

#[test]
fn reports_say_passed_or_list_what_to_fix() {
    let (_tmp, dir) = sample_copy();
    plant_chaozhou(&dir);
    let (_, _, out) = run_dir(&dir, "fb");
    let clean = out.join("反馈/汕头市_校验报告.xlsx");
    let cover = sheet(&clean, "校验结论");
    assert_eq!(at(&cover, "B3").to_string(), "汕头市");
    assert!(at(&cover, "B4").to_string().contains("汕头市"));
    assert_eq!(at(&cover, "B5").to_string(), "2024.1");
    assert_eq!(at(&cover, "B10").to_string(), "校验通过");
    assert_eq!(at(&sheet(&clean, "问题清单"), "B4").to_string(), "未发现问题，校验通过。");
    // With warnings, the verdict says so.
    let warned = sheet(&out.join("反馈/阳江市_校验报告.xlsx"), "校验结论");
    assert_eq!(at(&warned, "B10").to_string(), "校验通过（有 2 个警告，请核实）");
    let list = sheet(&out.join("反馈/阳江市_校验报告.xlsx"), "问题清单");
    assert!(at(&list, "G4").to_string().starts_with("参考范围 "), "{}", at(&list, "G4"));

    let bad = out.join("反馈/潮州市_校验报告.xlsx");
    let cover = sheet(&bad, "校验结论");
    assert!(at(&cover, "B10").to_string().starts_with("未通过"), "{}", at(&cover, "B10"));
    assert!(at(&cover, "B7").to_string().starts_with("1 个"));
    let list = sheet(&bad, "问题清单");
    // Title rows say whose list it is, on every printed page.
    assert!(at(&list, "A1").to_string().starts_with("潮州市"), "{}", at(&list, "A1"));
    assert!(at(&list, "A2").to_string().contains(".xlsx"), "{}", at(&list, "A2"));
    let header: Vec<String> =
        ["A3", "B3", "C3", "D3", "E3", "F3", "G3", "H3", "I3"].iter().map(|a| at(&list, a).to_string()).collect();
    assert_eq!(header, ["序号", "严重程度", "代码", "工作表", "单元格", "问题", "应为", "实为", "如何修改"]);
    let row: Vec<String> = ["B4", "C4", "D4", "E4", "G4", "H4"].iter().map(|a| at(&list, a).to_string()).collect();
    assert_eq!(row, ["错误", "SE302", "资金执行", "B7", "15.82%", "16.82%"]);
    assert!(at(&list, "I4").to_string().contains("重新计算"));
}

#[test]
fn xls_and_ods_get_a_report_but_no_annotated_copy() {
    let tmp = tempfile::tempdir().expect("tmp");
    for ext in ["xls", "ods"] {
        let src = root().join(format!("tests/fixtures/formats/01_汕头市.{ext}"));
        std::fs::copy(&src, tmp.path().join(format!("汕头市.{ext}"))).expect("copy");
    }
    let out = tmp.path().join("out");
    let o = selfeval(&[s("check"), tmp.path().as_os_str(), s("--out"), out.as_os_str(), s("-q")]);
    // Two forms of the same city: each is read, checked and reported; the
    // duplicate is a warning (one of them is used, by a stated rule).
    assert_eq!(o.status.code(), Some(0));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("r")).expect("j");
    let got = codes_at(&report);
    assert_eq!(got.iter().filter(|(c, _)| c == "SE404").count(), 2, "{got:?}");
    assert_eq!(got.iter().filter(|(c, _)| c == "SE006").count(), 2, "{got:?}");
    assert!(got.iter().all(|(c, _)| c == "SE404" || c == "SE006"), "{got:?}");
    let files: Vec<String> =
        walk(&out.join("反馈")).iter().map(|p| p.file_name().expect("n").to_string_lossy().to_string()).collect();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.iter().all(|f| f.ends_with("_校验报告.xlsx")), "{files:?}");
}

/// An Excel binary workbook (.xlsb) is read like an .xlsx: the sample in
/// .xlsb (tests/fixtures/formats, written by SheetJS with the short cell
/// records calamine alone would skip) stands for its city in a batch with
/// the same totals; a city's .xlsb with an error gets its report, and no
/// annotated copy, said as for .xls/.ods.
#[test]
fn xlsb_is_read_like_xlsx_with_a_report_and_no_annotated_copy() {
    let (tmp, dir) = sample_copy();
    std::fs::remove_file(file_of(&dir, "汕头市")).expect("remove the xlsx");
    let xlsb = dir.join("01_汕头市_2024年绩效自评表.xlsb");
    std::fs::copy(root().join("tests/fixtures/formats/01_汕头市.xlsb"), &xlsb).expect("copy");
    let (code, report, out) = run_dir(&dir, "xlsb");
    assert_eq!(code, 0);
    assert_eq!(total(&report, "budget", "exec.spent"), "3623.35");
    let st = report["cities"].as_array().expect("cities").iter().find(|c| c["city"] == "汕头市").expect("汕头");
    assert_eq!((st["file"].as_str(), st["in_totals"].as_bool()), (Some("01_汕头市_2024年绩效自评表.xlsb"), Some(true)));
    let shantou: Vec<&serde_json::Value> =
        report["findings"].as_array().expect("f").iter().filter(|f| f["city"] == "汕头市").collect();
    assert!(shantou.is_empty(), "the clean sample in .xlsb: {shantou:?}");
    assert!(out.join("反馈/汕头市_校验报告.xlsx").is_file());

    let one = tmp.path().join("一份");
    std::fs::create_dir(&one).expect("mkdir");
    std::fs::copy(root().join("tests/fixtures/formats/10_茂名市_元.xlsb"), one.join("10_茂名市.xlsb")).expect("copy");
    let out = tmp.path().join("out-one");
    let o = selfeval(&[s("check"), one.as_os_str(), s("--out"), out.as_os_str(), s("-q")]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("r")).expect("j");
    let got = codes_at(&report);
    assert!(got.contains(&("SE208".to_string(), "资金执行!B6".to_string())), "{got:?}");
    let skipped = report["findings"].as_array().expect("f").iter().find(|f| f["code"] == "SE006").expect("SE006");
    assert!(skipped["message"].as_str().expect("m").contains(".xlsb"), "{skipped}");
    let files: Vec<String> =
        walk(&out.join("反馈")).iter().map(|p| p.file_name().expect("n").to_string_lossy().to_string()).collect();
    assert_eq!(files, ["茂名市_校验报告.xlsx"]);

    // Excel's own .xlsb (calamine's test suite): read as a workbook, not
    // passed over as a foreign file; a password-protected one says so.
    for (name, code) in [("issues.xlsb", "SE002"), ("pass_protected.xlsb", "SE001")] {
        let out = tmp.path().join(format!("out-{name}"));
        let f = root().join("tests/fixtures/outside").join(name);
        let o = selfeval(&[s("check"), f.as_os_str(), s("--out"), out.as_os_str(), s("-q")]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("r")).expect("j");
        let codes: Vec<String> = codes_at(&report).into_iter().map(|(c, _)| c).collect();
        assert_eq!(codes, [code], "{name}");
    }
}

#[test]
fn several_dropped_folders_and_files_are_processed_together() {
    let (tmp, dir) = sample_copy();
    let a = tmp.path().join("材料甲");
    let b = tmp.path().join("材料乙");
    std::fs::create_dir(&a).expect("a");
    std::fs::create_dir(&b).expect("b");
    let mut files: Vec<PathBuf> = walk(&dir);
    files.sort();
    let last = files.pop().expect("15 files");
    for (i, f) in files.iter().enumerate() {
        let to = if i % 2 == 0 { &a } else { &b };
        std::fs::rename(f, to.join(f.file_name().expect("n"))).expect("mv");
    }
    let o = selfeval(&[a.as_os_str(), b.as_os_str(), last.as_os_str(), s("--json")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("--json prints report.json");
    assert_eq!(report["inputs"].as_array().map(Vec::len), Some(15));
    assert_eq!(total(&report, "budget", "exec.spent"), "3623.35");
    // The output folder is named after the first dropped folder.
    assert!(std::fs::read_dir(tmp.path()).expect("d").any(|e| e
        .expect("e")
        .file_name()
        .to_string_lossy()
        .starts_with("材料甲_校验结果_")));
}

#[test]
fn nothing_on_stderr_and_no_summary_when_quiet() {
    let (tmp, dir) = sample_copy();
    let out = tmp.path().join("q");
    let o = selfeval(&[s("run"), dir.as_os_str(), s("--out"), out.as_os_str(), s("--quiet")]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty(), "{}", String::from_utf8_lossy(&o.stdout));
    // stderr is not a terminal here: no progress bar drawn.
    assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Runs the binary on a pseudo-terminal (via `script`), as a program
/// that owns its console would be, feeding `input` to it.
fn on_a_terminal(args: &str, input: &str) -> (i32, String) {
    use std::io::Write;
    let cmd = format!("{} {args}", bin().display());
    let mut child = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("SELFEVAL_OWNS_CONSOLE", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("script runs");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    let o = child.wait_with_output().expect("wait");
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).to_string())
}

#[test]
fn a_console_of_its_own_waits_for_enter_unless_told_not_to() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = samples().join("01_汕头市_2024年绩效自评表.xlsx");
    let out = tmp.path().join("t1");
    let (code, text) = on_a_terminal(&format!("check '{}' --out '{}' -q", file.display(), out.display()), "\n");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("按回车键退出"), "{text}");

    let out = tmp.path().join("t2");
    let (code, text) =
        on_a_terminal(&format!("check '{}' --out '{}' -q --no-pause", file.display(), out.display()), "");
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("按回车键退出"), "{text}");

    // A double-click with nothing dropped explains what to do, then waits.
    let (code, text) = on_a_terminal("", "\n");
    assert_eq!(code, 2);
    assert!(text.contains("把装有各地市自评表的文件夹拖到") && text.contains("按回车键退出"), "{text}");
}

#[test]
fn stdin_that_is_not_a_terminal_never_waits() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("o");
    let file = samples().join("01_汕头市_2024年绩效自评表.xlsx");
    let o = std::process::Command::new(bin())
        .args([s("check"), file.as_os_str(), s("--out"), out.as_os_str()])
        .env("SELFEVAL_OWNS_CONSOLE", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("按回车键退出"));
}

#[test]
fn the_blank_form_is_locked_shaded_with_dropdowns_and_validates_once_filled() {
    if !tools_or_skip("the_blank_form_is_locked_shaded_with_dropdowns_and_validates_once_filled", &["soffice"]) {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let blank = tmp.path().join("空白自评表.xlsx");
    let o = selfeval(&[s("template"), s("--out"), blank.as_os_str(), s("--city"), s("汕头市")]);
    assert_eq!(o.status.code(), Some(0));
    let (form, _) = selfeval::spec::embedded_specs().expect("spec");
    let bands = selfeval::spec::embedded_bands().expect("bands");
    let derived: Vec<String> =
        selfeval::write::form::derived_formulas(&form, &bands).into_iter().map(|(id, _)| id).collect();
    // What the clerk types: neither a formula nor the template's own value.
    let is_input =
        |id: &str| !derived.iter().any(|d| d == id) && selfeval::write::form::fixed_value(&form, id).is_none();

    let book = umya_spreadsheet::reader::xlsx::read(&blank).expect("umya");
    for sheet in &form.sheets {
        let ws = book.sheet_by_name(&sheet.name).expect("sheet");
        assert!(ws.sheet_protection().is_some_and(|p| p.sheet()), "{} is protected", sheet.name);
        for f in &sheet.fields {
            let st = ws.style(f.cell.to_string().as_str());
            let locked = st.protection().is_none_or(|p| p.locked());
            assert_eq!(!locked, is_input(&f.id), "{} {} is unlocked exactly when an input", sheet.name, f.cell);
            if derived.contains(&f.id) {
                let c = ws.cell(f.cell.to_string().as_str()).expect("cell");
                assert!(c.is_formula(), "{} {} is a formula", sheet.name, f.cell);
            }
            assert!(st.background_color().is_some(), "{} {} is shaded", sheet.name, f.cell);
            let want = selfeval::write::form::kind_format(f.kind);
            let got = st.number_format().map(|n| n.format_code().to_string()).unwrap_or_default();
            assert_eq!(got, want, "{} {} number format", sheet.name, f.cell);
        }
        for l in &sheet.labels {
            let st = ws.style(l.cell.to_string().as_str());
            assert!(st.protection().is_none_or(|p| p.locked()), "label {} {} is locked", sheet.name, l.cell);
        }
    }
    // Dropdowns for the closed choices.
    let xml = worksheets_xml(&blank);
    assert!(xml.contains("\"是,否\""), "是/否 dropdown");
    assert!(xml.contains("\"未验收\""), "未验收 dropdown");
    // Typed validation with a Chinese alert on every other input.
    assert!(xml.contains("type=\"whole\"") && xml.contains("type=\"decimal\"") && xml.contains("type=\"date\""));
    assert!(xml.contains("应填写不小于 0 的整数") && xml.contains("输入有误"));
    assert!(xml.contains("\"汕头市,韶关市,"), "地市 dropdown of the issued cities");
    assert!(xml.contains("<conditionalFormatting"), "red rules");
    assert!(xml.contains("formatRows=\"0\""), "row heights stay changeable");

    // Fill it with 汕头市's figures, the way a clerk would type them, and it validates clean.
    let sample = samples().join("01_汕头市_2024年绩效自评表.xlsx");
    let mut book = book;
    for f in form.fields().filter(|f| is_input(&f.id)) {
        let v = at(&sheet(&sample, &f.sheet), &f.cell.to_string()).clone();
        type_in(book.sheet_by_name_mut(&f.sheet).expect("s").cell_mut(f.cell.to_string().as_str()), v);
    }
    let filled = tmp.path().join("已填.xlsx");
    umya_spreadsheet::writer::xlsx::write(&book, &filled).expect("write");
    // The clerk's spreadsheet program computes the derived cells.
    libreoffice_resave(&filled);
    let out = tmp.path().join("check");
    let o = selfeval(&[s("check"), filled.as_os_str(), s("--out"), out.as_os_str(), s("-q")]);
    let report = std::fs::read_to_string(out.join("report.json")).expect("report");
    assert_eq!(o.status.code(), Some(0), "{report}");
    let r: serde_json::Value = serde_json::from_str(&report).expect("json");
    assert_eq!(r["findings"].as_array().map(Vec::len), Some(0), "{report}");
}

/// Every worksheet part of an xlsx, as one text.
fn worksheets_xml(path: &Path) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).expect("f")).expect("zip");
    let mut all = String::new();
    for i in 0..z.len() {
        let mut m = z.by_index(i).expect("m");
        if m.name().starts_with("xl/worksheets/") {
            m.read_to_string(&mut all).expect("read");
        }
    }
    all
}

/// Types `v` into `cell` as a clerk would: numbers, text and dates.
fn type_in(cell: &mut umya_spreadsheet::Cell, v: calamine::Data) {
    match v {
        calamine::Data::Float(x) => {
            cell.set_value_number(x);
        }
        calamine::Data::Int(i) => {
            cell.set_value_number(i as f64);
        }
        calamine::Data::String(t) => {
            cell.set_value_string(t);
        }
        calamine::Data::DateTime(d) => {
            cell.set_value_number(d.as_f64());
        }
        _ => {}
    }
}

#[test]
fn messages_are_plain_chinese_without_program_error_text() {
    let (tmp, dir) = sample_copy();
    std::fs::write(dir.join("乱码.xlsx"), (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<u8>>())
        .expect("w");
    let good = std::fs::read(file_of(&dir, "汕头市")).expect("r");
    std::fs::write(dir.join("截断.xlsx"), &good[..good.len() / 2]).expect("w");
    std::fs::write(dir.join("表格.xlsx"), "地市,预算\n汕头市,3378\n").expect("w");
    std::fs::write(dir.join("扫描件.xlsx"), b"%PDF-1.5 ...").expect("w");
    std::fs::write(dir.join("空文件.xlsx"), b"").expect("w");
    let out = tmp.path().join("o");
    let o = selfeval(&[s("run"), dir.as_os_str(), s("--out"), out.as_os_str()]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("r")).expect("j");
    let fs = report["findings"].as_array().expect("findings");
    assert_eq!(fs.iter().filter(|f| f["code"] == "SE001").count(), 5, "{fs:#?}");
    let allowed = ["Excel", "xlsx", "xlsm", "selfeval"];
    for f in fs {
        for field in ["message", "fix"] {
            let text = f[field].as_str().expect("text");
            for word in text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 4) {
                assert!(allowed.contains(&word), "English “{word}” in {field}: {text}");
            }
        }
        assert!(!f["file"].as_str().unwrap_or("").is_empty(), "every finding names its file: {f}");
    }
    // The other 15 are still summarised.
    assert_eq!(report["totals"]["cities_counted"], 15);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("无法读取"), "{stdout}");
}

#[test]
fn a_terminal_shows_a_progress_bar_per_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("p");
    let (code, text) =
        on_a_terminal(&format!("run '{}' --out '{}' --no-pause", samples().display(), out.display()), "");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("正在校验") && text.contains("/15"), "{text}");
    assert!(text.contains("01_汕头市"), "names the file being checked: {text}");
}

/// Problems are listed in the form's order, sheet by sheet, not errors
/// first: the clerk works through the form once.
#[test]
fn problems_follow_the_forms_sheet_order() {
    let (_tmp, dir) = sample_copy();
    // 阳江市 has warnings on 任务完成; an error on 自评评分 (later in the form).
    set_num(&file_of(&dir, "阳江市"), "自评评分", "G15", 100.0);
    let (_, _, out) = run_dir(&dir, "order");
    let list = sheet(&out.join("反馈/阳江市_校验报告.xlsx"), "问题清单");
    let sheets: Vec<String> =
        (4..=20).map(|r| at(&list, &format!("D{r}")).to_string()).filter(|s| !s.is_empty()).collect();
    assert!(sheets.len() >= 3, "{sheets:?}");
    assert_eq!(sheets.first().map(String::as_str), Some("任务完成"), "{sheets:?}");
    assert_eq!(sheets.last().map(String::as_str), Some("自评评分"), "{sheets:?}");
}
