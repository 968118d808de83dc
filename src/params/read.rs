//! Reads the province's issued figures from 省级参数表.xlsx.
//!
//! A clerk edits that workbook in Excel, so columns are found by their
//! header text, not their position, and every problem names the sheet and
//! cell to fix.

use crate::calc;
use crate::cellref::CellRef;
use crate::model::Measures;
use crate::params::{CityParams, Coefficients, Params, ProvinceOwn, Target, TargetValue};
use crate::read::{self, RawSheet, RawWorkbook, Value};
use crate::spec::{FormSpec, ParamsLayout};
use rust_decimal::Decimal;

// The workbook's sheet names, labels and headers are the template set's
// (form.toml [params_layout], see `ParamsLayout`).

/// Reads a params workbook from bytes; `origin` names it in messages.
///
/// The year is checked against the templates' first: another year's
/// workbook is a setup error naming both years, not a list of column
/// headers it lacks.
/// `form` and `templates_origin` are the year's form and where it came
/// from (named in the year error).
pub fn from_bytes(
    bytes: Vec<u8>,
    origin: &str,
    form: &FormSpec,
    templates_origin: &str,
) -> std::result::Result<Params, ParamsLoad> {
    let err = |source: ParamsError| ParamsLoad::Workbook { path: origin.to_string(), source: Box::new(source) };
    let sha256 = read::sha256_hex(&bytes);
    let wb = read::read_bytes(bytes, "xlsx").map_err(|e| err(e.into()))?;
    let year = year_of(&wb, &form.params_layout).map_err(err)?;
    if year != form.year {
        return Err(ParamsLoad::Year {
            templates: form.year,
            templates_origin: templates_origin.to_string(),
            params: year,
            params_origin: origin.to_string(),
        });
    }
    let mut p = parse(&wb, form).map_err(err)?;
    p.origin = origin.to_string();
    p.sha256 = sha256;
    Ok(p)
}

/// A params workbook that cannot be used: which one, and why.
#[derive(Debug, thiserror::Error)]
pub enum ParamsLoad {
    #[error("省级参数表 {path} 有误：{source}。请用 Excel 打开该表核对后重试。")]
    Workbook {
        path: String,
        #[source]
        source: Box<ParamsError>,
    },
    /// The workbook is another year's than the templates: said before its
    /// columns are looked for.
    #[error("模板（{templates_origin}）是 {templates} 年的，省级参数表（{params_origin}）是 {params} 年的。请使用同一年度的模板和参数表（--templates 与 --params）。")]
    Year { templates: i64, templates_origin: String, params: i64, params_origin: String },
}

/// What is wrong in a params workbook, said so the clerk finds the cell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamsError {
    #[error("{0}")]
    Unreadable(#[from] read::ReadError),
    #[error("缺少工作表“{0}”")]
    MissingSheet(String),
    #[error("工作表“{sheet}”无法读取：{why}")]
    SheetUnreadable {
        sheet: String,
        #[source]
        why: crate::read::SheetProblem,
    },
    #[error("{sheet}!{at} 的数值 {value} 过大")]
    TooLarge { sheet: String, at: CellRef, value: Decimal },
    #[error("{sheet}!{at} 的数值无法使用")]
    Unusable { sheet: String, at: CellRef },
    #[error("{sheet}!{at} 应为数字，实为“{found}”")]
    NotNumber { sheet: String, at: CellRef, found: String },
    #[error("{sheet}!{at} 为空，应填写数字")]
    Empty { sheet: String, at: CellRef },
    #[error("工作表“{sheet}”的 A 列找不到“{label}”")]
    NoLabel { sheet: String, label: String },
    #[error("工作表“{sheet}”找不到表头：{headers}")]
    NoHeader { sheet: String, headers: String },
    #[error("年度“{0}”无效")]
    BadYear(Decimal),
    #[error("{sheet}!{at} 地市“{city}”重复")]
    DuplicateCity { sheet: String, at: CellRef, city: String },
    #[error("工作表“{0}”没有地市数据")]
    NoCities(String),
    #[error("“{0}”的各项权重之和应为 100")]
    WeightsNot100(String),
    #[error("{sheet}!{at} 的汇总口径“{word}”无法识别")]
    UnknownTargetWord { sheet: String, at: CellRef, word: String },
    #[error("{sheet}!{at} 的比较应为 ≥、≤ 或 =")]
    BadComparison { sheet: String, at: CellRef },
    #[error("{sheet}!{at} 的目标值“{found}”无法读取，应为数字（如 80）或“是”")]
    BadTarget { sheet: String, at: CellRef, found: String },
    /// The labels are the params layout's (地市下达's budget header,
    /// 基本参数's own-budget and total labels).
    #[error("各地市“{budget}”之和加“{own}”为 {sum}，与“{total_label}” {total} 不符")]
    TotalMismatch { budget: String, own: String, total_label: String, sum: String, total: String },
}

