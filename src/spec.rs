//! The year's form and summary layouts, loaded from `templates/<year>/`.
//!
//! Every sheet name and cell address selfeval uses comes from here; the
//! code refers to fields by id ("exec.spent"). The 2024 set is embedded in
//! the binary; `--templates DIR` loads another year's.

use crate::cellref::{CellRange, CellRef};
use crate::error::{Error, Result};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What a field holds, which decides how its cell is read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Text,
    Year,
    Date,
    /// Money in 万元, ≥ 0.
    Amount,
    /// A non-negative decimal measure (建筑面积).
    Decimal,
    /// A whole non-negative count (户数).
    Count,
    /// A rate stored as a fraction (0.4564) and shown as 45.64%.
    Percent,
    /// A self-evaluation score.
    Score,
    /// One of `options`.
    Choice,
}

impl Kind {
    /// How the kind is described to a clerk ("应填写{…}").
    pub fn zh(self) -> &'static str {
        match self {
            Kind::Text => "文字",
            Kind::Year => "四位年份数字",
            Kind::Date => "日期",
            Kind::Amount => "金额数字（万元）",
            Kind::Decimal => "数字",
            Kind::Count => "整数",
            Kind::Percent => "百分比数字",
            Kind::Score => "分数数字",
            Kind::Choice => "下拉选项之一",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::Year | Kind::Amount | Kind::Decimal | Kind::Count | Kind::Percent | Kind::Score)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct TextCell {
    pub cell: CellRef,
    pub text: String,
    #[serde(default)]
    pub merge: Option<CellRange>,
}

/// A fixed text the form must show at a cell (a header or a row label).
#[derive(Debug, Clone, Deserialize)]
pub struct LabelSpec {
    pub cell: CellRef,
    pub text: String,
}

/// One input cell of the city form.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldSpec {
    pub id: String,
    pub cell: CellRef,
    pub label: LabelSpec,
    pub kind: Kind,
    #[serde(default)]
    pub required: bool,
    /// Upper bound in percent (100 for rates that cannot exceed 100%).
    #[serde(default)]
    pub max_percent: Option<Decimal>,
    /// Words accepted instead of a number (未验收).
    #[serde(default)]
    pub allow_text: Vec<String>,
    /// Closed choices (是/否).
    #[serde(default)]
    pub options: Vec<String>,
    /// A 附件1 count: the word of 省级参数表 绩效目标's 汇总口径 column
    /// ("附件1-基础类短板") whose target this count is compared with. Every
    /// field with `feeds` gets its 附件1 column, 合计, report.json total,
    /// 表1-1 share and the ≤ 改造小区数 check.
    #[serde(default)]
    pub feeds: Option<String>,
    /// Filled in on load: the sheet this field is on.
    #[serde(skip)]
    pub sheet: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SheetSpec {
    pub name: String,
    #[serde(default)]
    pub widths: Vec<f64>,
    #[serde(default)]
    pub title: Option<TextCell>,
    #[serde(default)]
    pub note: Option<TextCell>,
    #[serde(default)]
    pub labels: Vec<LabelSpec>,
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    /// A line written below the form and not checked (填报单位（盖章）…).
    #[serde(default)]
    pub footer: Option<TextCell>,
}

impl SheetSpec {
    /// The farthest row and column any of the sheet's texts, labels or
    /// fields uses (not necessarily one cell): what a reader must reach.
    pub fn last_cell(&self) -> CellRef {
        let texts = [&self.title, &self.note, &self.footer].into_iter().flatten();
        let cells = texts
            .flat_map(|t| [Some(t.cell), t.merge.map(|m| m.last)])
            .flatten()
            .chain(self.labels.iter().map(|l| l.cell))
            .chain(self.fields.iter().flat_map(|f| [f.cell, f.label.cell]));
        cells.fold(CellRef::new(0, 0), |a, c| CellRef::new(a.row.max(c.row), a.col.max(c.col)))
    }
}

/// What is inconsistent in form.toml's measures, scoring table or ids.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum FormError {
    #[error("缺少 [[measures]]（改造任务指标）")]
    NoMeasures,
    #[error("指标 {0} 重复定义")]
    DuplicateMeasure(String),
    #[error("指标 {measure} 缺少字段 {field}")]
    MeasureField { measure: String, field: String },
    #[error("指标 {measure} 的 indicator = \"{indicator}\" 不在 [scoring] 中")]
    MeasureIndicator { measure: String, indicator: String },
    #[error("{0}")]
    Column(#[from] crate::cellref::BadCellRef),
    #[error("评分表 {0} 不在 sheets 中")]
    ScoringSheet(String),
    #[error("指标 {0} 的行号不能为 0")]
    RowZero(String),
    #[error("字段 {0} 重复定义")]
    DuplicateField(String),
}

/// Scoring direction of an indicator in the 自评评分 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Higher,
    Lower,
    YesNo,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IndicatorSpec {
    pub key: String,
    /// 1-based row as Excel shows it.
    pub row: u32,
    pub level1: String,
    pub level2: String,
    pub level3: String,
    pub kind: Kind,
    pub direction: Direction,
    pub weight: Decimal,
    #[serde(default)]
    pub max_percent: Option<Decimal>,
    #[serde(default)]
    pub options: Vec<String>,
    /// Filled in on load: the field ids of the indicator's five cells.
    #[serde(skip)]
    pub ids: IndicatorIds,
}

/// The field ids of one 自评评分 row, made once on load.
#[derive(Debug, Clone, Default)]
pub struct IndicatorIds {
    pub target: String,
    pub actual: String,
    pub weight: String,
    pub score: String,
    pub reason: String,
}

/// A task measure (改造建筑面积…): its plan, actual and completion-rate
/// fields on the form, and where the province's workbook states its
/// issued plan, factor weight and 表1-1 target.
#[derive(Debug, Clone, Deserialize)]
pub struct MeasureSpec {
    /// Key of the measure ("area"); its fields are plan.<key>,
    /// actual.<key> and rate.<key>, checked on load.
    pub key: String,
    /// Header of 省级参数表 地市下达's column with the issued plan.
    pub plan_header: String,
    /// Row label of 省级参数表 因素权重.
    pub weight_label: String,
    /// 汇总口径 word of a 绩效目标 row judged against this measure.
    pub target_word: String,
    /// Two-character name for narrow table headers (面积).
    pub short: String,
    /// The 自评评分 indicator repeating this measure's plan and actual.
    #[serde(default)]
    pub indicator: Option<String>,
    /// Filled in on load.
    #[serde(skip)]
    pub plan: String,
    #[serde(skip)]
    pub actual: String,
    #[serde(skip)]
    pub rate: String,
    /// The measure as the form labels it ("改造建筑面积（万平方米）").
    #[serde(skip)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScoringColumns {
    pub level1: String,
    pub level2: String,
    pub level3: String,
    pub target: String,
    pub actual: String,
    pub weight: String,
    pub score: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScoringSpec {
    pub sheet: String,
    /// 分值 of the funding line (年度资金总额).
    pub fund_weight: Decimal,
    pub columns: ScoringColumns,
    pub indicators: Vec<IndicatorSpec>,
}

/// The city form of one year.
#[derive(Debug, Clone, Deserialize)]
pub struct FormSpec {
    pub version: String,
    pub year: i64,
    pub fund: String,
    pub unit: String,
    pub title: String,
    /// The province's budget document, named where a clerk must copy the
    /// issued budget ("粤财建〔2023〕77号").
    #[serde(default)]
    pub budget_document: String,
    pub sheets: Vec<SheetSpec>,
    pub scoring: ScoringSpec,
    /// The task measures, in 表2-3's order.
    pub measures: Vec<MeasureSpec>,
    #[serde(skip)]
    index: HashMap<String, (usize, usize)>,
}

/// Field ids the code itself relies on; a spec lacking one is rejected
/// on load. Measures and 附件1 counts are declared in the spec itself
/// (`[[measures]]`, `feeds`) and checked there.
pub const REQUIRED_FIELD_IDS: &[&str] = &[
    "info.city",
    "info.year",
    "info.fund",
    "info.unit",
    "info.version",
    "exec.budget",
    "exec.arrived",
    "exec.spent",
    "exec.rate",
    "benefit.acceptance",
    "benefit.satisfaction",
    "fund.annual",
    "fund.executed",
    "fund.rate",
    "fund.score",
    "score.total",
    "score.grade",
];

impl FormSpec {
    /// Parses and checks a form spec; `origin` names it in error messages.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        let err = |detail: String| Error::Spec { path: origin.to_string(), detail };
        let mut spec: FormSpec = toml::from_str(text).map_err(|e| err(e.message().to_string()))?;
        spec.expand_scoring().map_err(|e| err(e.to_string()))?;
        spec.build_index().map_err(|e| err(e.to_string()))?;
        for id in REQUIRED_FIELD_IDS {
            if !spec.index.contains_key(*id) {
                return Err(err(format!("缺少字段 {id}")));
            }
        }
        spec.resolve_measures().map_err(|e| err(e.to_string()))?;
        for f in spec.fields() {
            if f.feeds.is_some() && f.kind != Kind::Count {
                return Err(err(format!("字段 {} 有 feeds（附件1 小区个数），kind 应为 count", f.id)));
            }
        }
        Ok(spec)
    }

