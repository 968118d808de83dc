//! The 自评报告（初稿）: a Word document following the 2024 report's
//! structure, every figure taken from the consolidated summary (the same
//! numbers as 省级汇总表 and report.json), the wording from
//! `templates/<year>/report.toml`, and every judgement a person must make
//! left as a marked 【待填写：…】.
//!
//! docx-rs writes the document: pure Rust, maintained, and it sets East
//! Asian fonts, tables, sections and page-number fields. It cannot mark a
//! table row as a repeated header, so header rows are flagged `cantSplit`
//! while building and given `<w:tblHeader/>` in the package afterwards.

use crate::calc;
use crate::consolidate::{ProvinceSummary, TargetActual};
use crate::findings::{render, Finding, Severity};
use crate::model::TargetValue;
use crate::spec::ReportSpec;
use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run, RunFonts, Table,
    TableCell, TableRow, WidthType,
};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::{Read, Write};

/// Title font: 方正小标宋简体, or 宋体 where it is not installed.
const TITLE_FONT: &str = "方正小标宋简体";
/// Body font: 仿宋_GB2312 (the official font), 仿宋 as its fallback name.
const BODY_FONT: &str = "仿宋_GB2312";
const HEADING_FONT: &str = "黑体";
const KAITI: &str = "楷体_GB2312";
/// 二号 and 三号 in half-points.
const SIZE_TITLE: usize = 44;
const SIZE_BODY: usize = 32;
const SIZE_TABLE: usize = 21;
/// Wide tables (14 columns on A4 portrait): 8 pt, the smallest for print.
const SIZE_WIDE: usize = 16;

/// Why the draft could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("生成 Word 文档时出错")]
    Pack,
}

/// The figures the sentences use, by slot name.
struct Slots(BTreeMap<String, String>);

impl Slots {
    fn fill(&self, pattern: &str) -> String {
        let pairs: Vec<(&str, &str)> = self.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        render(pattern, &pairs)
    }

    fn set(&mut self, k: &str, v: impl Into<String>) {
        self.0.insert(k.to_string(), v.into());
    }
}

/// A percent the way the report prints it: "19.21%", "18.40%", "100%".
pub fn pct(x: Decimal) -> String {
    let r = calc::round2(x);
    if r.fract().is_zero() {
        format!("{}%", r.trunc())
    } else {
        calc::fmt_pct(r)
    }
}

/// A percent without its sign, 2 places ("166.62"), for a column headed (%).
fn rate_num(x: Option<Decimal>) -> String {
    x.map(calc::fmt2).unwrap_or_else(|| "—".into())
}

fn opt_pct(x: Option<Decimal>) -> String {
    x.map(pct).unwrap_or_else(|| "—".into())
}

/// An amount or a measure as the report prints it ("3623.35", "18672").
fn num(x: Decimal) -> String {
    calc::fmt_num(calc::round2(x))
}

fn join_cities(v: &[String]) -> String {
    if v.is_empty() {
        "无".to_string()
    } else {
        v.join("、")
    }
}

