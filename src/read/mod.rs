//! calamine → [`RawWorkbook`]: every sheet's cells and formulas, no meaning.
//!
//! The file is read into memory once (opened read-only, never locked for
//! writing) and its format is sniffed from its first bytes, not its name:
//! cities rename .xls files to .xlsx, and an encrypted .xlsx is an OLE file.

mod ods;
mod package;
pub(crate) use package::{capped_member, Member};
mod raw;
mod records;
mod repair;
mod source;
mod xls;
mod xlsb;
pub mod xlsx;

pub use raw::*;
pub use source::{extension, Source};
#[cfg(any(test, feature = "dev"))]
pub(crate) use {package::replaced as package_with_replaced, xls::compound_with_workbook};

use crate::cellref::CellRef;
use calamine::{Data, Reader};
use std::io::Cursor;
use std::path::Path;

/// Files larger than this are not opened (a city form is ~20 KB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A zip whose members add up to more than this when unpacked is not
/// opened: a small file that expands to gigabytes (a zip bomb) would
/// exhaust memory. A city form unpacks to well under 1 MB; with the
/// file itself and a reader's copy of its largest part, one file stays
/// within 300 MB.
pub const MAX_UNPACKED_BYTES: u64 = 96 * 1024 * 1024;

/// Why a file could not be read at all, said so a clerk can act.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("无法打开文件（{0}）")]
    Io(#[source] crate::ioerr::IoCause),
    #[error("文件为空（0 字节）")]
    Empty,
    #[error("文件过大（{0} 字节，超过 64 MB），不像自评表")]
    TooLarge(u64),
    #[error("文件解压后过大（约 {0} MB），可能是恶意构造的压缩文件，已拒绝读取")]
    Bomb(u64),
    #[error("文件设置了打开密码（已加密），程序无法读取")]
    Encrypted,
    #[error("文件内容不是 Excel 工作簿（{0}）")]
    NotSpreadsheet(&'static str),
    /// The reader stopped: `why` in the clerk's words, `words` in the
    /// library's own (kept for report.json's `detail`, never shown as the
    /// message: a clerk cannot act on "Relationship not found").
    #[error("文件已损坏或不完整（{why}）")]
    Corrupt { why: Broken, words: String },
}

impl ReadError {
    /// The library's own words for a file it could not read, if any.
    pub fn words(&self) -> Option<&str> {
        match self {
            ReadError::Corrupt { words, .. } if !words.is_empty() => Some(words),
            _ => None,
        }
    }

    /// A file the reader stopped on, with `why` and the library's `words`.
    pub(crate) fn corrupt(why: Broken, words: impl std::fmt::Display) -> ReadError {
        ReadError::Corrupt { why, words: words.to_string() }
    }
}

/// Which part of a workbook a reader could not make sense of, in words a
/// clerk can act on: the container (a copy cut short, a damaged download),
/// the XML or records inside it, or something the reader does not support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    #[error("压缩包结构损坏，可能是下载或拷贝不完整")]
    Zip,
    #[error("OLE 复合文档结构损坏，可能是下载或拷贝不完整")]
    Ole,
    #[error("工作表内部格式错误")]
    Xml,
    #[error("工作簿记录格式错误")]
    Records,
    #[error("工作簿缺少必需的组成部分")]
    MissingPart,
    #[error("含有本程序无法读取的内容")]
    Unsupported,
    #[error("文件内部结构异常，读取时出错")]
    Internal,
}

/// `load` widened, for an xlsx or xlsb, by the cells its defined names
/// point at (`store` keeps the widened needs alive).
fn named_load<'a>(load: Load<'a>, names: &[(String, String)], store: &'a mut Vec<SheetNeed>) -> Load<'a> {
    match load {
        Load::Only(needs) if !names.is_empty() => {
            *store = with_named_cells(needs, names);
            Load::Only(store)
        }
        other => other,
    }
}

/// `needs` with the cells the workbook's defined names point to added to
/// their sheets: a field moved by an inserted row is a cell that matters
/// too (an uncalculated formula there must be told from an empty cell).
fn with_named_cells(needs: &[SheetNeed], names: &[(String, String)]) -> Vec<SheetNeed> {
    let mut out = needs.to_vec();
    for (s, cell) in names.iter().filter_map(|(_, t)| name_target(t)) {
        if let Some(n) = out.iter_mut().find(|n| n.name == s || sheet_key(&n.name) == sheet_key(&s)) {
            if !n.cells.contains(&cell) {
                n.cells.push(cell);
            }
        }
    }
    out
}

