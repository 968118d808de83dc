//! Fills the styled summary template (省级汇总表模板.xlsx) with
//! umya-spreadsheet: one sheet per table of the report, city rows in the
//! report's order, 合计 rows as live formulas whose cached results every
//! reader sees without recalculating.

use crate::allocate::Allocation;
use crate::calc;
use crate::cellref::CellRef;
use crate::consolidate::{ProvinceSummary, TargetActual};
use crate::findings::Finding;
use crate::roster::Roster;
use crate::rounds::Comparison;
use crate::spec::{SummarySheet, SummarySpec};
use crate::write::template::has_total_row;
use rust_decimal::Decimal;
use umya_spreadsheet::{Style, Workbook, Worksheet};

/// Why a summary workbook could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SummaryError {
    #[error("汇总表模板无法打开，请检查模板文件是否完好")]
    Template,
    #[error("汇总表模板缺少工作表“{0}”")]
    MissingSheet(String),
    #[error("汇总表配置缺少资金分配测算表")]
    NoAllocationSheet,
    #[error("汇总表写出失败：{0}")]
    Write(String),
    #[error("生成汇总表时程序内部出错（{0}）")]
    Panicked(#[from] crate::isolate::Panicked),
}

type Res<T> = Result<T, SummaryError>;

/// Fills the template and returns the xlsx bytes. umya runs isolated: a
/// panic inside it becomes `Err`.
pub fn summary_workbook(
    template: &[u8],
    spec: &SummarySpec,
    summary: &ProvinceSummary,
    roster: &Roster,
    comparison: Option<&Comparison>,
    findings: &[Finding],
) -> Res<Vec<u8>> {
    crate::isolate::isolate(|| fill(template, spec, summary, roster, comparison, findings))?
}

fn fill(
    template: &[u8],
    spec: &SummarySpec,
    s: &ProvinceSummary,
    roster: &Roster,
    comparison: Option<&Comparison>,
    findings: &[Finding],
) -> Res<Vec<u8>> {
    let mut book: Workbook = umya_spreadsheet::reader::xlsx::read_reader(std::io::Cursor::new(template), true)
        .map_err(|_| SummaryError::Template)?;
    for sheet in &spec.sheets {
        let ws = book.sheet_by_name_mut(&sheet.name).map_err(|_| SummaryError::MissingSheet(sheet.name.clone()))?;
        let mut t = Table::new(ws, sheet);
        match sheet.key.as_str() {
            "targets" => t.targets(s),
            "budget" => t.budget(s),
            "tasks" => t.tasks(s),
            "benefits" => t.benefits(s),
            "allocation" => t.allocation(&s.allocation),
            "roster" => t.roster(roster, comparison),
            "findings" => t.findings(findings),
            _ => {}
        }
        t.fit_rows();
    }
    book.set_active_sheet(0);
    let props = book.properties_mut();
    props.set_title(format!("{}年{}绩效自评汇总表", s.year, s.fund));
    props.set_subject(format!("{}年{}绩效自评", s.year, s.fund));
    props.set_company(spec.department.clone());
    props.set_creator("selfeval");
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    props.set_created(now.clone());
    props.set_modified(now);
    crate::marker::mark_umya(&mut book, crate::marker::Kind::Summary);
    let mut out = Vec::new();
    umya_spreadsheet::writer::xlsx::write_writer(&book, &mut out).map_err(|e| SummaryError::Write(e.to_string()))?;
    Ok(out)
}

