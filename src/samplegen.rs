//! Builds a year's sample set from a report's figures
//! (`samples/source/report-2024.toml`) and that year's form spec: the
//! province's params workbook, the styled summary template and the city
//! workbooks. A development tool (feature `dev`): not in the shipped
//! binary.
//!
//! Every figure the report gives is copied exactly. Detail it lacks
//! (contacts, dates, self-score lines, allocation coefficients) is derived
//! deterministically and the files say 示例数据. `selfeval-gen` runs this;
//! a test regenerates into a temp folder and compares with the committed
//! files cell by cell.

use crate::calc;
use crate::findings::Code;
use crate::model::Measures;
use crate::params::{CityParams, Coefficients, Params, ProvinceOwn, Target, TargetValue};
use crate::spec::{Bands, FormSpec, Role, SummarySpec};
use crate::write::form::{city_form, FormBook, Input};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

mod issued;
pub mod params_workbook;
pub mod submission;
pub use issued::*;

#[derive(Debug, Clone, Deserialize)]
pub struct ReportData {
    pub year: i64,
    pub fund: String,
    pub total: Decimal,
    pub province_own: OwnData,
    pub weights: HashMap<String, Decimal>,
    /// 表1-1's header block: (label, text) pairs.
    #[serde(default)]
    pub profile: Vec<(String, String)>,
    pub targets: Vec<TargetData>,
    pub cities: Vec<CityData>,
    pub totals: TotalsData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OwnData {
    pub budget: Decimal,
    pub arrived: Decimal,
    pub spent: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TargetData {
    pub level1: String,
    pub level2: String,
    pub level3: String,
    pub key: String,
    pub op: crate::params::Op,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CoefData {
    pub fiscal: Decimal,
    pub performance: Decimal,
    pub project: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CityData {
    pub name: String,
    pub budget: Decimal,
    pub arrived: Decimal,
    pub spent: Decimal,
    /// 支出率 as the report prints it, in percent.
    pub spend_rate: Decimal,
    /// In the form's measure order.
    pub plan: Vec<Decimal>,
    pub actual: Vec<Decimal>,
    /// In the order of the form's `feeds` fields.
    pub benefits: Vec<u32>,
    /// Percent, or 未验收.
    pub acceptance: String,
    pub satisfaction: Decimal,
    pub coef: CoefData,
    /// Values of fields this generator does not otherwise know (a new
    /// year's 地方配套资金), by field id: a number, or else text.
    #[serde(default)]
    pub extra: HashMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TotalsData {
    pub budget: Decimal,
    pub arrived: Decimal,
    pub spent: Decimal,
    pub spend_rate: Decimal,
    pub cities_spent: Decimal,
    pub cities_spend_rate: Decimal,
    pub plan: Vec<Decimal>,
    pub actual: Vec<Decimal>,
    pub completion: Vec<Decimal>,
    pub benefits: Vec<u32>,
    pub acceptance: Decimal,
    pub satisfaction: Decimal,
}

/// Why samples could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("数据文件有误：{0}")]
    Toml(#[from] toml::de::Error),
    #[error("{city}：plan/actual 应有 {measures} 项、benefits 应有 {benefits} 项（与 form.toml 一致）")]
    Shape { city: String, measures: usize, benefits: usize },
    #[error("数据是 {data} 年的，模板是 {form} 年的")]
    Year { data: i64, form: i64 },
    #[error("{0}")]
    Setup(#[from] crate::error::Error),
    #[error("生成工作簿失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("示例表有误：{0}")]
    Form(String),
    #[error("生成示例自评报告（.docx）失败")]
    Docx,
    #[error("示例表读不回来：{0}")]
    ReadBack(#[from] crate::read::ReadError),
}

impl From<crate::write::Failure> for GenError {
    fn from(e: crate::write::Failure) -> Self {
        GenError::Setup(e.into())
    }
}

impl From<crate::spec::LoadError> for GenError {
    fn from(e: crate::spec::LoadError) -> Self {
        GenError::Setup(e.into())
    }
}

impl ReportData {
    pub fn from_toml(text: &str) -> Result<Self, GenError> {
        Ok(toml::from_str(text)?)
    }

    /// Checks that every city gives one figure per measure and 附件1
    /// count of `form`.
    pub fn check_against(&self, form: &FormSpec) -> Result<(), GenError> {
        let (m, b) = (form.measures.len(), form.benefit_counts().len());
        for c in &self.cities {
            if c.plan.len() != m || c.actual.len() != m || c.benefits.len() != b {
                return Err(GenError::Shape { city: c.name.clone(), measures: m, benefits: b });
            }
        }
        Ok(())
    }

    /// The province's issued figures as the params workbook holds them,
    /// for `form`'s measures.
    pub fn params_for(&self, form: &FormSpec) -> Params {
        let keys: Vec<String> = form.measures.iter().map(|m| m.key.clone()).collect();
        let measures = |a: &[Decimal]| Measures::of(keys.iter().map(String::as_str).zip(a.iter().copied()));
        let mut weights = Measures::default();
        for k in &keys {
            weights.set(k, self.weights.get(k).copied().unwrap_or_default());
        }
        Params {
            year: self.year,
            fund: self.fund.clone(),
            profile: self.profile.clone(),
            total: self.total,
            province_own: ProvinceOwn {
                budget: self.province_own.budget,
                arrived: self.province_own.arrived,
                spent: self.province_own.spent,
            },
            cities: self
                .cities
                .iter()
                .map(|c| CityParams {
                    name: c.name.clone(),
                    budget: c.budget,
                    plan: measures(&c.plan),
                    coef: Coefficients {
                        fiscal: c.coef.fiscal,
                        performance: c.coef.performance,
                        project: c.coef.project,
                    },
                })
                .collect(),
            weights,
            measure_keys: keys.clone(),
            targets: self
                .targets
                .iter()
                .map(|t| Target {
                    level1: t.level1.clone(),
                    level2: t.level2.clone(),
                    level3: t.level3.clone(),
                    key: t.key.clone(),
                    op: t.op,
                    value: match t.value.parse::<Decimal>() {
                        Ok(d) => TargetValue::Number(d),
                        Err(_) => TargetValue::Text(t.value.clone()),
                    },
                })
                .collect(),
            origin: "samples/source".into(),
            sha256: String::new(),
        }
    }

    fn target_number(&self, key: &str) -> Option<Decimal> {
        self.targets.iter().find(|t| t.key == key).and_then(|t| t.value.parse().ok())
    }
}

/// Area codes used for the sample phone numbers (示例数据).
const AREA_CODES: [&str; 15] = [
    "0754", "0751", "0762", "0753", "0752", "0660", "0750", "0662", "0759", "0668", "0758", "0763", "0768", "0663",
    "0766",
];
const SURNAMES: [&str; 15] = ["陈", "李", "黄", "张", "梁", "林", "刘", "吴", "罗", "何", "郑", "谢", "杨", "许", "邓"];

/// The note every sample carries in 基本信息!备注.
/// The 备注 of every sample: where its figures come from.
fn sample_note(data: &ReportData) -> String {
    format!(
        "示例数据：本文件由 selfeval-gen 根据《{}年{}绩效自评报告》的数据生成；报告给出的数字与原文一致，填报人、联系电话、填报日期和自评评分明细为示例。",
        data.year, data.fund
    )
}

/// Input values of one city's workbook, by field id.
pub fn city_values(form: &FormSpec, bands: &Bands, data: &ReportData, i: usize) -> HashMap<String, Input> {
    let mut v: HashMap<String, Input> = HashMap::new();
    let Some(c) = data.cities.get(i) else {
        return v;
    };
    let num = |d: Decimal| Input::Number(d);
    let text = |s: &str| Input::Text(s.to_string());
    let frac = |pct: Decimal| Input::Number(pct / Decimal::ONE_HUNDRED);
    // Fields by the role they play, derived figures by the code that
    // checks them: the seed's figures know no field ids.
    let mut put = |id: Option<&str>, x: Input| {
        if let Some(id) = id {
            v.insert(id.to_string(), x);
        }
    };
    let role = |r: Role| form.role(r);
    let derived = |code: Code| form.derived.iter().find(|d| d.code == code).map(|d| d.field.as_str());
    put(role(Role::City), text(&c.name));
    put(role(Role::Year), num(data.year.into()));
    put(role(Role::Fund), text(&data.fund));
    put(role(Role::Unit), text(&form.unit));
    put(role(Role::Preparer), text(&format!("{}工（示例）", SURNAMES[i % 15])));
    put(role(Role::Phone), text(&format!("{}-8{:07}", AREA_CODES[i % 15], 1_000_000 + i * 137_911)));
    put(role(Role::Date), Input::Date(format!("{}-03-{:02}", data.year + 1, 3 + (i * 7) % 25)));
    put(role(Role::Version), text(&form.version));
    put(role(Role::Remark), text(&sample_note(data)));

    put(role(Role::Budget), num(c.budget));
    put(role(Role::Arrived), num(c.arrived));
    put(role(Role::Spent), num(c.spent));
    put(derived(Code::SpendRateMismatch), frac(c.spend_rate));

    let fig = |a: &[Decimal], k: usize| a.get(k).copied().unwrap_or_default();
    for (k, m) in form.measures.iter().enumerate() {
        let (plan, actual) = (fig(&c.plan, k), fig(&c.actual, k));
        put(Some(&m.plan), num(plan));
        put(Some(&m.actual), num(actual));
        put(Some(&m.rate), frac(calc::percent2(actual, plan).unwrap_or_default()));
    }
    for (f, n) in form.benefit_counts().iter().zip(&c.benefits) {
        put(Some(&f.id), num((*n).into()));
    }
    match c.acceptance.parse::<Decimal>() {
        Ok(p) => put(role(Role::Acceptance), frac(p)),
        Err(_) => put(role(Role::Acceptance), text(&c.acceptance)),
    };
    put(role(Role::Satisfaction), frac(c.satisfaction));

    let total = scoring(form, data, c, &mut put);
    put(derived(Code::ScoreTotalMismatch), num(total));
    for (id, value) in &c.extra {
        let input = value.parse::<Decimal>().map(num).unwrap_or_else(|_| text(value));
        put(Some(id), input);
    }
    put(derived(Code::GradeMismatch), text(bands.grade(total)));
    v
}

/// 自评评分 (示例): the funding line and the indicators scored by the
/// standard rules, put by `put`; the total score.
fn scoring(form: &FormSpec, data: &ReportData, c: &CityData, put: &mut dyn FnMut(Option<&str>, Input)) -> Decimal {
    let num = |d: Decimal| Input::Number(d);
    let text = |s: &str| Input::Text(s.to_string());
    let frac = |pct: Decimal| Input::Number(pct / Decimal::ONE_HUNDRED);
    let role = |r: Role| form.role(r);
    let derived = |code: Code| form.derived.iter().find(|d| d.code == code).map(|d| d.field.as_str());
    let fig = |a: &[Decimal], k: usize| a.get(k).copied().unwrap_or_default();
    let fund_weight = form.scoring.fund_weight;
    put(role(Role::Initial), num(c.budget));
    put(role(Role::Annual), num(c.budget));
    put(role(Role::Executed), num(c.spent));
    put(role(Role::FundWeight), num(fund_weight));
    put(derived(Code::ExecRateMismatch), frac(c.spend_rate));
    let mut total = calc::budget_score(fund_weight, c.spend_rate);
    put(derived(Code::FundScoreMismatch), num(total));
    let satisfaction_target = data.target_number("satisfaction").unwrap_or(Decimal::from(80));
    let same = form.same_figures();
    let repeats_satisfaction =
        |id: &str| same.iter().any(|s| s.a == id && Some(s.b.as_str()) == role(Role::Satisfaction));
    for ind in &form.scoring.indicators {
        let idx = form.measures.iter().position(|m| m.indicator.as_deref() == Some(ind.key.as_str()));
        let (target, actual, score) = match idx {
            Some(k) => {
                let (p, a) = (fig(&c.plan, k), fig(&c.actual, k));
                (num(p), num(a), calc::higher_score(ind.weight, p, a))
            }
            // The indicator repeating the 满意度 of 效益指标 ([[same]]).
            None if repeats_satisfaction(&ind.ids.actual) => (
                frac(satisfaction_target),
                frac(c.satisfaction),
                calc::higher_score(ind.weight, satisfaction_target, c.satisfaction),
            ),
            // The report states the others met in full: 开工 100%, 是.
            None if ind.kind == crate::spec::Kind::Percent => {
                (frac(Decimal::ONE_HUNDRED), frac(Decimal::ONE_HUNDRED), ind.weight)
            }
            None if ind.kind == crate::spec::Kind::Choice => {
                let yes = ind.options.first().map(String::as_str).unwrap_or("是");
                (text(yes), text(yes), ind.weight)
            }
            None => continue,
        };
        total += score;
        put(Some(&ind.ids.target), target);
        put(Some(&ind.ids.actual), actual);
        put(Some(&ind.ids.weight), num(ind.weight));
        put(Some(&ind.ids.score), num(score));
    }
    total
}

/// File name of a city's sample workbook.
pub fn sample_file_name(i: usize, city: &str, year: i64) -> String {
    format!("{:02}_{city}_{year}年绩效自评表.xlsx", i + 1)
}

/// Writes the whole sample set under `root` (templates/<year>/ and
/// samples/<year>/), creating folders as needed.
pub fn generate(
    root: &Path,
    data: &ReportData,
    form: &FormSpec,
    summary: &SummarySpec,
    bands: &Bands,
) -> Result<Vec<std::path::PathBuf>, GenError> {
    data.check_against(form)?;
    // The built-in set's fund folder (templates/default.toml), this year.
    let fund = std::path::Path::new(env!("SELFEVAL_DEFAULT_SET")).parent().unwrap_or(std::path::Path::new("templates"));
    let tdir = root.join(fund).join(data.year.to_string());
    let sdir = root.join("samples").join(data.year.to_string());
    for d in [&tdir, &sdir] {
        std::fs::create_dir_all(d).map_err(|e| crate::error::Error::io(d, e))?;
    }
    let mut written = Vec::new();
    let mut put = |path: std::path::PathBuf, bytes: Vec<u8>| -> Result<(), GenError> {
        crate::write::atomic_write(&path, &bytes)?;
        written.push(path);
        Ok(())
    };
    let params = data.params_for(form);
    put(tdir.join(crate::spec::PARAMS_FILE), params_workbook::workbook(&params, form, true)?)?;
    put(tdir.join(crate::spec::SUMMARY_TEMPLATE_FILE), crate::write::template::workbook(summary)?)?;
    let cities: Vec<String> = data.cities.iter().map(|c| c.name.clone()).collect();
    for (i, c) in data.cities.iter().enumerate() {
        let book = FormBook { form, bands, cities: &cities };
        let bytes = city_form(&book, &city_values(form, bands, data, i))?;
        let name = sample_file_name(i, &c.name, data.year);
        // The report states what the form holds, read back as selfeval reads it.
        let raw = crate::read::read_bytes(bytes.clone(), "xlsx")?;
        let sub = crate::model::Submission::build(sdir.join(&name), name.clone(), raw, form);
        put(sdir.join(&name), bytes)?;
        let report = submission::report_paragraphs(&c.name, data.year, &sub);
        put(sdir.join(submission::report_file_name(i, &c.name, data.year)), submission::docx_of(&report)?)?;
        let folder = sdir.join(submission::evidence_folder_name(i, &c.name));
        std::fs::create_dir_all(&folder).map_err(|e| crate::error::Error::io(&folder, e))?;
        let (evidence, bytes) = submission::evidence(&c.name, data.year, "城镇老旧小区改造项目")?;
        put(folder.join(evidence), bytes)?;
    }
    Ok(written)
}

/// `xml` (a worksheet part) with cell `a1`'s cached value replaced by
/// `value`, its formula (if any) kept: a figure that disagrees with what
/// the form computes.
fn wrong_cached_value(xml: &str, a1: &str, value: &str) -> String {
    let at = xml.find(&format!("<c r=\"{a1}\"")).expect("the sample has the cell");
    let v = at + xml[at..].find("<v>").expect("the cell has a value") + 3;
    let end = v + xml[v..].find("</v>").expect("the value ends");
    format!("{}{value}{}", &xml[..v], &xml[end..])
}

/// `sample` (a 2024 sample form's xlsx bytes) with a planted error (a
/// wrong 支出率, 0.0553 for 4.53%, so the file gets an annotated copy) and
/// a 200,000-row extra sheet 明细 added to its package: about 7.5 MB, the
/// size of the largest real workbooks a city sends. The benchmarks and the
/// browser page's test check it.
pub fn big_workbook(sample: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(sample)).expect("a sample form is a zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    let mut x: u64 = 12345;
    for r in 1..=200_000u32 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let a = (x >> 33) % 1_000_000;
        let b = (x >> 13) % 10_000;
        sheet.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>{a}.{b:04}</v></c><c r="C{r}" t="inlineStr"><is><t>小区{a:x}</t></is></c><c r="D{r}"><v>{}</v></c><c r="E{r}"><v>{}</v></c></row>"#,
            x % 97,
            (x >> 7) % 100_000
        ));
    }
    sheet.push_str("</sheetData></worksheet>");
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).expect("part");
        let name = f.name().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("inflate");
        let text = String::from_utf8_lossy(&data).to_string();
        let data = match name.as_str() {
            "[Content_Types].xml" => text
                .replace("</Types>", r#"<Override PartName="/xl/worksheets/sheet_big.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#)
                .into_bytes(),
            "xl/_rels/workbook.xml.rels" => text
                .replace("</Relationships>", r#"<Relationship Id="rIdBig" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet_big.xml"/></Relationships>"#)
                .into_bytes(),
            "xl/workbook.xml" => text.replace("</sheets>", r#"<sheet name="明细" sheetId="99" r:id="rIdBig"/></sheets>"#).into_bytes(),
            "xl/worksheets/sheet2.xml" => wrong_cached_value(&text, "B7", "0.0553").into_bytes(),
            _ => data,
        };
        out.start_file(name.as_str(), opts).expect("start");
        out.write_all(&data).expect("write");
    }
    out.start_file("xl/worksheets/sheet_big.xml", opts).expect("start");
    out.write_all(sheet.as_bytes()).expect("write");
    out.finish().expect("finish").into_inner()
}
