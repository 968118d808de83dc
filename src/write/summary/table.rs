//! The table primitives every summary sheet is written with: a row per city, cells by column key, totals as real formulas over exactly the rows counted, merged runs, row heights.

use super::*;

/// A value for one cell.
pub(super) enum V<'a> {
    Num(Decimal),
    /// A percent value (45.64) written as the fraction 0.4564.
    Pct(Decimal),
    Text(&'a str),
    /// Formula text (no '='), cached result.
    Formula(String, Option<Decimal>),
    Blank,
}

pub(super) struct Table<'a> {
    pub(super) ws: &'a mut Worksheet,
    pub(super) spec: &'a SummarySheet,
    /// Styles of the template's prototype rows, per column, taken before
    /// anything is written (writing row 1 must not restyle row 2).
    pub(super) total_styles: Vec<Style>,
    pub(super) body_styles: Vec<Style>,
    /// Lines the tallest wrapped text of each row needs (1-based row).
    pub(super) lines: std::collections::BTreeMap<u32, usize>,
}

impl<'a> Table<'a> {
    pub(super) fn new(ws: &'a mut Worksheet, spec: &'a SummarySheet) -> Self {
        let fr = spec.first_row0() + 1;
        let body_row = fr + u32::from(spec.has_total_row());
        let cols = 1..=spec.columns.len() as u32;
        let total_styles = cols.clone().map(|c| ws.style((c, fr)).clone()).collect();
        let body_styles = cols.map(|c| ws.style((c, body_row)).clone()).collect();
        Table { ws, spec, total_styles, body_styles, lines: Default::default() }
    }

    /// 0-based data row `i` below the first data row.
    pub(super) fn row(&self, i: usize) -> u32 {
        self.spec.first_row0() + i as u32
    }

    /// The A1 address of column `key` on 0-based row `r`.
    pub(super) fn addr(&self, key: &str, r: u32) -> String {
        CellRef::new(r, self.spec.col(key).unwrap_or(0)).to_string()
    }

    /// Writes `v` at (row r, column key), styled like the prototype row
    /// (the 合计 row for totals, the row below it for the rest).
    pub(super) fn put(&mut self, r: u32, key: &str, v: V, total: bool) {
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
                let n = crate::write::est_lines(t, width * 1.3);
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
    pub(super) fn fit_rows(&mut self) {
        for (row, n) in std::mem::take(&mut self.lines) {
            if n > 1 {
                self.ws.row_dimension_mut(row).set_height(14.0 * n as f64).set_custom_height(true);
            }
        }
    }

    /// Overrides the number format of one cell (a count in a 0.00 column).
    pub(super) fn format(&mut self, r: u32, key: &str, code: &str) {
        let Some(c) = self.spec.col(key) else { return };
        let at = CellRef::new(r, c);
        self.ws.cell_mut((at.excel_col(), at.excel_row())).style_mut().number_format_mut().set_format_code(code);
    }

    /// Merges each run of equal values down column `key` (一级/二级指标
    /// span their rows, as in the report's 表1-1).
    pub(super) fn merge_runs(&mut self, values: Vec<&str>, key: &str) {
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
    pub(super) fn center(&mut self, r: u32, key: &str) {
        let Some(c) = self.spec.col(key) else { return };
        let at = CellRef::new(r, c);
        let a = self.ws.cell_mut((at.excel_col(), at.excel_row())).style_mut().alignment_mut();
        a.set_horizontal(umya_spreadsheet::HorizontalAlignmentValues::Center);
        a.set_vertical(umya_spreadsheet::VerticalAlignmentValues::Center);
        a.set_wrap_text(true);
    }

    /// 序号 (a number, centred) and 地市 of the `i`-th city row.
    pub(super) fn city_head(&mut self, r: u32, i: usize, city: &str) {
        self.put(r, "seq", V::Num(Decimal::from(i + 1)), false);
        self.format(r, "seq", "0");
        self.center(r, "seq");
        self.put(r, "city", V::Text(city), false);
    }

    /// The 合计 label of a total row, merged across 序号 and 地市.
    pub(super) fn total_head(&mut self, r: u32, label: &str) {
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

    pub(super) fn sum(&self, key: &str, from: u32, to: u32) -> String {
        format!("SUM({}:{})", self.addr(key, from), self.addr(key, to))
    }

    /// SUM over the given 0-based rows: a range when they are one run of
    /// rows, else the cells listed, so a 合计 formula covers exactly the
    /// cities its label names.
    pub(super) fn sum_rows(&self, key: &str, rows: &[u32]) -> String {
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
    pub(super) fn left_out(&mut self, r: u32, row: &crate::consolidate::CityRow, keys: &[&str]) {
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
    pub(super) fn put_text_width(&mut self, r: u32, key: &str, text: &str, width: f64) {
        self.put(r, key, V::Text(""), false);
        let Some(c) = self.spec.col(key) else { return };
        let at = CellRef::new(r, c);
        self.ws.cell_mut((at.excel_col(), at.excel_row())).set_value_string(text);
        let n = crate::write::est_lines(text, width * 1.3);
        let e = self.lines.entry(at.excel_row()).or_insert(1);
        *e = (*e).max(n);
    }

    pub(super) fn ratio(&self, num: &str, den: &str, r: u32) -> String {
        format!("IF({d}=0,\"\",{n}/{d})", n = self.addr(num, r), d = self.addr(den, r))
    }
}