/// Which sheets to load: all, or only these names (others are listed
/// but not read, so a huge unrelated sheet costs nothing).
#[derive(Debug, Clone, Copy)]
pub enum Load<'a> {
    All,
    Only(&'a [SheetNeed]),
    /// These sheets, whole, with their formulas (the annotated copy's proof).
    Named(&'a [String]),
}

/// A sheet to load, the cells that matter on it, and how far it is read.
#[derive(Debug, Clone)]
pub struct SheetNeed {
    pub name: String,
    pub cells: Vec<CellRef>,
    /// Cells of derived figures: their formulas are read even when the
    /// cell holds a value, since a cached result may be unreadable (an
    /// .xls saved by LibreOffice keeps a formula's text result as 0).
    pub derived: Vec<CellRef>,
    pub reach: Reach,
}

/// The part of a sheet that is read: rows above `rows` and columns left of
/// `cols` (0-based, exclusive). A sheet's declared or used extent is never
/// trusted: one stray value at XFD1048576 would otherwise make a reader
/// materialise seventeen billion cells. A form's reach is its last label
/// or field plus room for rows and columns a clerk inserted
/// ([`Reach::around`]), so the work per file is bounded by the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    pub rows: u32,
    pub cols: u32,
}

impl Reach {
    /// Rows read below a form's last row: inserted rows, notes under the
    /// table. The label checks look at most a few rows away.
    pub const LOOK_ROWS: u32 = 200;
    /// Columns read right of a form's last column.
    pub const LOOK_COLS: u32 = 26;
    /// Where no form says what matters (the params workbook, a whole-book
    /// read) and the format builds a dense grid (.xls, .ods): generous, and
    /// still bounded (5,000 × 256 cells).
    pub const WHOLE: Reach = Reach { rows: 5_000, cols: 256 };

    /// The reach of a form whose last used cell is `last`.
    pub fn around(last: CellRef) -> Reach {
        Reach { rows: last.row.saturating_add(1 + Self::LOOK_ROWS), cols: last.col.saturating_add(1 + Self::LOOK_COLS) }
    }

    pub fn holds(&self, c: CellRef) -> bool {
        c.row < self.rows && c.col < self.cols
    }

    /// The smallest reach holding both.
    pub fn union(self, o: Reach) -> Reach {
        Reach { rows: self.rows.max(o.rows), cols: self.cols.max(o.cols) }
    }
}

impl Load<'_> {
    fn wants(&self, name: &str) -> bool {
        match self {
            Load::All => true,
            // A look-alike name is loaded too: it may be the form's sheet.
            Load::Only(needs) => needs.iter().any(|n| n.name == name || sheet_key(&n.name) == sheet_key(name)),
            Load::Named(names) => names.iter().any(|n| n == name),
        }
    }

    /// The one reach for formats read whole at open (.xls, .ods): every
    /// sheet the form reads fits in it.
    fn dense_reach(&self) -> Reach {
        match self {
            Load::Only(needs) => {
                needs.iter().map(|n| n.reach).reduce(Reach::union).unwrap_or(Reach { rows: 0, cols: 0 })
            }
            Load::All | Load::Named(_) => Reach::WHOLE,
        }
    }

    /// Which cells of sheet `name` a sparse reader (xlsx) keeps: within the
    /// form's reach or at a cell that matters (a defined name may point
    /// far away); everything for a whole-sheet read.
    fn keeper(&self, name: &str) -> xlsx::Keep {
        match self {
            Load::All | Load::Named(_) => xlsx::Keep::All,
            Load::Only(needs) => {
                let key = sheet_key(name);
                let need =
                    needs.iter().find(|n| n.name == name).or_else(|| needs.iter().find(|n| sheet_key(&n.name) == key));
                match need {
                    Some(n) => xlsx::Keep::within(n.reach, n.cells.clone()),
                    None => xlsx::Keep::within(Reach { rows: 0, cols: 0 }, Vec::new()),
                }
            }
        }
    }

    /// Formulas take another pass over the sheet; they matter only to
    /// tell an empty cell from a formula never calculated, and a derived
    /// cell's unreadable result from a value typed in, so they are read
    /// only when a cell that matters came back empty or a derived cell
    /// holds something.
    fn wants_formulas(&self, sheet: &RawSheet) -> bool {
        match self {
            Load::All | Load::Named(_) => true,
            Load::Only(needs) => {
                let key = sheet_key(&sheet.name);
                needs.iter().filter(|n| n.name == sheet.name || sheet_key(&n.name) == key).any(|n| {
                    n.cells.iter().any(|c| sheet.get(*c).is_empty())
                        || n.derived.iter().any(|c| !sheet.get(*c).is_empty())
                })
            }
        }
    }
}

