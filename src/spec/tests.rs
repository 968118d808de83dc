//! Loading the template set: what is refused and what is read.

use super::*;

/// `text` with `from` replaced by `to` is refused by `load` with an
/// error naming `want`.
fn refused_by(text: &str, load: &dyn Fn(&str) -> Result<()>, from: &str, to: &str, want: &str) {
    assert!(text.contains(from), "{from}");
    let e = load(&text.replacen(from, to, 1)).unwrap_err().to_string();
    assert!(e.contains(want), "{from} → {to}: {e}");
}

/// The embedded form.toml edited so: refused, naming `want`.
fn refused(from: &str, to: &str, want: &str) {
    refused_by(embedded::FORM, &|t| FormSpec::from_toml(t, "t").map(drop), from, to, want)
}

#[test]
fn embedded_specs_load() {
    let (form, summary) = embedded_specs().unwrap();
    assert_eq!(form.field("exec.spent").unwrap().cell.to_string(), "B6");
    assert_eq!(form.field("exec.spent").unwrap().sheet, "资金执行");
    assert_eq!(form.field("ind.area.actual").unwrap().cell.to_string(), "E10");
    assert!(summary.sheet("budget").is_some());
}

#[test]
fn rejects_duplicate_and_missing_ids() {
    // The optional 备注 takes 填报人's id: a duplicate, no field lost.
    let dup = embedded::FORM.replace("id = \"info.remark\"", "id = \"info.preparer\"");
    let e = FormSpec::from_toml(&dup, "t").unwrap_err().to_string();
    assert!(e.contains("字段 info.preparer 重复定义"), "{e}");
    let missing = embedded::FORM.replace("id = \"exec.spent\"", "id = \"exec.other\"");
    let e = FormSpec::from_toml(&missing, "t").unwrap_err().to_string();
    assert!(e.contains("exec.spent"), "{e}");
}

#[test]
fn grades_come_from_checks_toml() {
    let b = embedded_bands().unwrap();
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    assert_eq!(b.grade(d("90")), "优");
    assert_eq!(b.grade(d("89.99")), "良");
    assert_eq!(b.grade(d("60")), "中");
    assert_eq!(b.grade(d("59.99")), "差");
    let form = embedded_specs().unwrap().0;
    assert_eq!(b.ratios.len(), 3);
    assert_eq!(b.ratios[1].fields(), vec!["actual.buildings", "actual.households"], "the marked cell first");
    let refused = |from: &str, to: &str, want: &str| {
        refused_by(embedded::CHECKS, &|t| Bands::from_toml(t, "t", &form).map(drop), from, to, want)
    };
    refused("code = \"SE501\"", "code = \"SE302\"", "不是比例类的代码");
    refused("at = \"actual.area\"", "at = \"actual.aera\"", "at = \"actual.aera\" 不在表中");
    refused("expr = \"actual.area * 10000", "expr = \"actual.aera * 10000", "字段 actual.aera 不在表中");
    refused("max = \"130\"", "max = \"13\"", "min 大于 max");
    refused("{actual.households} 户\"", "{actual.households 户\"", "没有闭合");
    let unordered = embedded::CHECKS.replace("min = \"80\"", "min = \"95\"");
    assert!(Bands::from_toml(&unordered, "t", &embedded_specs().unwrap().0).is_err());
}

#[test]
fn unknown_summary_column_and_missing_measure_field_are_load_errors() {
    let form = FormSpec::from_toml(embedded::FORM, "t").unwrap();
    let bad = embedded::SUMMARY.replace("key = \"benefit.linked\"", "key = \"benefit.linkd\"");
    let mut s = SummarySpec::from_toml(&bad, "t").unwrap();
    let e = s.check_against(&form, "t").unwrap_err().to_string();
    assert!(e.contains("benefit.linkd"), "{e}");
    let no_rate = embedded::FORM.replace("id = \"rate.buildings\"", "id = \"rate.building\"");
    let e = FormSpec::from_toml(&no_rate, "t").unwrap_err().to_string();
    assert!(e.contains("rate.buildings"), "{e}");
}

#[test]
fn report_words_must_match_the_form_s_counts() {
    let (form, summary) = embedded_specs().unwrap();
    let r = ReportSpec::from_toml(embedded::REPORT, "t").unwrap();
    assert!(r.check(&form, &summary, "t").is_ok());
    let renamed = embedded::REPORT.replace("\"benefit.linked\" =", "\"benefit.linkd\" =");
    let e = ReportSpec::from_toml(&renamed, "t").unwrap().check(&form, &summary, "t").unwrap_err().to_string();
    assert!(e.contains("benefit.linked"), "{e}");
}

#[test]
fn summary_titles_carry_the_form_year() {
    let (_, summary) = embedded_specs().unwrap();
    assert!(summary.sheet("targets").unwrap().title.contains("2024年"));
    assert!(summary.sheets.iter().all(|s| !s.title.contains("{year}")));
}