type Res<T> = std::result::Result<T, ParamsError>;

fn sheet<'a>(wb: &'a RawWorkbook, name: &str) -> Res<&'a RawSheet> {
    let s = wb.sheet(name).ok_or_else(|| ParamsError::MissingSheet(name.to_string()))?;
    match &s.problem {
        Some(p) => Err(ParamsError::SheetUnreadable { sheet: name.to_string(), why: p.clone() }),
        None => Ok(s),
    }
}

fn num_at(s: &RawSheet, c: CellRef) -> Res<Decimal> {
    let n = num_at_unbounded(s, c)?;
    if n.abs() > calc::MAX_MAGNITUDE {
        return Err(ParamsError::TooLarge { sheet: s.name.clone(), at: c, value: n });
    }
    Ok(n)
}

fn num_at_unbounded(s: &RawSheet, c: CellRef) -> Res<Decimal> {
    let sheet = || s.name.clone();
    let not_number = |found: String| ParamsError::NotNumber { sheet: sheet(), at: c, found };
    match s.get(c) {
        Value::Number(x) => calc::decimal_from_f64(*x).ok_or_else(|| ParamsError::Unusable { sheet: sheet(), at: c }),
        Value::Text(t) => t.trim().parse().map_err(|_| not_number(t.clone())),
        Value::Empty => Err(ParamsError::Empty { sheet: sheet(), at: c }),
        other => Err(not_number(other.shown())),
    }
}

fn text_at(s: &RawSheet, c: CellRef) -> String {
    match s.get(c) {
        Value::Empty => String::new(),
        v => v.shown().trim().to_string(),
    }
}

/// Finds the row holding `label` in column A, for key–value sheets.
fn row_of(s: &RawSheet, label: &str) -> Res<u32> {
    (0..200)
        .find(|r| text_at(s, CellRef::new(*r, 0)) == label)
        .ok_or_else(|| ParamsError::NoLabel { sheet: s.name.clone(), label: label.to_string() })
}

/// Finds a header row containing all `headers` and returns it with the
/// column of each header.
fn header_cols(s: &RawSheet, headers: &[&str]) -> Res<(u32, Vec<u32>)> {
    for r in 0..20 {
        let cols: Vec<Option<u32>> =
            headers.iter().map(|h| (0..60).find(|c| text_at(s, CellRef::new(r, *c)) == *h)).collect();
        if cols.iter().all(|c| c.is_some()) {
            return Ok((r, cols.into_iter().flatten().collect()));
        }
    }
    Err(ParamsError::NoHeader { sheet: s.name.clone(), headers: headers.join("、") })
}

/// 基本参数's 年度.
fn year_of(wb: &RawWorkbook, l: &ParamsLayout) -> Res<i64> {
    let basic = sheet(wb, &l.sheet_basic)?;
    let year = num_at(basic, CellRef::new(row_of(basic, &l.year)?, 1))?;
    year.trunc().to_string().parse::<i64>().map_err(|_| ParamsError::BadYear(year))
}

fn parse(wb: &RawWorkbook, form: &FormSpec) -> Res<Params> {
    let l = &form.params_layout;
    let basic = sheet(wb, &l.sheet_basic)?;
    let val = |label: &str| -> Res<Decimal> { num_at(basic, CellRef::new(row_of(basic, label)?, 1)) };
    let fund = text_at(basic, CellRef::new(row_of(basic, &l.fund)?, 1));
    let total = val(&l.total)?;
    let province_own =
        ProvinceOwn { budget: val(&l.own_budget)?, arrived: val(&l.own_arrived)?, spent: val(&l.own_spent)? };

    let cities = cities(wb, form)?;
    let weights = weights(wb, form)?;
    let targets = targets(wb, form)?;
    // from_bytes has checked 基本参数's 年度 equals the form's.
    let year_i = form.year;
    let profile = profile(basic, l);
    let p = Params {
        year: year_i,
        fund,
        profile,
        total,
        province_own,
        cities,
        weights,
        measure_keys: form.measures.iter().map(|m| m.key.clone()).collect(),
        targets,
        origin: String::new(),
        sha256: String::new(),
    };
    let sum = calc::sum(p.cities.iter().map(|c| &c.budget)).unwrap_or_default() + p.province_own.budget;
    if sum != p.total {
        let l = &form.params_layout;
        return Err(ParamsError::TotalMismatch {
            budget: l.budget.clone(),
            own: l.own_budget.clone(),
            total_label: l.total.clone(),
            sum: calc::fmt_num(sum),
            total: calc::fmt_num(p.total),
        });
    }
    Ok(p)
}