/// The allocation sheet alone (`selfeval allocate`): the template with
/// every other sheet removed, for planning next year's allocation.
pub fn allocation_workbook(template: &[u8], spec: &SummarySpec, allocation: &Allocation) -> Res<Vec<u8>> {
    crate::isolate::isolate(|| {
        let mut book: Workbook = umya_spreadsheet::reader::xlsx::read_reader(std::io::Cursor::new(template), true)
            .map_err(|_| SummaryError::Template)?;
        let sheet = spec.sheet("allocation").ok_or(SummaryError::NoAllocationSheet)?;
        let others: Vec<String> =
            spec.sheets.iter().filter(|s| s.key != "allocation").map(|s| s.name.clone()).collect();
        for name in others {
            let _ = book.remove_sheet_by_name(&name);
        }
        let ws = book.sheet_by_name_mut(&sheet.name).map_err(|_| SummaryError::MissingSheet(sheet.name.clone()))?;
        // Sheet-local names (print titles) keep the index the sheet had in
        // the full template; it is now the only sheet. A stale index makes
        // the file unreadable to LibreOffice and repaired by Excel.
        for name in ws.defined_names_mut().iter_mut().filter(|n| n.has_local_sheet_id()) {
            name.set_local_sheet_id(0);
        }
        Table::new(ws, sheet).allocation(allocation);
        book.set_active_sheet(0);
        crate::marker::mark_umya(&mut book, crate::marker::Kind::Allocation);
        let mut out = Vec::new();
        umya_spreadsheet::writer::xlsx::write_writer(&book, &mut out)
            .map_err(|e| SummaryError::Write(e.to_string()))?;
        Ok(out)
    })?
}

/// A value for one cell.
enum V<'a> {
    Num(Decimal),
    /// A percent value (45.64) written as the fraction 0.4564.
    Pct(Decimal),
    Text(&'a str),
    /// Formula text (no '='), cached result.
    Formula(String, Option<Decimal>),
    Blank,
}

struct Table<'a> {
    ws: &'a mut Worksheet,
    spec: &'a SummarySheet,
    /// Styles of the template's prototype rows, per column, taken before
    /// anything is written (writing row 1 must not restyle row 2).
    total_styles: Vec<Style>,
    body_styles: Vec<Style>,
    /// Lines the tallest wrapped text of each row needs (1-based row).
    lines: std::collections::BTreeMap<u32, usize>,
}

impl<'a> Table<'a> {
    fn new(ws: &'a mut Worksheet, spec: &'a SummarySheet) -> Self {
        let fr = spec.first_row0() + 1;
        let body_row = fr + u32::from(has_total_row(&spec.key));
        let cols = 1..=spec.columns.len() as u32;
        let total_styles = cols.clone().map(|c| ws.style((c, fr)).clone()).collect();
        let body_styles = cols.map(|c| ws.style((c, body_row)).clone()).collect();
        Table { ws, spec, total_styles, body_styles, lines: Default::default() }
    }

    /// 0-based data row `i` below the first data row.
    fn row(&self, i: usize) -> u32 {
        self.spec.first_row0() + i as u32
    }

    /// The A1 address of column `key` on 0-based row `r`.
    fn addr(&self, key: &str, r: u32) -> String {
        CellRef::new(r, self.spec.col(key).unwrap_or(0)).to_string()
    }

    /// Writes `v` at (row r, column key), styled like the prototype row
    /// (the 合计 row for totals, the row below it for the rest).
    fn put(&mut self, r: u32, key: &str, v: V, total: bool) {
        let Some(c) = self.spec.col(key) else { return };
        let at = CellRef::new(r, c);
        let protos = if total { &self.total_styles } else { &self.body_styles };
        let style = protos.get(c as usize).cloned().unwrap_or_default();
        let cell = self.ws.cell_mut((at.excel_col(), at.excel_row()));
        cell.set_style(style);
        match v {
            V::Num(d) => {
                cell.set_value_number(calc::to_f64(d));
            }
            V::Pct(p) => {
                cell.set_value_number(calc::to_f64(p / Decimal::ONE_HUNDRED));
            }
            V::Text(t) => {
                cell.set_value_string(t);
                let width = self.spec.columns.get(c as usize).map(|c| c.width).unwrap_or(10.0);
                // The summary's 10 pt font fits about 1.3 characters a width unit.
                let n = super::est_lines(t, width * 1.3);
                let e = self.lines.entry(at.excel_row()).or_insert(1);
                *e = (*e).max(n);
            }
            V::Formula(f, cached) => {
                cell.set_formula(f);
                match cached {
                    Some(d) => cell.set_formula_result_number(calc::to_f64(d)),
                    None => cell.set_formula_result_string(""),
                };
            }
            V::Blank => {
                cell.set_value_string("");
            }
        }
    }