/// Builds the draft's bytes. `generated` is the run's time, said in the
/// basis line.
pub fn draft(
    spec: &ReportSpec,
    s: &ProvinceSummary,
    findings: &[Finding],
    generated: &str,
) -> Result<Vec<u8>, DraftError> {
    let slots = slots(spec, s, findings, generated);
    let mut doc = Doc::new();
    doc.title(&slots.fill(&spec.title));
    doc.body(&slots.fill(&spec.basis));
    let incomplete = !s.totals.coverage.complete();
    let note = |doc: &mut Doc| {
        if incomplete {
            doc.body(&slots.fill(spec.sentence("incomplete")));
        }
    };

    doc.h1(spec.section("basic"));
    doc.h2(spec.section("funding"));
    doc.body(&slots.fill(spec.sentence("funding")));
    doc.h2(spec.section("allocation"));
    doc.body(&slots.fill(spec.sentence("allocation")));
    doc.h2(spec.section("targets"));
    doc.body(&slots.fill(spec.sentence("targets")));
    doc.caption(&format!("表1-1 {}年城镇老旧小区改造资金绩效目标表", s.year));
    doc.table(&targets_table(s), &[1200, 1500, 2545, 1300, 1300, 1000], SIZE_TABLE);
    note(&mut doc);

    doc.h1(spec.section("self_eval"));
    doc.h2(spec.section("process"));
    doc.h3("1.资金管理（资金支出率）。");
    doc.body(&slots.fill(spec.sentence("spending")));
    doc.body(&slots.fill(spec.sentence("spending_spread")));
    note(&mut doc);
    doc.placeholder(&slots.fill(spec.sentence("spending_reason")));
    doc.caption("表2-2 专项资金预算执行情况表（单位：万元）");
    doc.table(&budget_table(s), &[700, 2745, 1400, 1400, 1400, 1200], SIZE_TABLE);
    doc.h2(spec.section("output"));
    doc.h3("1.数量指标。");
    doc.body(&slots.fill(spec.sentence("output")));
    doc.body(&slots.fill(spec.sentence("output_total")));
    note(&mut doc);
    doc.caption(&format!("表2-3 {}个地级市老旧小区改造任务完成情况表", s.rows.len()));
    doc.table(&tasks_table(s), &[300, 700, 700, 640, 600, 520, 800, 720, 660, 560, 660, 660, 660, 660], SIZE_WIDE);
    doc.h2(spec.section("benefit"));
    doc.h3("1.社会效益和可持续影响指标。");
    doc.body(&slots.fill(spec.sentence("benefit_intro")));
    for line in benefit_lines(spec, s, &slots) {
        doc.body(&line);
    }
    doc.h3("2.工程质量和满意度指标。");
    doc.body(&slots.fill(spec.sentence("acceptance")));
    doc.body(&slots.fill(spec.sentence("satisfaction")));
    note(&mut doc);
    doc.caption(&format!("附件1 {}年城镇老旧小区改造项目绩效自评效益指标信息汇总表", s.year));
    doc.table(&benefits_table(s), &[450, 900, 930, 930, 930, 930, 930, 930, 940, 900], SIZE_WIDE);

    doc.h1(spec.section("problems"));
    for (i, p) in problems(spec, s, findings, &slots).iter().enumerate() {
        doc.body(&format!("（{}）{p}", zh_number(i + 1)));
    }
    doc.placeholder(&slots.fill(spec.sentence("problem_reason")));
    doc.h1(spec.section("next"));
    doc.placeholder(&slots.fill(spec.sentence("next")));
    doc.pack()
}

/// 1 → 一, … for list ordinals.
fn zh_number(n: usize) -> String {
    const D: [&str; 11] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    match n {
        0..=10 => D[n].to_string(),
        11..=19 => format!("十{}", D[n - 10]),
        _ => n.to_string(),
    }
}