    /// Fills each measure's field ids and name, and checks they exist.
    fn resolve_measures(&mut self) -> std::result::Result<(), FormError> {
        if self.measures.is_empty() {
            return Err(FormError::NoMeasures);
        }
        let mut seen = std::collections::HashSet::new();
        let mut measures = std::mem::take(&mut self.measures);
        for m in &mut measures {
            if !seen.insert(m.key.clone()) {
                return Err(FormError::DuplicateMeasure(m.key.clone()));
            }
            m.plan = format!("plan.{}", m.key);
            m.actual = format!("actual.{}", m.key);
            m.rate = format!("rate.{}", m.key);
            for id in [&m.plan, &m.actual, &m.rate] {
                if !self.index.contains_key(id) {
                    return Err(FormError::MeasureField { measure: m.key.clone(), field: id.clone() });
                }
            }
            m.name = self.field(&m.plan).map(|f| f.label.text.clone()).unwrap_or_default();
            if let Some(ind) = &m.indicator {
                if !self.scoring.indicators.iter().any(|i| &i.key == ind) {
                    return Err(FormError::MeasureIndicator { measure: m.key.clone(), indicator: ind.clone() });
                }
            }
        }
        self.measures = measures;
        Ok(())
    }

    /// The measure with this key.
    pub fn measure(&self, key: &str) -> Option<&MeasureSpec> {
        self.measures.iter().find(|m| m.key == key)
    }

