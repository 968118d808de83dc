//! Every check fires on a mutated sample, at the right sheet!cell, through
//! the real binary; and none fires on the clean samples.

mod common;
use common::*;
use std::path::Path;
use std::sync::OnceLock;

/// Runs the binary on a copy of the samples after `mutate`, and returns
/// (exit code, sorted distinct (code, place) pairs).
fn findings_after(mutate: impl FnOnce(&Path)) -> (i32, Vec<(String, String)>) {
    let (_tmp, dir) = sample_copy();
    mutate(&dir);
    let (code, report, _) = run_dir(&dir, "checks");
    let mut v = codes_at(&report);
    v.sort();
    v.dedup();
    (code, v)
}

fn p(code: &str, place: &str) -> (String, String) {
    (code.to_string(), place.to_string())
}

/// Asserts the run reports exactly `want` (and so exits 1 on errors).
fn expect(mutate: impl FnOnce(&Path), want: &[(&str, &str)]) {
    let (code, got) = findings_after(mutate);
    let mut want: Vec<(String, String)> = want.iter().map(|(c, pl)| p(c, pl)).collect();
    want.sort();
    assert_eq!(got, want);
    let errors = want.iter().any(|(c, _)| c != "SE005");
    assert_eq!(code, if errors { 1 } else { 0 });
}

static CLEAN: OnceLock<(i32, Vec<(String, String)>)> = OnceLock::new();

#[test]
fn clean_samples_raise_no_finding_of_any_code() {
    let (code, found) = CLEAN.get_or_init(|| findings_after(|_| {}));
    assert_eq!(*code, 0);
    let out = selfeval(&["codes".as_ref()]);
    let catalog = String::from_utf8_lossy(&out.stdout).to_string();
    let ids: Vec<&str> = catalog
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.starts_with("SE"))
        .collect();
    assert!(ids.len() >= 20, "catalog lists the codes: {ids:?}");
    for id in ids {
        assert!(
            found.iter().all(|(c, _)| c != id),
            "{id} fired on clean samples: {found:?}"
        );
    }
}

#[test]
fn se001_unreadable_file() {
    expect(
        |d| std::fs::write(file_of(d, "汕头市"), b"this is not a workbook").expect("w"),
        &[("SE001", ""), ("SE405", "")],
    );
}

#[test]
fn se002_not_a_city_form() {
    expect(
        |d| {
            let mut book = umya_spreadsheet::new_file();
            book.sheet_mut(0)
                .expect("s")
                .cell_mut("A1")
                .set_value_string("预算表");
            umya_spreadsheet::writer::xlsx::write(&book, d.join("其他表格.xlsx")).expect("w");
        },
        &[("SE002", "")],
    );
}

#[test]
fn se003_template_version() {
    expect(
        |d| set_text(&file_of(d, "韶关市"), "基本信息", "B11", "2023.1"),
        &[("SE003", "基本信息!B11"), ("SE405", "")],
    );
}

#[test]
fn se004_unreadable_sheet() {
    expect(
        |d| {
            replace_zip_member(
                &file_of(d, "河源市"),
                "xl/worksheets/sheet3.xml",
                b"<worksheet><sheetData><row><c r=\"A1\"",
            )
        },
        &[("SE004", "任务完成"), ("SE405", "")],
    );
}

#[test]
fn se005_foreign_file_is_listed() {
    expect(
        |d| std::fs::write(d.join("自评报告.docx"), b"PK").expect("w"),
        &[("SE005", "")],
    );
}

#[test]
fn se101_missing_sheet() {
    expect(
        |d| {
            edit(&file_of(d, "梅州市"), |b| {
                b.remove_sheet_by_name("效益指标").expect("rm")
            })
        },
        &[("SE101", "效益指标"), ("SE405", "")],
    );
}

#[test]
fn se102_moved_label() {
    expect(
        |d| set_text(&file_of(d, "惠州市"), "资金执行", "A6", "到位资金"),
        &[("SE102", "资金执行!A6"), ("SE405", "")],
    );
}

#[test]
fn se201_required_empty() {
    expect(
        |d| set_text(&file_of(d, "汕尾市"), "基本信息", "B8", ""),
        &[("SE201", "基本信息!B8")],
    );
}

