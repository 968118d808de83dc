//! A 定稿 the province can sign (issue 31), tried on files as a
//! spreadsheet program saves them: a correction that follows through a
//! recalculated 支出率, a record that never says 计入合计 for a city left
//! out, every refused register row named, a results folder of its own for
//! every run, the same results from the same inputs, a fingerprint on
//! every printed page, and `selfeval verify` on a summary re-saved by
//! LibreOffice, edited by hand, or made from files changed since.

mod common;
use common::*;
use std::path::{Path, PathBuf};

const BASIS: &str = "2025-03-20 电话核实，茂名市住建局";

/// The samples, with 茂名 typing 实际支出 in 元 and saving in LibreOffice,
/// which recalculates the form's 支出率 formula to 57815.76%. With
/// `hand_rate`, the clerk also typed that rate over the formula.
fn maoming_in_yuan_saved(hand_rate: bool) -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = sample_copy();
    let mm = file_of(&dir, "茂名市");
    set_num(&mm, "资金执行", "B6", 1_606_700.0);
    if hand_rate {
        set_num(&mm, "资金执行", "B7", 578.1576);
    }
    libreoffice_resave(&mm);
    // As on disk after the save: the rate is 57815.76%, not the 5.78% the
    // form held before.
    let rate = at(&sheet(&mm, "资金执行"), "B7").clone();
    assert_eq!(pct2(&rate), "57815.76%", "LibreOffice recalculated the rate");
    (tmp, dir)
}

fn is(r: &Row, city: &str, code: &str) -> bool {
    r["地市"] == city && r["代码"] == code
}

fn city<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["cities"].as_array().expect("cities").iter().find(|c| c["city"] == name).expect("city")
}

/// `verify SUMMARY DIR [extra…]`: (exit code, stdout).
fn verify(summary: &Path, dir: &Path, extra: &[&std::ffi::OsStr]) -> (i32, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec!["verify".as_ref(), summary.as_os_str(), dir.as_os_str()];
    args.extend_from_slice(extra);
    stdout_of(&args)
}

/// (1) The 茂名 case of the issue: corrected to the computed 160.67 in a
/// recalculated file, every warning verified: 茂名 counted, 3623.35, 定稿,
/// the 支出率 recomputed and noted as following; and verify agrees, also
/// after the summary is re-saved in LibreOffice.
#[test]
fn a_correction_holds_in_a_recalculated_file_and_the_result_is_final() {
    if !tools_or_skip("a_correction_holds_in_a_recalculated_file_and_the_result_is_final", &["soffice"]) {
        return;
    }
    let (tmp, dir) = maoming_in_yuan_saved(false);
    let (code, report, out) = run_decided(&dir, "r1", None);
    assert_eq!(code, 1);
    assert_eq!(city(&report, "茂名市")["in_totals"], false);
    let filled = tmp.path().join("核实与更正.xlsx");
    let answer = |r: &Row| match (r["地市"].as_str(), r["代码"].as_str(), r["状态"].as_str()) {
        ("茂名市", "SE208", _) => Some(("按程序计算值更正", "", BASIS, "李四", "2025-03-20")),
        (_, c, "待处理") if c.starts_with("SE5") => Some(("已核实无误", "", BASIS, "李四", "2025-03-20")),
        _ => None,
    };
    fill(&out.join("核实与更正.xlsx"), &filled, REGISTER_TITLE, answer, &[]);
    let (code, report, out2) = run_decided(&dir, "r2", Some(&filled));
    assert_eq!(code, 0, "{:#?}", report["decisions"]["outcomes"]);
    assert_eq!(city(&report, "茂名市")["in_totals"], true);
    assert_eq!(total(&report, "budget", "exec.spent"), "3623.35");
    assert_eq!(report["decisions"]["state"], "定稿");
    let corrections = report["decisions"]["corrections"].as_array().expect("corrections");
    let rate = corrections.iter().find(|c| c["field"] == "exec.rate").expect("the rate follows");
    assert_eq!((rate["original"].as_str(), rate["value"].as_str()), (Some("57815.76%"), Some("5.78%")));
    assert_eq!(rate["follows"], "exec.spent");
    assert!(corrections.iter().all(|c| c["in_totals"] == true));
    let book = out2.join("省级汇总表.xlsx");
    assert_eq!(num2(at(&sheet(&book, "表2-2 预算执行"), "E4")), "3623.35");
    let record = sheet(&book, "核实与更正记录");
    let statuses: Vec<String> = (4..8).map(|r| at(&record, &format!("I{r}")).to_string()).collect();
    assert!(statuses.contains(&"已更正，计入合计".to_string()), "{statuses:?}");

    // verify: the summary is what the materials and register give, also
    // once LibreOffice has opened and saved it (other bytes, same figures).
    let with_register: [&std::ffi::OsStr; 2] = ["--decisions".as_ref(), filled.as_os_str()];
    let (code, text) = verify(&book, &dir, &with_register);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("核验通过"), "{text}");
    let resaved = tmp.path().join("re/省级汇总表.xlsx");
    std::fs::create_dir_all(resaved.parent().expect("dir")).expect("mkdir");
    std::fs::copy(&book, &resaved).expect("copy");
    libreoffice_resave(&resaved);
    assert_ne!(std::fs::read(&resaved).expect("read"), std::fs::read(&book).expect("read"));
    let (code, text) = verify(&resaved, &dir, &with_register);
    assert_eq!(code, 0, "{text}");
    // Without the register the applied decisions differ: said, exit 1.
    let (code, text) = verify(&book, &dir, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("已执行的核实与更正与生成汇总表时不同"), "{text}");
}

