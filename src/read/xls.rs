//! .xls (BIFF) through calamine, with the cells the form cannot use
//! taken out first.
//!
//! calamine parses every sheet of an .xls when it opens it and builds a
//! dense grid over each sheet's cells, reserving what the DIMENSIONS
//! record claims: a 41 KB file declaring 65,536 × 256 cells costs half a
//! gigabyte, and one stray value in row 65,536 does the same. Before
//! calamine sees the bytes, every cell record outside the reach is renamed
//! to a record type no reader knows (same length, so every stream offset
//! stays valid) and the DIMENSIONS records likewise; calamine skips them.

use super::{convert_book, Broken, Format, Load, RawWorkbook, Reach, ReadError};
use calamine::{Reader, Xls, XlsError};
use std::io::{Cursor, Read, Write};

/// A record type no BIFF version assigns: readers skip it.
const IGNORED: u16 = 0x1FFF;
const DIMENSIONS: u16 = 0x0200;
const FORMULA: u16 = 0x0006;
/// A formula's text result, right after its FORMULA record.
const STRING: u16 = 0x0207;
/// FILEPASS: the rest of the stream is encrypted; leave it to calamine.
const FILEPASS: u16 = 0x002F;
/// Records that hold cells, each starting with its row and column (u16).
const CELL_RECORDS: [u16; 11] = [
    0x0201, // BLANK
    0x0203, // NUMBER
    0x0204, // LABEL
    0x0205, // BOOLERR
    0x027E, // RK
    0x00BD, // MULRK
    0x00BE, // MULBLANK
    0x00D6, // RSTRING
    0x00FD, // LABELSST
    FORMULA, 0x0406, // FORMULA (BIFF4)
];
/// Cell records holding a run of columns, the last one in their last two
/// bytes.
const MULTI_RECORDS: [u16; 2] = [0x00BD, 0x00BE];

pub(super) fn read(bytes: Vec<u8>, load: Load) -> Result<RawWorkbook, ReadError> {
    let clean = rebuilt(&bytes, load.dense_reach())?;
    drop(bytes);
    let mut wb: Xls<_> = match Xls::new(Cursor::new(clean)) {
        Ok(wb) => wb,
        // calamine's own variant says a password protects the file.
        Err(XlsError::Password) => return Err(ReadError::Encrypted),
        Err(e) => return Err(ReadError::corrupt(broken(&e), &e)),
    };
    Ok(convert_book(&mut wb, Format::Xls, load))
}

/// The workbook stream alone, in a compound file of its own.
///
/// calamine follows an OLE sector chain wherever it points: a 1 KB file
/// whose chain points back at itself (PhpSpreadsheet's `oleloop.xls`)
/// makes it allocate without end, and a thread cannot be stopped from
/// outside. The `cfb` crate refuses such a file at once (every sector may
/// be pointed to once; a chain that returns to its start is an error), so
/// it opens the container, the workbook stream is read out through it and
/// written into a fresh container with nothing else: calamine never sees
/// a chain `cfb` did not build. The stream's far cells are pruned on the
/// way ([`prune`]). The cost is one copy of a small file.
fn rebuilt(bytes: &[u8], reach: Reach) -> Result<Vec<u8>, ReadError> {
    let mut ole = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| ReadError::corrupt(Broken::Ole, e))?;
    // An .xlsx with an open password is an OLE file holding the package
    // encrypted (MS-OFFCRYPTO).
    if ole.is_stream("/EncryptedPackage") || ole.is_stream("/EncryptionInfo") {
        return Err(ReadError::Encrypted);
    }
    let Some(name) = ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"].into_iter().find(|n| ole.is_stream(n)) else {
        return Err(ReadError::NotSpreadsheet(other_ole(&ole)));
    };
    let mut biff = Vec::new();
    ole.open_stream(name).and_then(|mut s| s.read_to_end(&mut biff)).map_err(|e| ReadError::corrupt(Broken::Ole, e))?;
    match prune(&mut biff, reach) {
        Stream::Walked { .. } => {}
        Stream::Encrypted => return Err(ReadError::Encrypted),
        Stream::Misplaced => {
            return Err(ReadError::corrupt(Broken::Records, "BoundSheet8 position is not a BOF record"))
        }
    }
    compound_with_workbook(&biff).map_err(|e| ReadError::corrupt(Broken::Internal, e))
}

