//! The city form (form.toml): sheets, labels, fields and their kinds, measures and the scoring table, checked and indexed on load.

use super::error::FormError;
use super::*;

/// What a field holds, which decides how its cell is read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Text,
    Year,
    Date,
    /// Money in 万元, ≥ 0.
    Amount,
    /// A non-negative decimal (an area, tonnes).
    Decimal,
    /// A whole non-negative count (households, projects).
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
    /// Words accepted instead of a number (a form says which).
    #[serde(default)]
    pub allow_text: Vec<String>,
    /// Closed choices (是/否).
    #[serde(default)]
    pub options: Vec<String>,
    /// A 附件1 count: the word of 省级参数表 绩效目标's 汇总口径 column
    /// ("附件1-基础类短板") whose target this count is compared with. Every
    /// field with `feeds` gets its 附件1 column, 合计, report.json total,
    /// 表1-1 share (its bound is `at_most`).
    #[serde(default)]
    pub feeds: Option<String>,
    /// The province figure this field must equal (SE401).
    #[serde(default)]
    pub issued: Option<super::links::Issued>,
    /// A field this one cannot exceed (SE311: a 附件1 count of
    /// communities ≤ the communities renovated).
    #[serde(default)]
    pub at_most: Option<String>,
    /// The 省级参数表 绩效目标 key this field is judged against (SE313).
    #[serde(default)]
    pub target: Option<String>,
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

/// A task measure (an issued plan the city reports against): its plan, actual and completion-rate
/// fields on the form, and where the province's workbook states its
/// issued plan, factor weight and 表1-1 target.
#[derive(Debug, Clone, Deserialize)]
pub struct MeasureSpec {
    /// Key of the measure ("area"); its fields are `plan.<key>`,
    /// `actual.<key>` and `rate.<key>`, checked on load.
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
    /// The measure as the form labels its row.
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
    /// The task measures, in 表2-3's order: the issued plan, the
    /// allocation's factors. A fund without them has none (no plan checks,
    /// no 因素法 allocation).
    #[serde(default)]
    pub measures: Vec<MeasureSpec>,
    /// Where 省级参数表 holds each issued figure.
    pub params_layout: super::params_layout::ParamsLayout,
    /// Which field plays each role the program knows ([`Role`]).
    #[serde(default)]
    pub roles: Roles,
    /// 汇总口径 words of 省级参数表 绩效目标 for targets judged on other
    /// figures than a measure's or a 附件1 count's (which bring their own
    /// `target_word`, `feeds`); summary.toml's targets table judges each.
    #[serde(default)]
    pub target_words: std::collections::BTreeMap<String, String>,
    /// The fund's own words for findings (`[messages]`).
    #[serde(default)]
    pub messages: super::wording::Messages,
    /// `[[same]]` as written; see [`FormSpec::same_figures`].
    #[serde(default, rename = "same")]
    pub(super) raw_same: Vec<super::links::RawSame>,
    #[serde(skip)]
    pub(super) same: Vec<super::links::SameFigure>,
    /// The derived figures as written (`[[derived]]`); see [`FormSpec::derived`].
    #[serde(default, rename = "derived")]
    pub(super) raw_derived: Vec<super::derived::RawDerived>,
    /// The derived figures, their relations parsed and checked on load.
    #[serde(skip)]
    pub derived: Vec<super::derived::DerivedSpec>,
    #[serde(skip)]
    pub(super) index: HashMap<String, (usize, usize)>,
}

impl FormSpec {
    /// Parses and checks a form spec; `origin` names it in error messages.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        Self::parse(text).map_err(|source| LoadError::spec(origin, source))
    }

    fn parse(text: &str) -> std::result::Result<Self, SpecError> {
        let mut spec: FormSpec = toml::from_str(text)?;
        spec.expand_scoring()?;
        spec.build_index()?;
        spec.check_roles()?;
        if let Some(k) = spec.messages.unknown_code() {
            return Err(SpecError::UnknownMessageCode(k.to_string()));
        }
        if let Some((code, slot)) = spec.messages.unknown_slot(&|r| spec.role(r).is_some()) {
            return Err(SpecError::UnknownMessageSlot { code, slot });
        }
        spec.resolve_measures()?;
        spec.resolve_links()?;
        spec.resolve_derived()?;
        if let Some(f) = spec.fields().find(|f| f.feeds.is_some() && f.kind != Kind::Count) {
            return Err(SpecError::FeedsNotCount(f.id.clone()));
        }
        Ok(spec)
    }

    /// Fills each measure's field ids and name, and checks they exist.
    pub(super) fn resolve_measures(&mut self) -> std::result::Result<(), FormError> {
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

    /// Every required role names a field of the form.
    pub(super) fn check_roles(&self) -> std::result::Result<(), FormError> {
        if let Some(r) = Role::REQUIRED.iter().find(|r| self.roles.get(**r).is_none()) {
            return Err(FormError::MissingRole(r.key()));
        }
        match self.roles.iter().find(|(_, id)| !self.index.contains_key(*id)) {
            Some((role, id)) => Err(FormError::RoleField { role: role.key(), field: id.to_string() }),
            None => Ok(()),
        }
    }

    /// The field id playing `role`, if the form gives one.
    pub fn role(&self, role: Role) -> Option<&str> {
        self.roles.get(role)
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
    pub(super) fn expand_scoring(&mut self) -> std::result::Result<(), FormError> {
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
                issued: None,
                at_most: None,
                target: None,
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

    pub(super) fn build_index(&mut self) -> std::result::Result<(), FormError> {
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
    /// ("a.b" → "f_a_b"): letters, digits and underscores,
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
                derived: s.fields.iter().filter(|f| self.derived(&f.id).is_some()).map(|f| f.cell).collect(),
                reach: crate::read::Reach::around(s.last_cell()),
            })
            .collect()
    }

    pub fn sheet(&self, name: &str) -> Option<&SheetSpec> {
        self.sheets.iter().find(|s| s.name == name)
    }
}