/// (2) The same, but the clerk typed the rate over the formula: it is not
/// silently replaced; 茂名 stays out with SE204/SE302 on B7, and nothing
/// says 计入合计 for it. Correcting that rate too (a row the next register
/// has) counts it.
#[test]
fn a_hand_typed_rate_stays_a_finding_and_the_record_never_overstates() {
    if !tools_or_skip("a_hand_typed_rate_stays_a_finding_and_the_record_never_overstates", &["soffice"]) {
        return;
    }
    let (tmp, dir) = maoming_in_yuan_saved(true);
    let (_, _, out) = run_decided(&dir, "r1", None);
    let filled = tmp.path().join("登记表1.xlsx");
    let answer = |r: &Row| is(r, "茂名市", "SE208").then_some(("按程序计算值更正", "", BASIS, "李四", "2025-03-20"));
    fill(&out.join("核实与更正.xlsx"), &filled, REGISTER_TITLE, answer, &[]);
    let (code, report, out2) = run_decided(&dir, "r2", Some(&filled));
    assert_eq!(code, 1);
    let mm = city(&report, "茂名市");
    assert_eq!(mm["in_totals"], false);
    assert!(!mm["reason"].as_str().expect("reason").contains("计入合计"), "{mm}");
    let at_b7: Vec<(String, String)> =
        codes_at(&report).into_iter().filter(|(_, place)| place == "资金执行!B7").collect();
    assert!(at_b7.iter().any(|(c, _)| c == "SE302") && at_b7.iter().any(|(c, _)| c == "SE204"), "{at_b7:?}");
    assert_eq!(total(&report, "budget", "exec.spent"), "3462.68");
    let c = &report["decisions"]["corrections"][0];
    assert_eq!((c["field"].as_str(), c["in_totals"].as_bool()), (Some("exec.spent"), Some(false)));
    assert!(c["left_out"].as_str().expect("why").contains("资金执行!B7"), "{c}");
    assert!(report["decisions"]["corrections"].as_array().expect("list").iter().all(|c| c["field"] != "exec.rate"));
    // The summary's record, the register's 状态 and the console say why.
    let book = out2.join("省级汇总表.xlsx");
    let record = at(&sheet(&book, "核实与更正记录"), "I4").to_string();
    assert!(record.starts_with("已更正，但本市仍未计入合计：") && record.contains("资金执行!B7"), "{record}");
    let rows = register_rows(&out2.join("核实与更正.xlsx"));
    let row = rows.iter().find(|r| is(r, "茂名市", "SE208")).expect("the decided row");
    assert!(row["状态"].contains("仍未计入合计"), "{row:?}");
    assert!(rows.iter().any(|r| is(r, "茂名市", "SE302") && r["状态"] == "待处理"), "the rate is asked about");
    let console = run_console(&dir, "r2-console", &filled);
    assert!(console.contains("已更正，但本市仍未计入合计"), "{console}");
    assert!(!console.contains("计入合计（含"), "{console}");
    // 茂名's own report says the same: corrected, still not counted.
    let fb = sheet(&out2.join("反馈/茂名市_校验报告.xlsx"), "省级核实与更正");
    let said = at(&fb, "A2").to_string();
    assert!(
        said.starts_with("省级已按下表更正，但本市仍未计入全省汇总") && !said.contains("已计入全省汇总；"),
        "{said}"
    );
    // The note on the corrected figure sits on a cell a reader sees: the
    // first cell of 茂名's merged 待修正 range.
    note_is_visible(&book, "表2-2 预算执行", "原填 1606700");

    // The next register has the rate's row: corrected too, 茂名 counts.
    let filled2 = tmp.path().join("登记表2.xlsx");
    let answer2 = |r: &Row| {
        (is(r, "茂名市", "SE208") || is(r, "茂名市", "SE302")).then_some((
            "按程序计算值更正",
            "",
            BASIS,
            "李四",
            "2025-03-20",
        ))
    };
    fill(&out2.join("核实与更正.xlsx"), &filled2, REGISTER_TITLE, answer2, &[]);
    let (code, report, _) = run_decided(&dir, "r3", Some(&filled2));
    assert_eq!(code, 0, "{:#?}", report["decisions"]["outcomes"]);
    assert_eq!(city(&report, "茂名市")["in_totals"], true);
    assert_eq!(total(&report, "budget", "exec.spent"), "3623.35");
}

