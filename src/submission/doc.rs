//! A Word 97–2003 (.doc) or WPS (.wps) document's text, from its piece
//! table (MS-DOC 2.8.35 PlcPcd): the `cfb` crate opens the container, the
//! File Information Block says where the piece table is, and each piece
//! says where its characters are in the WordDocument stream (8-bit or
//! UTF-16). Only the main text is read (the first `ccpText` characters).
//!
//! Every number read from the file is checked before it is used: pieces
//! must cover increasing character positions inside the stream, so a piece
//! table that loops or points outside it is a damaged file, not a hang.

use super::text::{Piece, Spot, TextError};
use std::io::{Cursor, Read};

/// More characters than any report holds (a 300-page book has ~600,000).
const MAX_CHARS: u32 = 20_000_000;

pub(super) fn read(bytes: &[u8]) -> Result<Vec<Piece>, TextError> {
    let mut ole = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(TextError::damaged)?;
    if ole.is_stream("/EncryptedPackage") {
        return Err(TextError::Encrypted);
    }
    if !ole.is_stream("/WordDocument") {
        return Err(TextError::NotAReport);
    }
    let word = stream(&mut ole, "/WordDocument")?;
    let fib = Fib::parse(&word)?;
    if fib.encrypted {
        return Err(TextError::Encrypted);
    }
    let table = stream(&mut ole, if fib.table1 { "/1Table" } else { "/0Table" })?;
    let clx = table
        .get(fib.fc_clx as usize..(fib.fc_clx as usize).saturating_add(fib.lcb_clx as usize))
        .ok_or_else(|| TextError::damaged("Clx outside the table stream"))?;
    let text = main_text(&word, clx, fib.ccp_text)?;
    Ok(split(&text))
}

fn stream<F: Read + std::io::Seek>(ole: &mut cfb::CompoundFile<F>, name: &str) -> Result<Vec<u8>, TextError> {
    let mut out = Vec::new();
    ole.open_stream(name).and_then(|mut s| s.read_to_end(&mut out)).map_err(TextError::damaged)?;
    Ok(out)
}

