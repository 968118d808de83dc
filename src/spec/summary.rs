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
    /// For `total = "ratio"`: the columns whose totals it divides.
    #[serde(default)]
    pub of: Vec<String>,
}

/// How a city table's 合计 row is formed from the counted cities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColTotal {
    Sum,
    /// The simple mean, as the report takes 满意度's.
    Mean,
    /// `of[0]`'s total ÷ `of[1]`'s (执行率 = 全年执行数 ÷ 全年预算数).
    Ratio,
}

/// What a summary sheet is: one of the program's own tables (`key` says
/// which), or a table of the counted cities' form figures declared
/// entirely in summary.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SheetKind {
    #[default]
    Fixed,
    /// One row per city, one column per form field (keys are field ids),
    /// a 合计 row on top.
    Cities,
}

/// Which table a sheet is, settled from its key and kind when
/// summary.toml loads: a key the program does not know is refused there,
/// so the writers match on this, never on key text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SheetRole {
    /// A `kind = "cities"` table.
    #[default]
    Cities,
    Targets,
    Budget,
    Tasks,
    Benefits,
    Allocation,
    Roster,
    Findings,
    Decisions,
}

impl SheetRole {
    /// The program's own table a `key` names (`kind = "fixed"`).
    fn of_key(key: &str) -> Option<SheetRole> {
        Some(match key {
            "targets" => SheetRole::Targets,
            "budget" => SheetRole::Budget,
            "tasks" => SheetRole::Tasks,
            "benefits" => SheetRole::Benefits,
            "allocation" => SheetRole::Allocation,
            "roster" => SheetRole::Roster,
            "findings" => SheetRole::Findings,
            "decisions" => SheetRole::Decisions,
            _ => return None,
        })
    }

    /// A table of the cities' figures with a 合计 row, where a corrected
    /// figure is noted.
    pub fn of_city_figures(self) -> bool {
        matches!(self, SheetRole::Cities | SheetRole::Budget | SheetRole::Tasks | SheetRole::Benefits)
    }
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

/// Sheet keys and the column keys of each that do not come from the form:
/// every other column must be a key the form declares (see
/// [`SummarySpec::check_against`]).
pub const SUMMARY_KEYS: &[(&str, &[&str])] = &[
    ("targets", &["level1", "level2", "level3", "target", "actual", "rate", "met", "note"]),
    ("budget", &["seq", "city", "budget", "arrived", "spent", "rate"]),
    ("tasks", &["seq", "city"]),
    ("benefits", &["seq", "city", "acceptance", "satisfaction"]),
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

/// The program's own sheets, present in every summary.
pub(super) const SUMMARY_REQUIRED: &[&str] = &["roster", "findings"];

/// Sheets of which every fixed column above must be present (the
/// findings and targets sheets may leave some out).
pub(super) const SUMMARY_ALL_REQUIRED: &[&str] = &["budget", "tasks", "benefits", "allocation", "roster"];

impl SummarySpec {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        Self::parse(text).map_err(|source| Error::spec(origin, source))
    }

    fn parse(text: &str) -> std::result::Result<Self, SpecError> {
        let mut spec: SummarySpec = toml::from_str(text)?;
        for s in &mut spec.sheets {
            s.role = match (s.kind, SheetRole::of_key(&s.key)) {
                (SheetKind::Fixed, Some(t)) => t,
                (SheetKind::Fixed, None) => return Err(SpecError::UnknownSheetKey(s.key.clone())),
                (SheetKind::Cities, Some(_)) => return Err(SpecError::ProgramSheetKey(s.key.clone())),
                (SheetKind::Cities, None) => SheetRole::Cities,
            };
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
        self.check(form).map_err(|source| Error::spec(origin, source))
    }

    fn check(&mut self, form: &FormSpec) -> std::result::Result<(), SpecError> {
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
                    return Err(SpecError::UnknownColumn { sheet: s.name.clone(), column: c.key.clone() });
                }
            }
            let must: Vec<&str> = match SUMMARY_ALL_REQUIRED.contains(key) {
                true => fixed.iter().copied().chain(wanted.iter().map(String::as_str)).collect(),
                false => vec![],
            };
            for c in must {
                if s.col(c).is_none() {
                    return Err(SpecError::MissingColumn { sheet: s.name.clone(), column: c.to_string() });
                }
            }
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
}

/// A city table names form fields (and seq, city), and a ratio total
/// divides two of its own columns.
fn check_city_table(s: &SummarySheet, form: &FormSpec) -> std::result::Result<(), SpecError> {
    let at = |c: &str| (s.name.clone(), c.to_string());
    for c in &s.columns {
        if !matches!(c.key.as_str(), "seq" | "city") && form.field(&c.key).is_none() {
            let (sheet, column) = at(&c.key);
            return Err(SpecError::NotAField { sheet, column });
        }
        // `of` names two of this table's columns for a ratio, and nothing else.
        let of_fits = match c.total {
            Some(ColTotal::Ratio) => c.of.len() == 2 && c.of.iter().all(|k| s.col(k).is_some()),
            _ => c.of.is_empty(),
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
    Ok(())
}
