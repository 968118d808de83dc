//! A city table declared entirely in summary.toml (`kind = "cities"`):
//! one row per city showing the form figures its columns name, and a 合计
//! row formed as each column's `total` says. A second fund's 预算执行情况,
//! 绩效指标完成情况 and 自评得分与等级 are such tables: no Rust per table.

use super::table::{Table, V};
use crate::consolidate::{column_total, ProvinceSummary};
use crate::model::CityFigures;
use crate::spec::relation::Val;
use crate::spec::ColTotal;

impl Table<'_> {
    pub(super) fn cities(&mut self, s: &ProvinceSummary) {
        let total = self.row(0);
        let first = self.row(1);
        let last = first + s.rows.len().saturating_sub(1) as u32;
        let keys: Vec<String> =
            self.spec.columns.iter().map(|c| c.key.clone()).filter(|k| k != "seq" && k != "city").collect();
        let mut counted: Vec<(u32, &CityFigures)> = Vec::new();
        for (i, row) in s.rows.iter().enumerate() {
            let r = first + i as u32;
            self.city_head(r, i, &row.issued.name);
            let Some(f) = &row.figures else {
                let k: Vec<&str> = keys.iter().map(String::as_str).collect();
                self.left_out(r, row, &k);
                continue;
            };
            counted.push((r, f));
            for k in &keys {
                match f.values.get(k) {
                    Some(Val::Num(d)) => self.put(r, k, V::Num(*d), false),
                    Some(Val::Text(t)) => self.put(r, k, V::Text(t), false),
                    None => self.put(r, k, V::Blank, false),
                }
            }
        }
        self.total_head(total, &s.totals.coverage.total_label());
        let rows: Vec<u32> = counted.iter().map(|(r, _)| *r).collect();
        let figs: Vec<&CityFigures> = counted.iter().map(|(_, f)| *f).collect();
        let columns = self.spec.columns.clone();
        for c in &columns {
            let k = c.key.as_str();
            let exact = column_total(c, &figs);
            let v = match (c.total, c.of.as_slice()) {
                (Some(ColTotal::Sum), _) => V::Formula(self.sum_rows(k, &rows), exact),
                (Some(ColTotal::Mean), _) => {
                    let f = format!("IFERROR(AVERAGE({}:{}),\"\")", self.addr(k, first), self.addr(k, last));
                    V::Formula(f, exact)
                }
                (Some(ColTotal::Ratio), [a, b]) => V::Formula(self.ratio(a, b, total), exact),
                _ => continue,
            };
            self.put(total, k, v, true);
        }
    }
}
