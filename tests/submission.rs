//! A city's whole submission, as cities send it: one folder a city with its
//! form, its 自评报告 (Word or PDF) and a 佐证材料 folder. The reports are the
//! samples' own, changed the way a clerk would get them wrong, and saved by
//! LibreOffice as .pdf and .doc; every run is the real binary.

mod common;
use calamine::DataType;
use common::*;
use std::path::{Path, PathBuf};

/// The samples laid out one folder a city ("汕头市/…"), as cities send them.
fn city_folders() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("材料");
    for e in walkdir::WalkDir::new(samples()).min_depth(1).max_depth(1) {
        let e = e.expect("entry");
        let name = e.file_name().to_string_lossy().to_string();
        let city = name.split('_').nth(1).expect("NN_城市_…").to_string();
        let to = dir.join(&city).join(&name);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
            for f in std::fs::read_dir(e.path()).expect("evidence") {
                let f = f.expect("file").path();
                std::fs::copy(&f, to.join(f.file_name().expect("name"))).expect("copy");
            }
        } else {
            std::fs::copy(e.path(), &to).expect("copy");
        }
    }
    (tmp, dir)
}

/// The report of `city` under `dir`.
fn report_of(dir: &Path, city: &str) -> PathBuf {
    walkdir::WalkDir::new(dir.join(city))
        .into_iter()
        .map(|e| e.expect("entry").into_path())
        .find(|p| p.to_string_lossy().ends_with("自评报告.docx"))
        .unwrap_or_else(|| panic!("{city} has a report"))
}

/// `docx` with its first `from` replaced by `to` in the text.
fn edit_report(docx: &Path, from: &str, to: &str) {
    let xml = zip_member(docx, "word/document.xml");
    assert!(xml.contains(from), "{from} is in {}", docx.display());
    replace_zip_member(docx, "word/document.xml", xml.replacen(from, to, 1).as_bytes());
}

/// The SE6xx findings of a run: (code, file, message).
fn submission_findings(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"].as_str().is_some_and(|c| c.starts_with("SE6")))
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("code"), s("file"), s("message"))
        })
        .collect()
}

fn counted(report: &serde_json::Value) -> u64 {
    report["totals"]["cities_counted"].as_u64().expect("cities_counted")
}

#[test]
fn the_samples_sent_one_folder_a_city_pass_clean_and_list_every_file() {
    let (_tmp, dir) = city_folders();
    let (code, report, _) = run_dir(&dir, "clean");
    assert_eq!(code, 0);
    assert_eq!(submission_findings(&report), Vec::<(String, String, String)>::new(), "no false alarm");
    assert_eq!(counted(&report), 15);
    // The reports and evidence are read as what they are: no SE005 for them.
    let skipped: Vec<&str> = report["findings"]
        .as_array()
        .expect("f")
        .iter()
        .filter(|f| f["code"] == "SE005")
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert!(skipped.is_empty(), "{skipped:?}");
    let shantou = &report["cities"][0];
    let parts = shantou["submission"]["parts"].as_array().expect("parts");
    let kinds: Vec<&str> = parts.iter().filter_map(|p| p["kind"].as_str()).collect();
    assert_eq!(kinds, ["report", "evidence"], "{parts:?}");
    assert!(parts.iter().all(|p| p["sha256"].as_str().is_some_and(|h| h.len() == 64) && p["size"].as_u64() > Some(0)));
}

#[test]
fn a_report_that_disagrees_in_its_text_is_a_warning_naming_file_place_and_both_figures() {
    let (_tmp, dir) = city_folders();
    // 汕头市's form says 支出率 4.53%; its report now says 6.53%.
    edit_report(&report_of(&dir, "汕头市"), "支出率为4.53%", "支出率为6.53%");
    // 45.6-style precision: 韶关市's report writes its rate to one place,
    // rounded from the form's own value, and still agrees.
    let sg = report_of(&dir, "韶关市");
    let xml = zip_member(&sg, "word/document.xml");
    let rate = xml.split("支出率为").nth(1).and_then(|t| t.split('%').next()).expect("韶关市 rate").to_string();
    let form = sheet(&file_of(&dir.join("韶关市"), "韶关市"), "资金执行");
    let one_place = format!("{:.1}", at(&form, "B7").as_f64().expect("a rate") * 100.0);
    edit_report(&sg, &format!("支出率为{rate}%"), &format!("支出率为{one_place}%"));
    let (code, report, _) = run_dir(&dir, "text");
    assert_eq!(code, 0, "a warning, not an error");
    assert_eq!(counted(&report), 15, "never a reason to leave a city out");
    let found = submission_findings(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, file, message) = &found[0];
    assert_eq!(code, "SE603");
    assert!(file.ends_with("汕头市_2024年绩效自评表.xlsx"), "{file}");
    for want in ["01_汕头市_2024年绩效自评报告.docx", "第 6 段", "支出率为6.53%", "报告写 6.53%", "按自评表应为 4.53%"]
    {
        assert!(message.contains(want), "{want} not in {message}");
    }
}