/// SHA-256 of a file's bytes in hex, to know the same file sent again.
pub fn sha256_of(path: &Path) -> Option<String> {
    Source::File(path.to_path_buf()).sha256()
}

/// SHA-256 of `bytes`, as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(bytes))
}

/// A digest as lowercase hex digits.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a workbook file from disk, every sheet. Opens it read-only.
pub fn read_path(path: &Path) -> Result<RawWorkbook, ReadError> {
    read_path_with(path, Load::All)
}

/// Reads a workbook file from disk, the sheets `load` names. Read-only.
pub fn read_path_with(path: &Path, load: Load) -> Result<RawWorkbook, ReadError> {
    Source::File(path.to_path_buf()).read_with(&path.to_string_lossy(), load)
}

/// Reads a workbook from its bytes; `ext` (lower case) only breaks ties
/// between zip formats (xlsx vs ods).
pub fn read_bytes(bytes: Vec<u8>, ext: &str) -> Result<RawWorkbook, ReadError> {
    read_bytes_with(bytes, ext, Load::All)
}

/// [`read_bytes`], loading only the sheets `load` names.
pub fn read_bytes_with(bytes: Vec<u8>, ext: &str, load: Load) -> Result<RawWorkbook, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    // calamine can panic on crafted input (an overflowing cell reference
    // in a debug build, found by the property test): a panic is one
    // unreadable file, never a crash.
    let ext = ext.to_string();
    crate::isolate::isolate(move || match sniff(&bytes) {
        Sniffed::Zip => {
            package::check(&bytes)?;
            if ext == "ods" || is_ods(&bytes) {
                ods::read(bytes, load)
            } else if is_xlsb(&bytes) {
                xlsb::read(bytes, load)
            } else {
                xlsx::read(bytes, load)
            }
        }
        Sniffed::Ole => xls::read(bytes, load),
        Sniffed::Other(what) => Err(ReadError::NotSpreadsheet(what)),
    })
    .unwrap_or_else(|p| Err(ReadError::corrupt(Broken::Internal, p)))
}

enum Sniffed {
    Zip,
    Ole,
    Other(&'static str),
}

fn sniff(b: &[u8]) -> Sniffed {
    if b.starts_with(b"PK\x03\x04") || b.starts_with(b"PK\x05\x06") {
        Sniffed::Zip
    } else if b.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Sniffed::Ole
    } else if b.starts_with(b"%PDF") {
        Sniffed::Other("是 PDF 文件")
    } else if b.starts_with(b"{\\rtf") {
        Sniffed::Other("是 RTF 文档")
    } else {
        let head = String::from_utf8_lossy(&b[..b.len().min(512)]).to_lowercase();
        if head.contains("<html") || head.contains("<table") {
            Sniffed::Other("是网页格式，可能是从系统导出的“伪 xls”")
        } else if std::str::from_utf8(&b[..b.len().min(4096)]).is_ok() || head.contains(',') {
            Sniffed::Other("是文本或 CSV 文件")
        } else {
            Sniffed::Other("无法识别的文件格式")
        }
    }
}

/// An Excel binary workbook: a zip whose workbook part is
/// `xl/workbook.bin` (an .xlsx has `xl/workbook.xml`), whatever its name.
fn is_xlsb(b: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(b)).is_ok_and(|z| z.index_for_name("xl/workbook.bin").is_some())
}

