//! Every 合计 of the run, computed once, from the fund's declared tables
//! (summary.toml `kind = "cities"`): each column's total over the counted
//! cities (with the province's own line where the table has one) and its
//! 其中 line without it. The summary workbook, the draft's tables and
//! sentences, the 表1-1 judgements and report.json all read them here.

use super::table;
use super::CityRow;
use crate::calc;
use crate::model::Measures;
use crate::params::ProvinceOwn;
use crate::roster::Coverage;
use crate::spec::{FormSpec, IssuedColumn, Role, SheetKind, SummaryColumn, SummarySheet, SummarySpec};
use rust_decimal::Decimal;
use serde::Serialize;

/// One column's 合计: over the counted cities and the own line (`all`),
/// and over the cities alone (`cities`, the 其中 line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ColumnTotal {
    pub all: Option<Decimal>,
    pub cities: Option<Decimal>,
}

/// The totals of one declared city table, column by column in its order.
#[derive(Debug, Clone, Serialize)]
pub struct TableTotals {
    pub key: String,
    pub columns: Vec<(String, ColumnTotal)>,
}

/// Every declared city table's totals.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tables(pub Vec<TableTotals>);

impl Tables {
    /// Computes every total of every city table of `summary`.
    pub fn compute(summary: &SummarySpec, rows: &[CityRow], own: &ProvinceOwn) -> Tables {
        let counted: Vec<&CityRow> = rows.iter().filter(|r| r.figures.is_some()).collect();
        let tables = summary.sheets.iter().filter(|s| s.kind == SheetKind::Cities).map(|sheet| {
            let own = sheet.own.as_ref().map(|_| own);
            let columns = sheet.columns.iter().filter(|c| c.total.is_some()).map(|c| {
                let all = table::total(sheet, c, &counted, own);
                // Without an own line the 合计 is the cities' already.
                let cities = match own {
                    Some(_) => table::total(sheet, c, &counted, None),
                    None => all,
                };
                (c.key.clone(), ColumnTotal { all, cities })
            });
            TableTotals { key: sheet.key.clone(), columns: columns.collect() }
        });
        Tables(tables.collect())
    }

    /// The total of column `column` of table `sheet`.
    pub fn get(&self, sheet: &str, column: &str) -> Option<ColumnTotal> {
        let t = self.0.iter().find(|t| t.key == sheet)?;
        t.columns.iter().find(|(k, _)| k == column).map(|(_, v)| *v)
    }

    /// The total of the first declared column `wanted` picks.
    fn find(&self, summary: &SummarySpec, wanted: &dyn Fn(&SummaryColumn) -> bool) -> Option<ColumnTotal> {
        summary
            .sheets
            .iter()
            .filter(|s| s.kind == SheetKind::Cities)
            .flat_map(|s| s.columns.iter().map(move |c| (s, c)))
            .find(|(_, c)| c.total.is_some() && wanted(c))
            .and_then(|(s, c): (&SummarySheet, &SummaryColumn)| self.get(&s.key, &c.key))
    }
}

/// The figures the draft's sentences and 表1-1 name, read off the tables
/// by what their columns are (the form's roles and measures), exact;
/// rates in percent.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub budget: Decimal,
    pub arrived: Decimal,
    pub spent: Decimal,
    pub spend_rate: Option<Decimal>,
    pub cities_budget: Decimal,
    pub cities_arrived: Decimal,
    pub cities_spent: Decimal,
    pub cities_spend_rate: Option<Decimal>,
    pub plan: Measures,
    pub actual: Measures,
    /// Completion rates, in the form's measure order.
    pub completion: Vec<Option<Decimal>>,
    /// The 附件1 counts, in the order of the form's `feeds` fields.
    pub benefits: Vec<Decimal>,
    /// Mean of the `acceptance` role's rate over the cities that have one.
    pub acceptance: Option<Decimal>,
    /// Simple mean of the `satisfaction` role's rate, as the report computes it.
    pub satisfaction: Option<Decimal>,
    /// Cities whose figures are in the totals.
    pub cities_counted: usize,
    /// Which cities the totals cover, for every 合计 label.
    pub coverage: Coverage,
}

impl Totals {
    /// Reads the figures off `tables`: the budget is the column showing the
    /// issued budget (or the form's budget), spending and the rest the
    /// columns showing their role's field, plan and actual the measures'.
    /// A figure no table shows is 0 (a rate, none).
    pub fn of(tables: &Tables, summary: &SummarySpec, form: &FormSpec, coverage: Coverage) -> Totals {
        let role = |r: Role| form.role(r).map(str::to_string);
        let by_key = |key: Option<String>| -> Option<ColumnTotal> {
            let key = key?;
            tables.find(summary, &|c| c.key == key)
        };
        let budget =
            tables.find(summary, &|c| c.issued == Some(IssuedColumn::Budget)).or_else(|| by_key(role(Role::Budget)));
        let (arrived, spent) = (by_key(role(Role::Arrived)), by_key(role(Role::Spent)));
        let all = |t: Option<ColumnTotal>| t.and_then(|t| t.all).unwrap_or_default();
        let cities = |t: Option<ColumnTotal>| t.and_then(|t| t.cities).unwrap_or_default();
        let mut plan = Measures::default();
        let mut actual = Measures::default();
        for m in &form.measures {
            let issued = IssuedColumn::Plan(m.key.clone());
            let p =
                tables.find(summary, &|c| c.issued.as_ref() == Some(&issued)).or_else(|| by_key(Some(m.plan.clone())));
            plan.set(&m.key, cities(p));
            actual.set(&m.key, cities(by_key(Some(m.actual.clone()))));
        }
        let completion = form.measures.iter().map(|m| calc::percent(actual.get(&m.key)?, plan.get(&m.key)?)).collect();
        let benefits = form.benefit_counts().iter().map(|f| cities(by_key(Some(f.id.clone())))).collect();
        // A rate column's mean holds fractions: the sentences say percents.
        let mean_pct = |r: Role| {
            let t = by_key(role(r))?;
            t.cities?.checked_mul(Decimal::ONE_HUNDRED)
        };
        let (budget_all, spent_all) = (all(budget), all(spent));
        let (cities_budget, cities_spent) = (cities(budget), cities(spent));
        Totals {
            budget: budget_all,
            arrived: all(arrived),
            spent: spent_all,
            spend_rate: calc::percent(spent_all, budget_all),
            cities_budget,
            cities_arrived: cities(arrived),
            cities_spent,
            cities_spend_rate: calc::percent(cities_spent, cities_budget),
            plan,
            actual,
            completion,
            benefits,
            acceptance: mean_pct(Role::Acceptance),
            satisfaction: mean_pct(Role::Satisfaction),
            cities_counted: coverage.counted,
            coverage,
        }
    }
}
