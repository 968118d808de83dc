//! Hostile and broken input: one bad file never stops the batch, crashes
//! the tool, changes an input, or leaves a half-written output.
//!
//! The corpus is made here by code wherever a generator can make it; the
//! two encrypted workbooks come from tests/fixtures/hostile (see its
//! README for how they were made).

mod common;
use common::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Every file under `dir` (following no links) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).follow_links(false) {
        let Ok(e) = e else { continue };
        if e.file_type().is_file() {
            if let Ok(b) = std::fs::read(e.path()) {
                out.insert(e.path().to_path_buf(), b);
            }
        }
    }
    out
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, data) in members {
        z.start_file(*name, opts).expect("start");
        z.write_all(data).expect("write");
    }
    z.finish().expect("finish").into_inner()
}

/// A small zip whose one member inflates to `gib` GiB of zeros.
fn zip_bomb(gib: u64) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    z.start_file("xl/worksheets/sheet1.xml", opts).expect("start");
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..(gib * 1024) {
        z.write_all(&chunk).expect("write");
    }
    z.finish().expect("finish").into_inner()
}

/// A workbook with a 1000 × 1000 sheet named like a form sheet, so it is
/// really read.
fn million_cells() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("资金执行").expect("name");
    for r in 0..1000u32 {
        for c in 0..1000u16 {
            ws.write_number(r, c, (r * 1000 + c as u32) as f64).expect("write");
        }
    }
    wb.save_to_buffer().expect("save")
}

/// Builds the corpus in `dir` (a copy of the 15 samples) and returns the
/// names (as report.json shows them) of the files that must be reported.
fn build_corpus(dir: &Path) -> Vec<String> {
    let mut bad: Vec<String> = Vec::new();
    not_workbooks_and_broken_bytes(dir, &mut bad);
    odd_cities(dir, &mut bad);
    odd_names_and_special_files(dir, &mut bad);
    deep_locked_and_hidden(dir, &mut bad);
    formulas_without_values_and_a_merge(dir);
    bad
}

/// Writes `bytes` as `dir/name` and lists it among the files that must
/// be reported.
fn put(dir: &Path, bad: &mut Vec<String>, name: &str, bytes: &[u8]) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(&p, bytes).expect("write");
    bad.push(name.to_string());
}