/// A compound file holding `biff` as its one stream, `/Workbook`: version 3
/// (512-byte sectors), as Excel writes .xls, since calamine refuses a
/// version 4 file whose root has no mini stream (a workbook stream of
/// 4 KB or more). The fuzz target for .xls builds its inputs with it too.
pub(crate) fn compound_with_workbook(biff: &[u8]) -> std::io::Result<Vec<u8>> {
    let capacity = biff.len() + 4096;
    let mut out = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::with_capacity(capacity)))?;
    let mut stream = out.create_stream("/Workbook")?;
    stream.write_all(biff)?;
    stream.flush()?;
    drop(stream);
    out.flush()?;
    Ok(out.into_inner().into_inner())
}

/// What an OLE file without a workbook stream is, by its streams.
fn other_ole<F>(ole: &cfb::CompoundFile<F>) -> &'static str {
    if ole.is_stream("/WordDocument") {
        "是 Word 文档（.doc），不是工作簿"
    } else if ole.is_stream("/PowerPoint Document") {
        "是 PowerPoint 演示文稿，不是工作簿"
    } else {
        "是 OLE 复合文档，但其中没有工作簿"
    }
}

/// What the walk over a workbook stream found.
#[derive(Debug, PartialEq, Eq)]
enum Stream {
    /// Records end to end; far cells renamed (whether any were).
    Walked { changed: bool },
    /// A FILEPASS record: the rest is encrypted.
    Encrypted,
    /// A sheet's recorded position is not where one of its records starts.
    Misplaced,
}

/// BoundSheet8: a sheet's name and where its records start in the stream.
const BOUNDSHEET: u16 = 0x0085;
/// BOF: the first record of every substream (BIFF5 and BIFF8).
const BOF: u16 = 0x0809;

/// Renames, in place, the cell records outside `reach` (and a formula's
/// text result with its formula) and every DIMENSIONS record.
///
/// calamine reads each sheet from the position its BoundSheet8 record
/// gives, not by walking the stream: a position inside another record's
/// data makes it read that data as records this walk never saw (a cell
/// at row 65,535, a grid of billions - found by fuzzing). So every sheet
/// position must be the start of a BOF record on the walk, or the stream
/// is [`Stream::Misplaced`]; Excel and LibreOffice always write them so.
fn prune(biff: &mut [u8], reach: Reach) -> Stream {
    let u16_at = |b: &[u8], i: usize| b.get(i..i + 2).map(|s| u16::from_le_bytes([s[0], s[1]]));
    let mut changed = false;
    let mut pos = 0;
    let mut formula_dropped = false;
    let mut starts = Vec::new();
    let mut sheets = Vec::new();
    while let (Some(typ), Some(len)) = (u16_at(biff, pos), u16_at(biff, pos + 2)) {
        let data = pos + 4;
        let end = data + len as usize;
        if typ == FILEPASS {
            return Stream::Encrypted;
        }
        if end > biff.len() {
            break;
        }
        starts.push((pos, typ));
        if typ == BOUNDSHEET && len >= 4 {
            sheets.push(u32::from_le_bytes([biff[data], biff[data + 1], biff[data + 2], biff[data + 3]]) as usize);
        }
        let drop = if typ == DIMENSIONS {
            true
        } else if typ == STRING {
            formula_dropped
        } else if CELL_RECORDS.contains(&typ) {
            let row = u16_at(biff, data).unwrap_or(0);
            // A run of cells (MULRK, MULBLANK) ends with its last column.
            let col = if MULTI_RECORDS.contains(&typ) { u16_at(biff, end.saturating_sub(2)) } else { None };
            let col = col.or(u16_at(biff, data + 2)).unwrap_or(0);
            let far = !reach.holds(crate::cellref::CellRef::new(row as u32, col as u32));
            if typ == FORMULA || typ == 0x0406 {
                formula_dropped = far;
            }
            far
        } else {
            false
        };
        if drop {
            biff[pos..pos + 2].copy_from_slice(&IGNORED.to_le_bytes());
            changed = true;
        }
        pos = end;
    }
    let at_bof = |p: usize| starts.binary_search_by_key(&p, |(s, _)| *s).is_ok_and(|i| starts[i].1 == BOF);
    if sheets.iter().all(|p| at_bof(*p)) {
        Stream::Walked { changed }
    } else {
        Stream::Misplaced
    }
}

