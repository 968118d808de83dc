//! The four tables of the draft (表1-1, 表2-2, 表2-3, 附件1) as rows of printed text.

use super::*;

pub(super) fn targets_table(s: &ProvinceSummary) -> Vec<Vec<String>> {
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

pub(super) fn budget_table(s: &ProvinceSummary) -> Vec<Vec<String>> {
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
            Some(f) => {
                (f.arrived.map(num).unwrap_or_default(), num(f.spent), opt_pct(calc::percent(f.spent, r.issued.budget)))
            }
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

pub(super) fn tasks_table(s: &ProvinceSummary) -> Vec<Vec<String>> {
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
pub(super) fn benefit_short(f: &crate::spec::FieldSpec) -> String {
    let word = f.feeds.as_deref().unwrap_or(&f.id);
    word.strip_prefix("附件1-").unwrap_or(word).to_string()
}

pub(super) fn benefits_table(s: &ProvinceSummary) -> Vec<Vec<String>> {
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
                row.push(opt_pct(f.satisfaction));
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