fn slots(spec: &ReportSpec, s: &ProvinceSummary, findings: &[Finding], generated: &str) -> Slots {
    let t = &s.totals;
    let mut x = Slots(BTreeMap::new());
    x.set("year", s.year.to_string());
    x.set("generated", generated);
    x.set("total", num(s.total));
    let all_budget: Decimal = s.rows.iter().map(|r| r.issued.budget).sum();
    x.set("cities_budget_all", num(all_budget));
    let short: Vec<String> = s.rows.iter().map(|r| r.issued.name.trim_end_matches('市').to_string()).collect();
    x.set("city_names", format!("{}市", short.join("、")));
    x.set("n_cities", s.rows.len().to_string());
    x.set("own_budget", num(s.own.budget));
    x.set("own_spent", num(s.own.spent));
    x.set("own_rate", opt_pct(calc::percent(s.own.spent, s.own.budget)));
    for (i, m) in s.measures.iter().map(|m| m.key.as_str()).enumerate() {
        let issued: Decimal = s.rows.iter().filter_map(|r| r.issued.plan.get(m)).sum();
        // The targets state the plan as issued, for every city; the
        // output sentences the plan of the cities counted.
        x.set(&format!("plan_all_{m}"), num(issued));
        x.set(&format!("plan_{m}"), num(t.plan.get(m).unwrap_or_default()));
        x.set(&format!("actual_{m}"), num(t.actual.get(m).unwrap_or_default()));
        x.set(&format!("rate_{m}"), opt_pct(t.completion.get(i).copied().flatten()));
    }
    x.set("spent", num(t.spent));
    x.set("spend_rate", opt_pct(t.spend_rate));
    x.set("cities_budget", num(t.cities_budget));
    x.set("cities_spent", num(t.cities_spent));
    x.set("cities_spend_rate", opt_pct(t.cities_spend_rate));
    x.set("n_counted", t.cities_counted.to_string());
    x.set("excluded", t.coverage.excluded_text());
    x.set("acceptance", opt_pct(t.acceptance));
    x.set("satisfaction", opt_pct(t.satisfaction));
    x.set("w_area", weight(s, "area"));
    x.set("w_households", weight(s, "households"));
    x.set("w_buildings", weight(s, "buildings"));
    x.set("w_communities", weight(s, "communities"));
    // Spend rates by city.
    let rates: Vec<(String, Decimal)> = s
        .rows
        .iter()
        .filter_map(|r| {
            let f = r.figures.as_ref()?;
            Some((r.issued.name.clone(), calc::percent(f.spent, r.issued.budget)?))
        })
        .collect();
    let avg = t.cities_spend_rate.unwrap_or_default();
    let above: Vec<String> = rates.iter().filter(|(_, r)| *r > avg).map(|(c, _)| c.clone()).collect();
    let below: Vec<String> = rates.iter().filter(|(_, r)| *r <= avg).map(|(c, _)| c.clone()).collect();
    x.set("above", join_cities(&above));
    x.set("below", join_cities(&below));
    x.set("n_above", above.len().to_string());
    x.set("n_below", below.len().to_string());
    if let Some((c, r)) = rates.iter().max_by_key(|(_, r)| *r) {
        x.set("max_city", c.clone());
        x.set("max_rate", pct(*r));
    }
    if let Some((c, r)) = rates.iter().min_by_key(|(_, r)| *r) {
        x.set("min_city", c.clone());
        x.set("min_rate", pct(*r));
    }
    let low = spec.thresholds.low_spending;
    let low_cities: Vec<String> =
        rates.iter().filter(|(_, r)| calc::round2(*r) < low).map(|(c, r)| format!("{c}（{}）", pct(*r))).collect();
    x.set("low_cities", join_cities(&low_cities));
    x.set("low_threshold", calc::fmt_num(low));
    let not_accepted: Vec<String> = s
        .rows
        .iter()
        .filter(|r| r.figures.as_ref().is_some_and(|f| f.acceptance.is_none()))
        .map(|r| r.issued.name.clone())
        .collect();
    x.set("not_accepted_list", join_cities(&not_accepted));
    x.set(
        "not_accepted",
        if not_accepted.is_empty() {
            "各地市均已组织验收".to_string()
        } else {
            format!("{}尚未验收", not_accepted.join("、"))
        },
    );
    // 满意度 against its target.
    let sat_target =
        s.targets.iter().find(|r| r.level3.contains("满意度")).map(|r| r.target.clone()).unwrap_or_default();
    x.set("sat_target", sat_target.clone());
    let sat_met = s.targets.iter().find(|r| r.level3.contains("满意度")).and_then(|r| r.met);
    x.set(
        "sat_verdict",
        match sat_met {
            Some(true) => "达到",
            Some(false) => "未达到",
            None => "尚不能判断是否达到",
        },
    );
    let warnings: Vec<&Finding> = findings.iter().filter(|f| f.severity == Severity::Warning).collect();
    x.set("n_warnings", warnings.len().to_string());
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for w in &warnings {
        *codes.entry(w.code.info().title).or_default() += 1;
    }
    x.set("warning_codes", codes.iter().map(|(t, n)| format!("{t} {n} 处")).collect::<Vec<_>>().join("、"));
    x
}

/// A factor weight in percent, as the params state it.
fn weight(s: &ProvinceSummary, m: &str) -> String {
    s.weights.get(m).map(calc::fmt_num).unwrap_or_default()
}

/// One share line per 附件1 count, with its standard.
fn benefit_lines(spec: &ReportSpec, s: &ProvinceSummary, slots: &Slots) -> Vec<String> {
    shares(spec, s)
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let mut x = Slots(slots.0.clone());
            x.set("ordinal", zh_number(i + 1));
            x.set("label", b.label);
            x.set("share", pct(b.share));
            x.set("share_actual", opt_pct(b.share_actual));
            x.set("verdict", b.verdict);
            x.set("target", b.target);
            x.fill(spec.sentence("benefit_item"))
        })
        .collect()
}

struct Share {
    label: String,
    share: Decimal,
    share_actual: Option<Decimal>,
    verdict: &'static str,
    target: String,
    below: bool,
}

