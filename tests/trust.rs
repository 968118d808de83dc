//! A summary that never lies (issue 10): imperfect batches as cities send
//! them, run through the real binary, and what the summary, report.json
//! and the console then say.

mod common;
use common::*;
use rust_decimal::Decimal;
use std::path::Path;

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

/// A figure of a sample workbook, as its cell holds it.
fn figure(dir: &Path, city: &str, sheet_name: &str, cell: &str) -> Decimal {
    let r = sheet(&file_of(dir, city), sheet_name);
    match at(&r, cell) {
        calamine::Data::Float(x) => d(&x.to_string()),
        calamine::Data::Int(i) => Decimal::from(*i),
        other => panic!("{city} {sheet_name}!{cell}: {other:?}"),
    }
}

fn city<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["cities"].as_array().expect("cities").iter().find(|c| c["city"] == name).expect("city entry")
}

fn codes(report: &serde_json::Value) -> Vec<String> {
    codes_at(report).into_iter().map(|(c, _)| c).collect()
}

/// 茂名 in 元, 韶关's form broken (a sheet deleted), 潮州 missing, and
/// two files for 汕头: the 修改版 dated later.
#[test]
fn an_imperfect_batch_sums_only_what_passed_and_says_so() {
    let (_tmp, dir) = sample_copy();
    let spent = |c: &str| figure(&dir, c, "资金执行", "B6");
    let budget = |c: &str| figure(&dir, c, "资金执行", "B4");
    let (sg, mm, cz) = ("韶关市", "茂名市", "潮州市");
    let left_spent = spent(sg) + spent(mm) + spent(cz);
    let left_budget = budget(sg) + budget(mm) + budget(cz);

    let mm_file = file_of(&dir, mm);
    set_num(&mm_file, "资金执行", "B6", 1_606_700.0);
    edit(&file_of(&dir, sg), |b| {
        b.remove_sheet_by_name("效益指标").expect("remove sheet");
    });
    std::fs::remove_file(file_of(&dir, cz)).expect("remove");
    let st = file_of(&dir, "汕头市");
    let revised = dir.join("汕头市_修改版.xlsx");
    std::fs::copy(&st, &revised).expect("copy");
    edit(&revised, |b| {
        b.sheet_by_name_mut("基本信息").expect("sheet").cell_mut("B10").set_value_string("2099-01-01");
    });

    let (code, report, out) = run_dir(&dir, "imperfect");
    assert_eq!(code, 1);
    let t = &report["totals"];
    assert_eq!(t["cities_counted"], 12);
    assert_eq!(t["coverage"], "合计（12个地市，不含待修正的韶关市、茂名市、未报送的潮州市）");
    // Numerator and denominator over the same twelve cities.
    let cities_spent = d("3435.35") - left_spent;
    let cities_budget = d("18672") - left_budget;
    assert_eq!(cities_total(&report, "budget", "exec.spent"), format!("{:.2}", cities_spent));
    assert_eq!(cities_total(&report, "budget", "budget"), format!("{:.2}", cities_budget));
    let rate = selfeval::calc::percent2(cities_spent, cities_budget).expect("rate");
    assert_eq!(cities_total(&report, "budget", "rate"), format!("{rate}%"));
    assert_eq!(total(&report, "budget", "exec.spent"), format!("{:.2}", cities_spent + d("188")));

    // 未收到 only for what never arrived.
    assert_eq!(report["missing_cities"], serde_json::json!([cz]));
    assert_eq!(codes(&report).iter().filter(|c| *c == "SE405").count(), 1);
    assert_eq!(city(&report, cz)["status"], "not_received");
    assert_eq!(city(&report, sg)["status"], "needs_fix");
    assert!(city(&report, sg)["reason"].as_str().expect("reason").contains("效益指标"), "{}", city(&report, sg));
    assert_eq!(city(&report, mm)["status"], "needs_fix");
    assert_eq!(city(&report, mm)["in_totals"], false);

    // One city, one file: the later 填报日期 wins, and SE404 says so.
    let st_entry = city(&report, "汕头市");
    assert_eq!(st_entry["file"], "汕头市_修改版.xlsx");
    assert_eq!(st_entry["in_totals"], true);
    assert!(st_entry["reason"].as_str().expect("reason").contains("填报日期 2099-01-01 最晚"), "{st_entry}");
    let se404: Vec<&serde_json::Value> =
        report["findings"].as_array().expect("findings").iter().filter(|f| f["code"] == "SE404").collect();
    assert_eq!(se404.len(), 2);
    assert!(se404.iter().all(|f| f["severity"] == "warning"));

    summary_says_the_same(&out.join("省级汇总表.xlsx"), sg, cz, cities_spent + d("188"));
}