    /// Grows the rows whose wrapped text needs more than one line:
    /// spreadsheet programs do not do it for a file they did not write.
    fn fit_rows(&mut self) {
        for (row, n) in std::mem::take(&mut self.lines) {
            if n > 1 {
                self.ws.row_dimension_mut(row).set_height(14.0 * n as f64).set_custom_height(true);
            }
        }
    }

    /// Overrides the number format of one cell (a count in a 0.00 column).
    fn format(&mut self, r: u32, key: &str, code: &str) {
        let Some(c) = self.spec.col(key) else { return };
        let at = CellRef::new(r, c);
        self.ws.cell_mut((at.excel_col(), at.excel_row())).style_mut().number_format_mut().set_format_code(code);
    }

    /// Merges each run of equal values down column `key` (一级/二级指标
    /// span their rows, as in the report's 表1-1).
    fn merge_runs(&mut self, values: Vec<&str>, key: &str) {
        let Some(c) = self.spec.col(key) else { return };
        let mut start = 0;
        for i in 1..=values.len() {
            if i == values.len() || values[i] != values[start] {
                if i - start > 1 {
                    let (a, b) = (self.row(start), self.row(i - 1));
                    self.ws.add_merge_cells(format!("{}:{}", CellRef::new(a, c), CellRef::new(b, c)));
                }
                start = i;
            }
        }
    }

    /// Centres a cell (序号, 合计).
    fn center(&mut self, r: u32, key: &str) {
        let Some(c) = self.spec.col(key) else { return };
        let at = CellRef::new(r, c);
        let a = self.ws.cell_mut((at.excel_col(), at.excel_row())).style_mut().alignment_mut();
        a.set_horizontal(umya_spreadsheet::HorizontalAlignmentValues::Center);
        a.set_vertical(umya_spreadsheet::VerticalAlignmentValues::Center);
        a.set_wrap_text(true);
    }

    /// 序号 (a number, centred) and 地市 of the `i`-th city row.
    fn city_head(&mut self, r: u32, i: usize, city: &str) {
        self.put(r, "seq", V::Num(Decimal::from(i + 1)), false);
        self.format(r, "seq", "0");
        self.center(r, "seq");
        self.put(r, "city", V::Text(city), false);
    }

    /// The 合计 label of a total row, merged across 序号 and 地市.
    fn total_head(&mut self, r: u32, label: &str) {
        self.put(r, "city", V::Text(""), true);
        let (Some(a), Some(b)) = (self.spec.col("seq"), self.spec.col("city")) else {
            self.put(r, "seq", V::Text(label), true);
            return;
        };
        let width = self.spec.columns.get(a as usize).map(|c| c.width).unwrap_or(8.0)
            + self.spec.columns.get(b as usize).map(|c| c.width).unwrap_or(12.0);
        self.put(r, "seq", V::Text(""), true);
        self.put_text_width(r, "seq", label, width);
        self.center(r, "seq");
        self.ws.add_merge_cells(format!("{}:{}", CellRef::new(r, a.min(b)), CellRef::new(r, a.max(b))));
    }

    fn sum(&self, key: &str, from: u32, to: u32) -> String {
        format!("SUM({}:{})", self.addr(key, from), self.addr(key, to))
    }

    /// SUM over the given 0-based rows: a range when they are one run of
    /// rows, else the cells listed, so a 合计 formula covers exactly the
    /// cities its label names.
    fn sum_rows(&self, key: &str, rows: &[u32]) -> String {
        match (rows.first(), rows.last()) {
            (Some(a), Some(b)) if (b - a) as usize + 1 == rows.len() => self.sum(key, *a, *b),
            (Some(_), Some(_)) => {
                let cells: Vec<String> = rows.iter().map(|r| self.addr(key, *r)).collect();
                format!("SUM({})", cells.join(","))
            }
            _ => "0".to_string(),
        }
    }

