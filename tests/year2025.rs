//! A year is data (issue 13): a 2025 template set (tests/fixtures/
//! templates-2025) with a realistic form change runs end to end with no
//! code change. The change: 地方配套资金 inserted at the top of 资金执行
//! (its rows move down), 实际支出 renamed 实际支出数, and a new 附件1 count
//! 成立业主委员会或物业管理委员会的小区个数 (with its 表1-1 share target).
//!
//! The test builds that year's blank form and summary template with
//! `selfeval template`, generates the params workbook and 15 filled forms
//! with the dev generator, runs the real binary and reads the summary.

mod common;
use common::*;
use selfeval::samplegen::{generate, ReportData};
use std::path::{Path, PathBuf};

/// (temp dir, templates dir, samples dir) of a fresh 2025 set.
fn year_2025() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let tdir = tmp.path().join("templates/old-communities/2025");
    std::fs::create_dir_all(&tdir).expect("mkdir");
    let fixture = root().join("tests/fixtures/templates-2025");
    for name in ["form.toml", "summary.toml", "checks.toml", "report.toml"] {
        std::fs::copy(fixture.join(name), tdir.join(name)).expect("copy");
    }
    // The shipped command builds the year's form and summary template
    // from the two specs alone.
    let blank = tmp.path().join("2025空白表.xlsx");
    let summary = tdir.join("省级汇总表模板.xlsx");
    let o = selfeval(&[
        "template".as_ref(),
        "--templates".as_ref(),
        tdir.as_os_str(),
        "--out".as_ref(),
        blank.as_os_str(),
        "--summary".as_ref(),
        summary.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("2025 年"), "{}", String::from_utf8_lossy(&o.stdout));
    let b = sheet(&blank, "资金执行");
    assert_eq!(at(&b, "A4").to_string(), "地方配套资金");
    assert_eq!(at(&b, "A7").to_string(), "实际支出数");
    let s = sheet(&summary, "附件1 效益指标");
    assert!(at(&s, "A1").to_string().contains("2025年"), "{}", at(&s, "A1"));
    assert_eq!(at(&s, "I4").to_string(), "成立业主委员会或物业管理委员会的小区个数");

    // Params workbook and filled forms: the dev generator, from the data.
    let text = std::fs::read_to_string(root().join("tests/fixtures/report-2025.toml")).expect("data");
    let data = ReportData::from_toml(&text).expect("data parses");
    let (form, spec) = selfeval::spec::specs_from_dir(&tdir).expect("specs");
    let checks = std::fs::read_to_string(tdir.join("checks.toml")).expect("checks");
    let bands = selfeval::spec::Bands::from_toml(&checks, "checks.toml", &form).expect("bands");
    generate(tmp.path(), &data, &form, &spec, &bands).expect("generate");
    let samples = tmp.path().join("samples/2025");
    (tmp, tdir, samples)
}

fn run_2025(tdir: &Path, dir: &Path, name: &str) -> (i32, serde_json::Value, PathBuf) {
    let out = dir.parent().expect("parent").join(name);
    let o = selfeval(&[
        "run".as_ref(),
        dir.as_os_str(),
        "--templates".as_ref(),
        tdir.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--quiet".as_ref(),
    ]);
    let report = std::fs::read_to_string(out.join("report.json"))
        .unwrap_or_else(|_| panic!("no report.json; stderr: {}", String::from_utf8_lossy(&o.stderr)));
    (o.status.code().unwrap_or(-1), serde_json::from_str(&report).expect("json"), out)
}