/// `run DIR --out OUT --decisions REG --no-previous`, its console text.
fn run_console(dir: &Path, sub: &str, register: &Path) -> String {
    let out = dir.parent().expect("parent").join(sub);
    let (_, text) = stdout_of(&[
        "run".as_ref(),
        dir.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--no-previous".as_ref(),
        "--decisions".as_ref(),
        register.as_os_str(),
    ]);
    text
}

/// The note holding `text` on sheet `name` sits on a cell no merge hides.
fn note_is_visible(book: &Path, name: &str, text: &str) {
    let workbook = zip_member(book, "xl/workbook.xml");
    let index = workbook.split("<sheet ").skip(1).position(|s| s.contains(&format!("name=\"{name}\""))).expect("sheet");
    let xml = zip_member(book, &format!("xl/worksheets/sheet{}.xml", index + 1));
    let rels = zip_member(book, &format!("xl/worksheets/_rels/sheet{}.xml.rels", index + 1));
    let comments = rels.split("Target=\"").skip(1).filter_map(|t| t.split('"').next()).find(|t| t.contains("comments"));
    let comments = comments.expect("the sheet has notes").replace("../", "xl/");
    let notes = zip_member(book, &comments);
    let note = notes.split("<comment ").skip(1).find(|c| c.contains(text)).expect("the note");
    let cell = note.split("ref=\"").nth(1).and_then(|r| r.split('"').next()).expect("ref");
    let at = selfeval::cellref::CellRef::parse(cell).expect("a cell");
    for m in xml.split("<mergeCell ref=\"").skip(1).filter_map(|m| m.split('"').next()) {
        let range = selfeval::cellref::CellRange::parse(m).expect("range");
        assert!(!range.contains(at) || range.first == at, "note on {cell}, hidden under merged {m}");
    }
}

/// (3) Every register row not applied is named, by row and reason, in the
/// console and in report.json's outcomes, whatever the reason.
#[test]
fn every_row_not_applied_is_named_in_console_and_report() {
    let (tmp, dir) = sample_copy();
    let (_, _, out) = run_decided(&dir, "r1", None);
    let rows = register_rows(&out.join("核实与更正.xlsx"));
    let base = rows.iter().find(|r| is(r, "阳江市", "SE501")).expect("阳江 SE501").clone();
    let with = |k: &str, v: &str| {
        let mut r = base.clone();
        r.insert(k.to_string(), v.to_string());
        r
    };
    let extra = vec![with("代码", "SE999"), with("栏目编号", "exec.nothing")];
    let answer = |r: &Row| match (r["代码"].as_str(), r["栏目编号"].as_str(), r["地市"].as_str()) {
        ("SE999", ..) | (_, "exec.nothing", _) => Some(("已核实无误", "", BASIS, "李四", "2025-03-20")),
        ("SE501", _, "阳江市") => Some(("更正为", "abc", BASIS, "李四", "2025-03-20")),
        _ => None,
    };
    let filled = tmp.path().join("核实与更正.xlsx");
    fill(&out.join("核实与更正.xlsx"), &filled, REGISTER_TITLE, answer, &extra);
    let (_, report, _) = run_decided(&dir, "r2", Some(&filled));
    let outcomes = report["decisions"]["outcomes"].as_array().expect("outcomes");
    let refused: Vec<u64> =
        outcomes.iter().filter(|o| o["status"]["kind"] == "refused").map(|o| o["row"].as_u64().expect("row")).collect();
    assert_eq!(refused.len(), 3, "abc, SE999 and exec.nothing: {outcomes:#?}");
    assert!(outcomes.iter().all(|o| o["status"]["kind"] != "refused" || o["status"]["detail"].as_str().is_some()));
    let console = run_console(&dir, "r2-console", &filled);
    for row in &refused {
        let line = console.lines().find(|l| l.contains(&format!("第 {row} 行"))).unwrap_or_else(|| panic!("{console}"));
        assert!(line.contains("未采用："), "{line}");
    }
    assert!(console.contains("“abc”不是数字"), "{console}");
}