/// The summary workbook says what report.json says: labels, the 其中 row,
/// sums, and the rows left out (`sg` with an error, `cz` never sent).
fn summary_says_the_same(book: &Path, sg: &str, cz: &str, total_spent: Decimal) {
    let b22 = sheet(book, "表2-2 预算执行");
    assert_eq!(at(&b22, "A4").to_string(), "合计（12个地市，不含待修正的韶关市、茂名市、未报送的潮州市）");
    assert_eq!(num2(at(&b22, "E4")), format!("{total_spent:.2}"));
    let sub_row = (1..=30).find(|r| at(&b22, &format!("B{r}")).to_string().starts_with("其中")).expect("其中 row");
    assert_eq!(at(&b22, &format!("B{sub_row}")).to_string(), "其中：12个地市");
    // 韶关 is the second city row (row 6): budget shown, the rest says why.
    assert_eq!(at(&b22, "B6").to_string(), sg);
    assert!(at(&b22, "D6").to_string().starts_with("待修正，未计入合计"), "{}", at(&b22, "D6"));
    let cz_row = (5..=19).find(|r| at(&b22, &format!("B{r}")).to_string().as_str() == cz).expect("潮州 row");
    assert_eq!(at(&b22, &format!("D{cz_row}")).to_string(), "未报送");
    let t11 = sheet(book, "表1-1 绩效目标");
    for r in 12..=28 {
        assert_ne!(at(&t11, &format!("G{r}")).to_string(), "达成", "表1-1 row {r} judged on an incomplete batch");
    }
    let roster = sheet(book, "报送情况");
    assert!(at(&roster, "A2").to_string().contains("已汇总 12/15"), "{}", at(&roster, "A2"));
    let rows: Vec<(String, String, String)> = (4..=18)
        .map(|r| {
            let c = |col: &str| at(&roster, &format!("{col}{r}")).to_string();
            (c("B"), c("C"), c("D"))
        })
        .collect();
    assert!(rows.contains(&(cz.into(), "未报送".into(), "否".into())), "{rows:?}");
    assert!(rows.contains(&(sg.into(), "待修正".into(), "否".into())), "{rows:?}");
    assert!(rows.contains(&("汕头市".into(), "通过（有警告）".into(), "是".into())), "{rows:?}");
}

/// The console's table is the 报送情况 sheet, and it counts what was summed.
#[test]
fn the_console_counts_what_was_summed() {
    let (tmp, dir) = sample_copy();
    std::fs::remove_file(file_of(&dir, "潮州市")).expect("remove");
    set_num(&file_of(&dir, "茂名市"), "任务完成", "C5", -28757.0);
    let out = tmp.path().join("结果");
    let (code, text) = stdout_of(&["run".as_ref(), dir.as_os_str(), "--out".as_ref(), out.as_os_str()]);
    assert_eq!(code, 1);
    assert!(text.contains("地市：已汇总 13/15 个"), "{text}");
    assert!(text.contains("合计（13个地市，不含待修正的茂名市、未报送的潮州市）"), "{text}");
    let line = |c: &str| text.lines().find(|l| l.starts_with(c)).unwrap_or_default().to_string();
    assert!(line("潮州市").ends_with("未报送"), "{text}");
    assert!(line("茂名市").contains("否") && line("茂名市").ends_with("待修正"), "{text}");
    // A negative count is never summed: 表2-3's 户数 合计 is the 13 cities'.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("json")).expect("parse");
    let households = total(&report, "tasks", "actual.households").parse::<i64>().expect("int");
    assert!(households > 0 && households < 154903 - 28757, "{households}");
}