/// The 附件1 counts as shares of the plan's communities (capped at 100%),
/// judged against their 表1-1 standards.
fn shares(spec: &ReportSpec, s: &ProvinceSummary) -> Vec<Share> {
    let t = &s.totals;
    s.benefit_fields
        .iter()
        .map(|f| &f.id)
        .enumerate()
        .filter_map(|(i, id)| {
            let count = *t.benefits.get(i)?;
            let share = calc::percent(count, t.plan.get("communities")?)?.min(Decimal::ONE_HUNDRED);
            let share_actual = calc::percent(count, t.actual.get("communities")?);
            let target = s.params_targets.iter().find(|x| x.key == *id);
            let want = match target.map(|x| &x.value) {
                Some(TargetValue::Number(d)) => Some(*d),
                _ => None,
            };
            let (verdict, below) = match want {
                Some(w) if calc::round2(share) >= w => ("达到并高于", false),
                Some(w) if w - calc::round2(share) <= spec.thresholds.slightly_below => ("略低于", true),
                Some(_) => ("低于", true),
                None => ("对照", false),
            };
            Some(Share {
                label: spec.benefit_labels.get(id).cloned().unwrap_or_else(|| id.to_string()),
                share,
                share_actual,
                verdict,
                target: want.map(|w| format!("{}%", calc::fmt_num(w))).unwrap_or_default(),
                below,
            })
        })
        .collect()
}

fn problems(spec: &ReportSpec, s: &ProvinceSummary, findings: &[Finding], slots: &Slots) -> Vec<String> {
    let mut out = Vec::new();
    let t = &s.totals;
    if t.cities_spend_rate.is_some_and(|r| r < Decimal::from(50)) {
        out.push(slots.fill(spec.sentence("problem_spending")));
    }
    if s.rows.iter().any(|r| r.figures.as_ref().is_some_and(|f| f.acceptance.is_none())) {
        out.push(slots.fill(spec.sentence("problem_not_accepted")));
    }
    for b in shares(spec, s).into_iter().filter(|b| b.below) {
        let mut x = Slots(slots.0.clone());
        x.set("label", b.label);
        x.set("share", pct(b.share));
        x.set("verdict", b.verdict);
        x.set("target", b.target);
        out.push(x.fill(spec.sentence("problem_share")));
    }
    if findings.iter().any(|f| f.severity == Severity::Warning) {
        out.push(slots.fill(spec.sentence("problem_warnings")));
    }
    if !t.coverage.complete() {
        out.push(slots.fill(spec.sentence("problem_incomplete")));
    }
    out
}

fn targets_table(s: &ProvinceSummary) -> Vec<Vec<String>> {
    let mut rows =
        vec![["一级指标", "二级指标", "三级指标", "年度目标值", "实际完成值", "是否达成"].map(String::from).to_vec()];
    for r in &s.targets {
        let actual = match &r.actual {
            Some(TargetActual::Number(d)) => num(*d),
            Some(TargetActual::Percent(p)) => pct(*p),
            Some(TargetActual::Text(t)) => t.clone(),
            None => "—".into(),
        };
        let shown = actual;
        let met = match r.met {
            Some(true) => "达成",
            Some(false) => "未达成",
            None => "待判断",
        };
        rows.push(vec![r.level1.clone(), r.level2.clone(), r.level3.clone(), r.target.clone(), shown, met.into()]);
    }
    rows
}

fn budget_table(s: &ProvinceSummary) -> Vec<Vec<String>> {
    let t = &s.totals;
    let mut rows = vec![["序号", "地市", "预算指标", "到位资金", "实际支出", "支出率"].map(String::from).to_vec()];
    rows.push(vec![
        String::new(),
        t.coverage.total_label(),
        num(t.budget),
        num(t.arrived),
        num(t.spent),
        opt_pct(t.spend_rate),
    ]);
    for (i, r) in s.rows.iter().enumerate() {
        let (a, sp, rate) = match &r.figures {
            Some(f) => (num(f.arrived), num(f.spent), opt_pct(calc::percent(f.spent, r.issued.budget))),
            None => (r.status.zh().to_string(), "—".into(), "—".into()),
        };
        rows.push(vec![(i + 1).to_string(), r.issued.name.clone(), num(r.issued.budget), a, sp, rate]);
    }
    rows.push(vec![
        (s.rows.len() + 1).to_string(),
        "省本级".into(),
        num(s.own.budget),
        num(s.own.arrived),
        num(s.own.spent),
        opt_pct(calc::percent(s.own.spent, s.own.budget)),
    ]);
    rows
}

