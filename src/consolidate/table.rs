//! The figures of a declared city table (summary.toml `kind = "cities"`),
//! exact, before any writer formats them: what each city's cell, the
//! province's own line and the 合计 / 其中 lines hold. The cells are read
//! here by the summary writer and the draft alike; the totals are formed
//! here once, by [`super::totals::Tables::compute`], and every output reads
//! them there, so a sheet, its printed copy and report.json cannot
//! disagree.

use super::CityRow;
use crate::calc;
use crate::params::ProvinceOwn;
use crate::spec::relation::Val;
use crate::spec::{ColTotal, IssuedColumn, OwnFigure, RowValue, SummaryColumn, SummarySheet};
use rust_decimal::Decimal;

/// `a ÷ b` as a fraction, the way a percent column holds it; `None` over 0.
pub fn ratio(a: Decimal, b: Decimal) -> Option<Decimal> {
    calc::percent(a, b).map(|p| p / Decimal::ONE_HUNDRED)
}

/// What the issued column `col` shows for a city (its budget or plan).
pub fn issued(col: &SummaryColumn, row: &CityRow) -> Option<Decimal> {
    match col.issued.as_ref()? {
        IssuedColumn::Budget => Some(row.issued.budget),
        IssuedColumn::Plan(m) => Some(row.issued.plan.get(m).unwrap_or_default()),
    }
}

/// A city's cell in `col`: the issued figure, the form's figure, or the
/// ratio of two of the row's cells; `None` for a city left out (but for
/// issued figures, shown for every city) or a figure the form lacks.
pub fn cell(sheet: &SummarySheet, col: &SummaryColumn, row: &CityRow) -> Option<Val> {
    if let Some(d) = issued(col, row) {
        return Some(Val::Num(d));
    }
    let f = row.figures.as_ref()?;
    match col.row {
        RowValue::Value => f.values.get(&col.key).cloned(),
        RowValue::Ratio => {
            let part = |i: usize| cell(sheet, of_column(sheet, col, i)?, row)?.num();
            ratio(part(0)?, part(1)?).map(Val::Num)
        }
    }
}

/// The province's own line's cell in `col`: the figure `own.values`
/// names, or the ratio of two of its cells.
pub fn own_cell(sheet: &SummarySheet, col: &SummaryColumn, own: &ProvinceOwn) -> Option<Decimal> {
    let line = sheet.own.as_ref()?;
    match (line.values.get(&col.key), col.row) {
        (Some(OwnFigure::Budget), _) => Some(own.budget),
        (Some(OwnFigure::Arrived), _) => Some(own.arrived),
        (Some(OwnFigure::Spent), _) => Some(own.spent),
        (None, RowValue::Ratio) => {
            let part = |i: usize| own_cell(sheet, of_column(sheet, col, i)?, own);
            ratio(part(0)?, part(1)?)
        }
        (None, RowValue::Value) => None,
    }
}

/// The `i`-th column a ratio column divides (`of`).
fn of_column<'a>(sheet: &'a SummarySheet, col: &SummaryColumn, i: usize) -> Option<&'a SummaryColumn> {
    sheet.columns.iter().find(|c| Some(&c.key) == col.of.get(i))
}

/// A column's 合计 over the counted cities' rows (and the province's own
/// line when `own` is given), exact: a sum, a simple mean, or the ratio of
/// two columns' sums; `None` for a column without one, a mean of nothing
/// or a ratio over 0.
pub fn total(
    sheet: &SummarySheet,
    col: &SummaryColumn,
    counted: &[&CityRow],
    own: Option<&ProvinceOwn>,
) -> Option<Decimal> {
    let nums = |c: &SummaryColumn| -> Vec<Decimal> {
        let cities = counted.iter().filter_map(|r| cell(sheet, c, r)?.num());
        cities.chain(own.and_then(|o| own_cell(sheet, c, o))).collect()
    };
    let sum = |k: &String| Some(nums(sheet.columns.iter().find(|c| &c.key == k)?).iter().sum::<Decimal>());
    match (col.total?, col.of.as_slice()) {
        (ColTotal::Sum, _) => sum(&col.key),
        (ColTotal::Mean, _) => calc::mean(&nums(col)),
        (ColTotal::Ratio, [a, b]) => ratio(sum(a)?, sum(b)?),
        (ColTotal::Ratio, _) => None,
    }
}
