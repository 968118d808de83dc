//! A budget-only fund's sample set (no [[measures]], no report to copy
//! figures from): its params from the issued cities and budgets, and its
//! city forms from the figures and faults `samples/source/<fund>-<year>.toml`
//! declares. Each form holds the derived figures the set's own relations
//! compute (the cached results a spreadsheet stores), then the faults.

use super::GenError;
use crate::model::Measures;
use crate::params::{CityParams, Params, ProvinceOwn};
use crate::spec::relation::Val;
use crate::spec::{Kind, Templates};
use crate::write::form::{city_form, FormBook, Input};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// A fund's issued figures without measures: what a budget-only fund's
/// 省级参数表 holds (samples/source/<fund>-<year>.toml).
#[derive(Debug, Clone, Deserialize)]
pub struct IssuedData {
    pub year: i64,
    pub fund: String,
    /// 资金总额, 万元.
    pub total: Decimal,
    pub own: IssuedOwn,
    pub cities: Vec<IssuedCity>,
    /// Every city's form as its clerk fills it, by field id; `{city}` and
    /// `{budget}` stand for the city's name and issued budget. Empty: no
    /// sample forms.
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    /// The faults clerks make, planted in the sample forms.
    #[serde(default)]
    pub faults: Vec<Fault>,
    /// Where a city's 自评报告 states a figure other than its form's.
    #[serde(default)]
    pub report_faults: Vec<ReportFault>,
}

/// A figure a city's 自评报告 states differently from its form.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportFault {
    pub city: String,
    pub field: String,
    pub value: String,
    /// What the disagreement is, for the reader of the data.
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IssuedOwn {
    pub budget: Decimal,
    pub arrived: Decimal,
    pub spent: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IssuedCity {
    pub name: String,
    pub budget: Decimal,
    /// This city's own figures, over `form`.
    #[serde(default)]
    pub figures: BTreeMap<String, String>,
}

/// A fault a clerk makes in one city's form: a typed figure (`input`: the
/// derived figures follow it, as a spreadsheet recomputes them) or a
/// derived figure typed wrong over its formula's result.
#[derive(Debug, Clone, Deserialize)]
pub struct Fault {
    pub city: String,
    pub field: String,
    pub value: String,
    #[serde(default)]
    pub input: bool,
    /// What the fault is, for the file's 备注 and the reader of the data.
    pub note: String,
}

impl IssuedData {
    pub fn from_toml(text: &str) -> Result<Self, GenError> {
        Ok(toml::from_str(text)?)
    }

    /// The params a budget-only fund issues: cities and budgets.
    pub fn params(&self) -> Params {
        Params {
            year: self.year,
            fund: self.fund.clone(),
            profile: Vec::new(),
            total: self.total,
            province_own: ProvinceOwn { budget: self.own.budget, arrived: self.own.arrived, spent: self.own.spent },
            cities: self
                .cities
                .iter()
                .map(|c| CityParams {
                    name: c.name.clone(),
                    budget: c.budget,
                    plan: Measures::default(),
                    coef: Default::default(),
                })
                .collect(),
            weights: Measures::default(),
            measure_keys: Vec::new(),
            targets: Vec::new(),
            origin: String::new(),
            sha256: String::new(),
        }
    }
}

/// The set's sample files: (path in the samples folder, bytes), each
/// city's form in the data's order and, with a submission.toml, its
/// 自评报告 (the form's figures, the derived ones right, then the report
/// faults) and a 佐证材料 folder.
pub fn issued_forms(t: &Templates, data: &IssuedData) -> Result<Vec<(String, Vec<u8>)>, GenError> {
    let params = data.params();
    let book = FormBook { form: &t.form, bands: &t.bands, cities: &[] };
    let mut out = Vec::new();
    for (i, c) in data.cities.iter().enumerate() {
        let typed = |id: &str, text: &str| -> Result<(String, Input), GenError> {
            let text = text.replace("{city}", &c.name).replace("{budget}", &crate::calc::fmt_num(c.budget));
            Ok((id.to_string(), input(t, id, &text)?))
        };
        let mut v: HashMap<String, Input> =
            data.form.iter().chain(&c.figures).map(|(id, text)| typed(id, text)).collect::<Result<_, _>>()?;
        let mine: Vec<&Fault> = data.faults.iter().filter(|f| f.city == c.name).collect();
        for f in mine.iter().filter(|f| f.input) {
            let (id, x) = typed(&f.field, &f.value)?;
            v.insert(id, x);
        }
        // The derived figures, as the form's formulas compute them.
        let first = city_form(&book, &v)?;
        let raw = crate::read::read_bytes(first, "xlsx").map_err(|e| GenError::Form(e.to_string()))?;
        let sub = crate::model::Submission::build("f".into(), "f".into(), raw, &t.form);
        let ctx = crate::checks::Ctx { form: &t.form, params: &params, bands: &t.bands };
        for d in &t.form.derived {
            match crate::checks::derived::recomputed(&sub, &ctx, &d.field) {
                Some(Val::Num(n)) => v.insert(d.field.clone(), Input::Number(n)),
                Some(Val::Text(s)) => v.insert(d.field.clone(), Input::Text(s)),
                None => return Err(GenError::Form(format!("{}：{} 无法计算", c.name, d.field))),
            };
        }
        let report = match &t.submission {
            Some(spec) => Some(report_files(t, data, i, spec, &v)?),
            None => None,
        };
        for f in mine.iter().filter(|f| !f.input) {
            let (id, x) = typed(&f.field, &f.value)?;
            v.insert(id, x);
        }
        out.push((super::sample_file_name(i, &c.name, data.year), city_form(&book, &v)?));
        out.extend(report.into_iter().flatten());
    }
    Ok(out)
}

/// City `i`'s 自评报告 and 佐证材料 from its form's right figures `v`, with
/// the report faults the data declares for it.
fn report_files(
    t: &Templates,
    data: &IssuedData,
    i: usize,
    spec: &crate::spec::SubmissionSpec,
    v: &HashMap<String, Input>,
) -> Result<Vec<(String, Vec<u8>)>, GenError> {
    let city = &data.cities[i].name;
    let mut v = v.clone();
    for f in data.report_faults.iter().filter(|f| f.city == *city) {
        v.insert(f.field.clone(), input(t, &f.field, &f.value)?);
    }
    let value = |id: &str| match v.get(id)? {
        Input::Number(d) => Some(Val::Num(*d)),
        Input::Text(s) => Some(Val::Text(s.clone())),
        _ => None,
    };
    let paragraphs = super::submission::declared_report(city, data.year, &data.fund, spec, &value);
    let report = (super::submission::report_file_name(i, city, data.year), super::submission::docx_of(&paragraphs)?);
    let (name, bytes) = super::submission::evidence(city, data.year, "项目")?;
    let evidence = (format!("{}/{name}", super::submission::evidence_folder_name(i, city)), bytes);
    Ok(vec![report, evidence])
}

/// A typed text as the field's input: a date, a number or words.
fn input(t: &Templates, id: &str, text: &str) -> Result<Input, GenError> {
    let field = t.form.field(id).ok_or_else(|| GenError::Form(format!("模板中没有栏目 {id}")))?;
    Ok(match field.kind {
        Kind::Date => Input::Date(text.to_string()),
        Kind::Text | Kind::Choice => Input::Text(text.to_string()),
        _ => match text.parse::<Decimal>() {
            Ok(d) => Input::Number(d),
            Err(_) => Input::Text(text.to_string()),
        },
    })
}
