//! The province's issued figures for a year (省级参数表): what it issued
//! to each city, its own line, the factor weights and the 绩效目标; read
//! from the workbook a clerk edits (`read.rs`).

use crate::model::Measures;
use rust_decimal::Decimal;
use serde::Serialize;

mod read;
pub use read::*;

/// The three tiered coefficients of the allocation formula.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Coefficients {
    /// 财力补助系数 (8 / 9 / 10).
    pub fiscal: Decimal,
    /// 绩效评价调节系数 (0.90 / 0.95 / 1).
    pub performance: Decimal,
    /// 项目库系数 (0.90 / 1 / 1.10).
    pub project: Decimal,
}

/// What the province issued to one city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CityParams {
    pub name: String,
    /// The budget issued to the city, 万元.
    pub budget: Decimal,
    /// The issued plan of each measure.
    pub plan: Measures,
    pub coef: Coefficients,
}

/// A 表1-1 target: "≥ 700", "= 是".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub level1: String,
    pub level2: String,
    pub level3: String,
    /// What it measures: a measure key, "started", "living", "satisfaction".
    pub key: String,
    pub op: Op,
    pub value: TargetValue,
}

/// How a target is met: ≥, ≤ or =, checked when the params load, so an
/// operator a clerk mistyped never quietly means "=".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    AtLeast,
    AtMost,
    Equal,
}

impl Op {
    /// The operator a 绩效目标 cell holds; `None` for anything else.
    pub fn parse(text: &str) -> Option<Op> {
        match text.trim() {
            "≥" => Some(Op::AtLeast),
            "≤" => Some(Op::AtMost),
            "=" => Some(Op::Equal),
            _ => None,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::AtLeast => "≥",
            Op::AtMost => "≤",
            Op::Equal => "=",
        }
    }

    /// Whether `actual` meets a target of `target` by this operator.
    pub fn meets(self, actual: Decimal, target: Decimal) -> bool {
        match self {
            Op::AtLeast => actual >= target,
            Op::AtMost => actual <= target,
            Op::Equal => actual == target,
        }
    }
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.symbol())
    }
}

impl<'de> serde::Deserialize<'de> for Op {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Op::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("比较符“{text}”应为 ≥、≤ 或 =")))
    }
}

impl Serialize for Op {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.symbol())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum TargetValue {
    Number(Decimal),
    Text(String),
}

/// The province's own use of the fund (the params' own-budget rows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvinceOwn {
    pub budget: Decimal,
    pub arrived: Decimal,
    pub spent: Decimal,
}

/// The province's issued figures for a year (省级参数表).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Params {
    pub year: i64,
    pub fund: String,
    /// 基本参数 rows describing the fund for 表1-1's header block
    /// (战略领域, 财政事权, …, 用途范围), in the sheet's order.
    pub profile: Vec<(String, String)>,
    /// 资金总额, 万元.
    pub total: Decimal,
    pub province_own: ProvinceOwn,
    /// In the report's order.
    pub cities: Vec<CityParams>,
    /// Factor weights in percent, by measure key.
    pub weights: Measures,
    /// The measure keys in the form's order (表2-3, 资金分配测算).
    pub measure_keys: Vec<String>,
    pub targets: Vec<Target>,
    /// Where they were read from, for the run's summary line.
    #[serde(skip)]
    pub origin: String,
    /// SHA-256 of the workbook they were read from (the fingerprint's).
    #[serde(skip)]
    pub sha256: String,
}

impl Params {
    /// The city a file's (or folder's) name names ("03_汕头市_自评表.xlsx" →
    /// 汕头市), if exactly one issued city is named in it, in full or
    /// without its "市".
    pub fn city_in_name(&self, name: &str) -> Option<String> {
        let stem = std::path::Path::new(name).file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let named: Vec<&str> = self
            .cities
            .iter()
            .filter(|c| {
                let short = c.name.strip_suffix('市').unwrap_or(&c.name);
                stem.contains(c.name.as_str()) || (short.chars().count() >= 2 && stem.contains(short))
            })
            .map(|c| c.name.as_str())
            .collect();
        match named.as_slice() {
            [one] => Some((*one).to_string()),
            _ => None,
        }
    }

    /// The issued city for a name as a clerk typed it: exact, or with the
    /// "市" the clerk left out ("汕头" → "汕头市").
    pub fn resolve_city(&self, typed: &str) -> Option<&CityParams> {
        let t: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        self.cities.iter().find(|c| c.name == t).or_else(|| self.cities.iter().find(|c| c.name == format!("{t}市")))
    }

    /// Amount available to cities: 资金总额 − the province's own budget.
    pub fn cities_total(&self) -> Decimal {
        self.total - self.province_own.budget
    }
}
