//! The rest of a sample city's submission: its 自评报告 (.docx), written in
//! the seed report's sentence shapes from the figures its form holds (read
//! back from the form itself, so report and form agree by construction),
//! and a small 佐证材料 folder.

use crate::model::{Parsed, Submission};
use docx_rs::{Docx, Paragraph, Run, RunFonts};
use rust_decimal::Decimal;

/// The sample report's file name, beside the form.
pub fn report_file_name(i: usize, city: &str, year: i64) -> String {
    format!("{:02}_{city}_{year}年绩效自评报告.docx", i + 1)
}

/// The sample evidence folder's name, beside the form.
pub fn evidence_folder_name(i: usize, city: &str) -> String {
    format!("{:02}_{city}_佐证材料", i + 1)
}

fn num(sub: &Submission, id: &str) -> Option<Decimal> {
    match sub.values.get(id) {
        Some(Parsed::Number(d)) => Some(*d),
        _ => None,
    }
}

fn amount(sub: &Submission, id: &str) -> String {
    num(sub, id).map(crate::calc::fmt2).unwrap_or_default()
}

fn count(sub: &Submission, id: &str) -> String {
    num(sub, id).map(|d| d.normalize().to_string()).unwrap_or_default()
}

fn pct(sub: &Submission, id: &str) -> String {
    num(sub, id).map(|d| format!("{}%", crate::calc::fmt2(d * Decimal::ONE_HUNDRED))).unwrap_or_default()
}

fn text(sub: &Submission, id: &str) -> String {
    match sub.values.get(id) {
        Some(Parsed::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

/// The report's paragraphs: a title, then 基本情况, 自评情况 and 自评结论 in
/// the seed's shapes ("一是开工改造小区数计划完成700个，实际完成1161个，
/// 完成率为165.86%。").
pub fn report_paragraphs(city: &str, year: i64, sub: &Submission) -> Vec<String> {
    let measure = |ordinal: &str, what: &str, key: &str, unit: &str| {
        format!(
            "{ordinal}是开工改造{what}计划完成{}{unit}，实际完成{}{unit}，完成率为{}。",
            count(sub, &format!("plan.{key}")),
            count(sub, &format!("actual.{key}")),
            pct(sub, &format!("rate.{key}"))
        )
    };
    let acceptance = match sub.values.get("benefit.acceptance") {
        Some(Parsed::Number(_)) => format!("已验收项目验收合格率为{}", pct(sub, "benefit.acceptance")),
        _ => "项目尚未组织竣工验收".to_string(),
    };
    vec![
        format!("{city}{year}年城镇老旧小区改造专项资金绩效自评报告"),
        "（示例数据，由 selfeval-gen 按示例自评表生成）".to_string(),
        "一、基本情况".to_string(),
        format!(
            "{year}年省级下达我市城镇老旧小区改造专项资金预算指标{}万元，到位资金{}万元。",
            amount(sub, "exec.budget"),
            amount(sub, "exec.arrived")
        ),
        "二、自评情况".to_string(),
        format!(
            "（一）过程指标。截至{year}年12月31日，我市实际支出{}万元，支出率为{}。",
            amount(sub, "exec.spent"),
            pct(sub, "exec.rate")
        ),
        format!(
            "（二）产出指标。{}{}{}{}",
            measure("一", "小区数", "communities", "个"),
            measure("二", "户数", "households", "户"),
            measure("三", "楼栋", "buildings", "栋"),
            measure("四", "建筑面积", "area", "万平方米")
        ),
        format!("（三）效益指标。{acceptance}，服务对象满意度为{}。", pct(sub, "benefit.satisfaction")),
        "三、自评结论".to_string(),
        format!("经自评，我市自评得分{}分，自评等级为{}。", amount(sub, "score.total"), text(sub, "score.grade")),
    ]
}

/// A report for any fund, from its submission.toml alone: one sentence a
/// declared figure, in the figure's first words and unit ("全年执行数为
/// 400.00万元。"), the value `value` gives (`None`: the sentence is left out).
pub fn declared_report(
    city: &str,
    year: i64,
    fund: &str,
    spec: &crate::spec::SubmissionSpec,
    value: &dyn Fn(&str) -> Option<crate::spec::relation::Val>,
) -> Vec<String> {
    use crate::spec::{relation::Val, Unit};
    let mut out =
        vec![format!("{city}{year}年{fund}绩效自评报告"), "（示例数据，由 selfeval-gen 按示例自评表生成）".to_string()];
    for f in &spec.figures {
        let word = f.words.first().map(String::as_str).unwrap_or_default();
        let sentence = match (&f.unit, value(&f.field)) {
            (Unit::Choice, Some(Val::Text(t))) => format!("经自评，我市{word}{t}。"),
            (Unit::Wan, Some(Val::Num(d))) => format!("{word}为{}万元。", crate::calc::fmt2(d)),
            (Unit::Percent, Some(Val::Num(d))) => format!("{word}为{}%。", crate::calc::fmt2(d * Decimal::ONE_HUNDRED)),
            (Unit::Word(w), Some(Val::Num(d))) => format!("{word}为{}{w}。", d.normalize()),
            _ => continue,
        };
        out.push(sentence);
    }
    out
}

/// A .docx of `paragraphs` in 仿宋, deterministic (no timestamps).
pub fn docx_of(paragraphs: &[String]) -> Result<Vec<u8>, super::GenError> {
    let fonts = RunFonts::new().east_asia("仿宋_GB2312").ascii("仿宋_GB2312");
    let mut doc = Docx::new();
    for p in paragraphs {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(p).fonts(fonts.clone()).size(32)));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(|_| super::GenError::Docx)?;
    Ok(buf.into_inner())
}

/// The evidence folder's one file: a short 验收情况说明 of `project`
/// ("城镇老旧小区改造项目").
pub fn evidence(city: &str, year: i64, project: &str) -> Result<(String, Vec<u8>), super::GenError> {
    let name = format!("{city}{year}年{project}验收情况说明.docx");
    let body = [format!("{city}{year}年{project}验收情况说明"), "（示例数据：佐证材料的占位文件）".to_string()];
    Ok((name, docx_of(&body)?))
}
