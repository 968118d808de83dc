//! The factor-method allocation of section 一(二) of the report:
//!
//! 某地区资金 = 给各市总补助资金 × Σ_f [ (该地区因素f × 该地区综合系数)
//!              ÷ Σ_j (地区j因素f × 地区j综合系数) × 权重f ]
//!
//! with 综合系数 = 财力补助系数 × 绩效评价调节系数 × 项目库系数 and the four
//! factors the form's `[[measures]]` (in 2024 four, weighted 40/40/10/10). Amounts are
//! issued in whole 万元; the exact results are rounded by largest remainder
//! so that the cities add up to exactly the amount available for them.

use crate::model::Measures;
use crate::params::{Coefficients, Params};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllocationRow {
    pub city: String,
    /// The factors used: the issued plan.
    pub factors: Measures,
    pub coef: Coefficients,
    /// 综合系数.
    pub composite: Decimal,
    /// Each factor's share: this city's factor × 综合系数 over the sum of
    /// all cities' (fractions; the weights are applied after).
    pub factor_shares: Measures,
    /// This city's share of the cities' total (a fraction).
    pub share: Decimal,
    /// 测算金额 before rounding, 万元.
    pub exact: Decimal,
    /// 取整金额, whole 万元.
    pub rounded: Decimal,
    /// 下达预算 (issued), 万元.
    pub issued: Decimal,
    /// rounded − issued.
    pub diff: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    pub year: i64,
    /// 给各市县总补助资金 = 资金总额 − the province's own budget.
    pub available: Decimal,
    /// Factor weights in percent.
    pub weights: Measures,
    /// The measure keys in the form's order.
    pub measures: Vec<String>,
    pub rows: Vec<AllocationRow>,
}

/// Why the allocation cannot be computed from a params workbook: a
/// setup error, said before any city is judged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocError {
    #[error("{city} 的因素值与系数相乘超出可精确计算的范围（综合系数 {fiscal} × {performance} × {project}），请核对省级参数表中该市的系数和分配因素（下达的计划数）")]
    Overflow {
        city: String,
        fiscal: rust_decimal::Decimal,
        performance: rust_decimal::Decimal,
        project: rust_decimal::Decimal,
    },
}

/// Computes the allocation from the params' plan, coefficients and
/// weights. Every product is checked: coefficients come from a workbook a
/// clerk edits, and a typo must not abort the run.
pub fn allocate(params: &Params) -> Result<Allocation, AllocError> {
    let available = params.cities_total();
    if params.weights.0.is_empty() {
        // A fund without factors (no [[measures]]) is not allocated by
        // this formula: it simply has no allocation.
        return Ok(Allocation {
            year: params.year,
            available,
            weights: Measures::default(),
            measures: Vec::new(),
            rows: Vec::new(),
        });
    }
    let overflow = |c: &crate::params::CityParams| overflow(Some(c));
    let composite: Vec<Decimal> = params
        .cities
        .iter()
        .map(|c| {
            c.coef
                .fiscal
                .checked_mul(c.coef.performance)
                .and_then(|x| x.checked_mul(c.coef.project))
                .ok_or_else(|| overflow(c))
        })
        .collect::<Result<_, _>>()?;
    let (shares, factor_shares) = shares(params, &composite)?;
    let exact: Vec<Decimal> = shares
        .iter()
        .zip(&params.cities)
        .map(|(s, c)| available.checked_mul(*s).ok_or_else(|| overflow(c)))
        .collect::<Result<_, _>>()?;
    let rounded = largest_remainder(&exact, available.round());
    let rows = params
        .cities
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let r = rounded.get(i).copied().unwrap_or_default();
            AllocationRow {
                city: c.name.clone(),
                factors: c.plan.clone(),
                coef: c.coef,
                composite: composite.get(i).copied().unwrap_or_default(),
                factor_shares: factor_shares.get(i).cloned().unwrap_or_default(),
                share: shares.get(i).copied().unwrap_or_default(),
                exact: exact.get(i).copied().unwrap_or_default(),
                rounded: r,
                issued: c.budget,
                diff: r - c.budget,
            }
        })
        .collect();
    Ok(Allocation {
        year: params.year,
        available,
        weights: params.weights.clone(),
        measures: params.measure_keys.clone(),
        rows,
    })
}

/// An overflow in the arithmetic for city `c` (the first, when no one city
/// is to blame).
fn overflow(c: Option<&crate::params::CityParams>) -> AllocError {
    match c {
        Some(c) => AllocError::Overflow {
            city: c.name.clone(),
            fiscal: c.coef.fiscal,
            performance: c.coef.performance,
            project: c.coef.project,
        },
        None => AllocError::Overflow {
            city: String::new(),
            fiscal: Decimal::ZERO,
            performance: Decimal::ZERO,
            project: Decimal::ZERO,
        },
    }
}