/// A file named after one city whose 地市 cell says another belongs to
/// neither, and its feedback is named after the file.
#[test]
fn a_file_named_for_one_city_and_filled_for_another_goes_under_neither() {
    let (_tmp, dir) = sample_copy();
    let st = file_of(&dir, "汕头市");
    set_text(&st, "基本信息", "B4", "韶关市");
    let (code, report, out) = run_dir(&dir, "mismatch");
    assert_eq!(code, 1);
    assert!(codes(&report).contains(&"SE406".to_string()));
    let st_entry = city(&report, "汕头市");
    assert_eq!(st_entry["status"], "needs_fix");
    assert!(st_entry["reason"].as_str().expect("reason").starts_with("已收到，无法使用"), "{st_entry}");
    // 韶关's own file stands for it; the stray one is listed beside it.
    let sg = city(&report, "韶关市");
    assert_eq!(sg["status"], "passed");
    assert!(sg["file"].as_str().expect("file").contains("韶关市"));
    assert_eq!(report["missing_cities"], serde_json::json!([]));
    let names: Vec<String> = std::fs::read_dir(out.join("反馈"))
        .expect("feedback")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    let stem = st.file_stem().expect("stem").to_string_lossy().to_string();
    assert!(names.contains(&format!("{stem}_校验报告.xlsx")), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("韶关市（")), "never named after a city it may not be from: {names:?}");
}

/// Excel stores =34.4+94.83+23.7 as 152.92999999999998; the clerk sees
/// 152.93, and so must the checks.
#[test]
fn excel_floating_point_is_not_an_error() {
    let (_tmp, dir) = sample_copy();
    let st = file_of(&dir, "汕头市");
    set_formula(&st, "资金执行", "B6", "34.4+94.83+23.7", 34.4 + 94.83 + 23.7);
    set_formula(&st, "自评评分", "D4", "34.4+94.83+23.7", 34.4 + 94.83 + 23.7);
    set_formula(&st, "资金执行", "B7", "B6/B4", (34.4 + 94.83 + 23.7) / 3378.0);
    // 166.88 planned, summed from two districts: 166.88000000000002.
    set_formula(&st, "任务完成", "B4", "0.1*3+166.58", 0.1 * 3.0 + 166.58);
    let (code, report, _) = run_dir(&dir, "float");
    assert_eq!(code, 0, "{:#?}", report["findings"]);
    assert_eq!(cities_total(&report, "budget", "exec.spent"), "3435.35");
}

/// A form opened and saved by LibreOffice is as good as Excel's.
#[test]
fn a_form_saved_by_libreoffice_passes() {
    if !tools_or_skip("a_form_saved_by_libreoffice_passes", &["soffice"]) {
        return;
    }
    let (_tmp, dir) = sample_copy();
    let st = file_of(&dir, "汕头市");
    set_formula(&st, "资金执行", "B6", "34.4+94.83+23.7", 152.93);
    libreoffice_resave(&st);
    let (code, report, _) = run_dir(&dir, "lo");
    assert_eq!(code, 0, "{:#?}", report["findings"]);
    assert_eq!(report["totals"]["cities_counted"], 15);
    assert_eq!(total(&report, "budget", "exec.spent"), "3623.35");
}

/// One 元 figure is one finding through the binary, marking both cells
/// in the annotated copy and telling what else it makes wrong.
#[test]
fn one_root_cause_is_one_finding() {
    let (_tmp, dir) = sample_copy();
    let mm = file_of(&dir, "茂名市");
    set_num(&mm, "资金执行", "B6", 1_606_700.0);
    set_num(&mm, "自评评分", "D4", 1_606_700.0);
    let (code, report, _) = run_dir(&dir, "root");
    assert_eq!(code, 1);
    let errors: Vec<&serde_json::Value> =
        report["findings"].as_array().expect("findings").iter().filter(|f| f["severity"] == "error").collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let f = errors[0];
    assert_eq!(f["code"], "SE208");
    assert_eq!(f["related"], serde_json::json!(["自评评分!D4"]));
    assert!(f["message"].as_str().expect("message").contains("因此支出率、执行率、得分也不对"), "{f}");
}