#[test]
fn bad_cell_is_a_spec_error() {
    let bad = embedded::FORM.replace("cell = \"B6\"", "cell = \"6B\"");
    assert!(FormSpec::from_toml(&bad, "t").is_err());
}

#[test]
fn derived_relations_load_and_bad_ones_are_refused_with_reasons() {
    let form = FormSpec::from_toml(embedded::FORM, "t").unwrap();
    assert_eq!(form.derived.len(), 16, "支出率, 4 完成率, 执行率, 总分, 资金得分, 7 指标得分, 等级");
    let total = form.derived("score.total").unwrap();
    assert_eq!(total.expr.fields().len(), 8, "fund.score and the 7 indicators' scores");
    refused("expr = \"exec.spent / exec.budget\"", "expr = \"exec.spent / exec.budgt\"", "字段 exec.budgt 不在表中");
    refused("expr = \"exec.spent / exec.budget\"", "expr = \"exec.spent /\"", "无法识别");
    refused("field = \"exec.rate\"", "field = \"exec.rat\"", "exec.rat");
    refused("code = \"SE302\"", "code = \"SE201\"", "不是重新计算类的代码");
    refused("field = \"rate.area\"", "field = \"exec.rate\"", "重复定义");
    refused("expr = \"actual.area / plan.area\"", "expr = \"recomputed(rate.area)\"", "循环引用");
    refused(
        "expr = \"higher(ind.area.weight, ind.area.target, ind.area.actual)\"",
        "expr = \"lower(ind.area.weight, ind.area.target, ind.area.actual)\"",
        "direction",
    );
    refused("detail = \"{recomputed(score.total):2}\"", "detail = \"{recomputed(score.total)\"", "没有闭合");
}

#[test]
fn roles_name_fields_of_the_form_and_the_required_ones_must_be_given() {
    let form = FormSpec::from_toml(embedded::FORM, "t").unwrap();
    assert_eq!(form.role(Role::Spent), Some("exec.spent"));
    assert_eq!(form.roles.of("info.city"), Some(Role::City));
    refused("city = \"info.city\"\n", "", "[roles] 缺少 city");
    refused("version = \"info.version\"\n", "", "[roles] 缺少 version");
    refused("spent = \"exec.spent\"", "spent = \"exec.spend\"", "spent = \"exec.spend\" 不是本表的字段");
    refused("spent = \"exec.spent\"", "spending = \"exec.spent\"", "spending");
    // An optional role left out loads: what needs it is off.
    let without = FormSpec::from_toml(&embedded::FORM.replacen("arrived = \"exec.arrived\"\n", "", 1), "t").unwrap();
    assert_eq!(without.role(Role::Arrived), None);
}

#[test]
fn same_figures_and_bounds_are_declared_and_bad_ones_refused() {
    let form = FormSpec::from_toml(embedded::FORM, "t").unwrap();
    let same = form.same_figures();
    assert_eq!(same.len(), 3 + 2 * 4, "3 declared, plan and actual of 4 measures");
    assert_eq!(
        (same[0].a.as_str(), same[0].b.as_str(), &same[0].witness),
        ("fund.annual", "exec.budget", &Witness::Issued)
    );
    assert_eq!(form.issued_kind("plan.area"), Some(IssuedFigure::Plan("area")));
    assert_eq!(form.issued_kind("fund.annual"), Some(IssuedFigure::Budget));
    assert_eq!(form.issued_kind("exec.spent"), None);
    refused("a = \"fund.annual\"", "a = \"fund.anual\"", "[[same]] 的 fund.anual 不是本表的字段");
    refused("\nwitness = \"issued\"", "\nwitness = \"rate\"", "witness 只能是");
    refused("b = \"exec.budget\"\nwitness", "b = \"exec.spent\"\nwitness", "要求 b 是省下达的数字");
    refused("whole = \"exec.budget\"\n", "", "witness 只能是");
    refused("at_most = \"actual.communities\"", "at_most = \"actual.community\"", "at_most = \"actual.community\"");
    refused("required = true, issued = \"budget\"", "required = true, issued = \"plan\"", "plan");
}