    /// The 附件1 counts (fields with `feeds`), in form order.
    pub fn benefit_counts(&self) -> Vec<&FieldSpec> {
        self.fields().filter(|f| f.feeds.is_some()).collect()
    }

    /// The label a clerk sees for a field ("实际支出"); the id itself if
    /// unknown.
    pub fn label<'a>(&'a self, id: &'a str) -> &'a str {
        self.field(id).map(|f| f.label.text.as_str()).unwrap_or(id)
    }

    /// The indicator with this key.
    pub fn indicator(&self, key: &str) -> Option<&IndicatorSpec> {
        self.scoring.indicators.iter().find(|i| i.key == key)
    }

    /// Turns the indicator table into labels and fields of its sheet.
    fn expand_scoring(&mut self) -> std::result::Result<(), FormError> {
        let sc = self.scoring.clone();
        let col = |c: &str| CellRef::parse_col(c).map_err(FormError::from);
        let cols = &sc.columns;
        let (l1, l2, l3) = (col(&cols.level1)?, col(&cols.level2)?, col(&cols.level3)?);
        let (tc, ac, wc, sc_, rc) =
            (col(&cols.target)?, col(&cols.actual)?, col(&cols.weight)?, col(&cols.score)?, col(&cols.reason)?);
        for ind in &mut self.scoring.indicators {
            let id = |part: &str| format!("ind.{}.{part}", ind.key);
            ind.ids = IndicatorIds {
                target: id("target"),
                actual: id("actual"),
                weight: id("weight"),
                score: id("score"),
                reason: id("reason"),
            };
        }
        let sheet = self
            .sheets
            .iter_mut()
            .find(|s| s.name == sc.sheet)
            .ok_or_else(|| FormError::ScoringSheet(sc.sheet.clone()))?;
        for ind in &sc.indicators {
            if ind.row == 0 {
                return Err(FormError::RowZero(ind.key.clone()));
            }
            let r = ind.row - 1;
            let name = LabelSpec { cell: CellRef::new(r, l3), text: ind.level3.clone() };
            sheet.labels.push(LabelSpec { cell: CellRef::new(r, l1), text: ind.level1.clone() });
            sheet.labels.push(LabelSpec { cell: CellRef::new(r, l2), text: ind.level2.clone() });
            sheet.labels.push(name.clone());
            let mk = |part: &str, c: u32, kind: Kind, required: bool| FieldSpec {
                id: format!("ind.{}.{part}", ind.key),
                cell: CellRef::new(r, c),
                label: name.clone(),
                kind,
                required,
                max_percent: if kind == Kind::Percent { ind.max_percent } else { None },
                allow_text: vec![],
                options: if kind == Kind::Choice { ind.options.clone() } else { vec![] },
                feeds: None,
                sheet: String::new(),
            };
            sheet.fields.push(mk("target", tc, ind.kind, true));
            sheet.fields.push(mk("actual", ac, ind.kind, true));
            sheet.fields.push(mk("weight", wc, Kind::Score, true));
            sheet.fields.push(mk("score", sc_, Kind::Score, true));
            sheet.fields.push(mk("reason", rc, Kind::Text, false));
        }
        Ok(())
    }