/// (4) A folder dropped three times at once: three results folders, each
/// complete, none written into another's.
#[test]
fn runs_started_together_get_their_own_folders() {
    let (tmp, dir) = sample_copy();
    let children: Vec<std::process::Child> = (0..3)
        .map(|_| {
            std::process::Command::new(bin())
                .args(["run".as_ref(), dir.as_os_str(), "--quiet".as_ref(), "--no-pause".as_ref()])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().expect("wait");
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let folders: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .expect("list")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("材料_校验结果_")))
        .collect();
    assert_eq!(folders.len(), 3, "{folders:?}");
    for f in &folders {
        for name in ["report.json", "省级汇总表.xlsx", "核实与更正.xlsx"] {
            assert!(f.join(name).is_file(), "{} has no {name}", f.display());
        }
    }
}

/// Every cell of every sheet, as text.
fn cells(book: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(book).expect("open");
    wb.sheet_names()
        .into_iter()
        .map(|n| {
            let r = wb.worksheet_range(&n).expect("sheet");
            (n, r.rows().map(|row| row.iter().map(|c| c.to_string()).collect()).collect())
        })
        .collect()
}

/// report.json without its run-time field.
fn timeless(mut report: serde_json::Value) -> serde_json::Value {
    report["generated_at"] = serde_json::Value::Null;
    report
}