    /// A city row whose figures are not in the totals: the columns `keys`
    /// merged into one cell that says 未报送 or 待修正 and why.
    fn left_out(&mut self, r: u32, row: &crate::consolidate::CityRow, keys: &[&str]) {
        let cols: Vec<u32> = keys.iter().filter_map(|k| self.spec.col(k)).collect();
        let (Some(&lo), Some(&hi)) = (cols.iter().min(), cols.iter().max()) else { return };
        let text = match row.status {
            crate::roster::CityStatus::NotReceived => "未报送".to_string(),
            _ if row.reason.is_empty() => format!("{}，未计入合计", row.status.zh()),
            _ => format!("{}，未计入合计：{}", row.status.zh(), row.reason),
        };
        for c in lo..=hi {
            let key = self.spec.columns.get(c as usize).map(|c| c.key.clone()).unwrap_or_default();
            self.put(r, &key, V::Blank, false);
        }
        let first_key = self.spec.columns.get(lo as usize).map(|c| c.key.clone()).unwrap_or_default();
        // The merged cell is as wide as its columns together.
        let width: f64 = (lo..=hi).filter_map(|c| self.spec.columns.get(c as usize)).map(|c| c.width).sum();
        self.put_text_width(r, &first_key, &text, width);
        let at = self.ws.cell_mut((lo + 1, r + 1));
        at.style_mut().alignment_mut().set_horizontal(umya_spreadsheet::HorizontalAlignmentValues::Left);
        at.style_mut().alignment_mut().set_wrap_text(true);
        if hi > lo {
            let range = format!("{}:{}", CellRef::new(r, lo), CellRef::new(r, hi));
            self.ws.add_merge_cells(range);
        }
    }

    /// Writes a text whose cell spans `width` units (a merged cell).
    fn put_text_width(&mut self, r: u32, key: &str, text: &str, width: f64) {
        self.put(r, key, V::Text(""), false);
        let Some(c) = self.spec.col(key) else { return };
        let at = CellRef::new(r, c);
        self.ws.cell_mut((at.excel_col(), at.excel_row())).set_value_string(text);
        let n = super::est_lines(text, width * 1.3);
        let e = self.lines.entry(at.excel_row()).or_insert(1);
        *e = (*e).max(n);
    }

    fn ratio(&self, num: &str, den: &str, r: u32) -> String {
        format!("IF({d}=0,\"\",{n}/{d})", n = self.addr(num, r), d = self.addr(den, r))
    }

    /// The 绩效目标表 block above 表1-1: labels, and each value from the
    /// params (资金总额 from the fund's total).
    fn block(&mut self, s: &ProvinceSummary) {
        let rows = self.spec.block.clone();
        for (i, b) in rows.iter().enumerate() {
            let r = 3 + i as u32; // 1-based: title, note, then the block
            let value = if b.param.starts_with("资金总额") {
                calc::fmt_num(s.total)
            } else {
                s.profile.iter().find(|(k, _)| *k == b.param).map(|(_, v)| v.clone()).unwrap_or_default()
            };
            self.ws.cell_mut((1, r)).set_value_string(&b.label);
            if !b.sub.is_empty() {
                self.ws.cell_mut((2, r)).set_value_string(b.sub.replace("{year}", &s.year.to_string()));
            }
            self.ws.cell_mut((3, r)).set_value_string(&value);
            let width: f64 = self.spec.columns.iter().skip(2).map(|c| c.width).sum();
            let n = super::est_lines(&value, width * 1.3);
            let e = self.lines.entry(r).or_insert(1);
            *e = (*e).max(n);
        }
    }