    fn build_index(&mut self) -> std::result::Result<(), FormError> {
        self.index.clear();
        for (si, sheet) in self.sheets.iter_mut().enumerate() {
            for (fi, f) in sheet.fields.iter_mut().enumerate() {
                f.sheet = sheet.name.clone();
                if self.index.insert(f.id.clone(), (si, fi)).is_some() {
                    return Err(FormError::DuplicateField(f.id.clone()));
                }
            }
        }
        Ok(())
    }

    /// The defined name the generated form gives field `id`'s cell
    /// ("exec.spent" → "f_exec_spent"): letters, digits and underscores,
    /// valid in Excel, WPS and LibreOffice.
    pub fn defined_name(id: &str) -> String {
        format!("f_{}", id.replace('.', "_"))
    }

    /// The field with this id. Ids used by the code are checked on load.
    pub fn field(&self, id: &str) -> Option<&FieldSpec> {
        let (si, fi) = *self.index.get(id)?;
        self.sheets.get(si)?.fields.get(fi)
    }

    /// All fields, sheet by sheet, in spec order.
    pub fn fields(&self) -> impl Iterator<Item = &FieldSpec> {
        self.sheets.iter().flat_map(|s| s.fields.iter())
    }

    /// The sheets to read and, on each, the input cells.
    pub fn sheet_needs(&self) -> Vec<crate::read::SheetNeed> {
        self.sheets
            .iter()
            .map(|s| crate::read::SheetNeed {
                name: s.name.clone(),
                cells: s.fields.iter().map(|f| f.cell).collect(),
                reach: crate::read::Reach::around(s.last_cell()),
            })
            .collect()
    }

    pub fn sheet(&self, name: &str) -> Option<&SheetSpec> {
        self.sheets.iter().find(|s| s.name == name)
    }
}

/// Cell format of a summary column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColFormat {
    Text,
    Int,
    Dec2,
    Pct2,
    Coef,
}