/// Which part calamine stopped on.
fn broken(e: &XlsError) -> Broken {
    match e {
        XlsError::Cfb(_) | XlsError::Io(_) => Broken::Ole,
        XlsError::StackLen | XlsError::Unrecognized { .. } | XlsError::Len { .. } | XlsError::EoStream(_) => {
            Broken::Records
        }
        _ => Broken::Unsupported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    fn cell(typ: u16, row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0u8; 16]);
        record(typ, &d)
    }

    fn types(biff: &[u8]) -> Vec<u16> {
        let mut out = Vec::new();
        let mut pos = 0;
        while pos + 4 <= biff.len() {
            out.push(u16::from_le_bytes([biff[pos], biff[pos + 1]]));
            pos += 4 + u16::from_le_bytes([biff[pos + 2], biff[pos + 3]]) as usize;
        }
        out
    }

    #[test]
    fn far_cells_and_size_claims_are_renamed_near_ones_kept() {
        let reach = Reach { rows: 100, cols: 20 };
        let mut biff = [
            record(DIMENSIONS, &[0; 14]),
            cell(0x0203, 99, 19), // the last cell inside
            cell(0x0203, 100, 0), // one row past
            cell(FORMULA, 65535, 0),
            record(STRING, &[1, 0, 0, b'x']),
            cell(FORMULA, 3, 3),
            record(STRING, &[1, 0, 0, b'y']),
            cell(0x00FD, 5, 20), // one column past
        ]
        .concat();
        assert_eq!(prune(&mut biff, reach), Stream::Walked { changed: true });
        assert_eq!(types(&biff), vec![IGNORED, 0x0203, IGNORED, IGNORED, IGNORED, FORMULA, STRING, IGNORED]);
    }

    #[test]
    fn a_stream_within_reach_is_left_alone() {
        let mut biff = [cell(0x0203, 0, 0), cell(0x0204, 99, 19)].concat();
        let before = biff.clone();
        assert_eq!(prune(&mut biff, Reach { rows: 100, cols: 20 }), Stream::Walked { changed: false });
        assert_eq!(biff, before);
    }

    #[test]
    fn a_form_saved_by_libreoffice_reads_through_the_rebuilt_container() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/formats/01_汕头市.xls");
        let bytes = std::fs::read(path).expect("fixture");
        let book = crate::read::read_bytes(bytes, "xls").expect("read");
        assert!(book.sheets.iter().any(|s| s.name == "资金执行" && !s.cells.is_empty()), "{:?}", book.sheets);
    }

    #[test]
    fn a_chain_that_loops_is_refused_at_once() {
        // PhpSpreadsheet's tests/data/Reader/XLS/oleloop.xls (1 KB): calamine
        // followed its chain without end.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/outside/oleloop.xls");
        let bytes = std::fs::read(path).expect("fixture");
        let e = crate::read::read_bytes(bytes, "xls").expect_err("refused");
        assert!(matches!(e, ReadError::Corrupt { why: Broken::Ole, .. }), "{e:?}");
    }

    #[test]
    fn an_encrypted_stream_is_not_touched_past_filepass() {
        let mut biff = [record(FILEPASS, &[0; 6]), cell(0x0203, 60000, 0)].concat();
        let before = biff.clone();
        assert_eq!(prune(&mut biff, Reach { rows: 100, cols: 20 }), Stream::Encrypted);
        assert_eq!(biff, before);
    }

    #[test]
    fn a_run_of_cells_ending_past_the_reach_is_renamed() {
        // MULRK at row 1 from column 2 to column 30: the last column is far.
        let mut run = 1u16.to_le_bytes().to_vec();
        run.extend(2u16.to_le_bytes());
        run.extend(std::iter::repeat_n(0u8, 6 * 29));
        run.extend(30u16.to_le_bytes());
        let mut biff = record(0x00BD, &run);
        assert_eq!(prune(&mut biff, Reach { rows: 100, cols: 20 }), Stream::Walked { changed: true });
        let mut near = record(0x00BD, &run);
        assert_eq!(prune(&mut near, Reach { rows: 100, cols: 31 }), Stream::Walked { changed: false });
    }

    #[test]
    fn a_sheet_position_inside_another_record_is_refused_one_at_a_bof_kept() {
        // The globals' BOF, a BoundSheet8 pointing at the sheet's BOF, the
        // sheet's BOF: sound. Pointing 2 bytes into it: misplaced.
        let bof = record(BOF, &[0; 16]);
        let sheet_at = |p: u32| record(BOUNDSHEET, &[&p.to_le_bytes()[..], &[0, 0, 1, 0, b'A']].concat());
        let globals = bof.len() + sheet_at(0).len();
        let mut sound = [bof.clone(), sheet_at(globals as u32), bof.clone()].concat();
        assert_eq!(prune(&mut sound, Reach { rows: 100, cols: 20 }), Stream::Walked { changed: false });
        let mut inside = [bof.clone(), sheet_at(globals as u32 + 2), bof].concat();
        assert_eq!(prune(&mut inside, Reach { rows: 100, cols: 20 }), Stream::Misplaced);
    }
}
