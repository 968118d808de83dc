//! Exact arithmetic for the report: sums, rates and the one rounding rule.
//!
//! The report shows amounts in 万元 and percents to 2 places, rounded
//! 四舍五入 (half away from zero). Every rounding in selfeval goes through
//! [`round2`]; nothing else calls `round_dp`.

use rust_decimal::{Decimal, RoundingStrategy};

/// The largest magnitude a figure may have (10^15). Any figure of the
/// form is far below it; bounding inputs keeps every sum and product of
/// two figures inside a `Decimal` (about 7.9 × 10^28), so no arithmetic
/// on workbook data can overflow.
pub const MAX_MAGNITUDE: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// 四舍五入 to `dp` places (half away from zero, as 财政 reports do).
pub fn round_half_up(x: Decimal, dp: u32) -> Decimal {
    x.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// 四舍五入 to 2 places: the report's rounding for amounts and percents.
///
/// # Examples
///
/// ```
/// use rust_decimal::Decimal;
/// use selfeval::calc::round2;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// assert_eq!(round2(d("0.125")), d("0.13")); // a tie goes up, not to even
/// assert_eq!(round2(d("18.3975")), d("18.40"));
/// ```
pub fn round2(x: Decimal) -> Decimal {
    round_half_up(x, 2)
}

/// `part ÷ whole × 100`, unrounded; `None` when `whole` is zero.
pub fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        None
    } else {
        part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)
    }
}

/// `part ÷ whole × 100`, rounded to 2 places as the report shows it.
///
/// # Examples
///
/// ```
/// use rust_decimal::Decimal;
/// use selfeval::calc::percent2;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// // 表2-2: 3623.35 ÷ 18860 = 19.21%
/// assert_eq!(percent2(d("3623.35"), d("18860")), Some(d("19.21")));
/// assert_eq!(percent2(d("1"), Decimal::ZERO), None);
/// ```
pub fn percent2(part: Decimal, whole: Decimal) -> Option<Decimal> {
    percent(part, whole).map(round2)
}

/// Sum of a list of decimals, `None` on overflow.
pub fn sum<'a>(xs: impl IntoIterator<Item = &'a Decimal>) -> Option<Decimal> {
    xs.into_iter().try_fold(Decimal::ZERO, |acc, x| acc.checked_add(*x))
}

/// Simple arithmetic mean; `None` for an empty list.
pub fn mean<'a>(xs: impl IntoIterator<Item = &'a Decimal>) -> Option<Decimal> {
    let v: Vec<&Decimal> = xs.into_iter().collect();
    if v.is_empty() {
        return None;
    }
    sum(v.iter().copied())?.checked_div(Decimal::from(v.len()))
}

/// Formats a decimal with exactly 2 places ("18.40"), as the report prints.
pub fn fmt2(x: Decimal) -> String {
    format!("{:.2}", round2(x))
}

/// Formats a percent value (45.64 meaning 45.64%) as "45.64%".
pub fn fmt_pct(x: Decimal) -> String {
    format!("{}%", fmt2(x))
}

/// Formats a plain amount the shortest exact way ("3378", "152.93").
pub fn fmt_num(x: Decimal) -> String {
    x.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn max_magnitude_is_ten_to_the_fifteen() {
        assert_eq!(MAX_MAGNITUDE, d("1000000000000000"));
    }

    #[test]
    fn ties_round_up_not_to_even() {
        assert_eq!(round2(d("0.125")), d("0.13"));
        assert_eq!(round2(d("0.135")), d("0.14"));
        assert_eq!(round2(d("2.345")), d("2.35"));
        assert_eq!(round2(d("-2.345")), d("-2.35"));
        assert_eq!(round2(d("18.3975")), d("18.40"));
        assert_eq!(round2(d("0.124999")), d("0.12"));
    }

    #[test]
    fn report_rates() {
        assert_eq!(percent2(d("658.54"), d("1443")), Some(d("45.64")));
        assert_eq!(percent2(d("3623.35"), d("18860")), Some(d("19.21")));
        assert_eq!(percent2(d("3435.35"), d("18672")), Some(d("18.40")));
        assert_eq!(percent2(d("1401.82"), d("841.32")), Some(d("166.62")));
        assert_eq!(percent2(d("1"), Decimal::ZERO), None);
    }

    #[test]
    fn mean_and_format() {
        let xs = [d("90.33"), d("90"), d("96.30")];
        assert_eq!(mean(&xs).map(round2), Some(d("92.21")));
        assert_eq!(mean(&[]), None);
        assert_eq!(fmt_pct(d("18.4")), "18.40%");
        assert_eq!(fmt_num(d("3378.00")), "3378");
    }
}