#[test]
fn a_2025_template_set_runs_end_to_end_with_its_new_indicator() {
    let (tmp, tdir, samples) = year_2025();
    // With the year's params in place, the blank form's 地市 offers the
    // issued cities (the summary template need not exist for that).
    std::fs::remove_file(tdir.join("省级汇总表模板.xlsx")).expect("rm");
    let blank = tmp.path().join("第二份空白表.xlsx");
    let o =
        selfeval(&["template".as_ref(), "--templates".as_ref(), tdir.as_os_str(), "--out".as_ref(), blank.as_os_str()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(zip_member(&blank, "xl/worksheets/sheet1.xml").contains("\"汕头市,韶关市,"), "地市 dropdown");
    let o = selfeval(&[
        "template".as_ref(),
        "--templates".as_ref(),
        tdir.as_os_str(),
        "--out".as_ref(),
        tmp.path().join("第三份.xlsx").as_os_str(),
        "--summary".as_ref(),
        tdir.join("省级汇总表模板.xlsx").as_os_str(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (code, report, out) = run_2025(&tdir, &samples, "out-clean");
    let errors: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["message"].to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(code, 0);

    // report.json: the new count has its total (691 = Σ 60% of communities).
    let counts = report["totals"]["tables"]["benefits"].as_object().expect("benefits").len();
    assert_eq!(counts, 9, "six counts, the new one, 验收合格率 and 满意度");
    assert!(report["totals"]["tables"]["benefits"].to_string().contains("\"total\":\"691\""), "{}", report["totals"]);
    assert_eq!(cities_total(&report, "budget", "exec.spent"), "3435.35", "the moved 实际支出数 row still reads right");

    // 附件1: its own column, per city and in 合计, the other columns in place.
    let book = out.join("省级汇总表.xlsx");
    let s = sheet(&book, "附件1 效益指标");
    assert!(at(&s, "A1").to_string().contains("2025年"));
    assert!(at(&s, "A6").to_string().starts_with("合计"), "{}", at(&s, "A6"));
    assert_eq!(num2(at(&s, "I6")), "691.00", "合计 of the new column");
    assert_eq!(num2(at(&s, "I7")), "74.00", "汕头市: 60% of 124");
    assert_eq!(num2(at(&s, "H6")), "71.00", "维修资金 stays in its column");
    assert_eq!(pct2(at(&s, "K6")), "93.25%", "满意度 moved one column right");

    // 表1-1: the new share target, judged (691 of 700 planned = 98.71% ≥ 30%).
    let t = sheet(&book, "表1-1 绩效目标");
    assert!(at(&t, "A1").to_string().contains("2025年"), "{}", at(&t, "A1"));
    let row = (0..t.height() as u32)
        .find(|r| t.get_value((*r, 2)).is_some_and(|v| v.to_string().contains("业主委员会")))
        .expect("target row for the new indicator");
    let line: Vec<String> = (0..8).map(|c| t.get_value((row, c)).map(|v| v.to_string()).unwrap_or_default()).collect();
    assert!(line.iter().any(|v| v == "达成"), "{line:?}");
    assert!(line.iter().any(|v| v.starts_with("0.9871")), "share of the plan: {line:?}");
    assert!(line.iter().any(|v| v.contains("691 个小区")), "{line:?}");
}

#[test]
fn the_new_indicator_is_checked_and_messages_use_the_2025_labels() {
    let (_tmp, tdir, samples) = year_2025();
    // 999 communities with a 业委会 against 124 renovated: SE311.
    let st = file_of(&samples, "汕头市");
    set_num(&st, "效益指标", "C12", 999.0);
    // Spent more than arrived: SE301 in the year's words.
    let sg = file_of(&samples, "韶关市");
    set_num(&sg, "资金执行", "B7", 2000.0);
    let (code, report, _) = run_2025(&tdir, &samples, "out-bad");
    assert_eq!(code, 1);
    let found = report["findings"].as_array().expect("findings");
    let se311 = found.iter().find(|f| f["code"] == "SE311").expect("SE311 on the new count");
    assert_eq!(se311["cell"], "C12");
    assert!(se311["message"].as_str().unwrap_or("").contains("999"), "{se311}");
    let se301 = found.iter().find(|f| f["code"] == "SE301").expect("SE301");
    let msg = se301["message"].as_str().unwrap_or("");
    assert!(msg.contains("实际支出数 ≤ 到位资金"), "{msg}");
    assert_eq!(se301["cell"], "B7", "the moved row");
}

#[test]
fn templates_and_params_of_different_years_stop_at_load_naming_both() {
    let (_tmp, tdir, samples) = year_2025();
    let params_2024 = root().join("templates/old-communities/2024/省级参数表.xlsx");
    let out = samples.parent().expect("parent").join("out-mixed");
    let o = selfeval(&[
        "run".as_ref(),
        samples.as_os_str(),
        "--templates".as_ref(),
        tdir.as_os_str(),
        "--params".as_ref(),
        params_2024.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("2025 年") && err.contains("2024 年"), "{err}");
    assert!(!out.join("report.json").exists());
}