    fn targets(&mut self, s: &ProvinceSummary) {
        self.block(s);
        self.merge_runs(s.targets.iter().map(|t| t.level1.as_str()).collect(), "level1");
        let pairs: Vec<String> = s.targets.iter().map(|t| format!("{}\u{1f}{}", t.level1, t.level2)).collect();
        self.merge_runs(pairs.iter().map(String::as_str).collect(), "level2");
        for (i, t) in s.targets.iter().enumerate() {
            let r = self.row(i);
            self.put(r, "level1", V::Text(&t.level1), false);
            self.put(r, "level2", V::Text(&t.level2), false);
            self.put(r, "level3", V::Text(&t.level3), false);
            self.put(r, "target", V::Text(&t.target), false);
            match &t.actual {
                Some(TargetActual::Number(d)) => {
                    self.put(r, "actual", V::Num(*d), false);
                    if d.fract().is_zero() {
                        self.format(r, "actual", "0");
                    }
                }
                Some(TargetActual::Percent(p)) => {
                    self.put(r, "actual", V::Pct(*p), false);
                    self.format(r, "actual", "0.00%");
                }
                Some(TargetActual::Text(x)) => self.put(r, "actual", V::Text(x), false),
                None => self.put(r, "actual", V::Blank, false),
            }
            match t.rate {
                Some(p) => self.put(r, "rate", V::Pct(p), false),
                None => self.put(r, "rate", V::Blank, false),
            }
            let met = match t.met {
                Some(true) => "达成",
                Some(false) => "未达成",
                None => "无法判断",
            };
            self.put(r, "met", V::Text(met), false);
            self.put(r, "note", V::Text(&t.note), false);
        }
    }

    fn budget(&mut self, s: &ProvinceSummary) {
        let total = self.row(0);
        let first = self.row(1);
        let n = s.rows.len();
        let own = self.row(1 + n);
        let sub = own + 1;
        let mut counted = Vec::new();
        for (i, row) in s.rows.iter().enumerate() {
            let r = first + i as u32;
            self.city_head(r, i, &row.issued.name);
            self.put(r, "budget", V::Num(row.issued.budget), false);
            match &row.figures {
                Some(f) => {
                    counted.push(r);
                    self.put(r, "arrived", V::Num(f.arrived), false);
                    self.put(r, "spent", V::Num(f.spent), false);
                    let rate = calc::percent(f.spent, row.issued.budget).map(|p| p / Decimal::ONE_HUNDRED);
                    self.put(r, "rate", V::Formula(self.ratio("spent", "budget", r), rate), false);
                }
                None => self.left_out(r, row, &["arrived", "spent", "rate"]),
            }
        }
        self.put(own, "seq", V::Num(Decimal::from(n + 1)), false);
        self.format(own, "seq", "0");
        self.center(own, "seq");
        self.put(own, "city", V::Text("省本级"), false);
        self.put(own, "budget", V::Num(s.own.budget), false);
        self.put(own, "arrived", V::Num(s.own.arrived), false);
        self.put(own, "spent", V::Num(s.own.spent), false);
        let own_rate = calc::percent(s.own.spent, s.own.budget).map(|p| p / Decimal::ONE_HUNDRED);
        self.put(own, "rate", V::Formula(self.ratio("spent", "budget", own), own_rate), false);

        let t = &s.totals;
        self.total_head(total, &t.coverage.total_label());
        let mut with_own = counted.clone();
        with_own.push(own);
        for (k, v) in [("budget", t.budget), ("arrived", t.arrived), ("spent", t.spent)] {
            self.put(total, k, V::Formula(self.sum_rows(k, &with_own), Some(v)), true);
        }
        let rate = t.spend_rate.map(|p| p / Decimal::ONE_HUNDRED);
        self.put(total, "rate", V::Formula(self.ratio("spent", "budget", total), rate), true);

        self.put(sub, "seq", V::Text(""), false);
        self.put(sub, "city", V::Text(&t.coverage.cities_label()), false);
        for (k, v) in [("budget", t.cities_budget), ("arrived", t.cities_arrived), ("spent", t.cities_spent)] {
            self.put(sub, k, V::Formula(self.sum_rows(k, &counted), Some(v)), false);
        }
        let rate = t.cities_spend_rate.map(|p| p / Decimal::ONE_HUNDRED);
        self.put(sub, "rate", V::Formula(self.ratio("spent", "budget", sub), rate), false);
    }