/// 各市参数: each city's budget, plan and (for a fund that allocates)
/// coefficients, one row each down to the first blank 地市.
fn cities(wb: &RawWorkbook, form: &FormSpec) -> Res<Vec<CityParams>> {
    let l = &form.params_layout;
    let cs = sheet(wb, &l.sheet_cities)?;
    // The plan and the coefficients are the allocation's factors: a fund
    // without measures issues a budget only.
    let allocates = !form.measures.is_empty();
    let mut headers = vec![l.city.as_str(), l.budget.as_str()];
    headers.extend(form.measures.iter().map(|m| m.plan_header.as_str()));
    if allocates {
        headers.extend([l.fiscal.as_str(), l.performance.as_str(), l.project.as_str()]);
    }
    let (hr, cols) = header_cols(cs, &headers)?;
    let mut cities = Vec::new();
    for r in hr + 1..hr + 1000 {
        let name = text_at(cs, CellRef::new(r, cols[0]));
        if name.is_empty() {
            break;
        }
        let n = |i: usize| num_at(cs, CellRef::new(r, cols[i]));
        let mut plan = Measures::default();
        for (i, m) in form.measures.iter().enumerate() {
            plan.set(&m.key, n(2 + i)?);
        }
        if cities.iter().any(|c: &CityParams| c.name == name) {
            return Err(ParamsError::DuplicateCity {
                sheet: l.sheet_cities.clone(),
                at: CellRef::new(r, cols[0]),
                city: name,
            });
        }
        cities.push(CityParams {
            name,
            budget: n(1)?,
            plan,
            coef: match allocates {
                true => {
                    let k = 2 + form.measures.len();
                    Coefficients { fiscal: n(k)?, performance: n(k + 1)?, project: n(k + 2)? }
                }
                false => Coefficients::default(),
            },
        });
    }
    if cities.is_empty() {
        return Err(ParamsError::NoCities(l.sheet_cities.clone()));
    }

    Ok(cities)
}

/// 因素权重, which must sum to 100 (a fund that does not allocate has none).
fn weights(wb: &RawWorkbook, form: &FormSpec) -> Res<Measures> {
    let l = &form.params_layout;
    let allocates = !form.measures.is_empty();
    let mut weights = Measures::default();
    if allocates {
        let ws = sheet(wb, &l.sheet_weights)?;
        for m in &form.measures {
            weights.set(&m.key, num_at(ws, CellRef::new(row_of(ws, &m.weight_label)?, 1))?);
        }
        if weights.0.values().sum::<Decimal>() != Decimal::ONE_HUNDRED {
            return Err(ParamsError::WeightsNot100(l.sheet_weights.clone()));
        }
    }
    Ok(weights)
}