/// Significant digits Excel keeps and shows for a number.
pub const EXCEL_DIGITS: usize = 15;

/// An xlsx number as the figure the clerk sees: rounded to Excel's 15
/// significant digits, then parsed exactly. A formula such as
/// `=34.4+94.83+23.7` is stored as 152.92999999999998 but shown (and
/// meant) as 152.93; comparing the raw double would raise a false error,
/// so every number is normalised here, once, where cells are read.
/// `None` for NaN, infinities and magnitudes a `Decimal` cannot hold.
pub fn decimal_from_f64(x: f64) -> Option<Decimal> {
    if !x.is_finite() || x.abs() >= 7.9e28 {
        return None;
    }
    // "{:.14e}" is 15 significant digits in scientific notation, rounded
    // as Excel rounds for display.
    let s = format!("{:.*e}", EXCEL_DIGITS - 1, x);
    Decimal::from_scientific(&s).ok().map(|d| d.normalize())
}

/// A decimal for an xlsx cell: the one place money becomes a float.
pub fn to_f64(x: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    x.to_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod boundary_tests {
    use super::*;

    #[test]
    fn floats_become_the_typed_decimal() {
        assert_eq!(decimal_from_f64(1079.19).unwrap().to_string(), "1079.19");
        assert_eq!(decimal_from_f64(0.4564).unwrap().to_string(), "0.4564");
        // Excel's binary floating point: what the clerk sees, not the double.
        assert_eq!(decimal_from_f64(0.1 + 0.2).unwrap().to_string(), "0.3");
        assert_eq!(decimal_from_f64(34.4 + 94.83 + 23.7).unwrap().to_string(), "152.93");
        assert_eq!(decimal_from_f64(152.92999999999998).unwrap().to_string(), "152.93");
        assert_eq!(decimal_from_f64(166.88000000000002).unwrap().to_string(), "166.88");
        // 15 significant digits are kept, no more rounding than Excel's.
        assert_eq!(decimal_from_f64(123456789.012345).unwrap().to_string(), "123456789.012345");
        assert_eq!(decimal_from_f64(0.456368676368676).unwrap().to_string(), "0.456368676368676");
        assert_eq!(decimal_from_f64(-1606700.0).unwrap().to_string(), "-1606700");
        assert_eq!(decimal_from_f64(0.0).unwrap().to_string(), "0");
        assert_eq!(decimal_from_f64(3378.0).unwrap().to_string(), "3378");
        assert_eq!(decimal_from_f64(1e-7).unwrap().to_string(), "0.0000001");
        assert!(decimal_from_f64(f64::NAN).is_none());
        assert!(decimal_from_f64(1e300).is_none());
    }
}

/// Budget line score of the standard 自评表: 分值 × 执行率, capped at 分值,
/// with 执行率 in percent rounded to 2 places first (as finance systems do).
pub fn budget_score(weight: Decimal, rate_pct: Decimal) -> Decimal {
    let rate = round2(rate_pct).min(Decimal::ONE_HUNDRED).max(Decimal::ZERO);
    round2(weight * rate / Decimal::ONE_HUNDRED)
}

/// Score of a higher-is-better indicator: full marks when actual ≥ target,
/// else actual ÷ target × 分值 (2 places).
pub fn higher_score(weight: Decimal, target: Decimal, actual: Decimal) -> Decimal {
    if actual >= target || target <= Decimal::ZERO {
        weight
    } else {
        round2((actual / target * weight).max(Decimal::ZERO))
    }
}

/// Score of a lower-is-better indicator: full marks when actual ≤ target,
/// falling linearly to 0 at twice the target.
pub fn lower_score(weight: Decimal, target: Decimal, actual: Decimal) -> Decimal {
    if actual <= target {
        weight
    } else if target <= Decimal::ZERO || actual >= target * Decimal::TWO {
        Decimal::ZERO
    } else {
        round2((Decimal::TWO * target - actual) / target * weight)
    }
}

#[cfg(test)]
mod score_tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn scores_follow_the_standard_form() {
        assert_eq!(budget_score(d("10"), d("4.527")), d("0.45"));
        assert_eq!(budget_score(d("10"), d("150")), d("10.00"));
        assert_eq!(higher_score(d("10"), d("700"), d("1161")), d("10"));
        assert_eq!(higher_score(d("10"), d("700"), d("350")), d("5.00"));
        assert_eq!(lower_score(d("10"), d("100"), d("150")), d("5.00"));
        assert_eq!(lower_score(d("10"), d("100"), d("250")), d("0"));
    }
}

/// A date as an official table prints it: 2026年12月6日 (no leading zeros).
pub fn date_zh(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}