    fn tasks(&mut self, s: &ProvinceSummary) {
        let total = self.row(0);
        let first = self.row(1);
        let mut counted = Vec::new();
        for (i, row) in s.rows.iter().enumerate() {
            let r = first + i as u32;
            self.city_head(r, i, &row.issued.name);
            for m in &s.measures {
                let plan = row.issued.plan.get(&m.key).unwrap_or_default();
                self.put(r, &m.plan, V::Num(plan), false);
                if let Some(f) = &row.figures {
                    let a = f.actual.get(&m.key).unwrap_or_default();
                    self.put(r, &m.actual, V::Num(a), false);
                    let rate = calc::percent(a, plan).map(|p| p / Decimal::ONE_HUNDRED);
                    let fml = self.ratio(&m.actual, &m.plan, r);
                    self.put(r, &m.rate, V::Formula(fml, rate), false);
                }
            }
            match &row.figures {
                Some(_) => counted.push(r),
                None => {
                    let ms = &s.measures;
                    let keys: Vec<&str> =
                        ms.iter().map(|m| m.actual.as_str()).chain(ms.iter().map(|m| m.rate.as_str())).collect();
                    self.left_out(r, row, &keys);
                }
            }
        }
        let t = &s.totals;
        self.total_head(total, &t.coverage.total_label());
        for (k, m) in s.measures.iter().enumerate() {
            let (pk, ak, rk) = (&m.plan, &m.actual, &m.rate);
            self.put(total, pk, V::Formula(self.sum_rows(pk, &counted), t.plan.get(&m.key)), true);
            self.put(total, ak, V::Formula(self.sum_rows(ak, &counted), t.actual.get(&m.key)), true);
            let rate = t.completion.get(k).copied().flatten().map(|p| p / Decimal::ONE_HUNDRED);
            self.put(total, rk, V::Formula(self.ratio(ak, pk, total), rate), true);
        }
    }

    fn benefits(&mut self, s: &ProvinceSummary) {
        let total = self.row(0);
        let first = self.row(1);
        let last = first + s.rows.len() as u32 - 1;
        let mut counted = Vec::new();
        for (i, row) in s.rows.iter().enumerate() {
            let r = first + i as u32;
            self.city_head(r, i, &row.issued.name);
            let ids: Vec<&str> = s.benefit_fields.iter().map(|f| f.id.as_str()).collect();
            let Some(f) = &row.figures else {
                let keys: Vec<&str> =
                    ids.iter().copied().chain(["benefit.acceptance", "benefit.satisfaction"]).collect();
                self.left_out(r, row, &keys);
                continue;
            };
            counted.push(r);
            for (id, v) in ids.iter().zip(&f.benefits) {
                self.put(r, id, V::Num(*v), false);
            }
            match f.acceptance {
                Some(p) => self.put(r, "benefit.acceptance", V::Pct(p), false),
                None => self.put(r, "benefit.acceptance", V::Text("未验收"), false),
            }
            self.put(r, "benefit.satisfaction", V::Pct(f.satisfaction), false);
        }
        let t = &s.totals;
        self.total_head(total, &t.coverage.total_label());
        for (f, v) in s.benefit_fields.iter().zip(&t.benefits) {
            self.put(total, &f.id, V::Formula(self.sum_rows(&f.id, &counted), Some(*v)), true);
        }
        // AVERAGE skips 未验收 (text), as the report's 100.00% does.
        for (id, v) in [("benefit.acceptance", t.acceptance), ("benefit.satisfaction", t.satisfaction)] {
            let f = format!("IFERROR(AVERAGE({}:{}),\"\")", self.addr(id, first), self.addr(id, last));
            self.put(total, id, V::Formula(f, v.map(|p| p / Decimal::ONE_HUNDRED)), true);
        }
    }

