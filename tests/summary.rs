//! End to end on the 15 samples: the summary workbook shows every figure
//! of the report's tables 2-2, 2-3 and attachment 1, read as cached values
//! (calamine does not recalculate), compared with the report's own text.

mod common;
use common::*;

/// The report text, split into the lines of one table.
fn block(start: &str, end: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("samples/source/report-2024.txt")).expect("report text");
    let from = text.find(start).expect("table start");
    let rest = &text[from..];
    let to = rest.find(end).expect("table end");
    rest[..to].lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect()
}

/// The `n` values after the line `label` in a table block.
fn row(lines: &[String], label: &str, n: usize) -> Vec<String> {
    let i = lines.iter().position(|l| l == label).unwrap_or_else(|| panic!("{label} not in table"));
    lines[i + 1..i + 1 + n].to_vec()
}

/// A report figure in the form the summary check compares: "55.2" →
/// "55.20", "4.53%" → "4.53%", "100%" → "100.00%", "未验收" as is.
fn canon(v: &str) -> String {
    if let Some(p) = v.strip_suffix('%') {
        format!("{:.2}%", p.parse::<f64>().expect("percent"))
    } else if let Ok(x) = v.parse::<f64>() {
        format!("{x:.2}")
    } else {
        v.to_string()
    }
}

fn shown(d: &calamine::Data, percent: bool) -> String {
    match d {
        calamine::Data::String(s) => s.clone(),
        _ if percent => pct2(d),
        _ => num2(d),
    }
}

const CITIES: [&str; 15] = [
    "汕头市",
    "韶关市",
    "河源市",
    "梅州市",
    "惠州市",
    "汕尾市",
    "江门市",
    "阳江市",
    "湛江市",
    "茂名市",
    "肇庆市",
    "清远市",
    "潮州市",
    "揭阳市",
    "云浮市",
];

fn run_samples() -> (tempfile::TempDir, std::path::PathBuf, serde_json::Value) {
    let (tmp, dir) = sample_copy();
    let (code, report, out) = run_dir(&dir, "summary");
    assert_eq!(code, 0, "clean samples must exit 0: {:#?}", codes_at(&report));
    (tmp, out.join("省级汇总表.xlsx"), report)
}

#[test]
fn table_2_2_matches_the_report() {
    let (_t, xlsx, _) = run_samples();
    let s = sheet(&xlsx, "表2-2 预算执行");
    let lines = block("表2-2 专项资金预算执行情况表", "（2）事项管理");
    // Row 4: 合计; rows 5–19: cities; row 20: 省本级.
    let total = row(&lines, "合  计", 4);
    let got: Vec<String> = ["C4", "D4", "E4"].iter().map(|a| num2(at(&s, a))).chain([pct2(at(&s, "F4"))]).collect();
    assert_eq!(got, total.iter().map(|v| canon(v)).collect::<Vec<_>>());
    assert_eq!(got, ["18860.00", "18860.00", "3623.35", "19.21%"]);
    for (i, city) in CITIES.iter().chain(&["省本级"]).enumerate() {
        let r = 5 + i;
        assert_eq!(at(&s, &format!("B{r}")).to_string(), *city);
        let want: Vec<String> = row(&lines, city, 4).iter().map(|v| canon(v)).collect();
        let got: Vec<String> = ["C", "D", "E"]
            .iter()
            .map(|c| num2(at(&s, &format!("{c}{r}"))))
            .chain([pct2(at(&s, &format!("F{r}")))])
            .collect();
        assert_eq!(got, want, "{city}");
    }
    // 其中：15个地市 3435.35, 18.40% (section 二(二)1).
    assert_eq!(at(&s, "B21").to_string(), "其中：15个地市");
    assert_eq!((num2(at(&s, "E21")), pct2(at(&s, "F21"))), ("3435.35".into(), "18.40%".into()));
}