/// Files that are not workbooks, or broken ones, under workbook names.
fn not_workbooks_and_broken_bytes(dir: &Path, bad: &mut Vec<String>) {
    let sample = |city: &str| std::fs::read(file_of(dir, city)).expect("sample");
    put(dir, bad, "空文件.xlsx", b"");
    let s = sample("汕头市");
    put(dir, bad, "截断.xlsx", &s[..s.len() / 2]);
    put(
        dir,
        bad,
        "随机字节.xlsx",
        &(0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect::<Vec<_>>(),
    );
    put(
        dir,
        bad,
        "加密.xlsx",
        &std::fs::read(root().join("tests/fixtures/hostile/加密_汕头市.xlsx")).expect("fixture"),
    );
    put(dir, bad, "加密.xls", &std::fs::read(root().join("tests/fixtures/hostile/加密_汕头市.xls")).expect("fixture"));
    put(
        dir,
        bad,
        "其实是xls.xlsx",
        &std::fs::read(root().join("tests/fixtures/formats/01_汕头市.xls")).expect("fixture"),
    );
    put(dir, bad, "CSV改名.xlsx", "地市,预算指标\n汕头市,3378\n".as_bytes());
    put(dir, bad, "Word改名.xlsx", &zip_of(&[("word/document.xml", b"<w:document/>")]));
    put(dir, bad, "说明.docx", &zip_of(&[("word/document.xml", b"<w:document/>")]));
    put(dir, bad, "炸弹.xlsx", &zip_bomb(1));
    put(dir, bad, "百万单元格.xlsx", &million_cells());
}

/// Broken sheet XML, a city twice, and a city the fund does not support
/// (with formula-looking text).
fn odd_cities(dir: &Path, bad: &mut Vec<String>) {
    let sample = |city: &str| std::fs::read(file_of(dir, city)).expect("sample");
    // Broken sheet XML in a copy of 韶关市.
    let broken = dir.join("坏XML_韶关市.xlsx");
    std::fs::write(&broken, sample("韶关市")).expect("copy");
    replace_zip_member(&broken, "xl/worksheets/sheet2.xml", b"<worksheet><sheetData><row><c r=\"A1\"");
    bad.push("坏XML_韶关市.xlsx".into());
    // The same city twice.
    put(dir, bad, "重复_潮州市.xlsx", &sample("潮州市"));
    // A city the fund does not support, with formula-looking text.
    let other = dir.join("深圳市.xlsx");
    std::fs::write(&other, sample("揭阳市")).expect("copy");
    set_text(&other, "基本信息", "B4", "深圳市");
    set_text(&other, "任务完成", "C5", "=1+1");
    set_text(&other, "任务完成", "C6", "+86");
    set_text(&other, "任务完成", "C7", "@SUM(A1)");
    set_text(&other, "效益指标", "C4", "-");
    bad.push("深圳市.xlsx".into());
}

/// Long and non-UTF-8 names, a symlink loop, a pipe, an unreadable file.
fn odd_names_and_special_files(dir: &Path, bad: &mut Vec<String>) {
    // Very long and non-UTF-8 names.
    let long = format!("{}.xlsx", "很长的文件名".repeat(13));
    put(dir, bad, &long, b"not a workbook");
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"\xff\xfe\xbd-bad-name.xlsx");
        std::fs::write(dir.join(name), b"not a workbook").expect("write");
        bad.push(name.to_string_lossy().to_string());
        // A symlink loop and a pipe.
        std::fs::create_dir(dir.join("循环")).expect("mkdir");
        std::os::unix::fs::symlink(dir, dir.join("循环/回到上层")).expect("symlink");
        bad.push("循环/回到上层".into());
        let fifo = dir.join("管道.xlsx");
        let ok = std::process::Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false);
        assert!(ok, "mkfifo");
        bad.push("管道.xlsx".into());
        // Unreadable by permissions (root reads it anyway: then it is garbage).
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.join("无权限.xlsx");
        std::fs::write(&locked, b"secret").expect("write");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        bad.push("无权限.xlsx".into());
    }
}

/// A sample 10 levels down (found), 40 levels down (not entered, said),
/// lock and hidden files (passed over silently).
fn deep_locked_and_hidden(dir: &Path, bad: &mut Vec<String>) {
    // Deep folders: a real sample 10 levels down is still found; 40 levels
    // down is not entered, and said so.
    let deep10: PathBuf = (0..10).map(|i| format!("层{i}")).collect();
    let from = file_of(dir, "惠州市");
    std::fs::create_dir_all(dir.join(&deep10)).expect("mkdir");
    std::fs::rename(&from, dir.join(&deep10).join(from.file_name().expect("n"))).expect("mv");
    let deep40: PathBuf = (0..40).map(|i| format!("d{i}")).collect();
    std::fs::create_dir_all(dir.join(&deep40)).expect("mkdir");
    std::fs::write(dir.join(&deep40).join("太深.xlsx"), b"x").expect("write");
    bad.push((0..32).map(|i| format!("d{i}")).collect::<Vec<_>>().join("/"));
    // Lock and hidden files: passed over silently.
    std::fs::write(dir.join("~$01_汕头市_2024年绩效自评表.xlsx"), b"lock").expect("write");
    std::fs::write(dir.join(".隐藏.xlsx"), b"hidden").expect("write");
}

