//! .xlsb (Excel's binary workbook) through calamine's cell-by-cell
//! reader, kept to the form's reach as .xlsx is: a stray cell far away
//! costs nothing. Values and formulas are two passes over a sheet's
//! records (calamine reads them with separate readers); both keep only
//! the cells the form can use.
//!
//! A cell record has a short form without its column (MS-XLSB 2.5.10
//! `ShortCell`: the column is the previous cell's plus one). Excel writes
//! the full form; SheetJS and Aspose write the short one for every cell
//! after the first of a row, and calamine 0.38 skips short records
//! without a word: a form read one column wide, every figure "empty".
//! Before calamine sees the package, each short record is rewritten to
//! its full form ([`mended`]), and the sheet list is mended as an
//! .xlsx's is ([`super::repair`]).

use super::records::{put_record, records, Record};
use super::xlsx::Keep;
use super::{convert, Broken, Format, Load, RawWorkbook, ReadError};
use crate::cellref::CellRef;
use calamine::{Data, Reader, Xlsb, XlsbError};
use std::io::Cursor;

pub(super) fn read(bytes: Vec<u8>, load: Load) -> Result<RawWorkbook, ReadError> {
    let bytes = mended(bytes);
    let mut wb: Xlsb<_> = Xlsb::new(Cursor::new(bytes)).map_err(|e| match e {
        XlsbError::Password => ReadError::Encrypted,
        other => ReadError::corrupt(broken(&other), &other),
    })?;
    let names = wb.defined_names().to_vec();
    let mut named_needs = Vec::new();
    let load = super::named_load(load, &names, &mut named_needs);
    let hidden = super::hidden_sheets(wb.sheets_metadata());
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let Some(mut sheet) = super::listed(&name, &hidden, &load, &mut sheets) else { continue };
        let keep = load.keeper(&name);
        match values(&mut wb, &name, &keep) {
            Ok(v) => {
                sheet.cells =
                    v.into_iter().map(|(c, d)| (c, convert(&d))).filter(|(_, v)| *v != super::Value::Empty).collect();
                // A formula the reader cannot parse leaves the cached
                // values, which is what every reader of the file sees.
                if load.wants_formulas(&sheet) {
                    sheet.formulas = formulas(&mut wb, &name, &keep).unwrap_or_default().into_iter().collect();
                }
            }
            Err(e) => sheet.problem = Some(super::SheetProblem::new(broken(&e), &e)),
        }
        sheets.push(sheet);
    }
    Ok(RawWorkbook { format: Format::Xlsb, sheets, names, sha256: None })
}

/// Which part calamine stopped on.
fn broken(e: &XlsbError) -> Broken {
    match e {
        XlsbError::Zip(_) | XlsbError::Io(_) => Broken::Zip,
        XlsbError::FileNotFound(_) => Broken::MissingPart,
        XlsbError::Xml(_) | XlsbError::XmlAttr(_) => Broken::Xml,
        XlsbError::StackLen | XlsbError::Etpg(_) | XlsbError::IfTab(_) | XlsbError::BErr(_) | XlsbError::Ptg(_) => {
            Broken::Records
        }
        _ => Broken::Unsupported,
    }
}

fn values(wb: &mut Xlsb<Cursor<Vec<u8>>>, name: &str, keep: &Keep) -> Result<Vec<(CellRef, Data)>, XlsbError> {
    let mut reader = wb.worksheet_cells_reader(name)?;
    let mut out = Vec::new();
    let mut pulse = crate::isolate::Pulse::default();
    while let Some(cell) = reader.next_cell()? {
        if pulse.stop() {
            break;
        }
        let at = CellRef::new(cell.get_position().0, cell.get_position().1);
        if keep.holds(at) && !matches!(cell.get_value(), calamine::DataRef::Empty) {
            out.push((at, Data::from(cell.get_value().clone())));
        }
    }
    Ok(out)
}

fn formulas(wb: &mut Xlsb<Cursor<Vec<u8>>>, name: &str, keep: &Keep) -> Result<Vec<(CellRef, String)>, XlsbError> {
    let mut reader = wb.worksheet_cells_reader(name)?;
    let mut out = Vec::new();
    let mut pulse = crate::isolate::Pulse::default();
    while let Some(cell) = reader.next_formula()? {
        if pulse.stop() {
            break;
        }
        let at = CellRef::new(cell.get_position().0, cell.get_position().1);
        if keep.holds(at) && !cell.get_value().is_empty() {
            out.push((at, cell.get_value().clone()));
        }
    }
    Ok(out)
}