/// 绩效目标: one row each down to the first blank 三级指标, its key found
/// by its 关键词.
fn targets(wb: &RawWorkbook, form: &FormSpec) -> Res<Vec<Target>> {
    let l = &form.params_layout;
    let keys = form.target_keys();
    let choice =
        |key: &str| form.scoring.indicators.iter().any(|i| i.key == key && i.kind == crate::spec::Kind::Choice);

    let ts = sheet(wb, &l.sheet_targets)?;
    let (hr, tc) = header_cols(ts, &l.target_headers.each_ref().map(String::as_str))?;
    let mut targets = Vec::new();
    for r in hr + 1..hr + 100 {
        let t = |i: usize| text_at(ts, CellRef::new(r, tc[i]));
        if t(2).is_empty() {
            break;
        }
        let kw = t(5);
        let key = keys.iter().find(|(w, _)| *w == kw).map(|(_, k)| k.clone()).ok_or_else(|| {
            ParamsError::UnknownTargetWord {
                sheet: l.sheet_targets.clone(),
                at: CellRef::new(r, tc[5]),
                word: kw.clone(),
            }
        })?;
        let op = crate::params::Op::parse(&t(3))
            .ok_or_else(|| ParamsError::BadComparison { sheet: l.sheet_targets.clone(), at: CellRef::new(r, tc[3]) })?;
        let at = CellRef::new(r, tc[4]);
        let unreadable = |v: &str| ParamsError::BadTarget { sheet: l.sheet_targets.clone(), at, found: v.to_string() };
        let value = match ts.get(at) {
            Value::Number(x) => {
                TargetValue::Number(calc::decimal_from_f64(*x).ok_or_else(|| unreadable(&x.to_string()))?)
            }
            // A yes/no indicator (居住条件是否改善) has a word for its target.
            Value::Text(t) if choice(&key) => TargetValue::Text(t.trim().to_string()),
            Value::Text(t) => match crate::model::number_text(t) {
                Some((d, _, _)) => TargetValue::Number(d),
                None => return Err(unreadable(t)),
            },
            other => return Err(unreadable(&other.shown())),
        };
        targets.push(Target { level1: t(0), level2: t(1), level3: t(2), key, op, value });
    }

    Ok(targets)
}

/// Every other labelled row of 基本参数 describes the fund (表1-1's header
/// block); an older params workbook simply has none.
fn profile(basic: &RawSheet, l: &ParamsLayout) -> Vec<(String, String)> {
    // "项目" heads the label column itself.
    let known: Vec<&str> = l.basic_labels().into_iter().chain(["项目"]).collect();
    (0..200u32)
        .filter_map(|r| {
            let label = text_at(basic, CellRef::new(r, 0));
            let value = text_at(basic, CellRef::new(r, 1));
            (!label.is_empty() && !known.contains(&label.as_str()) && !value.is_empty()).then_some((label, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fund without [[measures]] issues a budget only: its params
    /// workbook needs no plan, coefficient or weight columns, and nothing
    /// is allocated by the factor method.
    #[test]
    fn a_fund_without_measures_reads_budgets_and_allocates_nothing() {
        let text = crate::spec::embedded_form_text();
        let start = text.find("[[measures]]").expect("measures");
        let end = text.find("# ───────────────────────── 基本信息").expect("first sheet");
        let form = FormSpec::from_toml(&format!("{}{}", &text[..start], &text[end..]), "t").expect("loads");
        assert!(form.measures.is_empty());
        let mut params = crate::testkit::params();
        params.weights = Measures::default();
        params.measure_keys.clear();
        // Targets on the measures go with them.
        let keys = form.target_keys();
        params.targets.retain(|t| keys.iter().any(|(_, k)| *k == t.key));
        let bytes = crate::samplegen::params_workbook::workbook(&params, &form, false).expect("writes");
        let read = from_bytes(bytes, "t", &form, "t").expect("reads without plan, coefficients or weights");
        assert_eq!(read.cities.len(), 15);
        assert_eq!(read.cities[0].budget, params.cities[0].budget);
        assert!(read.cities[0].plan.0.is_empty() && read.weights.0.is_empty());
        let a = crate::allocate::allocate(&read).expect("allocates");
        assert!(a.rows.is_empty(), "no factors, no allocation");
    }

    /// The workbook's words are the template set's: a department that
    /// heads its column 下达资金 says so in [params_layout], and the reader
    /// names that header when a workbook lacks it.
    #[test]
    fn the_params_layout_is_data() {
        let text =
            crate::spec::embedded_form_text().replace("budget = \"预算指标（万元）\"", "budget = \"下达资金（万元）\"");
        let renamed = FormSpec::from_toml(&text, "t").expect("loads");
        let params = crate::testkit::params();
        let bytes = crate::samplegen::params_workbook::workbook(&params, &renamed, false).expect("writes");
        let read = from_bytes(bytes, "t", &renamed, "t").expect("reads its own layout");
        assert_eq!(read.cities[0].budget, params.cities[0].budget);
        let old = crate::samplegen::params_workbook::workbook(&params, &crate::testkit::form(), false).expect("writes");
        let e = from_bytes(old, "t", &renamed, "t").unwrap_err().to_string();
        assert!(e.contains("下达资金（万元）"), "{e}");
    }
}
