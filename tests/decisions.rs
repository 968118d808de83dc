//! 核实与更正 (issue 21): the province closes findings by decision, the
//! real binary reading registers a clerk filled in, across rounds, to 定稿.

mod common;
use common::*;
use std::path::PathBuf;

const TITLE: &str = REGISTER_TITLE;
const BASIS: &str = "2025-03-20 电话核实，市住建局";

fn verify_all(r: &Row) -> Answer {
    (r["状态"] == "待处理").then_some(("已核实无误", "", BASIS, "张三", "2025-03-20"))
}

fn warnings(report: &serde_json::Value) -> usize {
    report["findings"].as_array().expect("findings").iter().filter(|f| f["severity"] == "warning").count()
}

fn city<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["cities"].as_array().expect("cities").iter().find(|c| c["city"] == name).expect("city")
}

fn statuses(report: &serde_json::Value) -> Vec<String> {
    report["decisions"]["outcomes"]
        .as_array()
        .expect("outcomes")
        .iter()
        .map(|o| o["status"]["kind"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// (a) One register row per warning; all confirmed: 0 open, 11 已核实, the
/// draft says 经核实 and no longer 需核实, the summary is 定稿.
#[test]
fn confirmed_warnings_close_and_the_summary_becomes_final() {
    let (tmp, dir) = sample_copy();
    let (code, report, out) = run_decided(&dir, "r1", None);
    assert_eq!(code, 0);
    let rows = register_rows(&out.join("核实与更正.xlsx"));
    let mut got: Vec<(String, String)> = rows.iter().map(|r| (r["代码"].clone(), r["地市"].clone())).collect();
    let mut want = clean_warnings();
    got.sort();
    want.sort();
    assert_eq!(got, want, "one register row per warning");
    assert!(rows.iter().all(|r| r["状态"] == "待处理"));
    assert_eq!(report["decisions"]["state"], "草稿（尚有 11 个问题未处理）");
    assert!(zip_member(&out.join("自评报告（初稿）.docx"), "word/document.xml").contains("需核实"));

    let filled = tmp.path().join("核实与更正.xlsx");
    fill(&out.join("核实与更正.xlsx"), &filled, TITLE, verify_all, &[]);
    let (code, report, out2) = run_decided(&dir, "r2", Some(&filled));
    assert_eq!(code, 0);
    assert_eq!(warnings(&report), 0);
    assert_eq!(report["decisions"]["applied"], 11);
    let closed = report["decisions"]["closed"].as_array().expect("closed");
    assert_eq!(closed.iter().filter(|c| c["closure"] == "verified").count(), 11);
    assert_eq!(report["decisions"]["state"], "定稿");
    let doc = zip_member(&out2.join("自评报告（初稿）.docx"), "word/document.xml");
    assert!(!doc.contains("需核实"), "the draft still asks to verify");
    assert!(doc.contains("经核实") && doc.contains(BASIS) && doc.contains("定稿"));
    let book = out2.join("省级汇总表.xlsx");
    assert!(at(&sheet(&book, "报送情况"), "A2").to_string().starts_with("定稿"));
    let sheet1 = zip_member(&book, "xl/worksheets/sheet1.xml");
    let header = sheet1.split("<oddHeader>").nth(1).and_then(|h| h.split("</oddHeader>").next()).expect("header");
    assert!(header.contains("定稿") && !header.contains("草稿"), "page header says 定稿: {header}");
    let record = sheet(&book, "核实与更正记录");
    assert_eq!(at(&record, "I4").to_string(), "已核实无误");
    assert_eq!(at(&record, "F4").to_string(), BASIS);
    // 阳江's feedback tells it what was confirmed.
    let fb = std::fs::read_dir(out2.join("反馈"))
        .expect("feedback")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().contains("阳江市_校验报告"))
        .expect("阳江 report");
    assert_eq!(at(&sheet(&fb, "省级核实与更正"), "A4").to_string(), "已核实无误");
    // The register of this run carries the decisions, marked 已采用.
    let again = register_rows(&out2.join("核实与更正.xlsx"));
    assert_eq!(again.len(), 11);
    assert!(again.iter().all(|r| r["状态"] == "已采用（已核实）" && r["处理"] == "已核实无误"), "{again:?}");
}

/// (a) The same register re-saved by LibreOffice (as .ods) reads the same.
#[test]
fn a_register_resaved_by_libreoffice_reads_the_same() {
    if !tools_or_skip("a_register_resaved_by_libreoffice_reads_the_same", &["soffice"]) {
        return;
    }
    let (tmp, dir) = sample_copy();
    let (_, _, out) = run_decided(&dir, "r1", None);
    let filled = tmp.path().join("填好.xlsx");
    fill(&out.join("核实与更正.xlsx"), &filled, TITLE, verify_all, &[]);
    let ods = libreoffice_convert(&filled, "ods", tmp.path());
    let (code, report, _) = run_decided(&dir, "r2", Some(&ods));
    assert_eq!(code, 0);
    assert_eq!(warnings(&report), 0);
    assert_eq!(report["decisions"]["state"], "定稿");
}

/// 茂名 typed 实际支出 in 元: a batch where it stands out of the totals.
fn maoming_in_yuan() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (tmp, dir) = sample_copy();
    let mm = file_of(&dir, "茂名市");
    set_num(&mm, "资金执行", "B6", 1_606_700.0);
    (tmp, dir, mm)
}

fn yuan_row(r: &Row) -> bool {
    r["地市"] == "茂名市" && r["代码"] == "SE208"
}

/// (b) 茂名 in 元 and the province's correction to the computed 160.67:
/// counted, 表2-2 合计 = 3623.35, the cell noted, the feedback says so.
#[test]
fn a_correction_puts_the_city_back_into_the_totals() {
    let (tmp, dir, _) = maoming_in_yuan();
    let (code, report, out) = run_decided(&dir, "r1", None);
    assert_eq!(code, 1);
    assert_eq!(city(&report, "茂名市")["in_totals"], false);
    let rows = register_rows(&out.join("核实与更正.xlsx"));
    let row = rows.iter().find(|r| yuan_row(r)).expect("SE208 row");
    assert_eq!(row["栏目编号"], "exec.spent");
    assert_eq!(row["填报值"], "1606700");
    assert_eq!(row["程序计算值"], "160.67");

    let filled = tmp.path().join("核实与更正.xlsx");
    let answer = |r: &Row| {
        yuan_row(r).then_some(("按程序计算值更正", "", "2025-03-20 电话核实，茂名市住建局", "李四", "2025-03-20"))
    };
    fill(&out.join("核实与更正.xlsx"), &filled, TITLE, answer, &[]);
    let (code, report, out2) = run_decided(&dir, "r2", Some(&filled));
    assert_eq!(code, 0, "{:#?}", report["decisions"]);
    let mm = city(&report, "茂名市");
    assert_eq!(mm["in_totals"], true);
    assert!(mm["reason"].as_str().expect("reason").contains("计入合计（含省级更正 1 处）"), "{mm}");
    assert_eq!(total(&report, "budget", "exec.spent"), "3623.35");
    let c = &report["decisions"]["corrections"][0];
    assert_eq!(
        (c["field"].as_str(), c["original"].as_str(), c["value"].as_str()),
        (Some("exec.spent"), Some("1606700"), Some("160.67"))
    );
    let book = out2.join("省级汇总表.xlsx");
    let b22 = sheet(&book, "表2-2 预算执行");
    assert_eq!(num2(at(&b22, "E4")), "3623.35");
    assert_eq!(at(&b22, "A4").to_string(), "合计");
    let notes = zip_member(&book, "xl/comments1.xml");
    assert!(notes.contains("原填 1606700，省级更正为 160.67，依据：2025-03-20 电话核实，茂名市住建局"), "{notes}");
    let record = sheet(&book, "核实与更正记录");
    assert_eq!(at(&record, "B4").to_string(), "茂名市");
    assert_eq!(at(&record, "E4").to_string(), "160.67");
    let fb = std::fs::read_dir(out2.join("反馈"))
        .expect("feedback")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().contains("茂名市_校验报告"))
        .expect("茂名 report");
    let s = sheet(&fb, "省级核实与更正");
    assert_eq!((at(&s, "D4").to_string(), at(&s, "E4").to_string()), ("1606700".into(), "160.67".into()));
    assert!(at(&sheet(&fb, "校验结论"), "B14").to_string().contains("请在本市文件中作相同修改"));

    // (d) The next round: 茂名 fixed its own file. The decision says so.
    set_num(&file_of(&dir, "茂名市"), "资金执行", "B6", 160.67);
    let (code, report, out3) = run_decided(&dir, "r3", Some(&out2.join("核实与更正.xlsx")));
    assert_eq!(code, 0);
    assert_eq!(statuses(&report), vec!["city_fixed"]);
    let rows = register_rows(&out3.join("核实与更正.xlsx"));
    assert!(rows.iter().any(|r| yuan_row(r) && r["状态"] == "地市已改正"), "{rows:?}");
    assert!(report["decisions"]["corrections"].as_array().expect("corrections").is_empty());
}

