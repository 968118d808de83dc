//! A city table declared in summary.toml (`kind = "cities"`): one row per
//! city with the issued and reported figures its columns name (a city left
//! out says why across its reported columns), the province's own line
//! and a 其中 line when the table declares `own`, and a 合计 row on top,
//! each total a live formula over exactly the rows it counts. Every
//! fund's figure tables are such tables: no Rust per table.

use super::table::{Table, V};
use crate::consolidate::table::{cell, own_cell};
use crate::consolidate::{CityRow, ProvinceSummary};
use crate::spec::relation::Val;
use crate::spec::{ColTotal, RowValue, SummaryColumn};
use rust_decimal::Decimal;

impl Table<'_> {
    pub(super) fn cities(&mut self, s: &ProvinceSummary) {
        let total = self.row(0);
        let first = self.row(1);
        let n = s.rows.len() as u32;
        let columns = self.spec.columns.clone();
        let reported: Vec<&str> = columns.iter().filter(|c| c.is_reported()).map(|c| c.key.as_str()).collect();
        let mut counted: Vec<(u32, &CityRow)> = Vec::new();
        for (i, row) in s.rows.iter().enumerate() {
            let r = first + i as u32;
            self.city_head(r, i, &row.issued.name);
            for c in columns.iter().filter(|c| c.issued.is_some()) {
                self.put_val(r, c, cell(self.spec, c, row).as_ref());
            }
            if row.figures.is_none() {
                self.left_out(r, row, &reported);
                continue;
            }
            counted.push((r, row));
            for c in columns.iter().filter(|c| c.is_reported()) {
                let v = cell(self.spec, c, row);
                match c.row {
                    RowValue::Value => self.put_val(r, c, v.as_ref()),
                    RowValue::Ratio => self.put_ratio(r, c, v.as_ref().and_then(Val::num), false),
                }
            }
        }
        let own_row = first + n;
        if self.spec.own.is_some() {
            self.own_line(own_row, n, s);
        }
        let at: Vec<u32> = counted.iter().map(|(r, _)| *r).collect();
        self.total_head(total, &s.totals.coverage.total_label());
        for c in &columns {
            let exact = s.tables.get(&self.spec.key, &c.key).and_then(|t| t.all);
            let v = match c.total {
                Some(ColTotal::Sum) => {
                    // The own line is summed where it shows a figure.
                    let own_shown = self.spec.own.as_ref().is_some_and(|o| o.values.contains_key(&c.key));
                    let with_own: Vec<u32> = at.iter().copied().chain(own_shown.then_some(own_row)).collect();
                    V::Formula(self.sum_rows(&c.key, &with_own), exact)
                }
                Some(ColTotal::Mean) => {
                    let (a, b) = (self.addr(&c.key, first), self.addr(&c.key, first + n.saturating_sub(1)));
                    V::Formula(format!("IFERROR(AVERAGE({a}:{b}),\"\")"), exact)
                }
                Some(ColTotal::Ratio) => {
                    self.put_ratio(total, c, exact, true);
                    continue;
                }
                None => continue,
            };
            self.put(total, &c.key, v, true);
        }
        if self.spec.own.as_ref().is_some_and(|o| o.subtotal) {
            self.subtotal(own_row + 1, &columns, &at, s);
        }
    }

    /// A city's (or the own line's) value in column `c`, as the form holds
    /// it: a number, a word (`allow_text`), or nothing.
    fn put_val(&mut self, r: u32, c: &SummaryColumn, v: Option<&Val>) {
        let v = match v {
            Some(Val::Num(d)) => V::Num(*d),
            Some(Val::Text(t)) => V::Text(t),
            None => V::Blank,
        };
        self.put(r, &c.key, v, false);
    }

    /// A ratio column's live formula on row `r`, with its exact result.
    fn put_ratio(&mut self, r: u32, c: &SummaryColumn, exact: Option<Decimal>, total: bool) {
        if let [a, b] = c.of.as_slice() {
            let f = self.ratio(a, b, r);
            self.put(r, &c.key, V::Formula(f, exact), total);
        }
    }

    /// The province's own line (`own`), numbered after the cities.
    fn own_line(&mut self, r: u32, n: u32, s: &ProvinceSummary) {
        let Some(line) = self.spec.own.clone() else { return };
        self.put(r, "seq", V::Num(Decimal::from(n + 1)), false);
        self.format(r, "seq", "0");
        self.center(r, "seq");
        self.put(r, "city", V::Text(&line.label), false);
        for c in self.spec.columns.clone().iter().filter(|c| !c.is_head()) {
            let v = own_cell(self.spec, c, &s.own);
            match (line.values.contains_key(&c.key), c.row) {
                (true, _) => self.put(r, &c.key, v.map(V::Num).unwrap_or(V::Blank), false),
                (false, RowValue::Ratio) => self.put_ratio(r, c, v, false),
                (false, RowValue::Value) => {}
            }
        }
    }

    /// 其中：N个地市: the cities' sums without the province's own line.
    fn subtotal(&mut self, r: u32, columns: &[SummaryColumn], at: &[u32], s: &ProvinceSummary) {
        self.put(r, "seq", V::Text(""), false);
        self.put(r, "city", V::Text(&s.totals.coverage.cities_label()), false);
        for c in columns {
            let exact = s.tables.get(&self.spec.key, &c.key).and_then(|t| t.cities);
            match c.total {
                Some(ColTotal::Sum) => self.put(r, &c.key, V::Formula(self.sum_rows(&c.key, at), exact), false),
                Some(ColTotal::Ratio) => self.put_ratio(r, c, exact, false),
                Some(ColTotal::Mean) | None => {}
            }
        }
    }
}
