//! In-code submissions for check tests: a sample city's workbook built
//! straight from the report data, with helpers to change one cell.

use crate::model::Submission;
use crate::params::Params;
use crate::read::{RawSheet, RawWorkbook, Value};
use crate::samplegen::{city_values, ReportData};
use crate::spec::{embedded_specs, FormSpec};
use crate::write::form::Input;

pub const REPORT: &str = include_str!("../samples/source/report-2024.toml");

pub fn data() -> ReportData {
    ReportData::from_toml(REPORT).expect("report data parses")
}

/// The embedded 2024 form spec.
pub fn form() -> FormSpec {
    embedded_specs().expect("specs load").0
}

/// The 2024 form without its `[messages]`: findings in the catalog's
/// own words.
pub fn catalog_form() -> FormSpec {
    let text = crate::spec::embedded_form_text();
    let own = text.find("[messages.").expect("the 2024 form words some findings");
    FormSpec::from_toml(&text[..own], "catalog").expect("the form loads without [messages]")
}

/// The issued figures of the sample data for the 2024 form.
pub fn params() -> Params {
    data().params_for(&form())
}

pub fn ctx_parts() -> (FormSpec, Params) {
    (form(), params())
}

/// The clean workbook of city `i` (0 = 汕头市), as read.
pub fn raw(i: usize) -> RawWorkbook {
    let (form, _) = ctx_parts();
    let values = city_values(&form, &bands(), &data(), i);
    let mut sheets = Vec::new();
    for s in &form.sheets {
        let mut sheet = RawSheet { name: s.name.clone(), ..Default::default() };
        for l in &s.labels {
            sheet.cells.insert(l.cell, Value::Text(l.text.clone()));
        }
        for f in &s.fields {
            sheet.cells.insert(f.label.cell, Value::Text(f.label.text.clone()));
            let v = match values.get(&f.id) {
                Some(Input::Number(d)) => Value::Number(crate::calc::to_f64(*d)),
                Some(Input::Text(t)) => Value::Text(t.clone()),
                Some(Input::Date(d)) => Value::Date(d.clone()),
                None => Value::Empty,
            };
            if v != Value::Empty {
                sheet.cells.insert(f.cell, v);
            }
        }
        sheets.push(sheet);
    }
    RawWorkbook { format: crate::read::Format::Xlsx, sheets, names: Vec::new(), sha256: None }
}

pub fn clean(i: usize) -> Submission {
    let (form, _) = ctx_parts();
    Submission::build(format!("sample{i}.xlsx").into(), format!("sample{i}.xlsx"), raw(i), &form)
}

/// Sets field `id` to `v` and re-types the submission.
pub fn set(sub: &mut Submission, form: &FormSpec, id: &str, v: Value) {
    let f = form.field(id).expect("field exists");
    if let Some(sheet) = sub.raw.sheets.iter_mut().find(|s| s.name == f.sheet) {
        sheet.cells.insert(f.cell, v);
    }
    *sub = Submission::build(sub.path.clone(), sub.name.clone(), sub.raw.clone(), form);
}

/// A clean submission of city `i` with one field changed.
pub fn with(i: usize, id: &str, v: Value) -> Submission {
    let (form, _) = ctx_parts();
    let mut sub = clean(i);
    set(&mut sub, &form, id, v);
    sub
}

pub fn bands() -> crate::spec::Bands {
    crate::spec::embedded_bands().expect("bands load")
}

/// Codes and cells a check reports on a submission.
pub fn run(check: crate::checks::CheckFn, sub: &Submission) -> Vec<(crate::findings::Code, String)> {
    run_with(check, sub, &form())
}

/// [`run`] against another form (the 2024 one edited).
pub fn run_with(
    check: crate::checks::CheckFn,
    sub: &Submission,
    form: &FormSpec,
) -> Vec<(crate::findings::Code, String)> {
    let params = data().params_for(form);
    let bands = bands();
    let ctx = crate::checks::Ctx { form, params: &params, bands: &bands };
    check(sub, &ctx).into_iter().map(|f| (f.code, f.place())).collect()
}