fn is_ods(b: &[u8]) -> bool {
    // An ODF package stores an uncompressed "mimetype" entry first.
    let head = &b[..b.len().min(200)];
    head.windows(46).any(|w| w == b"application/vnd.oasis.opendocument.spreadsheet")
}

/// Every wanted sheet's values and formulas from a reader that parsed the
/// whole file at open (xls, ods: already cut to the reach); a sheet that
/// fails to read keeps its name and says why, so the others are still
/// checked.
fn convert_book<R>(wb: &mut R, format: Format, load: Load) -> RawWorkbook
where
    R: Reader<Cursor<Vec<u8>>>,
    R::Error: std::fmt::Display,
{
    let mut sheets = Vec::new();
    let hidden = hidden_sheets(wb.sheets_metadata());
    for name in wb.sheet_names() {
        let Some(mut sheet) = listed(&name, &hidden, &load, &mut sheets) else { continue };
        match wb.worksheet_range(&name) {
            Ok(range) => fill_cells(&mut sheet, &range),
            Err(e) => sheet.problem = Some(SheetProblem::new(Broken::Unsupported, &e)),
        }
        if sheet.problem.is_none() && load.wants_formulas(&sheet) {
            if let Ok(f) = wb.worksheet_formula(&name) {
                fill_formulas(&mut sheet, &f);
            }
        }
        sheets.push(sheet);
    }
    RawWorkbook { format, sheets, names: Vec::new(), sha256: None }
}

/// Sheet `name` as listed, to be read; `None` when `load` does not want it
/// read, and then it is added to `sheets` as skipped (listed, not loaded).
fn listed(name: &str, hidden: &[String], load: &Load, sheets: &mut Vec<RawSheet>) -> Option<RawSheet> {
    let sheet = RawSheet { name: name.to_string(), hidden: hidden.iter().any(|h| h == name), ..Default::default() };
    if load.wants(name) {
        return Some(sheet);
    }
    sheets.push(RawSheet { skipped: true, ..sheet });
    None
}

/// The names of the sheets hidden (or very hidden) in the workbook.
fn hidden_sheets(meta: &[calamine::Sheet]) -> Vec<String> {
    meta.iter().filter(|m| m.visible != calamine::SheetVisible::Visible).map(|m| m.name.clone()).collect()
}

fn fill_cells(sheet: &mut RawSheet, range: &calamine::Range<Data>) {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, d) in range.used_cells() {
        let v = convert(d);
        if v != Value::Empty {
            sheet.cells.insert(CellRef::new(r0 + r as u32, c0 + c as u32), v);
        }
    }
}

fn fill_formulas(sheet: &mut RawSheet, range: &calamine::Range<String>) {
    // Formula ranges are relative to their own start, not the sheet's.
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, f) in range.used_cells() {
        if !f.is_empty() {
            sheet.formulas.insert(CellRef::new(r0 + r as u32, c0 + c as u32), f.clone());
        }
    }
}

fn convert(d: &Data) -> Value {
    match d {
        Data::Empty => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Float(x) => Value::Number(*x),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Value::Date(format!("{y:04}-{m:02}-{d:02}"))
        }
        Data::DateTimeIso(s) => Value::Date(s.chars().take(10).collect()),
        Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Error(format!("{e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_classified() {
        assert_eq!(read_bytes(vec![], "xlsx").unwrap_err(), ReadError::Empty);
        assert!(matches!(read_bytes(b"a,b,c\n1,2,3\n".to_vec(), "xlsx"), Err(ReadError::NotSpreadsheet(_))));
        assert!(matches!(read_bytes(b"%PDF-1.7 ...".to_vec(), "xlsx"), Err(ReadError::NotSpreadsheet(_))));
        assert!(matches!(
            read_bytes(b"PK\x03\x04truncated".to_vec(), "xlsx"),
            Err(ReadError::Corrupt { why: Broken::Zip, .. })
        ));
        let random: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        let e = read_bytes(random, "xlsx");
        assert!(matches!(e, Err(ReadError::NotSpreadsheet(_))), "{e:?}");
    }

    #[test]
    fn shown_values() {
        assert_eq!(Value::Number(3378.0).shown(), "3378");
        assert_eq!(Value::Number(0.4564).shown(), "0.4564");
        assert!(Value::Text("  ".into()).is_empty());
    }
}