/// (c) A correction after which the figure is still wrong is refused: 茂名
/// stays out, and the register says why.
#[test]
fn a_correction_that_leaves_an_error_is_refused() {
    let (tmp, dir, _) = maoming_in_yuan();
    let (_, _, out) = run_decided(&dir, "r1", None);
    let filled = tmp.path().join("核实与更正.xlsx");
    let answer = |r: &Row| yuan_row(r).then_some(("更正为", "16067000", "电话核实", "李四", "2025-03-20"));
    fill(&out.join("核实与更正.xlsx"), &filled, TITLE, answer, &[]);
    let (code, report, out2) = run_decided(&dir, "r2", Some(&filled));
    assert_eq!(code, 1);
    assert_eq!(city(&report, "茂名市")["in_totals"], false);
    assert_eq!(statuses(&report), vec!["refused"]);
    let rows = register_rows(&out2.join("核实与更正.xlsx"));
    let row = rows.iter().find(|r| yuan_row(r)).expect("row");
    assert!(row["状态"].starts_with("未采用：更正后仍有错误"), "{row:?}");
    assert_eq!(row["更正值"], "16067000", "the clerk's entry is kept");
    // The error that remains is worded as the fund words it, the same in
    // the register and report.json (the refusal keeps the finding, not text).
    let refused = report["decisions"]["outcomes"].as_array().expect("outcomes");
    let detail = refused[0]["status"]["detail"].as_str().expect("detail");
    assert_eq!(format!("未采用：{detail}"), row["状态"]);
    assert!(detail.len() > "更正后仍有错误（SE000）".len() && !detail.contains("（SE"), "{detail}");
}