#[test]
fn a_derived_figure_is_held_against_the_recomputed_value_not_the_forms_slip() {
    let (_tmp, dir) = city_folders();
    // 汕头市's form now says 支出率 6.53% although its spending over its
    // budget is 4.53% (an error of the form, SE2xx); its report repeats the
    // slip. The report is told the right rate, not the form's wrong one.
    let form = file_of(&dir.join("汕头市"), "汕头市");
    set_num(&form, "资金执行", "B7", 0.0653);
    edit_report(&report_of(&dir, "汕头市"), "支出率为4.53%", "支出率为6.53%");
    // 韶关市's form slips the same way, but its report has the right rate:
    // nothing to say about the report.
    let sg = file_of(&dir.join("韶关市"), "韶关市");
    let right = at(&sheet(&sg, "资金执行"), "B7").as_f64().expect("a rate");
    set_num(&sg, "资金执行", "B7", right + 0.02);
    let (_, report, _) = run_dir(&dir, "derived");
    let found = submission_findings(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, file, message) = &found[0];
    assert_eq!(code, "SE603");
    assert!(file.contains("汕头市"), "{file}");
    assert!(message.contains("报告写 6.53%") && message.contains("按自评表应为 4.53%"), "{message}");
}

#[test]
fn reports_saved_as_pdf_and_doc_by_libreoffice_are_read_and_checked() {
    if !tools_or_skip("reports_saved_as_pdf_and_doc_by_libreoffice_are_read_and_checked", &["soffice"]) {
        return;
    }
    let (_tmp, dir) = city_folders();
    // 河源市 sends a PDF, 梅州市 a .doc, each with one figure wrong.
    for (city, target) in [("河源市", "pdf:writer_pdf_Export"), ("梅州市", "doc:MS Word 97")] {
        let docx = report_of(&dir, city);
        let xml = zip_member(&docx, "word/document.xml");
        let score = xml.split("自评得分").nth(1).and_then(|t| t.split('分').next()).expect("score").to_string();
        edit_report(&docx, &format!("自评得分{score}分"), "自评得分59.50分");
        libreoffice_convert(&docx, target, docx.parent().expect("folder"));
        std::fs::remove_file(&docx).expect("only the converted report is sent");
    }
    let (_, report, _) = run_dir(&dir, "formats");
    let found = submission_findings(&report);
    for (city, ext) in [("河源市", "pdf"), ("梅州市", "doc")] {
        let hit = found.iter().find(|(c, f, m)| c == "SE603" && f.contains(city) && m.contains(&format!(".{ext}")));
        let (_, _, m) = hit.unwrap_or_else(|| panic!("{city} .{ext}: {found:?}"));
        assert!(m.contains("报告写 59.50分"), "{m}");
        if ext == "pdf" {
            assert!(m.contains("第 1 页"), "a PDF finding names the page: {m}");
        }
    }
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn a_figure_in_a_table_of_the_report_is_checked_too() {
    if !tools_or_skip("a_figure_in_a_table_of_the_report_is_checked_too", &["soffice"]) {
        return;
    }
    let (tmp, dir) = city_folders();
    // 惠州市's report gains a table, made in HTML and saved as .docx by
    // LibreOffice: its 实际支出 row says 999.99.
    let html = tmp.path().join("惠州市自评报告.html");
    std::fs::write(
        &html,
        "<html><body><p>资金使用情况表</p><table border=1><tr><td>项目</td><td>金额（万元）</td></tr>\
         <tr><td>实际支出（万元）</td><td>999.99</td></tr></table></body></html>",
    )
    .expect("html");
    let report = report_of(&dir, "惠州市");
    std::fs::remove_file(&report).expect("replaced");
    libreoffice_convert(&html, "docx:MS Word 2007 XML", report.parent().expect("folder"));
    let (_, json, _) = run_dir(&dir, "table");
    let found = submission_findings(&json);
    let hit = found.iter().find(|(c, f, _)| c == "SE603" && f.contains("惠州市")).expect("the table's figure");
    assert!(hit.2.contains("第 1 个表格第 2 行") && hit.2.contains("报告写 999.99万元"), "{}", hit.2);
}

#[test]
fn a_scan_a_damaged_report_and_a_city_without_report_or_evidence_are_each_said() {
    if !tools_or_skip("a_scan_a_damaged_report_and_a_city_without_report_or_evidence_are_each_said", &["soffice"]) {
        return;
    }
    let (tmp, dir) = city_folders();
    // 汕尾市: a stamped scan - a PDF holding only a picture.
    let page = tmp.path().join("扫描件.html");
    std::fs::write(&page, "<html><body><img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==\" width=200 height=200></body></html>").expect("html");
    let report = report_of(&dir, "汕尾市");
    std::fs::remove_file(&report).expect("replaced");
    let pdf = libreoffice_convert(&page, "pdf", report.parent().expect("folder"));
    std::fs::rename(&pdf, report.with_extension("pdf")).expect("named as the report");
    // 江门市: a report cut short in copying.
    let jm = report_of(&dir, "江门市");
    let bytes = std::fs::read(&jm).expect("read");
    std::fs::write(&jm, &bytes[..bytes.len() / 3]).expect("cut");
    // 阳江市: no report and no evidence at all.
    for e in std::fs::read_dir(dir.join("阳江市")).expect("阳江市") {
        let p = e.expect("e").path();
        if !p.to_string_lossy().ends_with(".xlsx") {
            if p.is_dir() {
                std::fs::remove_dir_all(&p).expect("rm");
            } else {
                std::fs::remove_file(&p).expect("rm");
            }
        }
    }
    let (code, report, _) = run_dir(&dir, "parts");
    assert_eq!(code, 0, "all warnings or info");
    assert_eq!(counted(&report), 15);
    let found = submission_findings(&report);
    let has = |code: &str, city: &str| found.iter().any(|(c, f, _)| c == code && f.contains(city));
    assert!(has("SE605", "汕尾市"), "{found:?}");
    assert!(has("SE604", "江门市"), "{found:?}");
    assert!(has("SE601", "阳江市") && has("SE602", "阳江市"), "{found:?}");
    assert_eq!(found.len(), 4, "{found:?}");
    let sev = |code: &str| {
        report["findings"].as_array().expect("f").iter().find(|f| f["code"] == code).map(|f| f["severity"].clone())
    };
    assert_eq!(sev("SE605"), Some(serde_json::json!("info")));
    assert_eq!(sev("SE601"), Some(serde_json::json!("warning")));
}

#[test]
fn a_city_checking_its_form_with_its_report_gets_the_reports_findings_too() {
    let (tmp, dir) = city_folders();
    // The clerk's own desk: the form and a report named without the city.
    let desk = tmp.path().join("自查");
    std::fs::create_dir_all(&desk).expect("mkdir");
    let form = desk.join("绩效自评表.xlsx");
    std::fs::copy(file_of(&dir.join("汕头市"), "汕头市"), &form).expect("form");
    let report = desk.join("2024年自评报告.docx");
    std::fs::copy(report_of(&dir, "汕头市"), &report).expect("report");
    edit_report(&report, "支出率为4.53%", "支出率为6.53%");
    let out = tmp.path().join("结果");
    let o = selfeval(&[
        "check".as_ref(),
        form.as_os_str(),
        report.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--no-pause".as_ref(),
        "-q".as_ref(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json")).expect("json");
    let found = submission_findings(&json);
    assert_eq!(found.len(), 1, "{found:?}: a city's own check says no missing evidence");
    assert_eq!(found[0].0, "SE603");
    assert!(found[0].2.contains("2024年自评报告.docx") && found[0].2.contains("报告写 6.53%"), "{}", found[0].2);
    let parts = rows_of(&out.join("反馈").join("汕头市_校验报告.xlsx"), "报送材料");
    assert!(parts[2].starts_with("1|自评报告|"), "{parts:?}");
}

/// The text of every cell of `sheet`, row by row (cells joined by '|').
fn rows_of(path: &Path, name: &str) -> Vec<String> {
    sheet(path, name).rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect()
}

#[test]
fn appendix_2_and_each_citys_report_list_the_files_it_sent() {
    let (_tmp, dir) = city_folders();
    // 阳江市 sends its form alone.
    for e in std::fs::read_dir(dir.join("阳江市")).expect("阳江市") {
        let p = e.expect("e").path();
        match (p.is_dir(), p.to_string_lossy().ends_with(".xlsx")) {
            (true, _) => std::fs::remove_dir_all(&p).expect("rm"),
            (false, false) => std::fs::remove_file(&p).expect("rm"),
            _ => {}
        }
    }
    let (_, _, out) = run_dir(&dir, "listing");
    // 省级汇总表's 佐证材料清单: the province's documents, then 3-1 … 3-15.
    let rows = rows_of(&out.join("省级汇总表.xlsx"), "佐证材料清单");
    let at = |want: &str| rows.iter().position(|r| r.contains(want)).unwrap_or_else(|| panic!("{want} in {rows:#?}"));
    assert!(rows[at("1-1")].starts_with("1.过程类|1-1|《国务院办公厅"), "{}", rows[at("1-1")]);
    assert!(at("1-27") < at("2-1") && at("2-5") < at("3-1"));
    let shantou = at("3-1|汕头市自评报告及佐证材料");
    assert!(rows[shantou + 1].ends_with("自评报告：汕头市/01_汕头市_2024年绩效自评报告.docx"), "{}", rows[shantou + 1]);
    assert!(rows[shantou + 2].contains("佐证材料：汕头市/01_汕头市_佐证材料/"), "{}", rows[shantou + 2]);
    let yangjiang = at("阳江市自评报告及佐证材料");
    assert!(rows[yangjiang].contains("|3-8|"), "{}", rows[yangjiang]);
    assert!(rows[yangjiang + 1].ends_with("自评报告：未报送") && rows[yangjiang + 2].ends_with("佐证材料：未报送"));
    assert!(rows.last().is_some_and(|r| r.contains("佐证材料：云浮市/")), "{:?}", rows.last());
    // The draft's 附件2 prints the same lines.
    let draft = docx_text(&out.join("自评报告（初稿）.docx"));
    let appendix = draft.split("附件2").nth(1).expect("附件2 in the draft");
    for want in ["佐证材料清单", "1-27", "3-1", "汕头市自评报告及佐证材料", "01_汕头市_2024年绩效自评报告.docx", "3-15"]
    {
        assert!(appendix.contains(want), "{want} not in the draft's 附件2");
    }
    // 汕头市's 校验报告 lists the two files it sent, with size and hash.
    let fb = out.join("反馈").join("汕头市_校验报告.xlsx");
    let conclusion = rows_of(&fb, "校验结论").join("\n");
    assert!(conclusion.contains("报送材料|自评报告 1 个文件，佐证材料 1 个文件"), "{conclusion}");
    let parts = rows_of(&fb, "报送材料");
    let report = &parts[2];
    assert!(report.starts_with("1|自评报告|汕头市/01_汕头市_2024年绩效自评报告.docx|"), "{report}");
    let hash = report.rsplit('|').next().expect("hash");
    assert!(hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{report}");
    assert!(parts[3].starts_with("2|佐证材料|"), "{}", parts[3]);
}

#[test]
fn the_fingerprint_covers_reports_and_evidence_and_verify_names_each_change() {
    let (_tmp, dir) = city_folders();
    let (_, report, out) = run_dir(&dir, "verify");
    let inputs = report["fingerprint"]["inputs"].as_array().expect("fingerprint inputs");
    let files: Vec<&str> = inputs.iter().filter_map(|i| i["file"].as_str()).collect();
    assert_eq!(files.len(), 45, "15 forms, 15 reports, 15 evidence files: {files:?}");
    let book = out.join("省级汇总表.xlsx");
    let verify = |dir: &Path| stdout_of(&["verify".as_ref(), book.as_os_str(), dir.as_os_str()]);
    assert_eq!(verify(&dir).0, 0, "{}", verify(&dir).1);
    // A report changed, an evidence file removed, another file added.
    edit_report(&report_of(&dir, "汕头市"), "支出率为4.53%", "支出率为4.5%");
    let evidence = dir.join("韶关市").join("02_韶关市_佐证材料");
    std::fs::remove_dir_all(&evidence).expect("evidence removed");
    std::fs::create_dir_all(dir.join("河源市").join("佐证材料")).expect("mkdir");
    std::fs::write(dir.join("河源市").join("佐证材料").join("补充照片.jpg"), b"\xFF\xD8\xFF").expect("added");
    let (code, text) = verify(&dir);
    assert_eq!(code, 1, "{text}");
    for want in ["01_汕头市_2024年绩效自评报告.docx 内容与生成汇总表时不同", "02_韶关市_佐证材料", "补充照片.jpg"]
    {
        assert!(text.contains(want), "{want} not named: {text}");
    }
}

/// Hostile reports: a 200 MB PDF, a PDF nested a million deep, a .docx
/// whose document part inflates past the limit, a .doc with garbage where
/// its tables are (a piece table that runs backwards or outside its stream
/// is src/submission/doc.rs's unit test). Each is one city's finding, the
/// run stays under 200 MB, and no input changes.
#[test]
fn hostile_reports_are_each_a_finding_within_bounds_and_left_unchanged() {
    let (_tmp, dir) = city_folders();
    let replace = |city: &str, ext: &str, bytes: &[u8]| {
        let report = report_of(&dir, city);
        std::fs::remove_file(&report).expect("replaced");
        let to = report.with_extension(ext);
        std::fs::write(&to, bytes).expect("write");
        to
    };
    // 200 MB: a sparse file, never read whole.
    let big = replace("汕头市", "pdf", b"%PDF-1.7\n");
    std::fs::OpenOptions::new().write(true).open(&big).expect("open").set_len(200 << 20).expect("grow");
    let deep = [b"%PDF-1.7\n1 0 obj\n".to_vec(), b"[".repeat(1 << 20), b"]".repeat(1 << 20)].concat();
    let nested = replace("韶关市", "pdf", &deep);
    let bomb = {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        z.start_file("word/document.xml", o).expect("start");
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..100 {
            z.write_all(&chunk).expect("write");
        }
        z.finish().expect("zip").into_inner()
    };
    let bomb = replace("河源市", "docx", &bomb);
    let mut doc = std::fs::read(root().join("tests/fixtures/reports/libreoffice.doc")).expect("doc");
    // Garbage over the end of the file, where the table stream lies.
    doc.iter_mut().rev().take(64).for_each(|b| *b = 0xEE);
    let looped = replace("梅州市", "doc", &doc);
    let before: Vec<Vec<u8>> = [&nested, &bomb, &looped].iter().map(|p| std::fs::read(p).expect("read")).collect();
    let big_len = std::fs::metadata(&big).expect("meta").len();

    let out = dir.parent().expect("parent").join("out-hostile");
    let (code, peak_kib, took) =
        run_measured(&["run".as_ref(), dir.as_os_str(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()]);
    eprintln!("hostile reports: {took:?}, {} MB", peak_kib / 1024);
    assert!(code == 0 || code == 1, "exit {code}");
    assert!(peak_kib < 200 * 1024, "{} MB", peak_kib / 1024);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("report")).expect("json");
    assert_eq!(counted(&report), 15);
    let found = submission_findings(&report);
    for city in ["汕头市", "韶关市", "河源市"] {
        assert!(found.iter().any(|(c, f, _)| c == "SE604" && f.contains(city)), "{city}: {found:?}");
    }
    // The .doc with garbage at its end either reads or is damaged: never a hang.
    assert!(!found.iter().any(|(c, f, _)| c == "SE603" && f.contains("梅州市")), "{found:?}");
    let after: Vec<Vec<u8>> = [&nested, &bomb, &looped].iter().map(|p| std::fs::read(p).expect("read")).collect();
    assert!(before == after, "inputs unchanged");
    assert_eq!(std::fs::metadata(&big).expect("meta").len(), big_len);
}
