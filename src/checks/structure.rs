//! Is this the year's city form, intact? Sheets, template version and the
//! labels that anchor every input cell.

use super::Ctx;
use crate::findings::{Code, Finding, Loc};
use crate::model::Submission;
use crate::read::Value;
use crate::spec::Role;

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
    let Some(field) = ctx.id(Role::Version).and_then(|id| ctx.form.field(id)) else {
        return vec![];
    };
    let Some(sheet) = sub.raw.sheet(&field.sheet) else {
        return vec![];
    };
    let found = sheet.get(field.cell).shown();
    if found.trim() == ctx.form.version {
        return vec![];
    }
    vec![Finding::at(
        Code::TemplateVersion,
        &ctx.loc_of(Role::Version),
        Some(ctx.form.version.clone()),
        Some(found),
        "",
    )]
}

/// SE101 / SE004: every sheet of the form is present and readable.
pub fn sheets_present(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &ctx.form.sheets {
        match sub.raw.sheet(&s.name) {
            None => {
                // Name the sheets that look like it, exactly, so the clerk
                // sees what differs ("资金执行 (2)", "资金执行表").
                let key = crate::read::sheet_key(&s.name);
                let near: Vec<String> = sub
                    .raw
                    .sheets
                    .iter()
                    .filter(|o| {
                        let k = crate::read::sheet_key(&o.name);
                        k.contains(&key) || (!k.is_empty() && key.contains(&k))
                    })
                    .map(|o| format!("“{}”（{} 个字符）", o.name, o.name.chars().count()))
                    .collect();
                let detail = if near.is_empty() {
                    String::new()
                } else {
                    format!("；文件中有名称相近的 {}", near.join("、"))
                };
                out.push(Finding::at(Code::MissingSheet, &Loc::sheet(&s.name), Some(s.name.clone()), None, &detail))
            }
            Some(raw) => {
                if let Some(p) = &raw.problem {
                    let f = Finding::at(Code::SheetUnreadable, &Loc::sheet(&s.name), None, None, &p.why.to_string());
                    out.push(f.with_words(Some(&p.words)));
                }
            }
        }
    }
    out
}

/// SE104: a sheet whose name differs from the form's only by spaces or
/// full-width characters was read as the form's sheet; said, so the
/// clerk can tidy the name.
pub fn sheet_names_alike(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    ctx.form
        .sheets
        .iter()
        .filter_map(|s| {
            let from = sub.raw.sheet(&s.name)?.renamed_from.as_ref()?;
            let shown = format!("{from}（{} 个字符）", from.chars().count());
            Some(Finding::at(Code::SheetNameLookAlike, &Loc::sheet(&s.name), Some(s.name.clone()), Some(shown), ""))
        })
        .collect()
}