/// (d) When the city's figure changed to something else since the
/// decision, the decision is not applied and asks to verify again.
#[test]
fn a_decision_on_a_changed_figure_is_not_applied() {
    let (tmp, dir, mm) = maoming_in_yuan();
    let (_, _, out) = run_decided(&dir, "r1", None);
    let filled = tmp.path().join("核实与更正.xlsx");
    let answer = |r: &Row| yuan_row(r).then_some(("更正为", "160.67", "电话核实", "李四", "2025-03-20"));
    fill(&out.join("核实与更正.xlsx"), &filled, TITLE, answer, &[]);
    set_num(&mm, "资金执行", "B6", 1_606_800.0);
    let (code, report, out2) = run_decided(&dir, "r2", Some(&filled));
    assert_eq!(code, 1);
    assert_eq!(statuses(&report), vec!["city_changed"]);
    let rows = register_rows(&out2.join("核实与更正.xlsx"));
    let row = rows.iter().find(|r| yuan_row(r)).expect("row");
    assert!(row["状态"].starts_with("地市数据已变化，请重新核实"), "{row:?}");
    assert_eq!(row["处理"], "", "the old decision is not carried onto the new figure");
}

/// (e) Every bad register row gets its own message naming the row; the
/// good ones are applied.
#[test]
fn bad_register_rows_are_refused_one_by_one() {
    let (tmp, dir) = sample_copy();
    let (_, _, out) = run_decided(&dir, "r1", None);
    let rows = register_rows(&out.join("核实与更正.xlsx"));
    let base = rows.iter().find(|r| r["地市"] == "阳江市" && r["代码"] == "SE501").expect("阳江 SE501").clone();
    let with = |k: &str, v: &str| {
        let mut r = base.clone();
        r.insert(k.to_string(), v.to_string());
        r
    };
    let extra =
        vec![with("地市", "北京市"), with("代码", "SE999"), with("栏目编号", "exec.nothing"), with("代码", "SE208")];
    let filled = tmp.path().join("核实与更正.xlsx");
    let answer = |r: &Row| -> Answer {
        match (r["地市"].as_str(), r["代码"].as_str()) {
            ("河源市", _) => Some(("更正为", "abc", "电话核实", "王五", "")),
            ("惠州市", "SE502") => Some(("已核实无误", "", "", "王五", "")),
            ("云浮市", "SE502") => Some(("删除", "", "电话核实", "王五", "")),
            ("北京市", _) | (_, "SE999") | (_, "SE208") => Some(("已核实无误", "", "电话核实", "王五", "")),
            (_, _) if r["栏目编号"] == "exec.nothing" => Some(("已核实无误", "", "电话核实", "王五", "")),
            ("汕尾市", _) => Some(("已核实无误", "", "电话核实", "王五", "")),
            _ => None,
        }
    };
    fill(&out.join("核实与更正.xlsx"), &filled, TITLE, answer, &extra);
    let (code, report, out2) = run_decided(&dir, "r2", Some(&filled));
    assert_eq!(code, 0);
    let problems: Vec<String> = report["decisions"]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["message"].as_str().unwrap_or_default().to_string())
        .collect();
    let has = |row: u32, words: &str| {
        let head = format!("核实与更正.xlsx 第 {row} 行：");
        assert!(
            problems.iter().any(|p| p.starts_with(&head) && p.contains(words) && p.ends_with("未采用")),
            "row {row} ({words}): {problems:#?}"
        );
    };
    let row_of = |city: &str, code: &str| {
        4 + rows.iter().position(|r| r["地市"] == city && r["代码"] == code).expect("row") as u32
    };
    has(row_of("河源市", "SE502"), "更正值“abc”不是数字");
    has(row_of("惠州市", "SE502"), "没有填写依据");
    has(row_of("云浮市", "SE502"), "处理“删除”不是可选的处理");
    let n = rows.len() as u32;
    has(4 + n, "地市“北京市”不在本年度补助名单中");
    has(4 + n + 1, "代码“SE999”");
    has(4 + n + 2, "栏目编号“exec.nothing”");
    has(4 + n + 3, "SE208 是错误，不能以“已核实无误”关闭");
    // The good row (汕尾) is applied, the rest stay open.
    assert_eq!(report["decisions"]["applied"], 1);
    assert_eq!(warnings(&report), 10);
    // Nothing the clerk wrote is lost: every refused row is in the new register.
    let again = register_rows(&out2.join("核实与更正.xlsx"));
    assert!(again.iter().any(|r| r["地市"] == "北京市" && r["状态"].contains("不在本年度补助名单中")), "{again:?}");
    assert!(again.iter().any(|r| r["地市"] == "河源市" && r["更正值"] == "abc"));

    // Two rows for one finding: neither applied.
    let dup = tmp.path().join("重复.xlsx");
    let twice = base.clone();
    fill(
        &out.join("核实与更正.xlsx"),
        &dup,
        TITLE,
        |r| (r["地市"] == "阳江市" && r["代码"] == "SE501").then_some(("已核实无误", "", "电话核实", "王五", "")),
        &[twice],
    );
    let (_, report, _) = run_decided(&dir, "dup", Some(&dup));
    let problems = report["decisions"]["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems.iter().all(|p| p["message"].as_str().unwrap_or_default().contains("是同一个问题")));
}