/// What the text needs from the File Information Block.
struct Fib {
    encrypted: bool,
    table1: bool,
    ccp_text: u32,
    fc_clx: u32,
    lcb_clx: u32,
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

impl Fib {
    fn parse(w: &[u8]) -> Result<Fib, TextError> {
        let bad = || TextError::damaged("File Information Block cut short");
        if u16_at(w, 0) != Some(0xA5EC) {
            return Err(TextError::damaged("not a Word document (wIdent)"));
        }
        let flags = u16_at(w, 0x0A).ok_or_else(bad)?;
        // FibBase is 32 bytes; then csw, fibRgW, cslw, fibRgLw, cbRgFcLcb.
        let csw = u16_at(w, 32).ok_or_else(bad)? as usize;
        let lw = 32 + 2 + csw * 2;
        let cslw = u16_at(w, lw).ok_or_else(bad)? as usize;
        let ccp_text = u32_at(w, lw + 2 + 12).ok_or_else(bad)?;
        let fc = lw + 2 + cslw * 4 + 2;
        // fcClx/lcbClx are the 34th pair of FibRgFcLcb97.
        Ok(Fib {
            encrypted: flags & 0x0100 != 0,
            table1: flags & 0x0200 != 0,
            ccp_text,
            fc_clx: u32_at(w, fc + 33 * 8).ok_or_else(bad)?,
            lcb_clx: u32_at(w, fc + 33 * 8 + 4).ok_or_else(bad)?,
        })
    }
}

/// The main text, piece by piece.
fn main_text(word: &[u8], clx: &[u8], ccp_text: u32) -> Result<String, TextError> {
    let plc = piece_table(clx)?;
    let n = (plc.len().saturating_sub(4)) / 12;
    let cp = |i: usize| u32_at(plc, i * 4).unwrap_or(0);
    let mut out = String::new();
    let mut chars = 0u32;
    for i in 0..n {
        let (start, end) = (cp(i), cp(i + 1));
        if end <= start || start >= ccp_text {
            if end < start {
                return Err(TextError::damaged("piece table runs backwards"));
            }
            continue;
        }
        let count = end.min(ccp_text) - start;
        chars = chars.saturating_add(count);
        if chars > MAX_CHARS {
            return Err(TextError::TooLarge);
        }
        let pcd = (n + 1) * 4 + i * 8;
        let fc = u32_at(plc, pcd + 2).ok_or_else(|| TextError::damaged("piece cut short"))?;
        let (compressed, at) = (fc & 0x4000_0000 != 0, (fc & 0x3FFF_FFFF) as usize);
        let outside = || TextError::damaged("piece outside the WordDocument stream");
        if compressed {
            let from = at / 2;
            let bytes = word.get(from..from + count as usize).ok_or_else(outside)?;
            out.extend(bytes.iter().map(|&b| char::from(b)));
        } else {
            let bytes = word.get(at..at + 2 * count as usize).ok_or_else(outside)?;
            let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
            out.push_str(&String::from_utf16_lossy(&units));
        }
    }
    Ok(out)
}

/// The PlcPcd inside a Clx: past the Prc entries (0x01 and a size), the
/// Pcdt (0x02, its size, the table).
fn piece_table(clx: &[u8]) -> Result<&[u8], TextError> {
    let mut i = 0;
    while clx.get(i) == Some(&0x01) {
        let size = u16_at(clx, i + 1).ok_or_else(|| TextError::damaged("Prc cut short"))? as usize;
        i += 3 + size;
    }
    if clx.get(i) != Some(&0x02) {
        return Err(TextError::damaged("no piece table"));
    }
    let lcb = u32_at(clx, i + 1).ok_or_else(|| TextError::damaged("Pcdt cut short"))? as usize;
    clx.get(i + 5..(i + 5).saturating_add(lcb)).ok_or_else(|| TextError::damaged("piece table cut short"))
}

/// Paragraphs (ended by \r) and table rows (cells ended by \x07, a row by
/// a second \x07); field codes (between \x13 and \x14) left out, their
/// results kept.
fn split(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let (mut cur, mut cells) = (String::new(), Vec::<String>::new());
    let (mut paras, mut rows, mut field) = (0u32, 0u32, 0u32);
    let mut last_cell_end = false;
    for ch in text.chars() {
        match ch {
            // A field's code (\x13 code \x14 result \x15) is not text; its
            // result is.
            '\u{13}' => field += 1,
            '\u{14}' | '\u{15}' if field > 0 => field -= 1,
            _ if field > 0 => {}
            '\r' if !cells.is_empty() || last_cell_end => cur.push(' '),
            '\r' => {
                paras += 1;
                let t = std::mem::take(&mut cur);
                if !t.trim().is_empty() {
                    out.push(Piece { spot: Spot::Paragraph(paras), text: t });
                }
            }
            '\u{7}' if last_cell_end && cur.trim().is_empty() => {
                rows += 1;
                cur.clear();
                let row = std::mem::take(&mut cells).join(" | ");
                if !row.replace('|', "").trim().is_empty() {
                    out.push(Piece { spot: Spot::Row { table: 1, row: rows }, text: row });
                }
                last_cell_end = false;
                continue;
            }
            '\u{7}' => {
                cells.push(std::mem::take(&mut cur).trim().to_string());
                last_cell_end = true;
                continue;
            }
            '\u{b}' | '\u{c}' | '\t' => cur.push(' '),
            c if (c as u32) < 0x20 => {}
            c => cur.push(c),
        }
        if !cur.is_empty() {
            last_cell_end = false;
        }
    }
    if !cur.trim().is_empty() {
        out.push(Piece { spot: Spot::Paragraph(paras + 1), text: cur });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_rows_and_fields_are_split_as_word_lays_them() {
        let text = "第一段\r第\u{13} PAGE \u{14}3\u{15}页支出率45.64%\r预算指标\u{7}1094\u{7}\u{7}末段";
        let got = split(text);
        assert_eq!(
            got,
            vec![
                Piece { spot: Spot::Paragraph(1), text: "第一段".into() },
                Piece { spot: Spot::Paragraph(2), text: "第3页支出率45.64%".into() },
                Piece { spot: Spot::Row { table: 1, row: 1 }, text: "预算指标 | 1094".into() },
                Piece { spot: Spot::Paragraph(3), text: "末段".into() },
            ]
        );
    }

    #[test]
    fn a_piece_table_running_backwards_or_outside_is_damaged() {
        // Pcdt with two pieces: CPs 0, 10, 5 (backwards).
        let mut plc = Vec::new();
        for cp in [0u32, 10, 5] {
            plc.extend(cp.to_le_bytes());
        }
        for _ in 0..2 {
            plc.extend([0u8, 0]);
            plc.extend(0x4000_0000u32.to_le_bytes());
            plc.extend([0u8, 0]);
        }
        let clx = [&[0x02u8][..], &(plc.len() as u32).to_le_bytes(), &plc].concat();
        assert!(matches!(main_text(&[b'a'; 20], &clx, 100), Err(TextError::Damaged { .. })));
        // A piece pointing past the stream.
        let mut far = Vec::new();
        for cp in [0u32, 10] {
            far.extend(cp.to_le_bytes());
        }
        far.extend([0u8, 0]);
        far.extend((0x4000_0000u32 | 2_000_000).to_le_bytes());
        far.extend([0u8, 0]);
        let clx = [&[0x02u8][..], &(far.len() as u32).to_le_bytes(), &far].concat();
        assert!(matches!(main_text(&[b'a'; 20], &clx, 100), Err(TextError::Damaged { .. })));
    }
}
