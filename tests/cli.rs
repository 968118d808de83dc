//! The binary as a clerk meets it: commands, exit codes, outputs.

mod common;
use common::*;
use std::ffi::OsStr;

fn s(x: &str) -> &OsStr {
    OsStr::new(x)
}

#[test]
fn bare_folder_argument_runs_and_writes_beside_it() {
    let (tmp, dir) = sample_copy();
    let o = selfeval(&[dir.as_os_str(), s("--quiet")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let outs: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("dir")
        .map(|e| e.expect("e").file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("材料_校验结果_"))
        .collect();
    assert_eq!(outs.len(), 1, "{outs:?}");
    let out = tmp.path().join(&outs[0]);
    assert!(out.join("省级汇总表.xlsx").is_file());
    assert!(out.join("report.json").is_file());
    // A second run never reuses the folder.
    let o = selfeval(&[dir.as_os_str(), s("--quiet")]);
    assert_eq!(o.status.code(), Some(0));
    let n = std::fs::read_dir(tmp.path())
        .expect("dir")
        .filter(|e| e.as_ref().map(|e| e.file_name().to_string_lossy().starts_with("材料_校验结果_")).unwrap_or(false));
    assert_eq!(n.count(), 2);
}

#[test]
fn terminal_summary_is_chinese_and_names_the_outputs() {
    let (tmp, dir) = sample_copy();
    let out = tmp.path().join("结果");
    let o = selfeval(&[s("run"), dir.as_os_str(), s("--out"), out.as_os_str()]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("读取工作簿 15 个"), "{text}");
    assert!(text.contains("地市：已汇总 15/15 个"), "{text}");
    // The warnings are those the report's own figures justify (SE5xx).
    let warnings = clean_warnings().len();
    assert!(text.contains(&format!("错误 0 个，警告 {warnings} 个，提示 0 个")), "{text}");
    assert!(text.contains("省级汇总表.xlsx") && text.contains("report.json"), "{text}");
    assert!(text.contains("汕头市"), "{text}");
}

#[test]
fn an_existing_output_folder_is_never_overwritten() {
    let (tmp, dir) = sample_copy();
    let out = tmp.path().join("上次结果");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("report.json"), b"earlier").expect("w");
    let o = selfeval(&[s("run"), dir.as_os_str(), s("--out"), out.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("已存在且不为空"));
    assert_eq!(std::fs::read(out.join("report.json")).expect("r"), b"earlier");
}

#[test]
fn a_missing_input_is_exit_2_with_a_chinese_message() {
    let o = selfeval(&[s("run"), s("/no/such/folder"), s("--out"), s("/tmp/never")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("找不到"));
}

#[test]
fn error_findings_exit_1_and_reach_report_json() {
    let (_tmp, dir) = sample_copy();
    set_num(&file_of(&dir, "潮州市"), "资金执行", "B7", 0.1682);
    let (code, report, out) = run_dir(&dir, "err");
    assert_eq!(code, 1);
    let f = &report["findings"][0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["code"], "SE302");
    assert_eq!(f["city"], "潮州市");
    assert_eq!(f["sheet"], "资金执行");
    assert_eq!(f["cell"], "B7");
    assert_eq!(f["expected"], "15.82%");
    assert_eq!(f["found"], "16.82%");
    assert!(f["file"].as_str().expect("file").contains("潮州市"));
    assert!(f["message"].as_str().expect("msg").contains("支出率应为"));
    // The summary's 问题清单 lists it too.
    let s = sheet(&out.join("省级汇总表.xlsx"), "问题清单");
    assert_eq!(at(&s, "C4").to_string(), "SE302");
    assert_eq!(at(&s, "G4").to_string(), "B7");
}

#[test]
fn inputs_are_left_byte_identical() {
    let (_tmp, dir) = sample_copy();
    let before: Vec<Vec<u8>> =
        std::fs::read_dir(&dir).expect("d").map(|e| std::fs::read(e.expect("e").path()).expect("r")).collect();
    let (code, _, _) = run_dir(&dir, "ro");
    assert_eq!(code, 0);
    let after: Vec<Vec<u8>> =
        std::fs::read_dir(&dir).expect("d").map(|e| std::fs::read(e.expect("e").path()).expect("r")).collect();
    assert_eq!(before, after);
}

#[test]
fn check_validates_without_a_summary() {
    let (tmp, dir) = sample_copy();
    let out = tmp.path().join("自查");
    let file = file_of(&dir, "汕头市");
    let o = selfeval(&[s("check"), file.as_os_str(), s("--out"), out.as_os_str(), s("-q")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("report.json").is_file());
    assert!(!out.join("省级汇总表.xlsx").exists());
}

#[test]
fn codes_doc_matches_the_catalog() {
    let o = selfeval(&[s("codes"), s("--markdown")]);
    let table = String::from_utf8_lossy(&o.stdout).to_string();
    // The table itself: a header, its rule, and one row a code, each
    // with its severity and fix (an empty print would be "contained").
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| SE")).collect();
    assert_eq!(rows.len(), selfeval::findings::Code::ALL.len(), "{table}");
    assert!(table.lines().take(2).all(|l| l.starts_with('|')), "{table}");
    for (row, code) in rows.iter().zip(selfeval::findings::Code::ALL) {
        assert!(row.starts_with(&format!("| {} |", code.id())), "{row}");
        assert!(row.split('|').filter(|c| !c.trim().is_empty()).count() >= 4, "{row}");
    }
    let doc = std::fs::read_to_string(root().join("docs/codes.md")).expect("docs/codes.md");
    assert!(doc.contains(&table), "docs/codes.md is stale: run `selfeval codes --markdown` and paste it");
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    assert!(readme.contains(&table), "README codes table is stale");
}

#[test]
fn template_writes_a_blank_form_that_validates_once_filled() {
    let tmp = tempfile::tempdir().expect("tmp");
    let blank = tmp.path().join("空白.xlsx");
    let o = selfeval(&[s("template"), s("--out"), blank.as_os_str(), s("--city"), s("汕头市")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    // Blank: it is the form (no structure errors) but required cells are empty.
    let out = tmp.path().join("r1");
    let o = selfeval(&[s("check"), blank.as_os_str(), s("--out"), out.as_os_str(), s("-q")]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("r")).expect("j");
    let codes: Vec<&str> =
        report["findings"].as_array().expect("a").iter().filter_map(|f| f["code"].as_str()).collect();
    assert!(codes.iter().all(|c| *c == "SE201"), "{codes:?}");
    assert!(!codes.is_empty());
    // Refuses to overwrite.
    let o = selfeval(&[s("template"), s("--out"), blank.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_is_in_chinese() {
    let o = selfeval(&[s("--help")]);
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(t.contains("绩效自评表校验与汇总工具") && t.contains("示例"), "{t}");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn templates_and_params_can_be_replaced_and_the_run_says_which() {
    let (tmp, dir) = sample_copy();
    // Next year's templates: a copy of 2024's with the province's budget
    // for 汕头市 changed in the params workbook, as a clerk would in Excel.
    let tdir = tmp.path().join("templates2025");
    std::fs::create_dir(&tdir).expect("mkdir");
    for e in std::fs::read_dir(root().join("templates/old-communities/2024")).expect("templates") {
        let p = e.expect("e").path();
        std::fs::copy(&p, tdir.join(p.file_name().expect("n"))).expect("copy");
    }
    let params = tdir.join("省级参数表.xlsx");
    edit(&params, |b| {
        let ws = b.sheet_by_name_mut("地市下达").expect("sheet");
        ws.cell_mut("C2").set_value_number(3300.0);
        ws.cell_mut("C3").set_value_number(1521.0); // keep the total at 18860
    });
    let out = tmp.path().join("o");
    let o = selfeval(&[
        s("run"),
        dir.as_os_str(),
        s("--out"),
        out.as_os_str(),
        s("--templates"),
        tdir.as_os_str(),
        s("--params"),
        params.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("模板文件夹") && text.contains("templates2025"), "{text}");
    assert!(text.contains("省级参数表.xlsx"), "{text}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("r")).expect("j");
    let budget_errors: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("f")
        .iter()
        .filter(|f| f["code"] == "SE401")
        .map(|f| (f["city"].as_str().unwrap_or("").to_string(), f["expected"].as_str().unwrap_or("").to_string()))
        .collect();
    assert!(budget_errors.contains(&("汕头市".into(), "3300".into())), "{budget_errors:?}");
    assert!(budget_errors.contains(&("韶关市".into(), "1521".into())), "{budget_errors:?}");

    // A params workbook whose budgets do not add up is refused, clearly.
    edit(&params, |b| {
        b.sheet_by_name_mut("地市下达").expect("sheet").cell_mut("C2").set_value_number(1.0);
    });
    let o = selfeval(&[
        s("run"),
        dir.as_os_str(),
        s("--out"),
        tmp.path().join("o2").as_os_str(),
        s("--params"),
        params.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("省级参数表") && err.contains("资金总额") && err.contains("18860 不符"), "{err}");
}

#[test]
fn a_missing_outside_tool_skips_a_test_unless_ci_requires_it() {
    // Only this test reads or sets the variable in this binary (.ci/run
    // sets it for the whole suite: put back as found).
    let was = std::env::var_os("SELFEVAL_REQUIRE_TOOLS");
    std::env::remove_var("SELFEVAL_REQUIRE_TOOLS");
    assert!(!tools_or_skip("t", &["selfeval-no-such-tool"]), "missing: skipped");
    assert!(tools_or_skip("t", &["sh"]), "present: runs");
    std::env::set_var("SELFEVAL_REQUIRE_TOOLS", "1");
    let required = std::panic::catch_unwind(|| tools_or_skip("t", &["selfeval-no-such-tool"]));
    match was {
        Some(v) => std::env::set_var("SELFEVAL_REQUIRE_TOOLS", v),
        None => std::env::remove_var("SELFEVAL_REQUIRE_TOOLS"),
    }
    assert!(required.is_err(), "with SELFEVAL_REQUIRE_TOOLS a missing tool fails the test");
}