    fn allocation(&mut self, a: &Allocation) {
        let total = self.row(0);
        let first = self.row(1);
        let last = first + a.rows.len() as u32 - 1;
        for (i, row) in a.rows.iter().enumerate() {
            let r = first + i as u32;
            self.city_head(r, i, &row.city);
            for m in &a.measures {
                self.put(r, m, V::Num(row.factors.get(m).unwrap_or_default()), false);
            }
            self.put(r, "fiscal", V::Num(row.coef.fiscal), false);
            self.put(r, "performance", V::Num(row.coef.performance), false);
            self.put(r, "project", V::Num(row.coef.project), false);
            let comp =
                format!("{}*{}*{}", self.addr("fiscal", r), self.addr("performance", r), self.addr("project", r));
            self.put(r, "composite", V::Formula(comp, Some(row.composite)), false);
            // Live formulas: a coefficient or weight edited in the sheet
            // recomputes every share, the combined share and the amount.
            let wrow = last + 2;
            let abs = |s: &Self, key: &str, row: u32| {
                let a = s.addr(key, row);
                let col: String = a.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
                format!("${col}${}", row + 1)
            };
            let mut combined = Vec::new();
            for m in &a.measures {
                let share = row.factor_shares.get(m).unwrap_or_default();
                let range = |s: &Self, key: &str| format!("{}:{}", abs(s, key, first), abs(s, key, last));
                let f = format!(
                    "IF(SUMPRODUCT({fr},{cr})=0,0,{x}*{k}/SUMPRODUCT({fr},{cr}))",
                    fr = range(self, m),
                    cr = range(self, "composite"),
                    x = self.addr(m, r),
                    k = self.addr("composite", r)
                );
                self.put(r, &format!("share.{m}"), V::Formula(f, Some(share)), false);
                combined.push(format!("{}*{}", self.addr(&format!("share.{m}"), r), abs(self, m, wrow)));
            }
            self.put(r, "share", V::Formula(combined.join("+"), Some(row.share)), false);
            let exact = format!("{}*{}", self.addr("share", r), abs(self, "exact", wrow));
            self.put(r, "exact", V::Formula(exact, Some(row.exact)), false);
            self.put(r, "rounded", V::Num(row.rounded), false);
            self.put(r, "issued", V::Num(row.issued), false);
            let diff = format!("{}-{}", self.addr("rounded", r), self.addr("issued", r));
            self.put(r, "diff", V::Formula(diff, Some(row.diff)), false);
        }
        self.total_head(total, "合计");
        let col_sum = |f: &dyn Fn(&crate::allocate::AllocationRow) -> Decimal| a.rows.iter().map(f).sum::<Decimal>();
        let mut sums: Vec<(String, Decimal)> = a
            .measures
            .iter()
            .map(|m| (m.clone(), a.rows.iter().map(|r| r.factors.get(m).unwrap_or_default()).sum()))
            .collect();
        sums.extend([
            ("share".into(), col_sum(&|r| r.share)),
            ("exact".into(), col_sum(&|r| r.exact)),
            ("rounded".into(), col_sum(&|r| r.rounded)),
            ("issued".into(), col_sum(&|r| r.issued)),
            ("diff".into(), col_sum(&|r| r.diff)),
        ]);
        for m in &a.measures {
            sums.push((format!("share.{m}"), a.rows.iter().map(|r| r.factor_shares.get(m).unwrap_or_default()).sum()));
        }
        for (k, v) in sums {
            let f = self.sum(&k, first, last);
            self.put(total, &k, V::Formula(f, Some(v)), true);
        }
        for k in ["fiscal", "performance", "project", "composite"] {
            self.put(total, k, V::Text(""), true);
        }
        // The weights and the amount the formulas use, on the sheet.
        let w = last + 2;
        self.put(w, "city", V::Text("因素权重"), false);
        for m in &a.measures {
            self.put(w, m, V::Pct(a.weights.get(m).unwrap_or_default()), false);
            self.format(w, m, "0%");
        }
        self.put(w, "share", V::Text("可分配总额"), false);
        self.put(w, "exact", V::Num(a.available), false);
        if let Some(note) = self.spec.footnote.clone() {
            let r = w + 1;
            let n = self.spec.columns.len() as u32;
            let width: f64 = self.spec.columns.iter().map(|c| c.width).sum();
            self.put_text_width(r, "seq", &note, width);
            let at = self.ws.cell_mut((1, r + 1));
            at.style_mut().alignment_mut().set_wrap_text(true);
            at.style_mut().alignment_mut().set_horizontal(umya_spreadsheet::HorizontalAlignmentValues::Left);
            self.ws.add_merge_cells(format!("{}:{}", CellRef::new(r, 0), CellRef::new(r, n - 1)));
        }
    }

