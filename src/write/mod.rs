//! Everything selfeval writes. Every file goes through [`atomic_write`]:
//! written to a temporary name in the same folder, then renamed, so a
//! killed run never leaves a half-written final file.

pub mod annotate;
pub mod catalog;
pub mod decided;
pub mod draft;
mod error;
pub mod feedback;
pub mod form;
pub mod json;
pub mod names;
mod parts;
mod problems;
/// The params workbook's writer: for the sample generator and the tests.
pub mod register;
pub mod sink;
pub mod summary;
pub mod template;

pub use error::{Failure, WriteError};
use std::io::Write;

/// A writer's result: a value, or which output failed and why.
pub type Result<T> = std::result::Result<T, Failure>;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temp file + rename): a reader (or
/// a run cut short) sees the whole file or none of it.
///
/// Not forced to disk file by file: an fsync for each of a batch's
/// hundreds of feedback files cost more than writing them (issue 42), and
/// every output goes into a results folder of its own, never over an
/// earlier one, so a power cut costs at most a rerun; `selfeval verify`
/// tells a damaged folder by its fingerprint.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Failure::write(path, e)
    })
}

/// Creates a fresh output folder; an existing non-empty one is refused so
/// an earlier run's results are never overwritten.
pub fn fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| Failure::io(dir, e))?;
        if entries.next().is_some() {
            return Err(Failure::OutputExists(dir.to_path_buf()));
        }
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| Failure::io(dir, e))
}

/// Creates and claims a new results folder beside `input`:
/// `<输入名>_校验结果_YYYYMMDD-HHMMSS`, with `-2`, `-3`… if taken. The
/// folder is made with a single `create_dir`, which fails when another
/// run made it first, so runs started in the same second (a folder
/// dropped twice) each get their own and never write into another's.
pub fn claim_out_dir(input: &Path, now: chrono::NaiveDateTime) -> Result<PathBuf> {
    let abs = std::path::absolute(input).unwrap_or_else(|_| input.to_path_buf());
    let base = abs.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "selfeval".into());
    let parent = abs.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let stamp = now.format("%Y%m%d-%H%M%S");
    let mut last = None;
    // Bounded: a second later the stamp itself differs.
    for i in 1..10_000 {
        let name = match i {
            1 => format!("{base}_校验结果_{stamp}"),
            _ => format!("{base}_校验结果_{stamp}-{i}"),
        };
        let dir = parent.join(name);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(dir),
            Err(e) => return Err(Failure::io(&dir, e)),
        }
    }
    Err(Failure::OutputExists(last.unwrap_or(parent)))
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

/// A list sheet's header and body cells, the same on every list of the
/// feedback workbook (问题清单, 省级核实与更正).
pub(crate) fn list_formats(
    base: &dyn Fn() -> rust_xlsxwriter::Format,
) -> (rust_xlsxwriter::Format, rust_xlsxwriter::Format) {
    use rust_xlsxwriter::{Color, FormatAlign, FormatBorder};
    let head = base()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_align(FormatAlign::Center);
    let cell = base().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    (head, cell)
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
        assert!(matches!(fresh_dir(&d.path().join("new")), Err(Failure::OutputExists(_))));
    }

    #[test]
    fn claimed_out_dirs_are_distinct_even_in_one_second() {
        let d = tempfile::tempdir().unwrap();
        let input = d.path().join("城市材料");
        std::fs::create_dir(&input).unwrap();
        let now = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap().and_hms_opt(9, 5, 7).unwrap();
        let a = claim_out_dir(&input, now).unwrap();
        assert!(a.ends_with("城市材料_校验结果_20250301-090507"));
        assert!(a.is_dir());
        let b = claim_out_dir(&input, now).unwrap();
        assert!(b.ends_with("城市材料_校验结果_20250301-090507-2"));
        // Eight threads claiming at once: eight folders.
        let got: Vec<PathBuf> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..8).map(|_| s.spawn(|| claim_out_dir(&input, now).unwrap())).collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let distinct: std::collections::HashSet<&PathBuf> = got.iter().collect();
        assert_eq!(distinct.len(), 8);
    }
}