/// SE105: the form's sheet is hidden while a visible near-copy of it
/// ("资金执行 (2)", "资金执行副本") sits beside it: the clerk most likely
/// worked in the copy, and the hidden sheet's figures are out of date.
pub fn hidden_sheet_beside_copy(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &ctx.form.sheets {
        let Some(raw) = sub.raw.sheet(&s.name) else { continue };
        if !raw.hidden {
            continue;
        }
        let key = crate::read::sheet_key(&s.name);
        for other in sub.raw.sheets.iter().filter(|o| !o.hidden && o.name != s.name) {
            if crate::read::sheet_key(&other.name).starts_with(&key) {
                out.push(Finding::at(
                    Code::HiddenSheetBesideCopy,
                    &Loc::sheet(&s.name),
                    Some(s.name.clone()),
                    Some(other.name.clone()),
                    "",
                ));
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
        let labels: Vec<&crate::spec::LabelSpec> =
            s.labels.iter().chain(field_labels).filter(|l| seen.insert(l.cell)).collect();
        // Labels go with the named cells beside them when rows were
        // inserted: found at a shift the names show, they are in place.
        let shifts = sub.shifts(ctx.form, &s.name);
        let shifted_to = |c: crate::cellref::CellRef, (dr, dc): (i64, i64)| {
            let (r, col) = (c.row as i64 + dr, c.col as i64 + dc);
            (r >= 0 && col >= 0).then(|| crate::cellref::CellRef::new(r as u32, col as u32))
        };
        let moved: Vec<&crate::spec::LabelSpec> = labels
            .iter()
            .copied()
            .filter(|l| !label_at(raw, l, l.cell))
            .filter(|l| !shifts.iter().any(|d| shifted_to(l.cell, *d).is_some_and(|to| label_at(raw, l, to))))
            .collect();
        // Several labels moved the same way: rows or columns were inserted
        // (or deleted). One finding says so, not one per label.
        if moved.len() >= 2 {
            if let Some(f) = shifted(&s.name, raw, &moved) {
                out.push(f);
                continue;
            }
        }
        for l in moved {
            let found = raw.get(l.cell);
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
    out
}

/// Whether `raw` holds label `l`'s text at `at`.
fn label_at(raw: &crate::read::RawSheet, l: &crate::spec::LabelSpec, at: crate::cellref::CellRef) -> bool {
    match raw.get(at) {
        Value::Number(x) => l.text.trim() == Value::Number(*x).shown(),
        v => norm_label(&v.shown()) == norm_label(&l.text),
    }
}

/// The one shift (rows down/up, or columns right/left) that puts every
/// moved label back on its text, as an SE106 finding.
fn shifted(sheet: &str, raw: &crate::read::RawSheet, moved: &[&crate::spec::LabelSpec]) -> Option<Finding> {
    use crate::cellref::CellRef;
    let first = moved.iter().map(|l| l.cell).min_by_key(|c| (c.row, c.col))?;
    for k in [1i64, 2, 3, 4, 5, -1, -2, -3] {
        for rows in [true, false] {
            let moved_to = |c: CellRef| {
                let (r, col) = if rows { (c.row as i64 + k, c.col as i64) } else { (c.row as i64, c.col as i64 + k) };
                (r >= 0 && col >= 0).then(|| CellRef::new(r as u32, col as u32))
            };
            if !moved.iter().all(|l| moved_to(l.cell).is_some_and(|to| label_at(raw, l, to))) {
                continue;
            }
            let n = k.unsigned_abs();
            let what = match (rows, k > 0) {
                (true, true) => format!("“{sheet}”表第 {} 行上方插入了 {n} 行", first.row + 1),
                (true, false) => format!("“{sheet}”表第 {} 行附近删除了 {n} 行", first.row + 1),
                (false, true) => {
                    format!("“{sheet}”表 {} 列左侧插入了 {n} 列", crate::cellref::CellRef::col_letters(first.col))
                }
                (false, false) => {
                    format!("“{sheet}”表 {} 列附近删除了 {n} 列", crate::cellref::CellRef::col_letters(first.col))
                }
            };
            let label = moved.iter().find(|l| l.cell == first).map(|l| l.text.as_str()).unwrap_or("");
            let at = moved_to(first).map(|c| c.to_string()).unwrap_or_default();
            return Some(Finding::at(
                Code::RowsShifted,
                &Loc::cell(sheet, first, label),
                Some(format!("“{label}”在 {first}")),
                Some(format!("“{label}”在 {at}")),
                &what,
            ));
        }
    }
    None
}

/// SE107: fields found by the form's defined names away from their
/// template cells (rows inserted in Excel, which moves the names): read
/// right, said once per file so the province knows the layout changed.
pub fn read_by_name(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let Some((id, to)) = sub.moved.iter().next() else {
        return vec![];
    };
    let Some(f) = ctx.form.field(id) else { return vec![] };
    let sheets: Vec<&str> = ctx
        .form
        .sheets
        .iter()
        .filter(|s| s.fields.iter().any(|f| sub.moved.contains_key(&f.id)))
        .map(|s| s.name.as_str())
        .collect();
    let what = format!("“{}”表中插入或删除了行列，{} 个栏目随之移位", sheets.join("”“"), sub.moved.len());
    let mut loc = ctx.loc(id);
    loc.cell = Some(*to);
    vec![Finding::at(
        Code::ReadByName,
        &loc,
        Some(format!("“{}”在 {}", f.label.text, f.cell)),
        Some(format!("如“{}”在 {to}", f.label.text)),
        &what,
    )]
}

/// SE103: an input cell merged with others. Excel keeps only the
/// top-left value of a merge, so a figure typed there may be gone.
pub fn inputs_not_merged(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &ctx.form.sheets {
        let Some(raw) = sub.raw.sheet(&s.name) else { continue };
        for f in &s.fields {
            if let Some(m) = raw.merges.iter().find(|m| m.contains(sub.cell_of(f)) && m.first != m.last) {
                out.push(Finding::at(Code::MergedInput, &ctx.loc(&f.id), None, None, &m.to_string()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{self, run};

    #[test]
    fn not_a_city_form_fires_and_stays_quiet() {
        let mut sub = testkit::clean(0);
        assert!(run(is_city_form, &sub).is_empty());
        for s in &mut sub.raw.sheets {
            s.name = format!("Sheet{}", s.name.len());
        }
        assert_eq!(run(is_city_form, &sub), vec![(Code::NotCityForm, String::new())]);
    }

    #[test]
    fn template_version_fires_and_stays_quiet() {
        assert!(run(template_version, &testkit::clean(1)).is_empty());
        let sub = testkit::with(1, "info.version", Value::Text("2023.2".into()));
        assert_eq!(run(template_version, &sub), vec![(Code::TemplateVersion, "基本信息!B11".into())]);
    }

    #[test]
    fn missing_sheet_fires_and_stays_quiet() {
        let mut sub = testkit::clean(2);
        assert!(run(sheets_present, &sub).is_empty());
        sub.raw.sheets.retain(|s| s.name != "效益指标");
        assert_eq!(run(sheets_present, &sub), vec![(Code::MissingSheet, "效益指标".into())]);
    }

    #[test]
    fn a_missing_sheet_names_its_look_alikes_exactly() {
        let mut sub = testkit::clean(2);
        // Two near names: neither is taken, both are named.
        sub.raw.sheets[1].name = "资金执行 (2)".into();
        let mut other = sub.raw.sheets[1].clone();
        other.name = "资金执行表".into();
        sub.raw.sheets.push(other);
        let ctx_parts = testkit::ctx_parts();
        let bands = testkit::bands();
        let ctx = Ctx { form: &ctx_parts.0, params: &ctx_parts.1, bands: &bands };
        let f = sheets_present(&sub, &ctx);
        assert_eq!(f.len(), 1);
        let m = f[0].message(ctx.form);
        assert!(m.contains("“资金执行 (2)”（8 个字符）") && m.contains("“资金执行表”"), "{m}");
    }

    #[test]
    fn unreadable_sheet_fires() {
        let mut sub = testkit::clean(2);
        sub.raw.sheets[1].problem = Some(crate::read::SheetProblem::new(crate::read::Broken::Xml, "bad XML"));
        assert_eq!(run(sheets_present, &sub), vec![(Code::SheetUnreadable, "资金执行".into())]);
    }

    #[test]
    fn moved_label_fires_and_stays_quiet() {
        let mut sub = testkit::clean(3);
        assert!(run(labels_in_place, &sub).is_empty());
        let sheet = sub.raw.sheets.iter_mut().find(|s| s.name == "资金执行").unwrap();
        let a6 = crate::cellref::CellRef::parse("A6").unwrap();
        sheet.cells.insert(a6, Value::Text("到位资金".into()));
        assert_eq!(run(labels_in_place, &sub), vec![(Code::LabelMismatch, "资金执行!A6".into())]);
    }

    /// City 3's form with a row inserted above 资金执行 row 5, as Excel
    /// does it; with `names`, the defined names moved along.
    fn row_inserted(names: bool) -> Submission {
        let (form, _) = testkit::ctx_parts();
        let mut raw = testkit::raw(3);
        let sheet = raw.sheets.iter_mut().find(|s| s.name == "资金执行").unwrap();
        let moved: Vec<(crate::cellref::CellRef, Value)> =
            sheet.cells.iter().filter(|(c, _)| c.row >= 4).map(|(c, v)| (*c, v.clone())).collect();
        for (c, _) in &moved {
            sheet.cells.remove(c);
        }
        for (c, v) in moved {
            sheet.cells.insert(c.down(1), v);
        }
        if names {
            for f in form.fields() {
                let at = if f.sheet == "资金执行" && f.cell.row >= 4 { f.cell.down(1) } else { f.cell };
                let r = format!("'{}'!${}${}", f.sheet, crate::cellref::CellRef::col_letters(at.col), at.row + 1);
                raw.names.push((crate::spec::FormSpec::defined_name(&f.id), r));
            }
        }
        crate::model::Submission::build("a.xlsx".into(), "a.xlsx".into(), raw, &form)
    }

    #[test]
    fn named_cells_are_read_where_they_moved_and_said_once() {
        let sub = row_inserted(true);
        assert_eq!(sub.num("exec.spent"), testkit::clean(3).num("exec.spent"), "read at B7, not B6");
        assert!(run(labels_in_place, &sub).is_empty(), "labels moved with the names");
        assert_eq!(run(read_by_name, &sub), vec![(Code::ReadByName, "资金执行!B6".into())]);
        // Names where the template has them: nothing to say.
        let mut raw = testkit::raw(3);
        let (form, _) = testkit::ctx_parts();
        for f in form.fields() {
            let r = format!("'{}'!${}${}", f.sheet, crate::cellref::CellRef::col_letters(f.cell.col), f.cell.row + 1);
            raw.names.push((crate::spec::FormSpec::defined_name(&f.id), r));
        }
        let same = crate::model::Submission::build("a.xlsx".into(), "a.xlsx".into(), raw, &form);
        assert!(run(read_by_name, &same).is_empty());
        assert!(run(labels_in_place, &same).is_empty());
    }

    #[test]
    fn without_names_an_inserted_row_is_one_finding_that_stops_the_file() {
        let sub = row_inserted(false);
        assert!(run(read_by_name, &sub).is_empty());
        assert_eq!(run(labels_in_place, &sub), vec![(Code::RowsShifted, "资金执行!A5".into())]);
    }

    #[test]
    fn a_look_alike_sheet_name_is_read_and_said() {
        let (form, _) = testkit::ctx_parts();
        let mut raw = testkit::raw(4);
        raw.sheets[1].name = format!("{} ", raw.sheets[1].name);
        let sub = crate::model::Submission::build("a.xlsx".into(), "a.xlsx".into(), raw, &form);
        assert_eq!(run(sheet_names_alike, &sub), vec![(Code::SheetNameLookAlike, "资金执行".into())]);
        assert!(run(sheets_present, &sub).is_empty());
        assert!(sub.num("exec.spent").is_some(), "its figures are read");
        // The exact name: quiet.
        assert!(run(sheet_names_alike, &testkit::clean(4)).is_empty());
        // Full-width digits and an ideographic space fold too.
        assert_eq!(crate::read::sheet_key("资金执行　（２）"), crate::read::sheet_key("资金执行(2)"));
    }

    #[test]
    fn a_hidden_sheet_beside_a_visible_copy_is_a_warning() {
        let mut sub = testkit::clean(5);
        assert!(run(hidden_sheet_beside_copy, &sub).is_empty());
        let mut copy = sub.raw.sheets[1].clone();
        copy.name = format!("{} (2)", copy.name);
        sub.raw.sheets.push(copy);
        assert!(run(hidden_sheet_beside_copy, &sub).is_empty(), "a visible copy of a visible sheet is fine");
        sub.raw.sheets[1].hidden = true;
        assert_eq!(run(hidden_sheet_beside_copy, &sub), vec![(Code::HiddenSheetBesideCopy, "资金执行".into())]);
    }

    #[test]
    fn merged_input_fires_and_stays_quiet() {
        let mut sub = testkit::clean(3);
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
        let mut sub = testkit::clean(3);
        let sheet = sub.raw.sheets.iter_mut().find(|s| s.name == "任务完成").unwrap();
        let a4 = crate::cellref::CellRef::parse("A4").unwrap();
        sheet.cells.insert(a4, Value::Text(" 改造建筑面积 (万平方米)".into()));
        assert!(run(labels_in_place, &sub).is_empty());
    }
}