#[test]
fn table_2_3_matches_the_report() {
    let (_t, xlsx, _) = run_samples();
    let s = sheet(&xlsx, "表2-3 任务完成");
    let lines = block("表2-3 15个地级市老旧小区改造任务完成情况表", "（2）质量指标");
    let cols = ["C", "D", "E", "F", "G", "H", "I", "J"];
    let total: Vec<String> = cols.iter().map(|c| num2(at(&s, &format!("{c}5")))).collect();
    assert_eq!(total, row(&lines, "合计", 8).iter().map(|v| canon(v)).collect::<Vec<_>>());
    assert_eq!(total, ["841.32", "92301.00", "9575.00", "700.00", "1401.82", "154903.00", "15504.00", "1161.00"]);
    let rates: Vec<String> = ["K", "L", "M", "N"].iter().map(|c| pct2(at(&s, &format!("{c}5")))).collect();
    assert_eq!(rates, ["166.62%", "167.82%", "161.92%", "165.86%"]);
    for (i, city) in CITIES.iter().enumerate() {
        let r = 6 + i;
        assert_eq!(at(&s, &format!("B{r}")).to_string(), *city);
        let got: Vec<String> = cols.iter().map(|c| num2(at(&s, &format!("{c}{r}")))).collect();
        assert_eq!(got, row(&lines, city, 8).iter().map(|v| canon(v)).collect::<Vec<_>>(), "{city}");
    }
}

#[test]
fn attachment_1_matches_the_report() {
    let (_t, xlsx, _) = run_samples();
    let s = sheet(&xlsx, "附件1 效益指标");
    let lines = block("2024年城镇老旧小区改造项目绩效自评效益指标信息汇总表", "附件2");
    let cols = ["C", "D", "E", "F", "G", "H", "I", "J"];
    let get = |r: usize| -> Vec<String> {
        cols.iter().enumerate().map(|(k, c)| shown(at(&s, &format!("{c}{r}")), k >= 6)).collect()
    };
    let total = get(6);
    assert_eq!(total, ["1111.00", "1022.00", "342.00", "728.00", "660.00", "71.00", "100.00%", "93.25%"]);
    assert_eq!(total, row(&lines, "合计", 8).iter().map(|v| canon(v)).collect::<Vec<_>>());
    for (i, city) in CITIES.iter().enumerate() {
        let r = 7 + i;
        assert_eq!(at(&s, &format!("B{r}")).to_string(), *city);
        assert_eq!(get(r), row(&lines, city, 8).iter().map(|v| canon(v)).collect::<Vec<_>>(), "{city}");
    }
}

#[test]
fn totals_are_live_formulas_with_cached_values() {
    let (_t, xlsx, _) = run_samples();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).expect("open");
    use calamine::Reader;
    let f = wb.worksheet_formula("表2-2 预算执行").expect("formulas");
    // get_value takes sheet positions (0-based row, column).
    let formula_at = |a1: &str| {
        let (col, row) = a1.split_at(1);
        let c = (col.as_bytes()[0] - b'A') as u32;
        let r: u32 = row.parse::<u32>().unwrap() - 1;
        f.get_value((r, c)).cloned().unwrap_or_default()
    };
    assert_eq!(formula_at("E4"), "SUM(E5:E20)");
    assert!(formula_at("F4").contains("E4/C4"), "{}", formula_at("F4"));
    // …and the cached value is there without recalculation.
    assert_eq!(num2(at(&sheet(&xlsx, "表2-2 预算执行"), "E4")), "3623.35");
}

#[test]
fn report_json_has_the_totals_and_no_errors() {
    let (_t, _, report) = run_samples();
    assert_eq!(report["schema"], 2);
    assert_eq!(total(&report, "budget", "exec.spent"), "3623.35");
    assert_eq!(total(&report, "budget", "rate"), "19.21%");
    assert_eq!(cities_total(&report, "budget", "exec.spent"), "3435.35");
    assert_eq!(cities_total(&report, "budget", "rate"), "18.40%");
    assert_eq!(total(&report, "benefits", "benefit.satisfaction"), "93.25%");
    assert_eq!(total(&report, "tasks", "actual.communities"), "1161");
    // Only warnings (the plausibility ones the report's figures raise).
    let fs = report["findings"].as_array().expect("findings");
    assert!(fs.iter().all(|f| f["severity"] == "warning"), "{fs:#?}");
    assert_eq!(fs.len(), clean_warnings().len());
    assert_eq!(report["inputs"].as_array().map(Vec::len), Some(15));
    assert!(report["inputs"].as_array().unwrap().iter().all(|i| i["status"] == "ok"));
}