/// (e) A register as a whole unusable (another year's, not a workbook):
/// said once, the run goes on without it.
#[test]
fn an_unusable_register_is_reported_and_the_run_goes_on() {
    let (tmp, dir) = sample_copy();
    let (_, _, out) = run_decided(&dir, "r1", None);
    let old = tmp.path().join("2023.xlsx");
    fill(
        &out.join("核实与更正.xlsx"),
        &old,
        "2023年城镇老旧小区改造专项资金绩效自评 核实与更正登记表",
        verify_all,
        &[],
    );
    let (code, report, _) = run_decided(&dir, "r2", Some(&old));
    assert_eq!(code, 0);
    let why = report["decisions"]["register_unusable"].as_str().expect("unusable");
    assert!(why.contains("是 2023 年的登记表，本次校验的是 2024 年"), "{why}");
    assert_eq!(warnings(&report), 11);
    let text = tmp.path().join("登记表.xlsx");
    std::fs::write(&text, "地市,代码,处理\n").expect("write");
    let out3 = tmp.path().join("out-r3");
    let (code, stdout) = stdout_of(&[
        "run".as_ref(),
        dir.as_os_str(),
        "--out".as_ref(),
        out3.as_os_str(),
        "--decisions".as_ref(),
        text.as_os_str(),
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("核实与更正：登记表") && stdout.contains("无法读取") && stdout.contains("本次未采用任何处理"),
        "{stdout}"
    );
    assert!(out3.join("省级汇总表.xlsx").exists());
}

/// `run --final` writes nothing and lists what is open unless 定稿.
#[test]
fn final_refuses_a_draft_and_writes_a_final() {
    let (tmp, dir) = sample_copy();
    let out = tmp.path().join("定稿");
    let (code, stdout) =
        stdout_of(&["run".as_ref(), dir.as_os_str(), "--out".as_ref(), out.as_os_str(), "--final".as_ref()]);
    assert_eq!(code, 1);
    assert!(!out.exists(), "--final wrote a draft");
    assert!(stdout.contains("未定稿：草稿（尚有 11 个问题未处理）"), "{stdout}");
    assert!(stdout.contains("阳江市：[SE501]"), "{stdout}");
    let (_, _, first) = run_decided(&dir, "r1", None);
    let filled = tmp.path().join("核实与更正.xlsx");
    fill(&first.join("核实与更正.xlsx"), &filled, TITLE, verify_all, &[]);
    let (code, stdout) = stdout_of(&[
        "run".as_ref(),
        dir.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--final".as_ref(),
        "--decisions".as_ref(),
        filled.as_os_str(),
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("汇总表状态：定稿"), "{stdout}");
    assert!(out.join("省级汇总表.xlsx").exists());
}

/// The clerk's path: fill the register in the last results folder and run
/// again on the same folder; the register is found there, and the round's
/// comparison tells confirmed from fixed.
#[test]
fn the_register_in_the_previous_results_folder_is_found_and_compared() {
    let (tmp, dir) = sample_copy();
    let run = || {
        let o = selfeval(&[dir.as_os_str(), "--no-pause".as_ref()]);
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    run();
    let first = std::fs::read_dir(tmp.path())
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("材料_校验结果_")))
        .expect("first results folder");
    let register = first.join("核实与更正.xlsx");
    let filled = tmp.path().join("填好.xlsx");
    fill(&register, &filled, TITLE, |r| (r["地市"] == "阳江市").then_some(("已核实无误", "", BASIS, "张三", "")), &[]);
    std::fs::copy(&filled, &register).expect("the clerk saves it in place");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let text = run();
    assert!(text.contains(&format!("核实与更正：采用 {}，执行 2 项处理", register.display())), "{text}");
    let line = text.lines().find(|l| l.starts_with("阳江市")).expect("阳江 line").to_string();
    assert!(line.contains("省级核实或更正 2 个") && !line.contains("已修正"), "{line}");
    assert!(text.contains("错误 0 个，警告 9 个，已核实 2 个"), "{text}");
}

/// SE406 is the one error only the province can settle: a file whose name
/// names 汕头 while its 地市 cell says 韶关. Confirmed, it counts for 韶关.
#[test]
fn a_confirmed_city_puts_a_misnamed_file_under_it() {
    let (tmp, dir) = sample_copy();
    let sg = file_of(&dir, "韶关市");
    std::fs::rename(&sg, dir.join("汕头市补报.xlsx")).expect("rename");
    let (code, report, out) = run_decided(&dir, "r1", None);
    assert_eq!(code, 1);
    assert_eq!(city(&report, "韶关市")["in_totals"], false);
    let rows = register_rows(&out.join("核实与更正.xlsx"));
    assert!(rows.iter().any(|r| r["代码"] == "SE406" && r["地市"] == "韶关市"), "{rows:?}");
    let filled = tmp.path().join("核实与更正.xlsx");
    let answer =
        |r: &Row| (r["代码"] == "SE406").then_some(("已核实无误", "", "电话核实：该文件是韶关市的", "张三", ""));
    fill(&out.join("核实与更正.xlsx"), &filled, TITLE, answer, &[]);
    let (code, report, _) = run_decided(&dir, "r2", Some(&filled));
    assert_eq!(code, 0, "{:#?}", report["decisions"]);
    assert_eq!(city(&report, "韶关市")["in_totals"], true);
    assert_eq!(city(&report, "韶关市")["file"], "汕头市补报.xlsx");
    assert_eq!(statuses(&report), vec!["applied"]);
}
