//! The provincial summary's layout (summary.toml): sheets, columns, formats and print settings.

use super::*;

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
    /// The form field a city's cell in this column shows, when the key is
    /// not that field's id: a figure the province corrected is noted there.
    #[serde(default)]
    pub field: Option<String>,
    /// A city table's 合计: how the column's total is formed.
    #[serde(default)]
    pub total: Option<ColTotal>,
    /// For `total = "ratio"` or `row = "ratio"`: the two columns divided.
    #[serde(default)]
    pub of: Vec<String>,
    /// A city table column showing what the province issued the city (its
    /// 预算 or a measure's plan, from the params) rather than a form figure:
    /// shown for every city, counted or not.
    #[serde(default)]
    pub issued: Option<IssuedColumn>,
    /// How each city row's cell is formed: the form's figure (default),
    /// or a live formula dividing the row's two `of` columns.
    #[serde(default)]
    pub row: RowValue,
}

impl SummaryColumn {
    /// 序号 or 地市: written by the table itself, never a figure.
    pub fn is_head(&self) -> bool {
        matches!(self.key.as_str(), "seq" | "city")
    }

    /// A column whose city cell holds a reported figure (or a ratio of
    /// figures): merged into the 未计入合计 note for a city left out.
    pub fn is_reported(&self) -> bool {
        !self.is_head() && self.issued.is_none()
    }
}

/// An issued figure a city table column shows, from the params.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum IssuedColumn {
    /// The city's issued budget (`issued = "budget"`).
    Budget,
    /// The city's planned measure (`issued = "plan.area"`).
    Plan(String),
}

/// An `issued` value other than `budget` or `plan.<measure>`.
#[derive(Debug, thiserror::Error)]
#[error("issued = \"{0}\" 无法识别（可用：budget、plan.<指标>）")]
pub struct UnknownIssued(String);

impl TryFrom<String> for IssuedColumn {
    type Error = UnknownIssued;
    fn try_from(s: String) -> std::result::Result<Self, UnknownIssued> {
        match s.strip_prefix("plan.") {
            _ if s == "budget" => Ok(IssuedColumn::Budget),
            Some(m) if !m.is_empty() => Ok(IssuedColumn::Plan(m.to_string())),
            _ => Err(UnknownIssued(s)),
        }
    }
}

/// How a city row's cell of a column is formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RowValue {
    /// The figure the city's form holds under the column's key.
    #[default]
    Value,
    /// `of[0] ÷ of[1]` of the same row, as a live formula (支出率).
    Ratio,
}

/// The province's own line below the cities (the 2024 fund's 表2-2 has one), from the
/// params' own budget, arrivals and spending; counted in the 合计 above,
/// and with `subtotal` followed by a 其中：N个地市 line of the cities alone.
#[derive(Debug, Clone, Deserialize)]
pub struct OwnRow {
    /// The line's 地市 cell.
    pub label: String,
    #[serde(default)]
    pub subtotal: bool,
    /// Column key → which of the province's own figures it shows.
    pub values: std::collections::BTreeMap<String, OwnFigure>,
}

/// One of the province's own figures (the params' own-use row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OwnFigure {
    Budget,
    Arrived,
    Spent,
}

/// How a city table's 合计 row is formed from the counted cities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColTotal {
    Sum,
    /// The simple mean of the counted cities' figures.
    Mean,
    /// `of[0]`'s total ÷ `of[1]`'s (执行率 = 全年执行数 ÷ 全年预算数).
    Ratio,
}

