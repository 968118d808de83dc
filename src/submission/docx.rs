//! A .docx's text: each body paragraph, and each table row with its cells
//! joined, read from `word/document.xml` in one streamed pass.
//!
//! A row is one piece because a report's table says "金额 | 1094" across
//! cells; the words and the figure must be seen together.

use super::text::{Piece, Spot, TextError};
use crate::read::{capped_member, Member};
use quick_xml::events::Event;
use std::io::Cursor;

/// The most a document part may unpack to (a zip bomb stops here).
const MAX_PART_BYTES: u64 = 96 * 1024 * 1024;

pub(super) fn read(bytes: &[u8]) -> Result<Vec<Piece>, TextError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(TextError::damaged)?;
    if zip.index_for_name("EncryptedPackage").is_some() {
        return Err(TextError::Encrypted);
    }
    let xml = capped_member(&mut zip, "word/document.xml", MAX_PART_BYTES).map_err(|e| match e {
        Member::Missing => TextError::NotAReport,
        Member::TooLarge => TextError::TooLarge,
        Member::Broken(e) => TextError::damaged(e),
    })?;
    pieces(&xml)
}

/// Text of paragraphs and table rows, in document order.
fn pieces(xml: &[u8]) -> Result<Vec<Piece>, TextError> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut out = Vec::new();
    let (mut para, mut row, mut cell) = (String::new(), String::new(), String::new());
    // Nesting: tables inside tables count as the outer row.
    let (mut table_depth, mut tables, mut rows, mut paras) = (0u32, 0u32, 0u32, 0u32);
    let mut in_text = false;
    loop {
        match r.read_event().map_err(TextError::damaged)? {
            Event::Eof => break,
            Event::Start(e) => match e.local_name().as_ref() {
                "t" => in_text = true,
                "tbl" => {
                    table_depth += 1;
                    if table_depth == 1 {
                        tables += 1;
                        rows = 0;
                    }
                }
                "tr" if table_depth == 1 => row.clear(),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" => para.push(' '),
                "br" | "cr" => para.push(' '),
                _ => {}
            },
            Event::Text(t) if in_text => para.push_str(&t),
            Event::GeneralRef(g) if in_text => {
                if let Ok(Some(c)) = g.resolve_char_ref() {
                    para.push(c);
                    continue;
                }
                let name: &str = &g;
                let ch = match name {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                };
                para.push_str(ch);
            }
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    let text = std::mem::take(&mut para);
                    if table_depth > 0 {
                        if !cell.is_empty() && !text.is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(&text);
                    } else if !text.trim().is_empty() {
                        paras += 1;
                        out.push(Piece { spot: Spot::Paragraph(paras), text });
                    } else {
                        paras += 1;
                    }
                }
                "tc" => {
                    if !row.is_empty() {
                        row.push_str(" | ");
                    }
                    row.push_str(&std::mem::take(&mut cell));
                }
                "tr" if table_depth == 1 => {
                    rows += 1;
                    let text = std::mem::take(&mut row);
                    if !text.replace('|', "").trim().is_empty() {
                        out.push(Piece { spot: Spot::Row { table: tables, row: rows }, text });
                    }
                }
                "tbl" => table_depth = table_depth.saturating_sub(1),
                _ => {}
            },
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_table_rows_are_pieces_in_order() {
        let xml = r#"<w:document xmlns:w="w"><w:body>
            <w:p><w:r><w:t>支出率为</w:t></w:r><w:r><w:t xml:space="preserve">45.64%</w:t></w:r></w:p>
            <w:p></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>预算指标（万元）</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1094</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:t>A&amp;B</w:t></w:r></w:p>
        </w:body></w:document>"#;
        let got = pieces(xml.as_bytes()).expect("read");
        assert_eq!(
            got,
            vec![
                Piece { spot: Spot::Paragraph(1), text: "支出率为45.64%".into() },
                Piece { spot: Spot::Row { table: 1, row: 1 }, text: "预算指标（万元） | 1094".into() },
                Piece { spot: Spot::Paragraph(3), text: "A&B".into() },
            ]
        );
    }

    #[test]
    fn broken_xml_is_damaged_not_a_panic() {
        assert!(matches!(pieces(b"<w:p><w:t>x</w:p></w:t>"), Err(TextError::Damaged { .. })));
    }
}