/// The first short cell record type (BrtShortBlank); the seven short forms
/// 0x0C–0x12 map in order onto the full forms 0x01–0x07.
const SHORT_FIRST: u32 = 0x0C;
const SHORT_LAST: u32 = 0x12;
const FULL_FIRST: u32 = 0x01;
/// BrtRowHdr: a row starts, no cell seen in it yet.
const ROW_HDR: u32 = 0x00;
/// The full cell and formula records (BrtCellBlank … BrtFmlaError), each
/// starting with its column.
const CELLS: std::ops::RangeInclusive<u32> = 0x01..=0x0B;

/// The package with every worksheet's short cell records written in full
/// and its sheet list mended; the bytes unchanged when nothing needs it or
/// the package cannot be rewritten (calamine then reads what it can, and
/// says why if nothing).
fn mended(bytes: Vec<u8>) -> Vec<u8> {
    rewritten(&bytes).unwrap_or(bytes)
}

fn rewritten(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let sheets: Vec<String> = zip
        .file_names()
        .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".bin"))
        .map(str::to_string)
        .collect();
    let mut changed: Vec<(String, Vec<u8>)> = Vec::new();
    for name in sheets {
        let data = super::package::member(&mut zip, &name)?;
        if let Some(full) = full_records(&data) {
            changed.push((name, full));
        }
    }
    if let Some(book) = super::repair::xlsb_workbook(&mut zip) {
        changed.push(("xl/workbook.bin".into(), book));
    }
    if changed.is_empty() {
        return None;
    }
    super::package::replaced(&mut zip, &changed)
}

/// A sheet stream with its short cell records in full form; `None` when
/// it has none (or its records run past its end: left to calamine).
fn full_records(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 4);
    let mut col: Option<u32> = None;
    let mut any = false;
    for r in records(data) {
        let Record { typ, body: record, raw } = r?;
        match typ {
            ROW_HDR => {
                col = None;
                out.extend_from_slice(raw);
            }
            t if CELLS.contains(&t) && record.len() >= 4 => {
                col = Some(u32::from_le_bytes([record[0], record[1], record[2], record[3]]));
                out.extend_from_slice(raw);
            }
            t if (SHORT_FIRST..=SHORT_LAST).contains(&t) => {
                let c = col.map_or(0, |c| c.saturating_add(1));
                col = Some(c);
                any = true;
                put_record(&mut out, t - SHORT_FIRST + FULL_FIRST, &[&c.to_le_bytes()[..], record].concat());
            }
            _ => out.extend_from_slice(raw),
        }
    }
    any.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u32, body: &[u8]) -> Vec<u8> {
        let mut r = Vec::new();
        put_record(&mut r, typ, body);
        r
    }

    #[test]
    fn a_short_cell_gets_the_column_after_the_previous_one() {
        let row = record(ROW_HDR, &[3, 0, 0, 0]);
        // BrtCellReal at column 2, then BrtShortReal, BrtShortSt.
        let real = [&2u32.to_le_bytes()[..], &[0; 4], &1.5f64.to_le_bytes()].concat();
        let short_real = [&[0u8; 4][..], &2.5f64.to_le_bytes()].concat();
        let short_st = [&[0u8; 4][..], &1u32.to_le_bytes(), &[0x41, 0]].concat();
        let data = [row.clone(), record(0x05, &real), record(0x10, &short_real), record(0x11, &short_st)].concat();
        let full = full_records(&data).expect("rewritten");
        let want = [
            row,
            record(0x05, &real),
            record(0x05, &[&3u32.to_le_bytes()[..], &short_real].concat()),
            record(0x06, &[&4u32.to_le_bytes()[..], &short_st].concat()),
        ]
        .concat();
        assert_eq!(full, want);
    }

    #[test]
    fn a_stream_without_short_cells_is_left_alone() {
        let data = [record(ROW_HDR, &[0; 4]), record(0x05, &[0; 16])].concat();
        assert_eq!(full_records(&data), None);
        // A record running past the end: left to calamine.
        assert_eq!(full_records(&[0x10, 0x7F, 0, 0]), None);
    }
}