/// (5, 6) The same folder copied in another order and run on one thread
/// and on several: the same report.json (time aside), the same summary
/// and the same fingerprint, printed on every page of the summary and the
/// draft. One changed figure changes the fingerprint.
#[test]
fn same_inputs_give_the_same_result_and_fingerprint() {
    let tmp = tempfile::tempdir().expect("tmp");
    let names: Vec<PathBuf> = sample_forms();
    let mut runs = Vec::new();
    for (k, threads) in [(0, "1"), (1, "2")] {
        let dir = tmp.path().join(format!("材料{k}")).join("材料");
        std::fs::create_dir_all(&dir).expect("mkdir");
        let order: Vec<&PathBuf> = if k == 0 { names.iter().collect() } else { names.iter().rev().collect() };
        for p in order {
            std::fs::copy(p, dir.join(p.file_name().expect("name"))).expect("copy");
        }
        let out = dir.parent().expect("parent").join("结果");
        let o = std::process::Command::new(bin())
            .args(["run".as_ref(), dir.as_os_str(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(0));
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("json")).expect("json");
        runs.push((dir, out, report));
    }
    let (a, b) = (&runs[0], &runs[1]);
    similar_asserts::assert_eq!(timeless(a.2.clone()), timeless(b.2.clone()));
    assert_eq!(cells(&a.1.join("省级汇总表.xlsx")), cells(&b.1.join("省级汇总表.xlsx")));
    let digest = a.2["fingerprint"]["sha256"].as_str().expect("digest").to_string();
    assert_eq!(digest.len(), 64);
    let short = &digest[..12];
    // Every sheet's printed footer, and the draft's header.
    let book = a.1.join("省级汇总表.xlsx");
    let workbook = zip_member(&book, "xl/workbook.xml");
    let sheets = workbook.matches("<sheet ").count();
    assert!(sheets >= 8, "{sheets} sheets");
    for i in 1..=sheets {
        let xml = zip_member(&book, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(xml.contains(&format!("指纹：{short}")), "sheet {i} prints no fingerprint");
        assert!(xml.contains("制表日期：") && !xml.contains("&amp;D"), "sheet {i}: the run's date, not &D");
    }
    let draft = a.1.join("自评报告（初稿）.docx");
    let zip = zip::ZipArchive::new(std::fs::File::open(&draft).expect("draft")).expect("zip");
    let headers: Vec<String> = zip.file_names().filter(|n| n.starts_with("word/header")).map(String::from).collect();
    assert!(
        headers.iter().any(|h| zip_member(&draft, h).contains(&format!("指纹：{short}"))),
        "the draft prints the fingerprint: {headers:?}"
    );

    // One figure changed: another fingerprint, naming that file's digest.
    set_num(&file_of(&b.0, "汕头市"), "资金执行", "B6", 152.94);
    let out = b.0.parent().expect("parent").join("结果2");
    let o = selfeval(&["run".as_ref(), b.0.as_os_str(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()]);
    assert!(o.status.code().is_some());
    let changed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("json")).expect("json");
    assert_ne!(changed["fingerprint"]["sha256"], a.2["fingerprint"]["sha256"]);
}

/// (7) verify on a fresh summary (0), after a hand edit (1, naming the
/// cell and both values), after a city's file changed (1, naming the
/// city), and when it cannot run (2).
#[test]
fn verify_names_a_hand_edit_and_a_changed_file() {
    let (tmp, dir) = sample_copy();
    let (_, _, out) = run_dir(&dir, "verify");
    let book = out.join("省级汇总表.xlsx");
    let (code, text) = verify(&book, &dir, &[]);
    assert_eq!(code, 0, "{text}");

    // 汕头's 到位资金 typed over in the summary after the run.
    let edited = tmp.path().join("改过的汇总表.xlsx");
    std::fs::copy(&book, &edited).expect("copy");
    let xml = zip_member(&edited, "xl/worksheets/sheet2.xml");
    let cell = xml.split("<c r=\"D5\"").nth(1).and_then(|c| c.split("</c>").next()).expect("D5");
    assert!(cell.contains("<v>3378</v>"), "{cell}");
    let new_xml = xml.replacen(
        &format!("<c r=\"D5\"{cell}</c>"),
        &format!("<c r=\"D5\"{}</c>", cell.replace("<v>3378</v>", "<v>3400</v>")),
        1,
    );
    replace_zip_member(&edited, "xl/worksheets/sheet2.xml", new_xml.as_bytes());
    let (code, text) = verify(&edited, &dir, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("表2-2 预算执行!D5：汇总表中为“3400”，按材料应为“3378”"), "{text}");
    assert_eq!(text.matches("：汇总表中为").count(), 1, "only the edited cell: {text}");

    // 汕头 changed its file after the run.
    set_num(&file_of(&dir, "汕头市"), "资金执行", "B5", 3300.0);
    let (code, text) = verify(&book, &dir, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("汕头市的文件 01_汕头市_2024年绩效自评表.xlsx 内容与生成汇总表时不同"), "{text}");

    // Cannot run: no such summary, or not a workbook.
    let (code, _) = verify(&tmp.path().join("没有.xlsx"), &dir, &[]);
    assert_eq!(code, 2);
    let junk = tmp.path().join("junk.xlsx");
    std::fs::write(&junk, b"not a workbook").expect("write");
    let o = selfeval(&["verify".as_ref(), junk.as_os_str(), dir.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("无法读取要核验的汇总表"), "{o:?}");
}

/// `verify` re-runs exactly what `run` did: a form saved as .xls by
/// LibreOffice (its formulas without cached results, so findings on cells,
/// and no annotated copy: SE006 from the feedback stage) verifies clean.
#[test]
fn verify_agrees_on_a_batch_with_an_xls_form() {
    if !tools_or_skip("verify_agrees_on_a_batch_with_an_xls_form", &["soffice"]) {
        return;
    }
    let (_tmp, dir) = sample_copy();
    let form = file_of(&dir, "河源市");
    libreoffice_convert(&form, "xls", &dir);
    std::fs::remove_file(&form).expect("rm");
    let (_, report, out) = run_dir(&dir, "xls");
    let codes = report["findings"].to_string();
    assert!(codes.contains("SE006") && codes.contains("SE210"), "{codes}");
    let (code, text) = verify(&out.join("省级汇总表.xlsx"), &dir, &[]);
    assert_eq!(code, 0, "{text}");
}