/// Each city's share of the money, and its share of each factor: for each
/// measure, its plan × composite coefficient over the sum of all cities',
/// weighted by the measure's weight.
fn shares(params: &Params, composite: &[Decimal]) -> Result<(Vec<Decimal>, Vec<Measures>), AllocError> {
    let mut shares = vec![Decimal::ZERO; params.cities.len()];
    let mut factor_shares = vec![Measures::default(); params.cities.len()];
    // The measures are the weights' keys (the form's [[measures]]).
    for (m, w) in &params.weights.0 {
        let weight = *w / Decimal::ONE_HUNDRED;
        let weighted: Vec<Decimal> = params
            .cities
            .iter()
            .zip(composite)
            .map(|(c, k)| c.plan.get(m).unwrap_or_default().checked_mul(*k).ok_or_else(|| overflow(Some(c))))
            .collect::<Result<_, _>>()?;
        let denom = weighted
            .iter()
            .try_fold(Decimal::ZERO, |acc, w| acc.checked_add(*w))
            .ok_or_else(|| overflow(params.cities.first()))?;
        if denom.is_zero() {
            continue;
        }
        for (((s, fs), w), c) in shares.iter_mut().zip(factor_shares.iter_mut()).zip(&weighted).zip(&params.cities) {
            let share = w.checked_div(denom).ok_or_else(|| overflow(Some(c)))?;
            fs.set(m, share);
            *s = share.checked_mul(weight).and_then(|x| s.checked_add(x)).ok_or_else(|| overflow(Some(c)))?;
        }
    }
    Ok((shares, factor_shares))
}

/// Rounds each value down to a whole number, then gives the units still
/// missing from `total` to the largest remainders (earlier rows win ties).
pub fn largest_remainder(values: &[Decimal], total: Decimal) -> Vec<Decimal> {
    let mut out: Vec<Decimal> = values.iter().map(|v| v.floor()).collect();
    let assigned: Decimal = out.iter().sum();
    let mut missing = (total - assigned).max(Decimal::ZERO);
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| {
        let ra = values.get(*a).map(|v| v - v.floor()).unwrap_or_default();
        let rb = values.get(*b).map(|v| v - v.floor()).unwrap_or_default();
        rb.cmp(&ra).then(a.cmp(b))
    });
    for i in order.into_iter().cycle().take(values.len() * 2) {
        if missing <= Decimal::ZERO {
            break;
        }
        if let Some(o) = out.get_mut(i) {
            *o += Decimal::ONE;
            missing -= Decimal::ONE;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn largest_remainder_sums_exactly() {
        let v = [d("3.5"), d("2.4"), d("4.1")];
        assert_eq!(largest_remainder(&v, d("10")), vec![d("4"), d("2"), d("4")]);
        let v = [d("1.5"), d("1.5")];
        assert_eq!(largest_remainder(&v, d("3")), vec![d("2"), d("1")]);
    }

    #[test]
    fn cities_add_up_to_the_amount_available() {
        let a = allocate(&crate::testkit::params()).unwrap();
        assert_eq!(a.available, d("18672"));
        assert_eq!(a.rows.len(), 15);
        assert_eq!(a.rows.iter().map(|r| r.rounded).sum::<Decimal>(), d("18672"));
        for m in ["area", "households", "buildings", "communities"] {
            let s: Decimal = a.rows.iter().map(|r| r.factor_shares.get(m).unwrap_or_default()).sum();
            assert!((s - Decimal::ONE).abs() < d("0.000000001"), "{m}: {s}");
        }
        let shares: Decimal = a.rows.iter().map(|r| r.share).sum();
        assert!((shares - Decimal::ONE).abs() < d("0.000000001"), "{shares}");
        for r in &a.rows {
            assert!((r.rounded - r.exact).abs() < Decimal::ONE);
        }
    }

    #[test]
    fn equal_coefficients_reduce_to_plain_factor_shares() {
        let mut p = crate::testkit::params();
        for c in &mut p.cities {
            c.coef = Coefficients { fiscal: d("9"), performance: d("1"), project: d("1") };
        }
        let a = allocate(&p).unwrap();
        // 汕头: 0.4×166.88/841.32 + 0.4×19136/92301 + 0.1×538/9575 + 0.1×75/700
        let want = d("0.4") * d("166.88") / d("841.32")
            + d("0.4") * d("19136") / d("92301")
            + d("0.1") * d("538") / d("9575")
            + d("0.1") * d("75") / d("700");
        assert!((a.rows[0].share - want).abs() < d("0.0000000001"));
    }
}