/// What a summary sheet is. Its `kind` says how it is filled: a table of
/// the cities' figures, a targets table, the allocation, or (`fixed`, the
/// default) one of the program's own sheets named by `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SheetKind {
    #[default]
    Fixed,
    /// One row per city, one column per form field or issued figure, a
    /// 合计 row on top (see [`SummaryColumn`], [`OwnRow`]).
    Cities,
    /// The params' 绩效目标, each judged as `judged` says (表1-1).
    Targets,
    /// The factor-method allocation of the params' measures (资金分配测算).
    Allocation,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SummarySheet {
    pub key: String,
    #[serde(default)]
    pub kind: SheetKind,
    /// Which table it is (from `key` and `kind`, at load).
    #[serde(skip)]
    pub role: SheetRole,
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
    /// A city table's line for the province's own use of the fund.
    #[serde(default)]
    pub own: Option<OwnRow>,
    /// A targets table's rules: how each 绩效目标 is judged.
    #[serde(default)]
    pub judged: Vec<super::targets::TargetRule>,
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

    /// Whether the first data row is a 合计 row.
    pub fn has_total_row(&self) -> bool {
        self.role.of_city_figures() || self.role == SheetRole::Allocation
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

/// The program's own sheets, present in every summary.
pub(super) const SUMMARY_REQUIRED: &[&str] = &["roster", "findings"];

impl SummarySpec {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        Self::parse(text).map_err(|source| LoadError::spec(origin, source))
    }

    fn parse(text: &str) -> std::result::Result<Self, SpecError> {
        let mut spec: SummarySpec = toml::from_str(text)?;
        for s in &mut spec.sheets {
            s.role = match (s.kind, SheetRole::of_key(&s.key)) {
                (SheetKind::Fixed, Some(t)) => t,
                (SheetKind::Fixed, None) => return Err(SpecError::UnknownSheetKey(s.key.clone())),
                (_, Some(_)) => return Err(SpecError::ProgramSheetKey(s.key.clone())),
                (SheetKind::Cities, None) => SheetRole::Cities,
                (SheetKind::Targets, None) => SheetRole::Targets,
                (SheetKind::Allocation, None) => SheetRole::Allocation,
            };
            if !s.judged.is_empty() && s.role != SheetRole::Targets {
                return Err(SpecError::JudgedOutsideTargets(s.name.clone()));
            }
        }
        for sheet in SUMMARY_REQUIRED {
            spec.sheet(sheet).ok_or_else(|| SpecError::MissingSheet(sheet.to_string()))?;
        }
        for s in &spec.sheets {
            if (s.first_row as usize) <= s.header.len() + 1 + s.block.len() {
                return Err(SpecError::FirstRowOverlaps(s.name.clone()));
            }
        }
        if let Some(d) = spec.sheets.iter().enumerate().find(|(i, s)| spec.sheets[..*i].iter().any(|t| t.key == s.key))
        {
            return Err(SpecError::DuplicateSheetKey(d.1.key.clone()));
        }
        Ok(spec)
    }

    /// Checks the columns against the year's form, so a column the code
    /// would never fill, or a form figure with no column, is a load error
    /// naming it, and fills `{year}` in every title and header.
    pub fn check_against(&mut self, form: &FormSpec, origin: &str) -> Result<()> {
        self.check(form).map_err(|source| LoadError::spec(origin, source))
    }

    fn check(&mut self, form: &FormSpec) -> std::result::Result<(), SpecError> {
        let from_form: Vec<String> =
            form.measures.iter().flat_map(|m| [m.key.clone(), format!("share.{}", m.key)]).collect();
        for s in &self.sheets {
            let Some(fixed) = s.role.fixed_columns() else { continue };
            let wanted: &[String] = if s.role == SheetRole::Allocation { &from_form } else { &[] };
            for c in &s.columns {
                if !fixed.contains(&c.key.as_str()) && !wanted.contains(&c.key) {
                    return Err(SpecError::UnknownColumn { sheet: s.name.clone(), column: c.key.clone() });
                }
            }
            if !s.role.all_columns_required() {
                continue;
            }
            for c in fixed.iter().copied().chain(wanted.iter().map(String::as_str)) {
                if s.col(c).is_none() && !s.role.optional(c) {
                    return Err(SpecError::MissingColumn { sheet: s.name.clone(), column: c.to_string() });
                }
            }
        }
        for s in self.sheets.iter().filter(|s| s.role == SheetRole::Targets) {
            super::targets::check(&s.name, &s.judged, form)?;
        }
        for s in self.sheets.iter().filter(|s| s.kind == SheetKind::Cities) {
            check_city_table(s, form)?;
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

    /// The styled template (省级汇总表模板.xlsx) still matches this layout:
    /// every sheet is there with the header words summary.toml gives. A
    /// column added to summary.toml without rebuilding the template would
    /// otherwise fill cells under no heading.
    pub fn check_template(&self, template: &[u8]) -> std::result::Result<(), SpecError> {
        let book = crate::read::read_bytes(template.to_vec(), "xlsx").map_err(SpecError::TemplateUnreadable)?;
        for s in &self.sheets {
            let ws = book.sheet(&s.name).ok_or_else(|| SpecError::TemplateSheetMissing { sheet: s.name.clone() })?;
            for (i, row) in s.header.iter().enumerate() {
                for (c, want) in row.iter().enumerate().filter(|(_, w)| !w.is_empty()) {
                    let at = CellRef::new(s.header_row0() + i as u32, c as u32);
                    let found = match ws.get(at) {
                        crate::read::Value::Text(t) => t.clone(),
                        crate::read::Value::Number(n) => n.to_string(),
                        _ => String::new(),
                    };
                    if &found != want {
                        return Err(SpecError::TemplateStale { sheet: s.name.clone(), at, want: want.clone(), found });
                    }
                }
            }
        }
        Ok(())
    }
}

/// A city table's columns are form fields, issued figures of the form's
/// measures, or ratios of two of its own columns; its own line shows
/// columns it has.
fn check_city_table(s: &SummarySheet, form: &FormSpec) -> std::result::Result<(), SpecError> {
    let at = |c: &str| (s.name.clone(), c.to_string());
    for c in &s.columns {
        let known = c.is_head()
            || match &c.issued {
                Some(IssuedColumn::Budget) => true,
                Some(IssuedColumn::Plan(m)) => form.measure(m).is_some(),
                None => c.row == RowValue::Ratio || form.field(&c.key).is_some(),
            };
        if !known {
            let (sheet, column) = at(&c.key);
            return Err(SpecError::NotAField { sheet, column });
        }
        // `of` names two of this table's columns for a ratio, and nothing else.
        let ratio = c.total == Some(ColTotal::Ratio) || c.row == RowValue::Ratio;
        let of_fits = match ratio {
            true => c.of.len() == 2 && c.of.iter().all(|k| s.col(k).is_some()),
            false => c.of.is_empty(),
        };
        if !of_fits {
            let (sheet, column) = at(&c.key);
            return Err(SpecError::RatioColumns { sheet, column });
        }
    }
    if s.col("city").is_none() {
        let (sheet, column) = at("city");
        return Err(SpecError::MissingColumn { sheet, column });
    }
    for k in s.own.iter().flat_map(|o| o.values.keys()) {
        if s.col(k).is_none() || matches!(k.as_str(), "seq" | "city") {
            let (sheet, column) = at(k);
            return Err(SpecError::OwnColumn { sheet, column });
        }
    }
    Ok(())
}