#[test]
fn targets_sheet_judges_table_1_1() {
    let (_t, xlsx, _) = run_samples();
    let s = sheet(&xlsx, "表1-1 绩效目标");
    // Row 12 onward (below the 绩效目标表 block): the targets in the params' order.
    assert_eq!(at(&s, "C12").to_string(), "改造小区数（个）");
    assert_eq!(at(&s, "D12").to_string(), "≥700");
    assert_eq!(num2(at(&s, "E12")), "1161.00");
    assert_eq!(pct2(at(&s, "F12")), "165.86%");
    assert_eq!(at(&s, "G12").to_string(), "达成");
    assert_eq!(pct2(at(&s, "E18")), "93.25%");
    for r in 12..=18 {
        assert_eq!(at(&s, &format!("G{r}")).to_string(), "达成", "row {r}");
    }
    // The report's 绩效目标表 block, from the params.
    assert_eq!(at(&s, "A3").to_string(), "资金名称");
    assert_eq!(at(&s, "B3").to_string(), "战略领域");
    assert_eq!(at(&s, "C3").to_string(), "区域协调发展战略专项资金");
    assert_eq!(at(&s, "C6").to_string(), "广东省住房和城乡建设厅");
    assert_eq!(at(&s, "B9").to_string(), "2024年金额");
    assert_eq!(at(&s, "C9").to_string(), "18860");
    assert!(at(&s, "C10").to_string().starts_with("包括省本级工作经费"));
}

#[test]
fn allocation_sheet_sums_to_the_cities_amount() {
    let (_t, xlsx, _) = run_samples();
    let s = sheet(&xlsx, "资金分配测算");
    assert_eq!(num2(at(&s, "Q5")), "18672.00");
    assert_eq!(num2(at(&s, "R5")), "18672.00");
    assert_eq!(num2(at(&s, "S5")), "0.00");
    assert_eq!(at(&s, "B6").to_string(), "汕头市");
}

#[test]
fn targets_sheet_states_attachment_1_proportions_with_both_denominators() {
    let (_t, xlsx, _) = run_samples();
    let s = sheet(&xlsx, "表1-1 绩效目标");
    // Section 二(一)3: 100% / 100% / 48.86% / 100% / 94.29% / 10.14% of the
    // 700 planned: the share is the 实际完成值 (never the bare count), and
    // 完成率 is the share against its standard.
    let want = [
        ("≥70%", "100.00%", "142.86%", "达成", "95.69%"),
        ("≥70%", "100.00%", "142.86%", "达成", "88.03%"),
        ("≥50%", "48.86%", "97.72%", "未达成", "29.46%"),
        ("≥50%", "100.00%", "200.00%", "达成", "62.70%"),
        ("≥50%", "94.29%", "188.58%", "达成", "56.85%"),
        ("≥40%", "10.14%", "25.35%", "未达成", "6.12%"),
    ];
    for (k, (target, share, rate, met, of_actual)) in want.iter().enumerate() {
        let r = 19 + k;
        assert_eq!(at(&s, &format!("D{r}")).to_string(), *target, "row {r}");
        assert_eq!(pct2(at(&s, &format!("E{r}"))), *share, "row {r}");
        assert_eq!(pct2(at(&s, &format!("F{r}"))), *rate, "row {r}");
        assert_eq!(at(&s, &format!("G{r}")).to_string(), *met, "row {r}");
        let note = at(&s, &format!("H{r}")).to_string();
        assert!(note.contains("计划改造小区 700 个") && note.contains("实际改造小区 1161 个"), "{note}");
        assert!(note.contains(of_actual), "{note}");
    }
}