    /// 报送情况: one row per expected city, as the console prints it,
    /// with the batch's one-line state in the note row.
    fn roster(&mut self, roster: &Roster, comparison: Option<&Comparison>) {
        if self.spec.note.is_some() {
            let round = match comparison {
                Some(c) => format!(
                    "第 {} 轮（与 {} 的第 {} 轮结果比较）。{}。",
                    c.round, c.generated_at, c.previous_round, c.batch_line
                ),
                None => "第 1 轮。".to_string(),
            };
            let note = format!("{round}{}。{}", roster.batch_line(), self.spec.note.as_deref().unwrap_or(""));
            self.ws.cell_mut((1, 2)).set_value_string(note);
            self.ws.row_dimension_mut(2).set_height(30.0).set_custom_height(true);
        }
        for (i, c) in roster.cities.iter().enumerate() {
            let r = self.row(i);
            self.put(r, "seq", V::Num(Decimal::from(i + 1)), false);
            self.put(r, "city", V::Text(&c.city), false);
            self.put(r, "status", V::Text(c.status.zh()), false);
            self.put(r, "in_totals", V::Text(if c.in_totals { "是" } else { "否" }), false);
            self.put(r, "file", V::Text(c.file.as_deref().unwrap_or("")), false);
            let others = other_files_cell(&c.other_files);
            self.put(r, "others", V::Text(&others), false);
            self.put(r, "date", V::Text(c.date.as_deref().unwrap_or("")), false);
            let received = c.status != crate::roster::CityStatus::NotReceived;
            for (k, n) in [("errors", c.errors), ("warnings", c.warnings)] {
                self.put(r, k, if received { V::Num(Decimal::from(n)) } else { V::Blank }, false);
            }
            self.put(r, "reason", V::Text(&c.reason), false);
            let change = comparison.and_then(|x| x.of(&c.city)).map(|x| x.line.as_str()).unwrap_or("");
            self.put(r, "change", V::Text(change), false);
        }
    }

    fn findings(&mut self, findings: &[Finding]) {
        if findings.is_empty() {
            let r = self.row(0);
            self.put(r, "seq", V::Text(""), false);
            self.put(r, "message", V::Text("未发现问题：全部地市自评表通过校验。"), false);
            return;
        }
        for (i, f) in findings.iter().enumerate() {
            let r = self.row(i);
            self.put(r, "seq", V::Num(Decimal::from(i + 1)), false);
            self.format(r, "seq", "0");
            self.center(r, "seq");
            self.put(r, "severity", V::Text(f.severity.zh()), false);
            self.put(r, "code", V::Text(f.code.id()), false);
            self.put(r, "city", V::Text(f.city.as_deref().unwrap_or("")), false);
            self.put(r, "file", V::Text(&f.file), false);
            self.put(r, "sheet", V::Text(f.sheet.as_deref().unwrap_or("")), false);
            self.put(r, "cell", V::Text(f.cell.as_deref().unwrap_or("")), false);
            self.put(r, "message", V::Text(&f.message), false);
            let expected = crate::write::feedback::expected_shown(f);
            self.put(r, "expected", V::Text(&expected), false);
            self.put(r, "found", V::Text(f.found.as_deref().unwrap_or("")), false);
            self.put(r, "fix", V::Text(&f.fix), false);
        }
    }
}

/// The 其他文件 cell of 报送情况: one name a line, at most a few, then the
/// count (a cell holds 32,767 characters; report.json lists them all).
fn other_files_cell(files: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut lines: Vec<&str> = files.iter().take(SHOWN).map(String::as_str).collect();
    let more;
    if files.len() > SHOWN {
        more = format!("…（共 {} 个文件，详见 report.json）", files.len());
        lines.push(&more);
    }
    lines.join("\n")
}