/// Two cells that must agree but do not: both marked; the wrong one named
/// only where the 支出率 cell decides.
#[test]
fn disagreeing_cells_are_both_marked_and_the_witness_decides() {
    let (_tmp, dir) = sample_copy();
    // 韶关市: 658.54 in 资金执行!B6 (and its 支出率 45.64% says so), a typo in 自评评分!D4.
    set_num(&file_of(&dir, "韶关市"), "自评评分", "D4", 685.54);
    let (_, report, out) = run_dir(&dir, "witness");
    let f: Vec<&serde_json::Value> =
        report["findings"].as_array().expect("findings").iter().filter(|f| f["code"] == "SE312").collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["cell"], "D4");
    assert_eq!(f[0]["expected"], "658.54");
    assert_eq!(f[0]["related"], serde_json::json!(["资金执行!B6"]));
    // The annotated copy marks both cells.
    let copy = std::fs::read_dir(out.join("反馈"))
        .expect("feedback")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().contains("韶关市_标注"))
        .expect("annotated copy");
    let book = umya_spreadsheet::reader::xlsx::read(&copy).expect("read copy");
    for (sheet, cell) in [("自评评分", "D4"), ("资金执行", "B6")] {
        let ws = book.sheet_by_name(sheet).expect("sheet");
        assert!(ws.comments().iter().any(|c| c.coordinate().to_string() == cell), "{sheet}!{cell} not commented");
    }
}

/// A result folder filed into the materials folder (renamed), and one of
/// our annotated copies, are skipped and said so; the run stays clean.
#[test]
fn our_own_outputs_are_never_read_as_submissions() {
    let (tmp, dir) = sample_copy();
    // Round 1 with one error, so there is an annotated copy.
    let cz = file_of(&dir, "潮州市");
    let original = std::fs::read(&cz).expect("read");
    set_num(&cz, "资金执行", "B7", 0.1682);
    let first = tmp.path().join("第一次");
    let o = selfeval(&["run".as_ref(), dir.as_os_str(), "--out".as_ref(), first.as_os_str(), "-q".as_ref()]);
    assert_eq!(o.status.code(), Some(1));
    std::fs::write(&cz, original).expect("restore");
    // The whole result folder, renamed, and one copy loose in the folder.
    std::fs::rename(&first, dir.join("上次结果")).expect("move");
    let copy = std::fs::read_dir(dir.join("上次结果/反馈"))
        .expect("feedback")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().contains("_标注"))
        .expect("annotated copy");
    std::fs::copy(&copy, dir.join("潮州市_标注.xlsx")).expect("copy");
    let (code, report, _) = run_dir(&dir, "own");
    let reads = report["inputs"].as_array().expect("inputs").len();
    assert_eq!(reads, 15, "{:#?}", report["inputs"]);
    let own: Vec<&serde_json::Value> =
        report["findings"].as_array().expect("findings").iter().filter(|f| f["code"] == "SE007").collect();
    assert_eq!(own.len(), 2, "{own:#?}");
    assert!(own.iter().all(|f| f["severity"] == "info"));
    assert_eq!(code, 0, "{:#?}", report["findings"]);
}

