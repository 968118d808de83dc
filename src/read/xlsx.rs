//! .xlsx / .xlsm through calamine's cell-by-cell reader.
//!
//! calamine's `worksheet_range` builds a dense grid over a sheet's used
//! extent: one stray cell at XFD1048576 asks for seventeen billion cells and
//! aborts the process (an allocation failure cannot be caught). Here each
//! sheet is streamed cell by cell and only the cells the form can use are
//! kept, in a sparse map, so memory follows the form, not the file's claims.

use super::{convert, Broken, Format, Load, RawWorkbook, Reach, ReadError};
use crate::cellref::CellRef;
use calamine::{Data, Reader, Xlsx, XlsxError};
use std::io::{Read, Seek};

pub(super) fn read(bytes: Vec<u8>, load: Load) -> Result<RawWorkbook, ReadError> {
    let bytes = mended(bytes);
    let mut parts = SheetParts::of(&bytes);
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.as_slice())).map_err(|e| match e {
        XlsxError::Password => ReadError::Encrypted,
        other => ReadError::corrupt(broken(&other), &other),
    })?;
    let names = wb.defined_names().to_vec();
    let mut named_needs = Vec::new();
    let load = super::named_load(load, &names, &mut named_needs);
    let hidden = super::hidden_sheets(wb.sheets_metadata());
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let Some(mut sheet) = super::listed(&name, &hidden, &load, &mut sheets) else { continue };
        match cells(&mut wb, &name, &load.keeper(&name)) {
            Ok(c) => {
                sheet.cells = c
                    .values
                    .into_iter()
                    .map(|(c, d)| (c, convert(&d)))
                    .filter(|(_, v)| *v != super::Value::Empty)
                    .collect();
                sheet.formulas = c.formulas.into_iter().collect();
            }
            Err(e) => sheet.problem = Some(super::SheetProblem::new(broken(&e), &e)),
        }
        if sheet.problem.is_none() {
            sheet.merges = match parts.as_mut().and_then(|p| p.merges(&name)) {
                Some(m) => m,
                // Parts not found our way: calamine's (a second full XML pass).
                None => wb
                    .merge_cells_by_sheet_name(&name)
                    .map(|dims| {
                        dims.iter()
                            .map(|d| crate::cellref::CellRange {
                                first: CellRef::new(d.start.0, d.start.1),
                                last: CellRef::new(d.end.0, d.end.1),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            };
        }
        sheets.push(sheet);
    }
    Ok(RawWorkbook { format: Format::Xlsx, sheets, names, sha256: None })
}

/// The package with its sheet list mended ([`super::repair`]); the bytes
/// unchanged when it needs nothing or cannot be opened (calamine then
/// says why).
fn mended(bytes: Vec<u8>) -> Vec<u8> {
    let fixed = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_slice())).ok().and_then(|mut zip| {
        let book = super::repair::xlsx_workbook(&mut zip)?;
        super::package::replaced(&mut zip, &[("xl/workbook.xml".into(), book)])
    });
    fixed.unwrap_or(bytes)
}

/// Which cells of a sheet to keep: a reach, plus single cells outside it
/// (defined names that point far away), or everything.
pub enum Keep {
    All,
    /// The reach, and the extra cells sorted (asked once per cell of the
    /// sheet, which may hold millions).
    Within(Reach, Vec<CellRef>),
}

impl Keep {
    pub fn within(reach: Reach, mut extra: Vec<CellRef>) -> Keep {
        extra.sort_unstable();
        extra.dedup();
        Keep::Within(reach, extra)
    }

    pub fn holds(&self, c: CellRef) -> bool {
        match self {
            Keep::All => true,
            Keep::Within(reach, extra) => reach.holds(c) || extra.binary_search(&c).is_ok(),
        }
    }
}

/// A sheet's non-empty values and its formula texts at absolute
/// positions, streamed in one pass over its XML. A chart sheet has none.
pub fn cells<RS: Read + Seek>(wb: &mut Xlsx<RS>, name: &str, keep: &Keep) -> Result<Cells, XlsxError> {
    let mut reader = match wb.worksheet_cells_reader(name) {
        Ok(r) => r,
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Cells::default()),
        Err(e) => return Err(e),
    };
    let mut out = Cells::default();
    let mut pulse = crate::isolate::Pulse::default();
    while let Some(cell) = reader.next_cell_with_formula()? {
        if pulse.stop() {
            break;
        }
        let at = CellRef::new(cell.pos.0, cell.pos.1);
        if !keep.holds(at) {
            continue;
        }
        if !matches!(cell.value, calamine::DataRef::Empty) {
            out.values.push((at, Data::from(cell.value)));
        }
        if let Some(f) = cell.formula.filter(|f| !f.is_empty()) {
            out.formulas.push((at, f));
        }
    }
    Ok(out)
}