#[test]
fn se202_wrong_type() {
    expect(
        |d| set_text(&file_of(d, "江门市"), "任务完成", "C5", "约两万六"),
        &[("SE202", "任务完成!C5")],
    );
}

#[test]
fn se203_negative_amount() {
    expect(
        |d| set_num(&file_of(d, "阳江市"), "效益指标", "C4", -49.0),
        &[("SE203", "效益指标!C4")],
    );
}

#[test]
fn se204_rate_out_of_range() {
    // 94.62 typed into a percent cell means 9462%.
    expect(
        |d| set_num(&file_of(d, "阳江市"), "效益指标", "C11", 94.62),
        &[("SE204", "效益指标!C11")],
    );
}

#[test]
fn se205_wrong_unit() {
    expect(
        |d| set_text(&file_of(d, "湛江市"), "基本信息", "B7", "元"),
        &[("SE205", "基本信息!B7")],
    );
}

#[test]
fn se206_wrong_year() {
    expect(
        |d| set_num(&file_of(d, "茂名市"), "基本信息", "B5", 2023.0),
        &[("SE206", "基本信息!B5")],
    );
}

#[test]
fn se207_formula_without_cached_value() {
    expect(
        |d| {
            edit(&file_of(d, "肇庆市"), |b| {
                let c = b.sheet_by_name_mut("资金执行").expect("s").cell_mut("B7");
                c.set_formula("B6/B4");
                c.set_formula_result_default("");
            })
        },
        &[("SE207", "资金执行!B7")],
    );
}

#[test]
fn se301_spent_more_than_arrived() {
    expect(
        |d| {
            let f = file_of(d, "清远市");
            set_num(&f, "资金执行", "B6", 150.0);
            set_num(&f, "资金执行", "B7", 150.0 / 147.0);
        },
        // 102.04% is also beyond what a spend rate can be.
        &[("SE301", "资金执行!B6"), ("SE204", "资金执行!B7")],
    );
}

#[test]
fn se302_spend_rate() {
    expect(
        |d| set_num(&file_of(d, "潮州市"), "资金执行", "B7", 0.1682),
        &[("SE302", "资金执行!B7")],
    );
}

#[test]
fn se303_completion_rate() {
    expect(
        |d| set_num(&file_of(d, "揭阳市"), "任务完成", "D5", 1.1),
        &[("SE303", "任务完成!D5")],
    );
}

#[test]
fn se304_exec_rate() {
    expect(
        |d| set_num(&file_of(d, "云浮市"), "自评评分", "F4", 0.0191),
        &[("SE304", "自评评分!F4")],
    );
}

#[test]
fn se305_score_total() {
    expect(
        |d| set_num(&file_of(d, "汕头市"), "自评评分", "G15", 100.0),
        &[("SE305", "自评评分!G15")],
    );
}

#[test]
fn se401_budget_not_issued() {
    // 541 万元 typed in 元.
    expect(
        |d| {
            let f = file_of(d, "汕尾市");
            set_num(&f, "资金执行", "B4", 5_410_000.0);
            set_num(&f, "资金执行", "B7", 171.23 / 5_410_000.0);
        },
        &[("SE401", "资金执行!B4")],
    );
}

#[test]
fn se402_plan_not_issued() {
    expect(
        |d| {
            let f = file_of(d, "江门市");
            set_num(&f, "任务完成", "B7", 29.0);
            set_num(&f, "任务完成", "D7", 1.0);
        },
        &[("SE402", "任务完成!B7")],
    );
}

#[test]
fn se403_unknown_city() {
    expect(
        |d| set_text(&file_of(d, "汕头市"), "基本信息", "B4", "深圳市"),
        &[("SE403", "基本信息!B4"), ("SE405", "")],
    );
}

#[test]
fn se404_duplicate_city() {
    expect(
        |d| {
            std::fs::copy(file_of(d, "韶关市"), d.join("韶关市_修改版.xlsx")).expect("copy");
        },
        &[("SE404", "基本信息!B4")],
    );
}

#[test]
fn se405_missing_city() {
    expect(
        |d| std::fs::remove_file(file_of(d, "云浮市")).expect("rm"),
        &[("SE405", "")],
    );
}