fn tasks_table(s: &ProvinceSummary) -> Vec<Vec<String>> {
    let t = &s.totals;
    let ms: Vec<&str> = s.measures.iter().map(|m| m.key.as_str()).collect();
    let n = 2 + 3 * ms.len();
    let mut head = vec!["序号".to_string(), "地市".to_string()];
    for prefix in ["计划", "完成"] {
        for m in &s.measures {
            head.push(format!("{prefix}{}", m.short));
        }
    }
    // Rates in percent, the % in the header: the figures fit at 8 pt.
    for m in &s.measures {
        head.push(format!("完成率{}(%)", m.short));
    }
    head.truncate(n);
    let mut rows = vec![head];
    let mut total = vec![String::new(), t.coverage.total_label()];
    total.extend(ms.iter().map(|m| num(t.plan.get(m).unwrap_or_default())));
    total.extend(ms.iter().map(|m| num(t.actual.get(m).unwrap_or_default())));
    total.extend(t.completion.iter().map(|c| rate_num(*c)));
    total.truncate(n);
    rows.push(total);
    for (i, r) in s.rows.iter().enumerate() {
        let mut row = vec![(i + 1).to_string(), r.issued.name.clone()];
        row.extend(ms.iter().map(|m| num(r.issued.plan.get(m).unwrap_or_default())));
        match &r.figures {
            Some(f) => {
                row.extend(ms.iter().map(|m| num(f.actual.get(m).unwrap_or_default())));
                row.extend(ms.iter().map(|m| {
                    rate_num(calc::percent(
                        f.actual.get(m).unwrap_or_default(),
                        r.issued.plan.get(m).unwrap_or_default(),
                    ))
                }));
            }
            None => row.extend((0..2 * ms.len()).map(|k| if k == 0 { r.status.zh().to_string() } else { "—".into() })),
        }
        row.truncate(n);
        rows.push(row);
    }
    rows
}

/// A 附件1 count's short name for a table header: its 汇总口径 word
/// without the "附件1-" prefix (基础类短板).
fn benefit_short(f: &crate::spec::FieldSpec) -> String {
    let word = f.feeds.as_deref().unwrap_or(&f.id);
    word.strip_prefix("附件1-").unwrap_or(word).to_string()
}

fn benefits_table(s: &ProvinceSummary) -> Vec<Vec<String>> {
    let t = &s.totals;
    let mut head = vec!["序号".to_string(), "地市".to_string()];
    head.extend(s.benefit_fields.iter().map(benefit_short));
    head.extend(["验收合格率".to_string(), "满意度".to_string()]);
    let mut rows = vec![head];
    let mut total = vec![String::new(), t.coverage.total_label()];
    total.extend(t.benefits.iter().map(|b| num(*b)));
    total.push(opt_pct(t.acceptance));
    total.push(opt_pct(t.satisfaction));
    rows.push(total);
    for (i, r) in s.rows.iter().enumerate() {
        let mut row = vec![(i + 1).to_string(), r.issued.name.clone()];
        match &r.figures {
            Some(f) => {
                row.extend(f.benefits.iter().map(|b| num(*b)));
                row.push(f.acceptance.map(pct).unwrap_or_else(|| "未验收".into()));
                row.push(pct(f.satisfaction));
            }
            None => row.extend((0..s.benefit_fields.len() + 2).map(|k| {
                if k == 0 {
                    r.status.zh().to_string()
                } else {
                    "—".into()
                }
            })),
        }
        rows.push(row);
    }
    rows
}

// --------------------------------------------------------------- document

/// The document being built, with the official formatting in one place.
struct Doc {
    docx: Docx,
}

fn fonts(east: &str) -> RunFonts {
    RunFonts::new().east_asia(east).ascii(east).hi_ansi(east)
}

fn fixed_28pt() -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(560)
}