#[test]
fn city_tables_name_form_fields_and_their_totals_and_bad_ones_are_refused() {
    let form = FormSpec::from_toml(embedded::FORM, "t").unwrap();
    let table = r#"
[[sheets]]
key = "execution"
kind = "cities"
name = "预算执行情况"
title = "{year}年预算执行情况"
first_row = 4
header = [["序号", "地市", "全年预算数", "全年执行数", "执行率"]]
columns = [
  { key = "seq", width = 6, format = "text" },
  { key = "city", width = 10, format = "text" },
  { key = "fund.annual", width = 12, format = "dec2", total = "sum" },
  { key = "fund.executed", width = 12, format = "dec2", total = "sum" },
  { key = "fund.rate", width = 10, format = "pct2", total = "ratio", of = ["fund.executed", "fund.annual"] },
]
"#;
    let load = |extra: &str| -> Result<SummarySpec> {
        let mut s = SummarySpec::from_toml(&format!("{}{extra}", embedded::SUMMARY), "t")?;
        s.check_against(&form, "t")?;
        Ok(s)
    };
    let s = load(table).expect("a city table loads");
    let sheet = s.sheet("execution").unwrap();
    assert!(sheet.has_total_row() && sheet.title == "2024年预算执行情况");
    let refused = |from: &str, to: &str, want: &str| refused_by(table, &|t| load(t).map(drop), from, to, want);
    refused("key = \"fund.annual\"", "key = \"fund.anual\"", "列 fund.anual 不是 form.toml 中的字段");
    refused(", of = [\"fund.executed\", \"fund.annual\"]", "", "需要 of");
    refused("of = [\"fund.executed\", \"fund.annual\"]", "of = [\"fund.executed\", \"fund.initial\"]", "需要 of");
    refused("kind = \"cities\"\n", "", "key 无法识别");
    refused("key = \"execution\"", "key = \"findings\"", "程序自有的表");
    refused("key = \"execution\"", "key = \"roster\"", "程序自有的表");
    refused("key = \"execution\"", "key = \"budget\"", "key budget 重复");
    // Issued figures name the budget or a measure the form has.
    let planned = table.replacen("total = \"sum\" }", "total = \"sum\", issued = \"plan.area\" }", 1);
    assert!(load(&planned).is_ok(), "a column of a measure's issued plan loads");
    refused(
        "key = \"fund.annual\", width = 12, format = \"dec2\", total = \"sum\" }",
        "key = \"plan\", width = 12, format = \"dec2\", total = \"sum\", issued = \"plan.areas\" }",
        "列 plan 不是 form.toml 中的字段",
    );
    refused("total = \"sum\" }", "total = \"sum\", issued = \"budgets\" }", "issued = \"budgets\" 无法识别");
    // A row ratio divides two of the table's columns.
    assert!(load(&table.replace("total = \"ratio\", of", "row = \"ratio\", of")).is_ok());
    refused("key = \"fund.rate\", width = 10, format = \"pct2\", total = \"ratio\", of = [\"fund.executed\", \"fund.annual\"]", "key = \"rate\", width = 10, format = \"pct2\", row = \"ratio\"", "需要 of");
    // The own line shows columns of the table.
    let own = "own = { label = \"省本级\", values = { \"fund.annual\" = \"budget\" } }\n";
    let with_own = format!("{table}{own}");
    assert!(load(&with_own).is_ok(), "an own line on a column of the table loads");
    refused_by(
        &with_own,
        &|t| load(t).map(drop),
        "\"fund.annual\" = \"budget\"",
        "\"fund.anual\" = \"budget\"",
        "own.values 中 fund.anual",
    );
    refused_by(
        &with_own,
        &|t| load(t).map(drop),
        "\"fund.annual\" = \"budget\"",
        "\"fund.annual\" = \"budgets\"",
        "unknown variant",
    );
}

/// 表1-1's rules: every 绩效目标 key judged once, by a rule whose fields
/// exist and whose 说明 uses only the slots its `how` fills.
#[test]
fn targets_are_judged_by_declared_rules_and_bad_rules_are_refused() {
    let form = FormSpec::from_toml(embedded::FORM, "t").unwrap();
    let load = |text: &str| -> Result<()> {
        let mut s = SummarySpec::from_toml(text, "t")?;
        s.check_against(&form, "t")
    };
    load(embedded::SUMMARY).expect("the 2024 rules load");
    let refused = |from: &str, to: &str, want: &str| refused_by(embedded::SUMMARY, &load, from, to, want);
    refused("targets = [\"started\"]", "targets = [\"startd\"]", "目标 startd 不是 how = \"mean\" 能判断的");
    let living = embedded::SUMMARY.lines().find(|l| l.contains("targets = [\"living\"]")).expect("living rule");
    refused(living, "", "[target_words] 的 living 在汇总表 表1-1 绩效目标 的 judged 中没有判断规则");
    refused("{n} 个地市自评表", "{m} 个地市自评表", "说明中的 {m} 不可用");
    refused("field = \"ind.started.actual\"", "field = \"info.city\"", "how = \"mean\" 的 field / equals 不对");
    refused("equals = \"是\", ", "", "how = \"all\" 的 field / equals 不对");
    refused("targets = [\"started\"]", "targets = [\"started\", \"area\"]", "目标 area 出现在两条规则中");
    refused("how = \"sum\"", "how = \"total\"", "unknown variant");
    refused("kind = \"targets\"\n", "", "key 无法识别");
    refused(
        "key = \"budget\"\nkind = \"cities\"\n",
        "key = \"budget\"\nkind = \"cities\"\njudged = [{ targets = [], how = \"sum\", note = \"\" }]\n",
        "不是 kind = \"targets\"，不能有 judged",
    );
}