/// What [`cells`] read of a sheet.
#[derive(Debug, Default, PartialEq)]
pub struct Cells {
    pub values: Vec<(CellRef, Data)>,
    pub formulas: Vec<(CellRef, String)>,
}

/// Where each sheet's XML lives in the package, for reading its merged
/// ranges without a second XML pass: `<mergeCells>` follows `<sheetData>`,
/// so calamine's merge reader tokenises the whole sheet again (about 0.9 s
/// for 3 million cells); inflating the part and looking past the last
/// `</sheetData>` costs a fraction of that.
struct SheetParts<'a> {
    /// The package, its directory read once for every sheet.
    zip: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
    /// Sheet name → part name in the zip ("xl/worksheets/sheet1.xml").
    parts: Vec<(String, String)>,
}

impl<'a> SheetParts<'a> {
    fn of(bytes: &'a [u8]) -> Option<SheetParts<'a>> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
        let text = |zip: &mut zip::ZipArchive<_>, name: &str| -> Option<String> {
            let mut s = String::new();
            zip.by_name(name).ok()?.read_to_string(&mut s).ok()?;
            Some(s)
        };
        let workbook = text(&mut zip, "xl/workbook.xml")?;
        let rels = text(&mut zip, "xl/_rels/workbook.xml.rels")?;
        let targets: Vec<(String, String)> = elements(&rels, "Relationship", &["Id", "Target"])
            .into_iter()
            .map(|mut v| (std::mem::take(&mut v[0]), std::mem::take(&mut v[1])))
            .collect();
        let parts = elements(&workbook, "sheet", &["name", "id"])
            .into_iter()
            .filter_map(|v| {
                let target = &targets.iter().find(|(id, _)| *id == v[1])?.1;
                let part = match target.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("xl/{target}"),
                };
                Some((quick_xml::escape::unescape(&v[0]).ok()?.into_owned(), part))
            })
            .collect();
        Some(SheetParts { zip, parts })
    }

    /// The merged ranges of sheet `name`; `None` when its part cannot be
    /// read this way (calamine's reader is used then).
    fn merges(&mut self, name: &str) -> Option<Vec<crate::cellref::CellRange>> {
        let part = &self.parts.iter().find(|(n, _)| n == name)?.1;
        let tail = after_sheet_data(&mut self.zip.by_name(part).ok()?)?;
        let tail = std::str::from_utf8(&tail).ok()?;
        let mut out = Vec::new();
        for v in elements(tail, "mergeCell", &["ref"]) {
            let (a, b) = v[0].split_once(':').unwrap_or((&v[0], &v[0]));
            if let (Ok(first), Ok(last)) = (CellRef::parse(a), CellRef::parse(b)) {
                out.push(crate::cellref::CellRange { first, last });
            }
        }
        Some(out)
    }
}

/// What follows `</sheetData>` (or `<sheetData/>`, any prefix) in a
/// sheet's XML, streamed: the cells before it are never held in memory.
/// Markup cannot occur inside text (it would be escaped), so the first
/// such tag is the real one.
fn after_sheet_data(r: &mut impl Read) -> Option<Vec<u8>> {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut found = false;
    loop {
        let n = r.read(&mut chunk).ok()?;
        if n == 0 {
            return found.then_some(buf);
        }
        buf.extend_from_slice(&chunk[..n]);
        if !found {
            match sheet_data_end(&buf) {
                Some(i) => {
                    buf.drain(..i);
                    found = true;
                }
                // Keep what may be the start of a tag cut by the chunk.
                None => {
                    let keep = buf.len().saturating_sub(32);
                    buf.drain(..keep);
                }
            }
        }
    }
}