impl ColFormat {
    pub fn excel(self) -> &'static str {
        match self {
            ColFormat::Text => "@",
            ColFormat::Int => "0",
            ColFormat::Dec2 => "0.00",
            ColFormat::Pct2 => "0.00%",
            ColFormat::Coef => "0.00##",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SummaryColumn {
    pub key: String,
    pub width: f64,
    pub format: ColFormat,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SummarySheet {
    pub key: String,
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub note: Option<String>,
    /// 1-based first data row.
    pub first_row: u32,
    pub header: Vec<Vec<String>>,
    #[serde(default)]
    pub merges: Vec<CellRange>,
    #[serde(default)]
    pub header_height: Vec<f64>,
    pub columns: Vec<SummaryColumn>,
    /// A note printed below the table (the allocation's coefficient tiers).
    #[serde(default)]
    pub footnote: Option<String>,
    /// Rows above the table's header: 表1-1's 绩效目标表 block.
    #[serde(default)]
    pub block: Vec<BlockRow>,
}

/// One row of a header block: a label, an optional sub-label (`{year}` is
/// filled in), and the 基本参数 label whose value goes beside them.
#[derive(Debug, Clone, Deserialize)]
pub struct BlockRow {
    pub label: String,
    #[serde(default)]
    pub sub: String,
    pub param: String,
}

impl SummarySheet {
    /// 0-based row of the first header row (below the title, the note
    /// and the block).
    pub fn header_row0(&self) -> u32 {
        2 + self.block.len() as u32
    }
}

/// How a table is printed: the paper and orientation its width needs at
/// no less than 80% scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrintLayout {
    /// Excel paper code: 9 = A4, 8 = A3.
    pub paper: u8,
    pub landscape: bool,
}

impl SummarySheet {
    /// Column widths added up (Excel character units).
    pub fn total_width(&self) -> f64 {
        self.columns.iter().map(|c| c.width).sum()
    }

    /// A4 portrait for narrow tables, A4 landscape while one page wide
    /// keeps the scale at 80% or more, A3 landscape beyond that. At 100%
    /// an A4 portrait page holds about 100 width units, landscape 145, A3
    /// landscape 210.
    pub fn print_layout(&self) -> PrintLayout {
        let w = self.total_width();
        if w <= 100.0 {
            PrintLayout { paper: 9, landscape: false }
        } else if w * 0.8 <= 145.0 {
            PrintLayout { paper: 9, landscape: true }
        } else {
            PrintLayout { paper: 8, landscape: true }
        }
    }

    /// 0-based column of `key`.
    pub fn col(&self, key: &str) -> Option<u32> {
        self.columns.iter().position(|c| c.key == key).map(|i| i as u32)
    }

    /// 0-based first data row.
    pub fn first_row0(&self) -> u32 {
        self.first_row.saturating_sub(1)
    }
}

/// Layout of the provincial summary workbook.
#[derive(Debug, Clone, Deserialize)]
pub struct SummarySpec {
    pub version: String,
    /// 制表单位, printed in every sheet's page header.
    #[serde(default)]
    pub department: String,
    pub sheets: Vec<SummarySheet>,
}

/// Sheet keys and the column keys of each that do not come from the form:
/// every other column must be a key the form declares (see
/// [`SummarySpec::check_against`]).
pub const SUMMARY_KEYS: &[(&str, &[&str])] = &[
    ("targets", &["level1", "level2", "level3", "target", "actual", "rate", "met", "note"]),
    ("budget", &["seq", "city", "budget", "arrived", "spent", "rate"]),
    ("tasks", &["seq", "city"]),
    ("benefits", &["seq", "city", "benefit.acceptance", "benefit.satisfaction"]),
    (
        "allocation",
        &[
            "seq",
            "city",
            "fiscal",
            "performance",
            "project",
            "composite",
            "share",
            "exact",
            "rounded",
            "issued",
            "diff",
        ],
    ),
    (
        "roster",
        &["seq", "city", "status", "in_totals", "file", "others", "date", "errors", "warnings", "reason", "change"],
    ),
    ("findings", &["seq", "severity", "code", "city", "file", "sheet", "cell", "message", "expected", "found", "fix"]),
];

/// Sheets of which every fixed column above must be present (the
/// findings and targets sheets may leave some out).
const SUMMARY_ALL_REQUIRED: &[&str] = &["budget", "tasks", "benefits", "allocation", "roster"];

impl SummarySpec {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        let err = |detail: String| Error::Spec { path: origin.to_string(), detail };
        let spec: SummarySpec = toml::from_str(text).map_err(|e| err(e.message().to_string()))?;
        for (sheet, _) in SUMMARY_KEYS {
            let s = spec.sheet(sheet).ok_or_else(|| err(format!("缺少汇总表 {sheet}")))?;
            if (s.first_row as usize) <= s.header.len() + 1 + s.block.len() {
                return Err(err(format!("汇总表 {} 的 first_row 与表头重叠", s.name)));
            }
        }
        Ok(spec)
    }

    /// Checks the columns against the year's form, so a column the code
    /// would never fill, or a form figure with no column, is a load error
    /// naming it, and fills `{year}` in every title and header.
    pub fn check_against(&mut self, form: &FormSpec, origin: &str) -> Result<()> {
        let err = |detail: String| Error::Spec { path: origin.to_string(), detail };
        let mut from_form: HashMap<&str, Vec<String>> = HashMap::new();
        for m in &form.measures {
            from_form.entry("tasks").or_default().extend([m.plan.clone(), m.actual.clone(), m.rate.clone()]);
            from_form.entry("allocation").or_default().extend([m.key.clone(), format!("share.{}", m.key)]);
        }
        from_form.entry("benefits").or_default().extend(form.benefit_counts().iter().map(|f| f.id.clone()));
        for (key, fixed) in SUMMARY_KEYS {
            let Some(s) = self.sheet(key) else { continue };
            let wanted = from_form.get(key).cloned().unwrap_or_default();
            for c in &s.columns {
                if !fixed.contains(&c.key.as_str()) && !wanted.contains(&c.key) {
                    return Err(err(format!(
                        "汇总表 {} 的列 {} 无法识别（不是 form.toml 中的指标或字段）",
                        s.name, c.key
                    )));
                }
            }
            let must: Vec<&str> = match SUMMARY_ALL_REQUIRED.contains(key) {
                true => fixed.iter().copied().chain(wanted.iter().map(String::as_str)).collect(),
                false => vec![],
            };
            for c in must {
                if s.col(c).is_none() {
                    return Err(err(format!("汇总表 {} 缺少列 {c}", s.name)));
                }
            }
        }
        let year = form.year.to_string();
        let fill = |t: &mut String| *t = t.replace("{year}", &year);
        for s in &mut self.sheets {
            fill(&mut s.title);
            s.note.iter_mut().for_each(fill);
            s.footnote.iter_mut().for_each(fill);
            s.header.iter_mut().flatten().for_each(fill);
            s.block.iter_mut().for_each(|b| fill(&mut b.sub));
        }
        Ok(())
    }

    pub fn sheet(&self, key: &str) -> Option<&SummarySheet> {
        self.sheets.iter().find(|s| s.key == key)
    }
}

/// A range of plausible values; outside it is a warning.
#[derive(Debug, Clone, Deserialize)]
pub struct Band {
    pub min: Decimal,
    pub max: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Spread {
    pub max_ratio: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScoreRule {
    pub tolerance: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub struct UnitRule {
    pub yuan_factor: Decimal,
}

/// Bands and tolerances of the plausibility and scoring checks
/// (templates/<year>/checks.toml).
#[derive(Debug, Clone, Deserialize)]
pub struct Bands {
    pub area_per_household: Band,
    pub households_per_building: Band,
    pub households_per_community: Band,
    pub completion_spread: Spread,
    pub score: ScoreRule,
    pub units: UnitRule,
    /// 自评等级 bands, highest first.
    pub grades: Vec<GradeBand>,
}

/// A 自评等级 and the lowest total score that earns it.
#[derive(Debug, Clone, Deserialize)]
pub struct GradeBand {
    pub min: Decimal,
    pub name: String,
}

impl Bands {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        let err = |detail: String| Error::Spec { path: origin.to_string(), detail };
        let b: Bands = toml::from_str(text).map_err(|e| err(e.message().to_string()))?;
        if b.grades.is_empty() || b.grades.windows(2).any(|w| w[0].min <= w[1].min) {
            return Err(err("[[grades]] 应从高到低列出，且至少一档".into()));
        }
        Ok(b)
    }

    /// The 自评等级 of a total score: the first band it reaches, else the
    /// lowest.
    pub fn grade(&self, total: Decimal) -> &str {
        self.grades.iter().find(|g| total >= g.min).or(self.grades.last()).map(|g| g.name.as_str()).unwrap_or("")
    }
}

/// File names inside a templates folder.
pub const FORM_FILE: &str = "form.toml";
pub const SUMMARY_FILE: &str = "summary.toml";
pub const SUMMARY_TEMPLATE_FILE: &str = "省级汇总表模板.xlsx";
pub const PARAMS_FILE: &str = "省级参数表.xlsx";
pub const CHECKS_FILE: &str = "checks.toml";
pub const REPORT_FILE: &str = "report.toml";

mod embedded {
    pub const FORM: &str = include_str!("../templates/2024/form.toml");
    pub const SUMMARY: &str = include_str!("../templates/2024/summary.toml");
    pub const CHECKS: &str = include_str!("../templates/2024/checks.toml");
    pub const REPORT: &str = include_str!("../templates/2024/report.toml");
    pub const SUMMARY_TEMPLATE: &[u8] = include_bytes!("../templates/2024/省级汇总表模板.xlsx");
    pub const PARAMS: &[u8] = include_bytes!("../templates/2024/省级参数表.xlsx");
}

/// A year's complete template set.
#[derive(Debug, Clone)]
pub struct Templates {
    pub form: FormSpec,
    pub summary: SummarySpec,
    pub bands: Bands,
    /// Wording of the 自评报告 draft.
    pub report: ReportSpec,
    pub summary_template: Vec<u8>,
    /// The params workbook that ships with the templates (the default
    /// for `--params`).
    pub params_default: Vec<u8>,
    /// Where they came from, for the run's "which templates" line.
    pub origin: String,
}

impl Templates {
    /// The 2024 set built into the binary.
    pub fn embedded() -> Result<Self> {
        let (form, summary) = embedded_specs()?;
        let origin = "内置 templates/2024/report.toml";
        let report = ReportSpec::from_toml(embedded::REPORT, origin)?;
        report.check_against(&form, origin)?;
        Ok(Templates {
            form,
            summary,
            bands: embedded_bands()?,
            report,
            summary_template: embedded::SUMMARY_TEMPLATE.to_vec(),
            params_default: embedded::PARAMS.to_vec(),
            origin: "内置 2024 年模板".to_string(),
        })
    }

    /// A templates folder (`templates/2025/`), holding the four files.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let read = |name: &str| -> Result<Vec<u8>> {
            let p: PathBuf = dir.join(name);
            std::fs::read(&p).map_err(|e| Error::io(&p, e))
        };
        let text = |name: &str| {
            read(name).and_then(|bytes| {
                String::from_utf8(bytes).map_err(|_| Error::Spec {
                    path: dir.join(name).display().to_string(),
                    detail: "不是 UTF-8 编码的文本".into(),
                })
            })
        };
        // A set made before the report draft existed: the built-in wording.
        let report = match dir.join(REPORT_FILE).exists() {
            true => ReportSpec::from_toml(&text(REPORT_FILE)?, &dir.join(REPORT_FILE).display().to_string())?,
            false => ReportSpec::from_toml(embedded::REPORT, "内置 report.toml")?,
        };
        let (form, summary) = specs_from_dir(dir)?;
        report.check_against(&form, &dir.join(REPORT_FILE).display().to_string())?;
        Ok(Templates {
            report,
            form,
            summary,
            bands: Bands::from_toml(&text(CHECKS_FILE)?, &dir.join(CHECKS_FILE).display().to_string())?,
            summary_template: read(SUMMARY_TEMPLATE_FILE)?,
            params_default: read(PARAMS_FILE)?,
            origin: format!("模板文件夹 {}", dir.display()),
        })
    }
}

/// The embedded 2024 params workbook's bytes.
pub fn embedded_params() -> &'static [u8] {
    embedded::PARAMS
}