/// Sheets that look like the form's, a stale hidden sheet, an inserted row.
#[test]
fn look_alike_structure_is_named_precisely() {
    let (_tmp, dir) = sample_copy();
    edit(&file_of(&dir, "汕头市"), |b| {
        b.sheet_by_name_mut("资金执行").expect("sheet").set_name("资金执行 ");
    });
    let sg = file_of(&dir, "韶关市");
    edit(&sg, |b| {
        let mut copy = b.sheet_by_name("资金执行").expect("sheet").clone();
        copy.set_name("资金执行 (2)");
        b.add_sheet(copy).expect("add");
    });
    // Hide the original, as Excel writes it (state="hidden").
    let xml = zip_member(&sg, "xl/workbook.xml")
        .replace(r#"<sheet name="资金执行" "#, r#"<sheet name="资金执行" state="hidden" "#);
    assert!(xml.contains("state=\"hidden\""));
    replace_zip_member(&sg, "xl/workbook.xml", xml.as_bytes());
    // A row inserted in the generated form: its defined names move with
    // the cells (umya does as Excel does), so the figures are read right.
    edit(&file_of(&dir, "河源市"), |b| {
        b.sheet_by_name_mut("资金执行").expect("sheet").insert_new_row(5, 1);
    });
    // The same in an older form without names: the shift stops the file.
    let mz = file_of(&dir, "梅州市");
    let xml = zip_member(&mz, "xl/workbook.xml");
    let (start, end) = (xml.find("<definedNames>").expect("names"), xml.find("</definedNames>").expect("end"));
    let unnamed = format!("{}{}", &xml[..start], &xml[end + "</definedNames>".len()..]);
    replace_zip_member(&mz, "xl/workbook.xml", unnamed.as_bytes());
    edit(&mz, |b| {
        b.sheet_by_name_mut("资金执行").expect("sheet").insert_new_row(5, 1);
    });
    let (_, report, _) = run_dir(&dir, "alike");
    let of = |city: &str| -> Vec<(String, String)> {
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["city"] == city)
            .filter(|f| !f["code"].as_str().unwrap_or("").starts_with("SE5"))
            .map(|f| (f["code"].as_str().unwrap_or("").to_string(), f["severity"].as_str().unwrap_or("").to_string()))
            .collect()
    };
    assert_eq!(of("汕头市"), vec![("SE104".to_string(), "info".to_string())]);
    assert_eq!(of("韶关市"), vec![("SE105".to_string(), "warning".to_string())]);
    assert_eq!(of("河源市"), vec![("SE107".to_string(), "info".to_string())], "read by name, said once");
    assert_eq!(city(&report, "河源市")["in_totals"], true, "河源市's figures are read from the moved cells");
    let hy = report["inputs"].as_array().expect("inputs").iter().find(|i| i["city"] == "河源市").expect("河源市");
    assert_eq!(hy["figures"]["exec.spent"], "48", "实际支出 read from B7, where the name moved it");
    assert_eq!(of("梅州市"), vec![("SE106".to_string(), "error".to_string())], "one finding, not one per label");
    assert_eq!(city(&report, "汕头市")["in_totals"], true, "its figures are read");
}

/// Setup errors are the setup's: exit 2 before any city is judged.
#[test]
fn setup_errors_exit_2_with_a_clear_message() {
    let (tmp, dir) = sample_copy();
    let params = |name: &str, f: &dyn Fn(&mut umya_spreadsheet::Workbook)| {
        let p = tmp.path().join(name);
        std::fs::copy(root().join("templates/old-communities/2024/省级参数表.xlsx"), &p).expect("copy");
        edit(&p, f);
        p
    };
    let find = |b: &umya_spreadsheet::Workbook, sheet: &str, text: &str| -> (u32, u32) {
        let ws = b.sheet_by_name(sheet).expect("sheet");
        for r in 1..=60 {
            for c in 1..=12 {
                if ws.value((c, r)) == text {
                    return (c, r);
                }
            }
        }
        panic!("{text} not in {sheet}")
    };
    let year_2025 = params("2025.xlsx", &|b| {
        let (c, r) = find(b, "基本参数", "年度");
        b.sheet_by_name_mut("基本参数").expect("s").cell_mut((c + 1, r)).set_value_number(2025);
    });
    let huge = params("huge.xlsx", &|b| {
        for h in ["财力补助系数", "绩效评价调节系数", "项目库系数"] {
            let (c, r) = find(b, "地市下达", h);
            b.sheet_by_name_mut("地市下达").expect("s").cell_mut((c, r + 1)).set_value_number(9e14);
        }
    });
    let bad_target = params("target.xlsx", &|b| {
        let (c, r) = find(b, "绩效目标", "目标值");
        b.sheet_by_name_mut("绩效目标").expect("s").cell_mut((c, r + 1)).set_value_string("约七百");
    });
    for (p, says) in [(year_2025, "2025 年"), (huge, "超出可精确计算的范围"), (bad_target, "无法读取")] {
        let out = tmp.path().join(format!("o-{}", p.file_stem().expect("stem").to_string_lossy()));
        let o = selfeval(&[
            "run".as_ref(),
            dir.as_os_str(),
            "--params".as_ref(),
            p.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(says), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!out.join("report.json").exists(), "no city judged");
        // allocate refuses the same way.
        let alloc = tmp.path().join("a.xlsx");
        let o =
            selfeval(&["allocate".as_ref(), "--params".as_ref(), p.as_os_str(), "--out".as_ref(), alloc.as_os_str()]);
        assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    }
}