/// In real cities: formulas without cached values and a merged input cell.
fn formulas_without_values_and_a_merge(dir: &Path) {
    // Formulas without cached values and a merged input cell, in real
    // cities: 汕头市's is an input (unknown: an error), 江门市's the derived
    // 支出率 (selfeval computes it: an info, and 江门市 still counts).
    edit(&file_of(dir, "汕头市"), |b| {
        let c = b.sheet_by_name_mut("资金执行").expect("s").cell_mut("B6");
        c.set_formula("B5*1");
        c.set_formula_result_default("");
    });
    edit(&file_of(dir, "江门市"), |b| {
        let c = b.sheet_by_name_mut("资金执行").expect("s").cell_mut("B7");
        c.set_formula("ROUND(B6/B4,4)");
        c.set_formula_result_default("");
    });
    edit(&file_of(dir, "韶关市"), |b| {
        b.sheet_by_name_mut("基本信息").expect("s").add_merge_cells("B8:C8");
    });
}

#[test]
fn the_whole_corpus_in_a_copy_of_the_samples() {
    let (tmp, dir) = sample_copy();
    let bad = build_corpus(&dir);
    let before = snapshot(&dir);
    let out = tmp.path().join("结果");
    let (code, peak_kib, took) = run_measured(&["run".as_ref(), dir.as_os_str(), "--out".as_ref(), out.as_os_str()]);
    assert!(code == 0 || code == 1, "exit {code}");
    assert!(peak_kib < 1024 * 1024, "peak memory {peak_kib} KiB");
    assert!(took < std::time::Duration::from_secs(120), "took {took:?}");

    // Nothing changed, nothing moved, nothing locked.
    assert_eq!(snapshot(&dir), before, "inputs must stay byte-identical");

    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("report")).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    each_bad_file_is_named_with_its_code(findings, &bad);

    // The other 13 cities are summarised exactly (惠州市 found 10 folders
    // down); 汕头市 (an input formula never calculated) and 韶关市 (a merged
    // input, and a broken later copy) have errors and stay out, said so.
    let t = &report["totals"];
    assert_eq!(t["cities_counted"], 13);
    assert_eq!(t["coverage"], "合计（13个地市，不含待修正的汕头市、韶关市）");
    let spent = |city: &str| -> f64 {
        let r = sheet(&file_of(&samples(), city), "资金执行");
        match at(&r, "B6") {
            calamine::Data::Float(x) => *x,
            other => panic!("{other:?}"),
        }
    };
    let want = 3623.35 - spent("汕头市") - spent("韶关市");
    assert_eq!(total(&report, "budget", "exec.spent"), format!("{want:.2}"));
    assert_eq!(report["missing_cities"], serde_json::json!([]));

    input_text_is_never_a_formula(&out);
}

/// Every planted file is named in report.json with the code it earns;
/// lock and hidden files are passed over silently.
fn each_bad_file_is_named_with_its_code(findings: &[serde_json::Value], bad: &[String]) {
    let named: std::collections::HashSet<&str> = findings.iter().filter_map(|f| f["file"].as_str()).collect();
    for b in bad {
        assert!(named.contains(b.as_str()), "{b} is not named in report.json; named: {named:?}");
    }
    for f in findings {
        let msg = f["message"].as_str().expect("message");
        assert!(!msg.is_empty() && !f["fix"].as_str().unwrap_or("").is_empty(), "{f}");
    }
    // Passed over silently.
    assert!(!named.iter().any(|n| n.contains("~$") || n.contains(".隐藏")), "{named:?}");
    let code_of = |name: &str| -> Vec<String> {
        findings.iter().filter(|f| f["file"] == name).filter_map(|f| f["code"].as_str().map(String::from)).collect()
    };
    assert!(code_of("炸弹.xlsx").contains(&"SE001".to_string()));
    assert!(findings
        .iter()
        .any(|f| f["file"] == "炸弹.xlsx" && f["message"].as_str().unwrap_or("").contains("解压后过大")));
    assert!(findings.iter().any(|f| f["file"] == "加密.xls" && f["message"].as_str().unwrap_or("").contains("密码")));
    assert!(findings.iter().any(|f| f["file"] == "加密.xlsx" && f["message"].as_str().unwrap_or("").contains("密码")));
    assert!(code_of("坏XML_韶关市.xlsx").contains(&"SE004".to_string()));
    assert!(code_of("深圳市.xlsx").contains(&"SE403".to_string()));
    assert!(code_of("重复_潮州市.xlsx").contains(&"SE404".to_string()));
    assert!(code_of("说明.docx").contains(&"SE005".to_string()));
    assert!(code_of("百万单元格.xlsx").contains(&"SE101".to_string()));
    assert!(findings.iter().any(|f| f["code"] == "SE207" && f["city"] == "汕头市" && f["cell"] == "B6"));
    assert!(findings.iter().any(|f| f["code"] == "SE210" && f["city"] == "江门市" && f["severity"] == "info"));
    assert!(!findings.iter().any(|f| f["code"] == "SE207" && f["city"] == "江门市"));
    assert!(findings.iter().any(|f| f["code"] == "SE103" && f["city"] == "韶关市" && f["cell"] == "B8"));
}