/// The embedded 2024 bands.
pub fn embedded_bands() -> Result<Bands> {
    Bands::from_toml(embedded::CHECKS, "内置 templates/2024/checks.toml")
}

/// The spec sources alone, for tools that build the template files
/// (they cannot use [`Templates::embedded`] before the files exist).
pub fn embedded_specs() -> Result<(FormSpec, SummarySpec)> {
    let form = FormSpec::from_toml(embedded::FORM, "内置 templates/2024/form.toml")?;
    let origin = "内置 templates/2024/summary.toml";
    let mut summary = SummarySpec::from_toml(embedded::SUMMARY, origin)?;
    summary.check_against(&form, origin)?;
    Ok((form, summary))
}

/// The form and summary specs of a templates folder, checked against
/// each other: what `selfeval template --templates DIR` builds from
/// before the folder's workbooks exist.
pub fn specs_from_dir(dir: &Path) -> Result<(FormSpec, SummarySpec)> {
    let text = |name: &str| -> Result<(String, String)> {
        let p: PathBuf = dir.join(name);
        let t = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
        Ok((t, p.display().to_string()))
    };
    let (ft, fo) = text(FORM_FILE)?;
    let form = FormSpec::from_toml(&ft, &fo)?;
    let (st, so) = text(SUMMARY_FILE)?;
    let mut summary = SummarySpec::from_toml(&st, &so)?;
    summary.check_against(&form, &so)?;
    Ok((form, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_specs_load() {
        let (form, summary) = embedded_specs().unwrap();
        assert_eq!(form.field("exec.spent").unwrap().cell.to_string(), "B6");
        assert_eq!(form.field("exec.spent").unwrap().sheet, "资金执行");
        assert_eq!(form.field("ind.area.actual").unwrap().cell.to_string(), "E10");
        assert!(summary.sheet("budget").is_some());
    }

    #[test]
    fn rejects_duplicate_and_missing_ids() {
        // The optional 备注 takes 填报人's id: a duplicate, no field lost.
        let dup = embedded::FORM.replace("id = \"info.remark\"", "id = \"info.preparer\"");
        let e = FormSpec::from_toml(&dup, "t").unwrap_err().to_string();
        assert!(e.contains("字段 info.preparer 重复定义"), "{e}");
        let missing = embedded::FORM.replace("id = \"exec.spent\"", "id = \"exec.other\"");
        let e = FormSpec::from_toml(&missing, "t").unwrap_err().to_string();
        assert!(e.contains("exec.spent"), "{e}");
    }

    #[test]
    fn grades_come_from_checks_toml() {
        let b = embedded_bands().unwrap();
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(b.grade(d("90")), "优");
        assert_eq!(b.grade(d("89.99")), "良");
        assert_eq!(b.grade(d("60")), "中");
        assert_eq!(b.grade(d("59.99")), "差");
        let unordered = embedded::CHECKS.replace("min = \"80\"", "min = \"95\"");
        assert!(Bands::from_toml(&unordered, "t").is_err());
    }

    #[test]
    fn unknown_summary_column_and_missing_measure_field_are_load_errors() {
        let form = FormSpec::from_toml(embedded::FORM, "t").unwrap();
        let bad = embedded::SUMMARY.replace("key = \"benefit.linked\"", "key = \"benefit.linkd\"");
        let mut s = SummarySpec::from_toml(&bad, "t").unwrap();
        let e = s.check_against(&form, "t").unwrap_err().to_string();
        assert!(e.contains("benefit.linkd"), "{e}");
        let no_rate = embedded::FORM.replace("id = \"rate.buildings\"", "id = \"rate.building\"");
        let e = FormSpec::from_toml(&no_rate, "t").unwrap_err().to_string();
        assert!(e.contains("rate.buildings"), "{e}");
    }

    #[test]
    fn report_words_must_match_the_form_s_counts() {
        let form = FormSpec::from_toml(embedded::FORM, "t").unwrap();
        let r = ReportSpec::from_toml(embedded::REPORT, "t").unwrap();
        assert!(r.check_against(&form, "t").is_ok());
        let renamed = embedded::REPORT.replace("\"benefit.linked\" =", "\"benefit.linkd\" =");
        let e = ReportSpec::from_toml(&renamed, "t").unwrap().check_against(&form, "t").unwrap_err().to_string();
        assert!(e.contains("benefit.linked"), "{e}");
    }

    #[test]
    fn summary_titles_carry_the_form_year() {
        let (_, summary) = embedded_specs().unwrap();
        assert!(summary.sheet("targets").unwrap().title.contains("2024年"));
        assert!(summary.sheets.iter().all(|s| !s.title.contains("{year}")));
    }

    #[test]
    fn bad_cell_is_a_spec_error() {
        let bad = embedded::FORM.replace("cell = \"B6\"", "cell = \"6B\"");
        assert!(FormSpec::from_toml(&bad, "t").is_err());
    }
}

/// Wording of the 自评报告 draft (report.toml): titles and sentence
/// patterns whose `{slots}` the draft writer fills with figures.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportSpec {
    pub title: String,
    pub basis: String,
    pub sections: std::collections::BTreeMap<String, String>,
    pub sentences: std::collections::BTreeMap<String, String>,
    pub benefit_labels: std::collections::BTreeMap<String, String>,
    pub thresholds: ReportThresholds,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportThresholds {
    pub low_spending: Decimal,
    pub slightly_below: Decimal,
}

/// Sentence keys the draft writer uses; a missing one is a load error.
pub const REPORT_SENTENCES: &[&str] = &[
    "funding",
    "allocation",
    "targets",
    "spending",
    "spending_spread",
    "spending_reason",
    "output",
    "output_total",
    "benefit_intro",
    "benefit_item",
    "acceptance",
    "satisfaction",
    "incomplete",
    "problem_spending",
    "problem_not_accepted",
    "problem_share",
    "problem_warnings",
    "problem_incomplete",
    "problem_reason",
    "next",
];

/// Section keys the draft writer uses.
pub const REPORT_SECTIONS: &[&str] =
    &["basic", "funding", "allocation", "targets", "self_eval", "process", "output", "benefit", "problems", "next"];

impl ReportSpec {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        let err = |detail: String| Error::Spec { path: origin.to_string(), detail };
        let spec: ReportSpec = toml::from_str(text).map_err(|e| err(e.message().to_string()))?;
        for k in REPORT_SENTENCES {
            if !spec.sentences.contains_key(*k) {
                return Err(err(format!("[sentences] 缺少 {k}")));
            }
        }
        for k in REPORT_SECTIONS {
            if !spec.sections.contains_key(*k) {
                return Err(err(format!("[sections] 缺少 {k}")));
            }
        }
        Ok(spec)
    }

    /// Every 附件1 count of the form has its words, and every word is for
    /// one of them.
    pub fn check_against(&self, form: &FormSpec, origin: &str) -> Result<()> {
        let err = |detail: String| Error::Spec { path: origin.to_string(), detail };
        let counts: Vec<&str> = form.benefit_counts().iter().map(|f| f.id.as_str()).collect();
        for id in &counts {
            if !self.benefit_labels.contains_key(*id) {
                return Err(err(format!("[benefit_labels] 缺少 {id}（form.toml 中的附件1 指标）")));
            }
        }
        for k in self.benefit_labels.keys() {
            if !counts.contains(&k.as_str()) {
                return Err(err(format!("[benefit_labels] 的 {k} 不是 form.toml 中带 feeds 的附件1 指标")));
            }
        }
        Ok(())
    }

    pub fn sentence(&self, key: &str) -> &str {
        self.sentences.get(key).map(String::as_str).unwrap_or("")
    }

    pub fn section(&self, key: &str) -> &str {
        self.sections.get(key).map(String::as_str).unwrap_or("")
    }
}
