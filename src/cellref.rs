//! A1-style cell references: the only place that parses "B12" or adds
//! row/column offsets. Rows and columns are 0-based internally because
//! calamine and rust_xlsxwriter are; the A1 text is 1-based like Excel.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A cell position on a sheet, 0-based (`row`, `col`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellRef {
    pub row: u32,
    pub col: u32,
}

/// Why a text is not a cell reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}”不是有效的单元格地址（应形如 B12）")]
pub struct BadCellRef(pub String);

impl CellRef {
    pub const fn new(row: u32, col: u32) -> Self {
        CellRef { row, col }
    }

    /// Parses "B12" (case-insensitive, `$` allowed) into a 0-based position.
    ///
    /// ```
    /// use selfeval::cellref::CellRef;
    /// let c = CellRef::parse("$B$12").unwrap();
    /// assert_eq!((c.row, c.col), (11, 1));
    /// assert_eq!(c.to_string(), "B12");
    /// ```
    pub fn parse(text: &str) -> Result<Self, BadCellRef> {
        let bad = || BadCellRef(text.to_string());
        let t: String = text.trim().chars().filter(|c| *c != '$').collect();
        let split = t.find(|c: char| c.is_ascii_digit()).ok_or_else(bad)?;
        let (letters, digits) = t.split_at(split);
        if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(bad());
        }
        let mut col: u32 = 0;
        for c in letters.chars() {
            col = col * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
        }
        let row: u32 = digits.parse().map_err(|_| bad())?;
        if row == 0 || row > 1_048_576 || col > 16_384 {
            return Err(bad());
        }
        Ok(CellRef::new(row - 1, col - 1))
    }

    /// The column letters of a 0-based column index ("A", "AB").
    pub fn col_letters(col: u32) -> String {
        let mut n = col + 1;
        let mut out = Vec::new();
        while n > 0 {
            let rem = (n - 1) % 26;
            out.push((b'A' + rem as u8) as char);
            n = (n - 1) / 26;
        }
        out.iter().rev().collect()
    }

    /// Parses a bare column ("C") into its 0-based index.
    pub fn parse_col(letters: &str) -> Result<u32, BadCellRef> {
        CellRef::parse(&format!("{letters}1")).map(|c| c.col)
    }

    /// The same column, `n` rows further down.
    pub fn down(self, n: u32) -> Self {
        CellRef::new(self.row + n, self.col)
    }

    /// The same row, `n` columns to the right.
    pub fn right(self, n: u32) -> Self {
        CellRef::new(self.row, self.col + n)
    }

    /// 1-based row number as Excel shows it.
    pub fn excel_row(self) -> u32 {
        self.row + 1
    }

    /// 1-based column number as umya-spreadsheet takes it.
    pub fn excel_col(self) -> u32 {
        self.col + 1
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", CellRef::col_letters(self.col), self.row + 1)
    }
}

impl std::str::FromStr for CellRef {
    type Err = BadCellRef;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CellRef::parse(s)
    }
}

impl Serialize for CellRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for CellRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CellRef::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A rectangular range "A1:C3", inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRange {
    pub first: CellRef,
    pub last: CellRef,
}

impl CellRange {
    pub fn parse(text: &str) -> Result<Self, BadCellRef> {
        let (a, b) = text.split_once(':').ok_or_else(|| BadCellRef(text.to_string()))?;
        let first = CellRef::parse(a)?;
        let last = CellRef::parse(b)?;
        if last.row < first.row || last.col < first.col {
            return Err(BadCellRef(text.to_string()));
        }
        Ok(CellRange { first, last })
    }

    pub fn contains(&self, c: CellRef) -> bool {
        (self.first.row..=self.last.row).contains(&c.row) && (self.first.col..=self.last.col).contains(&c.col)
    }
}

impl fmt::Display for CellRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.first, self.last)
    }
}

impl<'de> Deserialize<'de> for CellRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CellRange::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        for (t, r, c) in [("A1", 0, 0), ("B12", 11, 1), ("Z3", 2, 25), ("AA1", 0, 26), ("$C$4", 3, 2), ("ab10", 9, 27)]
        {
            let cr = CellRef::parse(t).unwrap();
            assert_eq!((cr.row, cr.col), (r, c), "{t}");
        }
        assert_eq!(CellRef::new(9, 27).to_string(), "AB10");
        assert_eq!(CellRef::new(0, 16383).to_string(), "XFD1");
    }

    #[test]
    fn rejects_garbage() {
        for t in ["", "12", "B", "B0", "1B", "ABCD1", "B1048577", "中1", "B-1"] {
            assert!(CellRef::parse(t).is_err(), "{t}");
        }
    }

    #[test]
    fn offsets_and_ranges() {
        let c = CellRef::parse("B4").unwrap();
        assert_eq!(c.down(2).right(1).to_string(), "C6");
        let r = CellRange::parse("A1:C3").unwrap();
        assert!(r.contains(CellRef::parse("B2").unwrap()));
        assert!(!r.contains(CellRef::parse("D2").unwrap()));
        assert!(CellRange::parse("C3:A1").is_err());
    }
}