/// Text from inputs is text in every output workbook, never a formula.
fn input_text_is_never_a_formula(out: &Path) {
    let mut outputs = vec![out.join("省级汇总表.xlsx")];
    outputs.extend(walkdir::WalkDir::new(out.join("反馈")).into_iter().filter_map(Result::ok).map(|e| e.into_path()));
    let mut seen_formula_text = 0;
    for p in outputs.iter().filter(|p| p.extension().is_some_and(|e| e == "xlsx")) {
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(p).expect("open output");
        use calamine::Reader;
        for name in wb.sheet_names() {
            let is_copy = p.to_string_lossy().ends_with("_标注.xlsx");
            let formulas = wb.worksheet_formula(&name).expect("formulas");
            let values = wb.worksheet_range(&name).expect("values");
            for (r, c, v) in values.used_cells() {
                if let calamine::Data::String(text) = v {
                    if text.starts_with('=') || text.starts_with('+') || text.starts_with('@') {
                        seen_formula_text += 1;
                        let (r0, c0) = values.start().unwrap_or((0, 0));
                        let f = formulas.get_value((r0 + r as u32, c0 + c as u32)).cloned().unwrap_or_default();
                        assert!(f.is_empty(), "{}: {name} has formula {f} for text {text}", p.display());
                    }
                }
            }
            if !is_copy && name == "问题清单" {
                assert!(formulas.used_cells().next().is_none(), "no formula in 问题清单");
            }
        }
    }
    assert!(seen_formula_text > 0, "the planted “=1+1” texts appear as text somewhere");
}

#[test]
fn a_kill_mid_run_leaves_no_partial_final_file() {
    // Enough workbooks that the run is still writing feedback when killed.
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("大批量");
    for k in 0..20 {
        let sub = dir.join(format!("批次{k:02}"));
        std::fs::create_dir_all(&sub).expect("mkdir");
        for p in sample_forms() {
            std::fs::copy(&p, sub.join(p.file_name().expect("n"))).expect("copy");
        }
    }
    let out = tmp.path().join("结果");
    let mut child = std::process::Command::new(bin())
        .args(["run".as_ref(), dir.as_os_str(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()])
        .stdin(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let fb = out.join("反馈");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let finals = |d: &Path| {
        std::fs::read_dir(d)
            .map(|d| d.filter_map(Result::ok).filter(|e| !e.file_name().to_string_lossy().starts_with('.')).count())
            .unwrap_or(0)
    };
    while finals(&fb) < 20 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    // Still writing when killed, or the test proves nothing.
    assert!(matches!(child.try_wait(), Ok(None)), "the run ended before it could be killed");
    child.kill().expect("kill -9");
    let _ = child.wait();
    let mut complete = 0;
    for e in walkdir::WalkDir::new(&out).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') && name.ends_with(".tmp") {
            continue; // a temporary file: never a final name
        }
        if name.ends_with(".xlsx") {
            let wb: Result<calamine::Xlsx<_>, _> = calamine::open_workbook(e.path());
            assert!(wb.is_ok(), "{name} is a partial file");
        } else if name.ends_with(".json") {
            let text = std::fs::read_to_string(e.path()).expect("read");
            assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "{name} is partial");
        }
        complete += 1;
    }
    assert!(complete >= 20, "the run was killed after writing some files ({complete})");
}