impl Doc {
    fn new() -> Self {
        let footer = Footer::new().add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text("第 ").fonts(fonts("宋体")).size(24))
                .add_page_num(PageNum::new())
                .add_run(Run::new().add_text(" 页").fonts(fonts("宋体")).size(24)),
        );
        let docx = Docx::new()
            .page_size(11906, 16838)
            .page_margin(PageMargin::new().top(2098).bottom(1984).left(1587).right(1474).header(851).footer(992))
            .default_fonts(fonts(BODY_FONT))
            .default_size(SIZE_BODY)
            .footer(footer)
            .custom_property(crate::marker::PROPERTY, "自评报告初稿");
        Doc { docx }
    }

    fn push(&mut self, p: Paragraph) {
        let d = std::mem::take(&mut self.docx);
        self.docx = d.add_paragraph(p);
    }

    fn title(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().after(400))
                .add_run(Run::new().add_text(text).fonts(fonts(TITLE_FONT)).size(SIZE_TITLE)),
        );
    }

    fn heading(&mut self, text: &str, font: &str, bold: bool) {
        let mut run = Run::new().add_text(text).fonts(fonts(font)).size(SIZE_BODY);
        if bold {
            run = run.bold();
        }
        self.push(
            Paragraph::new()
                .indent(None, Some(docx_rs::SpecialIndentType::FirstLine(640)), None, None)
                .line_spacing(fixed_28pt())
                .keep_next(true)
                .add_run(run),
        );
    }

    /// 一、
    fn h1(&mut self, text: &str) {
        self.heading(text, HEADING_FONT, false);
    }

    /// （一）
    fn h2(&mut self, text: &str) {
        self.heading(text, KAITI, false);
    }

    /// 1.
    fn h3(&mut self, text: &str) {
        self.heading(text, BODY_FONT, true);
    }

    fn body(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .indent(None, Some(docx_rs::SpecialIndentType::FirstLine(640)), None, None)
                .line_spacing(fixed_28pt())
                .add_run(Run::new().add_text(text).fonts(fonts(BODY_FONT)).size(SIZE_BODY)),
        );
    }

    /// A sentence a person must write: marked, and highlighted.
    fn placeholder(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .indent(None, Some(docx_rs::SpecialIndentType::FirstLine(640)), None, None)
                .line_spacing(fixed_28pt())
                .add_run(Run::new().add_text(text).fonts(fonts(BODY_FONT)).size(SIZE_BODY).highlight("yellow")),
        );
    }

    fn caption(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .align(AlignmentType::Center)
                .keep_next(true)
                .line_spacing(LineSpacing::new().before(120).after(60))
                .add_run(Run::new().add_text(text).fonts(fonts(HEADING_FONT)).size(24)),
        );
    }

    /// A table; its first row is the header, repeated on every page.
    fn table(&mut self, rows: &[Vec<String>], widths: &[usize], size: usize) {
        let cell = |text: &str, w: usize, bold: bool| {
            let mut run = Run::new().add_text(text).fonts(fonts("宋体")).size(size);
            if bold {
                run = run.bold();
            }
            TableCell::new()
                .width(w, WidthType::Dxa)
                .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run))
        };
        let trs: Vec<TableRow> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let cells = r
                    .iter()
                    .enumerate()
                    .map(|(c, t)| cell(t, widths.get(c).copied().unwrap_or(1000), i == 0))
                    .collect();
                let row = TableRow::new(cells);
                // cantSplit marks the header row; see the module doc.
                if i == 0 {
                    row.cant_split()
                } else {
                    row
                }
            })
            .collect();
        let d = std::mem::take(&mut self.docx);
        // Fixed layout and narrow cell margins: the columns keep the widths
        // given, so figures do not wrap in the 14-column tables.
        let total: usize = widths.iter().sum();
        let table = Table::new(trs)
            .set_grid(widths.to_vec())
            .layout(docx_rs::TableLayoutType::Fixed)
            .width(total, WidthType::Dxa)
            .margins(docx_rs::TableCellMargins::new().margin(0, 40, 0, 40));
        self.docx = d.add_table(table);
    }

    fn pack(self) -> Result<Vec<u8>, DraftError> {
        let mut buf = std::io::Cursor::new(Vec::new());
        self.docx.build().pack(&mut buf).map_err(|_| DraftError::Pack)?;
        repeat_header_rows(&buf.into_inner())
    }
}

/// Gives every row flagged `cantSplit` a `<w:tblHeader/>`: Word and WPS
/// then repeat it at the top of each page the table runs onto.
fn repeat_header_rows(docx: &[u8]) -> Result<Vec<u8>, DraftError> {
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(docx)).map_err(|_| DraftError::Pack)?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).map_err(|_| DraftError::Pack)?;
        let name = f.name().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).map_err(|_| DraftError::Pack)?;
        if name == "word/document.xml" {
            let text = String::from_utf8_lossy(&data);
            data = text.replace("<w:cantSplit />", "<w:cantSplit /><w:tblHeader />").into_bytes();
        }
        out.start_file(name.as_str(), opts).map_err(|_| DraftError::Pack)?;
        out.write_all(&data).map_err(|_| DraftError::Pack)?;
    }
    Ok(out.finish().map_err(|_| DraftError::Pack)?.into_inner())
}
