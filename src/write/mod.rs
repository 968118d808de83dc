//! Everything selfeval writes. Every file goes through [`atomic_write`]:
//! written to a temporary name in the same folder, then renamed, so a
//! killed run never leaves a half-written final file.

pub mod annotate;
pub mod decided;
pub mod draft;
pub mod feedback;
pub mod form;
pub mod json;
pub mod names;
pub mod params;
pub mod summary;
pub mod template;

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temp file + rename).
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::Write { path: path.to_path_buf(), detail: crate::error::io_zh(&e) }
    })
}

/// Creates a fresh output folder; an existing non-empty one is refused so
/// an earlier run's results are never overwritten.
pub fn fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        if entries.next().is_some() {
            return Err(Error::OutputExists(dir.to_path_buf()));
        }
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))
}

/// A folder name beside `input` that does not exist yet:
/// `<输入名>_校验结果_YYYYMMDD-HHMMSS`, with `-2`, `-3`… if taken.
pub fn default_out_dir(input: &Path, now: chrono::NaiveDateTime) -> PathBuf {
    let abs = std::path::absolute(input).unwrap_or_else(|_| input.to_path_buf());
    let base = abs.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "selfeval".into());
    let parent = abs.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let stamp = now.format("%Y%m%d-%H%M%S");
    let first = parent.join(format!("{base}_校验结果_{stamp}"));
    if !first.exists() {
        return first;
    }
    // Bounded: a second later the stamp itself differs.
    (2..10_000).map(|i| parent.join(format!("{base}_校验结果_{stamp}-{i}"))).find(|p| !p.exists()).unwrap_or(first)
}

/// A new workbook whose default (empty-cell) font is 宋体 11 with the
/// GB2312 charset, so Excel and WPS on Chinese Windows show every cell,
/// typed-in ones included, in the body font instead of Calibri.
/// 72 × 18 px is 宋体 11's default column and row in Excel.
pub fn new_workbook() -> rust_xlsxwriter::Workbook {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let body = rust_xlsxwriter::Format::new().set_font_name("宋体").set_font_charset(134).set_font_size(11);
    // Only fails after a sheet was added or for an unknown pixel width;
    // neither happens here, and Calibri is a harmless fallback.
    let _ = wb.set_default_format(&body, 18, 72);
    wb
}

/// Lines a wrapped text takes in a column `width` characters wide (a
/// Chinese character is two widths): spreadsheet programs do not grow
/// row heights of generated files by themselves.
pub fn est_lines(text: &str, width: f64) -> usize {
    text.split('\n')
        .map(|l| {
            let w: usize = l.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
            (w as f64 / (width - 1.0).max(1.0)).ceil().max(1.0) as usize
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.txt");
        atomic_write(&p, b"one").unwrap();
        atomic_write(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn fresh_dir_refuses_non_empty() {
        let d = tempfile::tempdir().unwrap();
        fresh_dir(&d.path().join("new")).unwrap();
        std::fs::write(d.path().join("new/x"), b"x").unwrap();
        assert!(matches!(fresh_dir(&d.path().join("new")), Err(Error::OutputExists(_))));
    }

    #[test]
    fn default_out_dir_never_reuses() {
        let d = tempfile::tempdir().unwrap();
        let input = d.path().join("城市材料");
        std::fs::create_dir(&input).unwrap();
        let now = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap().and_hms_opt(9, 5, 7).unwrap();
        let a = default_out_dir(&input, now);
        assert!(a.ends_with("城市材料_校验结果_20250301-090507"));
        std::fs::create_dir(&a).unwrap();
        let b = default_out_dir(&input, now);
        assert!(b.ends_with("城市材料_校验结果_20250301-090507-2"));
    }
}