#[test]
fn allocate_writes_the_allocation_sheet_alone_from_a_params_workbook() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("分配测算.xlsx");
    let o = selfeval(&["allocate".as_ref(), "--out".as_ref(), out.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let names: Vec<String> = {
        use calamine::Reader;
        let wb: calamine::Xlsx<_> = calamine::open_workbook(&out).expect("open");
        wb.sheet_names()
    };
    assert_eq!(names, ["资金分配测算"]);
    let s = sheet(&out, "资金分配测算");
    assert_eq!(num2(at(&s, "Q5")), "18672.00");
    let default_shantou = num2(at(&s, "Q6"));

    // A clerk changes the weights in Excel: area only.
    let params = tmp.path().join("2025年省级参数表.xlsx");
    std::fs::copy(root().join("templates/old-communities/2024/省级参数表.xlsx"), &params).expect("copy");
    edit(&params, |b| {
        let ws = b.sheet_by_name_mut("因素权重").expect("sheet");
        for (cell, v) in [("B2", 100.0), ("B3", 0.0), ("B4", 0.0), ("B5", 0.0)] {
            ws.cell_mut(cell).set_value_number(v);
        }
    });
    let out2 = tmp.path().join("按面积.xlsx");
    let o =
        selfeval(&["allocate".as_ref(), "--params".as_ref(), params.as_os_str(), "--out".as_ref(), out2.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("2025年省级参数表.xlsx"), "says which params it used");
    let s2 = sheet(&out2, "资金分配测算");
    assert_eq!(num2(at(&s2, "Q5")), "18672.00");
    assert_ne!(num2(at(&s2, "Q6")), default_shantou);

    // Weights that do not add up to 100 are refused with a Chinese message.
    edit(&params, |b| {
        b.sheet_by_name_mut("因素权重").expect("sheet").cell_mut("B2").set_value_number(50.0);
    });
    let out3 = tmp.path().join("坏.xlsx");
    let o =
        selfeval(&["allocate".as_ref(), "--params".as_ref(), params.as_os_str(), "--out".as_ref(), out3.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("各项权重之和应为 100"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out3.exists());
}

/// 资金分配测算 is live: a coefficient edited in the sheet recomputes the
/// combined coefficient, every share and the amounts (LibreOffice
/// recalculates), and the shares still add up to 100%.
#[test]
fn allocation_sheet_recomputes_when_a_coefficient_is_edited() {
    if !tools_or_skip("allocation_sheet_recomputes_when_a_coefficient_is_edited", &["soffice"]) {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("分配测算.xlsx");
    assert!(selfeval(&["allocate".as_ref(), "--out".as_ref(), out.as_os_str()]).status.success());
    let before = sheet(&out, "资金分配测算");
    let share_before = match at(&before, "O6") {
        calamine::Data::Float(x) => *x,
        other => panic!("{other:?}"),
    };
    // The weights and the amount are on the sheet.
    assert_eq!(at(&before, "B22").to_string(), "因素权重");
    assert_eq!(pct2(at(&before, "C22")), "40.00%");
    assert_eq!(num2(at(&before, "P22")), "18672.00");
    assert!(at(&before, "A1").to_string().starts_with("2024年"), "{}", at(&before, "A1"));
    set_num(&out, "资金分配测算", "G6", 20.0);
    libreoffice_resave(&out);
    let after = sheet(&out, "资金分配测算");
    let f = |c: &str| match at(&after, c) {
        calamine::Data::Float(x) => *x,
        other => panic!("{c}: {other:?}"),
    };
    assert!(f("J6") > 19.0, "combined coefficient recomputed: {}", f("J6"));
    assert!(f("O6") > share_before * 1.5, "汕头's share grew: {} → {}", share_before, f("O6"));
    let total: f64 = (6..=20).map(|r| f(&format!("O{r}"))).sum();
    assert!((total - 1.0).abs() < 1e-9, "shares add up to 100%: {total}");
    assert!((f("P6") - f("O6") * 18672.0).abs() < 1e-6, "amount follows the share");
}