/// The index just past the first closing (or self-closing) sheetData tag.
fn sheet_data_end(buf: &[u8]) -> Option<usize> {
    const NAME: &[u8] = b"sheetData";
    let mut from = 0;
    while let Some(k) = buf.get(from..)?.windows(NAME.len()).position(|w| w == NAME) {
        let at = from + k;
        let after = &buf[at + NAME.len()..];
        // A tag only if `<`, an optional `/` and an optional prefix
        // ("x:") stand right before the name (text may hold the word).
        let lt = buf[..at].iter().rposition(|b| *b == b'<');
        let tag = lt.map(|l| {
            let between = &buf[l + 1..at];
            let closing = between.first() == Some(&b'/');
            let prefix = if closing { &between[1..] } else { between };
            let named = prefix.is_empty()
                || (prefix.ends_with(b":") && prefix[..prefix.len() - 1].iter().all(u8::is_ascii_alphanumeric));
            (named, closing)
        });
        match tag {
            Some((true, true)) if after.first() == Some(&b'>') => return Some(at + NAME.len() + 1),
            Some((true, false)) if after.starts_with(b"/>") => return Some(at + NAME.len() + 2),
            _ => {}
        }
        from = at + NAME.len();
    }
    None
}

/// The `attrs` (by local name) of every element whose local name is
/// `local`, in order; elements lacking one are skipped.
fn elements(xml: &str, local: &str, attrs: &[&str]) -> Vec<Vec<String>> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == local => {
                let found: Vec<Option<String>> = attrs
                    .iter()
                    .map(|want| {
                        e.attributes()
                            .flatten()
                            .find(|a| a.key.local_name().as_ref() == *want)
                            .map(|a| a.value.to_string())
                    })
                    .collect();
                if let Some(v) = found.into_iter().collect::<Option<Vec<String>>>() {
                    out.push(v);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// Which part calamine stopped on.
pub(super) fn broken(e: &XlsxError) -> Broken {
    match e {
        XlsxError::Zip(_) | XlsxError::Io(_) => Broken::Zip,
        XlsxError::FileNotFound(_) | XlsxError::RelationshipNotFound => Broken::MissingPart,
        XlsxError::Xml(_)
        | XlsxError::XmlAttr(_)
        | XlsxError::XmlEof(_)
        | XlsxError::UnexpectedNode(_)
        | XlsxError::Parse(_)
        | XlsxError::ParseFloat(_)
        | XlsxError::ParseInt(_)
        | XlsxError::Alphanumeric(_)
        | XlsxError::NumericColumn(_)
        | XlsxError::RangeWithoutColumnComponent
        | XlsxError::RangeWithoutRowComponent
        | XlsxError::ColumnNumberOverflow
        | XlsxError::RowNumberOverflow
        | XlsxError::DimensionCount(_)
        | XlsxError::CellTAttribute(_) => Broken::Xml,
        _ => Broken::Unsupported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tail(xml: &str, chunk: usize) -> Option<String> {
        // A reader that hands out `chunk` bytes at a time, to cut tags.
        struct Slow<'a>(&'a [u8], usize);
        impl Read for Slow<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(self.0.len()).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        after_sheet_data(&mut Slow(xml.as_bytes(), chunk)).map(|b| String::from_utf8(b).expect("utf8"))
    }

    #[test]
    fn the_tail_starts_after_the_closing_sheet_data_tag_however_it_is_cut() {
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="B8:C8"/></mergeCells></worksheet>"#;
        for chunk in [1, 3, 7, 64, 100_000] {
            assert_eq!(
                tail(xml, chunk).as_deref(),
                Some(r#"<mergeCells count="1"><mergeCell ref="B8:C8"/></mergeCells></worksheet>"#)
            );
        }
        let prefixed =
            r#"<x:worksheet><x:sheetData/><x:mergeCells><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>"#;
        assert_eq!(
            tail(prefixed, 5).as_deref(),
            Some(r#"<x:mergeCells><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>"#)
        );
        assert_eq!(
            elements(&tail(prefixed, 5).unwrap_or_default(), "mergeCell", &["ref"]),
            vec![vec!["A1:B1".to_string()]]
        );
    }

    #[test]
    fn a_sheet_without_an_end_of_sheet_data_has_no_tail() {
        assert_eq!(tail("<worksheet><sheetData><row/>", 4), None);
        // The word in a cell's text is not the tag.
        let text =
            r#"<worksheet><sheetData><row><c t="inlineStr"><is><t>sheetData/> and /sheetData></t></is></c></row>"#;
        assert_eq!(tail(text, 6), None);
    }
}
