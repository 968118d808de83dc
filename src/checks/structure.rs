//! Is this the year's city form, intact? Sheets, template version and the
//! labels that anchor every input cell.

use super::Ctx;
use crate::findings::{Code, Finding, Loc};
use crate::model::Submission;
use crate::read::Value;

/// SE002: at least one of the form's sheets must be there; otherwise the
/// file is something else (a Word table pasted into Excel, last year's
/// report, a budget sheet).
pub fn is_city_form(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    if ctx.form.sheets.iter().any(|s| sub.raw.sheet(&s.name).is_some()) {
        return vec![];
    }
    let have: Vec<&str> = sub.raw.sheets.iter().map(|s| s.name.as_str()).collect();
    let want: Vec<&str> = ctx.form.sheets.iter().map(|s| s.name.as_str()).collect();
    vec![Finding::at(
        Code::NotCityForm,
        &Loc::file(),
        Some(want.join("、")),
        Some(have.join("、")),
        &format!(
            "应有工作表 {}，实有 {}",
            want.join("、"),
            if have.is_empty() { "（无）".to_string() } else { have.join("、") }
        ),
    )]
}

/// SE003: 模板版本 must be this year's. An old form has other cells.
pub fn template_version(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let Some(field) = ctx.form.field("info.version") else {
        return vec![];
    };
    let Some(sheet) = sub.raw.sheet(&field.sheet) else {
        return vec![];
    };
    let found = sheet.get(field.cell).shown();
    if found.trim() == ctx.form.version {
        return vec![];
    }
    vec![Finding::at(Code::TemplateVersion, &ctx.loc("info.version"), Some(ctx.form.version.clone()), Some(found), "")]
}

/// SE101 / SE004: every sheet of the form is present and readable.
pub fn sheets_present(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &ctx.form.sheets {
        match sub.raw.sheet(&s.name) {
            None => out.push(Finding::at(Code::MissingSheet, &Loc::sheet(&s.name), Some(s.name.clone()), None, "")),
            Some(raw) => {
                if let Some(p) = &raw.problem {
                    out.push(Finding::at(Code::SheetUnreadable, &Loc::sheet(&s.name), None, None, p));
                }
            }
        }
    }
    out
}

/// Label text as compared: no white space, full-width brackets folded.
pub fn norm_label(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '％' => '%',
            c => c,
        })
        .collect()
}

/// SE102: every label and header sits at its cell. A moved label means
/// rows or columns were inserted, so values would be read from the wrong
/// cells.
pub fn labels_in_place(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &ctx.form.sheets {
        let Some(raw) = sub.raw.sheet(&s.name) else {
            continue;
        };
        let field_labels = s.fields.iter().map(|f| &f.label);
        let mut seen = std::collections::HashSet::new();
        for l in s.labels.iter().chain(field_labels) {
            if !seen.insert(l.cell) {
                continue;
            }
            let found = raw.get(l.cell);
            let ok = match found {
                Value::Number(x) => l.text.trim() == Value::Number(*x).shown(),
                v => norm_label(&v.shown()) == norm_label(&l.text),
            };
            if !ok {
                let shown = if found.is_empty() { "（空）".to_string() } else { found.shown() };
                out.push(Finding::at(
                    Code::LabelMismatch,
                    &Loc::cell(&s.name, l.cell, &l.text),
                    Some(l.text.clone()),
                    Some(shown),
                    "",
                ));
            }
        }
    }
    out
}

/// SE103: an input cell merged with others. Excel keeps only the
/// top-left value of a merge, so a figure typed there may be gone.
pub fn inputs_not_merged(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &ctx.form.sheets {
        let Some(raw) = sub.raw.sheet(&s.name) else { continue };
        for f in &s.fields {
            if let Some(m) = raw.merges.iter().find(|m| m.contains(f.cell) && m.first != m.last) {
                out.push(Finding::at(Code::MergedInput, &ctx.loc(&f.id), None, None, &m.to_string()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixture::{self, run};

    #[test]
    fn not_a_city_form_fires_and_stays_quiet() {
        let mut sub = fixture::clean(0);
        assert!(run(is_city_form, &sub).is_empty());
        for s in &mut sub.raw.sheets {
            s.name = format!("Sheet{}", s.name.len());
        }
        assert_eq!(run(is_city_form, &sub), vec![(Code::NotCityForm, String::new())]);
    }

    #[test]
    fn template_version_fires_and_stays_quiet() {
        assert!(run(template_version, &fixture::clean(1)).is_empty());
        let sub = fixture::with(1, "info.version", Value::Text("2023.2".into()));
        assert_eq!(run(template_version, &sub), vec![(Code::TemplateVersion, "基本信息!B11".into())]);
    }

    #[test]
    fn missing_sheet_fires_and_stays_quiet() {
        let mut sub = fixture::clean(2);
        assert!(run(sheets_present, &sub).is_empty());
        sub.raw.sheets.retain(|s| s.name != "效益指标");
        assert_eq!(run(sheets_present, &sub), vec![(Code::MissingSheet, "效益指标".into())]);
    }

    #[test]
    fn unreadable_sheet_fires() {
        let mut sub = fixture::clean(2);
        sub.raw.sheets[1].problem = Some("XML 错误".into());
        assert_eq!(run(sheets_present, &sub), vec![(Code::SheetUnreadable, "资金执行".into())]);
    }

    #[test]
    fn moved_label_fires_and_stays_quiet() {
        let mut sub = fixture::clean(3);
        assert!(run(labels_in_place, &sub).is_empty());
        let sheet = sub.raw.sheets.iter_mut().find(|s| s.name == "资金执行").unwrap();
        let a6 = crate::cellref::CellRef::parse("A6").unwrap();
        sheet.cells.insert(a6, Value::Text("到位资金".into()));
        assert_eq!(run(labels_in_place, &sub), vec![(Code::LabelMismatch, "资金执行!A6".into())]);
    }

    #[test]
    fn merged_input_fires_and_stays_quiet() {
        let mut sub = fixture::clean(3);
        assert!(run(inputs_not_merged, &sub).is_empty());
        let sheet = sub.raw.sheets.iter_mut().find(|s| s.name == "资金执行").unwrap();
        sheet.merges.push(crate::cellref::CellRange::parse("A1:C1").unwrap());
        assert!(run(inputs_not_merged, &sub).is_empty(), "the title merge is fine");
        let sheet = sub.raw.sheets.iter_mut().find(|s| s.name == "资金执行").unwrap();
        sheet.merges.push(crate::cellref::CellRange::parse("A6:B6").unwrap());
        assert_eq!(run(inputs_not_merged, &sub), vec![(Code::MergedInput, "资金执行!B6".into())]);
    }

    #[test]
    fn label_spacing_and_bracket_width_are_tolerated() {
        let mut sub = fixture::clean(3);
        let sheet = sub.raw.sheets.iter_mut().find(|s| s.name == "任务完成").unwrap();
        let a4 = crate::cellref::CellRef::parse("A4").unwrap();
        sheet.cells.insert(a4, Value::Text(" 改造建筑面积 (万平方米)".into()));
        assert!(run(labels_in_place, &sub).is_empty());
    }
}
