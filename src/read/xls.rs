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

use super::{convert_book, Format, Load, RawWorkbook, Reach, ReadError};
use calamine::{Reader, Xls, XlsError};
use std::io::{Cursor, Read, Seek, SeekFrom, Write};

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

pub(super) fn read(bytes: Vec<u8>, load: Load) -> Result<RawWorkbook, ReadError> {
    let encrypted = super::contains_utf16(&bytes, "EncryptedPackage");
    let bytes = within(bytes, load.dense_reach());
    let mut wb: Xls<_> = match Xls::new(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(_) if encrypted => return Err(ReadError::Encrypted),
        // calamine's own variant says a password protects the file.
        Err(XlsError::Password) => return Err(ReadError::Encrypted),
        Err(e) => return Err(ReadError::Corrupt(zh(&e))),
    };
    Ok(convert_book(&mut wb, Format::Xls, load))
}

/// The file with its far cells and size claims renamed away; the bytes
/// unchanged when the container cannot be opened (calamine then says
/// why) or the workbook is encrypted.
fn within(bytes: Vec<u8>, reach: Reach) -> Vec<u8> {
    pruned(&bytes, reach).unwrap_or(bytes)
}

/// A copy with the workbook stream pruned; `None` when nothing is beyond
/// the reach (the common case costs one read of the stream, no copy).
fn pruned(bytes: &[u8], reach: Reach) -> Option<Vec<u8>> {
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes)).ok()?;
    let name = if cfb.is_stream("/Workbook") { "/Workbook" } else { "/Book" };
    let mut biff = Vec::new();
    cfb.open_stream(name).ok()?.read_to_end(&mut biff).ok()?;
    if !prune(&mut biff, reach) {
        return None;
    }
    // Same length, so the stream is overwritten in place.
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes.to_vec())).ok()?;
    let mut stream = cfb.open_stream(name).ok()?;
    stream.seek(SeekFrom::Start(0)).ok()?;
    stream.write_all(&biff).ok()?;
    stream.flush().ok()?;
    drop(stream);
    cfb.flush().ok()?;
    Some(cfb.into_inner().into_inner())
}

/// Renames, in place, the cell records outside `reach` (and a formula's
/// text result with its formula) and every DIMENSIONS record. Returns
/// whether anything changed; an encrypted stream is left as it is.
fn prune(biff: &mut [u8], reach: Reach) -> bool {
    let u16_at = |b: &[u8], i: usize| b.get(i..i + 2).map(|s| u16::from_le_bytes([s[0], s[1]]));
    let mut changed = false;
    let mut pos = 0;
    let mut formula_dropped = false;
    while let (Some(typ), Some(len)) = (u16_at(biff, pos), u16_at(biff, pos + 2)) {
        let data = pos + 4;
        let end = data + len as usize;
        if end > biff.len() || typ == FILEPASS {
            break;
        }
        let drop = if typ == DIMENSIONS {
            true
        } else if typ == STRING {
            formula_dropped
        } else if CELL_RECORDS.contains(&typ) {
            let (row, col) = (u16_at(biff, data).unwrap_or(0), u16_at(biff, data + 2).unwrap_or(0));
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
    changed
}

fn zh(e: &XlsError) -> String {
    match e {
        XlsError::Cfb(_) | XlsError::Io(_) | XlsError::EoStream(_) | XlsError::Len { .. } => {
            "文件结构损坏，可能是下载或拷贝不完整".into()
        }
        other => format!("读取库报告：{other}"),
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
        assert!(prune(&mut biff, reach));
        assert_eq!(types(&biff), vec![IGNORED, 0x0203, IGNORED, IGNORED, IGNORED, FORMULA, STRING, IGNORED]);
    }

    #[test]
    fn a_stream_within_reach_is_left_alone() {
        let mut biff = [cell(0x0203, 0, 0), cell(0x0204, 99, 19)].concat();
        let before = biff.clone();
        assert!(!prune(&mut biff, Reach { rows: 100, cols: 20 }));
        assert_eq!(biff, before);
    }

    #[test]
    fn an_encrypted_stream_is_not_touched_past_filepass() {
        let mut biff = [record(FILEPASS, &[0; 6]), cell(0x0203, 60000, 0)].concat();
        assert!(!prune(&mut biff, Reach { rows: 100, cols: 20 }));
    }
}
