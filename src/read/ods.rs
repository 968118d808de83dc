//! .ods through calamine, with the sheet cut to the form's reach first.
//!
//! ODF stores runs of equal rows and cells as one element with a repeat
//! count (`table:number-rows-repeated="1048570"`), and calamine expands
//! every run into a dense grid when it opens the file: a value typed at
//! AZ1048576 costs gigabytes. Before calamine sees `content.xml`, rows and
//! cells past the reach are cut out and repeat counts that cross it are
//! shortened; everything else is copied byte for byte.

use super::{convert_book, Broken, Format, Load, RawWorkbook, Reach, ReadError};
use calamine::{Ods, OdsError, Reader};
use quick_xml::events::{BytesStart, Event};
use std::io::Cursor;

pub(super) fn read(bytes: Vec<u8>, load: Load) -> Result<RawWorkbook, ReadError> {
    let bytes = within(bytes, load.dense_reach())?;
    let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
        OdsError::Password => ReadError::Encrypted,
        e => ReadError::corrupt(broken(&e), &e),
    })?;
    Ok(convert_book(&mut wb, Format::Ods, load))
}

/// Which part calamine stopped on.
fn broken(e: &OdsError) -> Broken {
    match e {
        OdsError::Zip(_) | OdsError::Io(_) | OdsError::InvalidMime(_) => Broken::Zip,
        OdsError::FileNotFound(_) => Broken::MissingPart,
        OdsError::Xml(_) | OdsError::XmlAttr(_) | OdsError::Eof(_) | OdsError::Mismatch { .. } => Broken::Xml,
        _ => Broken::Unsupported,
    }
}

/// The package with `content.xml` cut to `reach`; the bytes unchanged
/// when nothing lies beyond it or the package cannot be read (calamine
/// then says why). Content whose XML or repeat counts cannot be read is
/// refused here: handed on uncut, calamine would expand its runs (found
/// by fuzzing: 800 MB for a 50 KB file).
fn within(bytes: Vec<u8>, reach: Reach) -> Result<Vec<u8>, ReadError> {
    let Ok(mut zin) = zip::ZipArchive::new(Cursor::new(bytes.as_slice())) else { return Ok(bytes) };
    // An ODF package with a password encrypts content.xml: its manifest
    // says so, and the content is not XML to cut.
    let manifest = super::package::member(&mut zin, "META-INF/manifest.xml").unwrap_or_default();
    if manifest.windows(15).any(|w| w == b"encryption-data") {
        return Err(ReadError::Encrypted);
    }
    let Some(content) = super::package::member(&mut zin, "content.xml") else { return Ok(bytes) };
    let cut = match cut_content(&content, reach) {
        Ok(Some(cut)) => cut,
        Ok(None) => return Ok(bytes),
        Err(Unreadable) => return Err(ReadError::corrupt(Broken::Xml, "content.xml: XML or repeat count unreadable")),
    };
    drop(content);
    Ok(super::package::replaced(&mut zin, &[("content.xml".into(), cut)]).unwrap_or(bytes))
}

/// content.xml could not be walked: its XML is broken or a repeat count
/// is not a number.
#[derive(Debug, PartialEq, Eq)]
struct Unreadable;

const ROW: &str = "table:table-row";
const CELLS: [&str; 2] = ["table:table-cell", "table:covered-table-cell"];
const ROWS_REPEATED: &str = "table:number-rows-repeated";
const COLS_REPEATED: &str = "table:number-columns-repeated";

/// `content.xml` with every row at or past `reach.rows` and every cell at
/// or past `reach.cols` removed, and runs crossing the edge shortened;
/// `None` when nothing needed cutting.
fn cut_content(xml: &[u8], reach: Reach) -> Result<Option<Vec<u8>>, Unreadable> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = Vec::with_capacity(xml.len());
    let (mut copied, mut changed) = (0usize, false);
    let (mut row, mut col) = (0u64, 0u64);
    loop {
        let start = reader.buffer_position() as usize;
        let ev = reader.read_event().map_err(|_| Unreadable)?;
        let (e, empty) = match &ev {
            Event::Eof => break,
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            _ => continue,
        };
        let qname = e.name();
        let name = qname.as_ref();
        let (at, limit, attr) = if name == "table:table" {
            row = 0;
            continue;
        } else if name == ROW {
            col = 0;
            (&mut row, reach.rows, ROWS_REPEATED)
        } else if CELLS.contains(&name) {
            (&mut col, reach.cols, COLS_REPEATED)
        } else {
            continue;
        };
        let repeats = repeat_count(e, attr).ok_or(Unreadable)?;
        let here = *at;
        *at = at.saturating_add(repeats);
        if here >= u64::from(limit) {
            // Cut the element and its content.
            if !empty {
                reader.read_to_end(e.name()).map_err(|_| Unreadable)?;
            }
            let end = reader.buffer_position() as usize;
            out.extend_from_slice(xml.get(copied..start).ok_or(Unreadable)?);
            copied = end;
            changed = true;
        } else if here + repeats > u64::from(limit) {
            // Shorten the run to end at the edge.
            let end = reader.buffer_position() as usize;
            out.extend_from_slice(xml.get(copied..start).ok_or(Unreadable)?);
            out.extend(tag_with(e, attr, u64::from(limit) - here, empty));
            copied = end;
            changed = true;
        }
    }
    if !changed {
        return Ok(None);
    }
    out.extend_from_slice(xml.get(copied..).ok_or(Unreadable)?);
    Ok(Some(out))
}

fn repeat_count(e: &BytesStart, attr: &str) -> Option<u64> {
    match e.try_get_attribute(attr).ok()? {
        None => Some(1),
        Some(a) => a.value.trim().parse::<u64>().ok().map(|n| n.max(1)),
    }
}

/// The start tag `e` with attribute `attr` set to `n`, other attributes
/// as they were written.
fn tag_with(e: &BytesStart, attr: &str, n: u64, empty: bool) -> Vec<u8> {
    let mut t = b"<".to_vec();
    t.extend_from_slice(e.name().as_ref().as_bytes());
    for a in e.attributes().flatten() {
        if a.key.as_ref() == attr {
            continue;
        }
        t.push(b' ');
        t.extend_from_slice(a.key.as_ref().as_bytes());
        t.extend_from_slice(b"=\"");
        t.extend_from_slice(a.value.as_bytes());
        t.push(b'"');
    }
    t.push(b' ');
    t.extend_from_slice(attr.as_bytes());
    t.extend_from_slice(format!("=\"{n}\"").as_bytes());
    t.extend_from_slice(if empty { b"/>" } else { b">" });
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    const REACH: Reach = Reach { rows: 3, cols: 2 };

    fn cut(xml: &str) -> Option<String> {
        cut_content(xml.as_bytes(), REACH).expect("readable").map(|b| String::from_utf8(b).expect("utf8"))
    }

    #[test]
    fn a_run_of_rows_crossing_the_edge_is_shortened_and_rows_past_it_cut() {
        let xml = r#"<table:table><table:table-row><table:table-cell><text:p>a</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row><table:table-row><table:table-cell office:value="1"/></table:table-row></table:table>"#;
        let out = cut(xml).expect("cut");
        assert!(out.contains(r#"<table:table-row table:number-rows-repeated="2">"#), "{out}");
        assert!(!out.contains("office:value=\"1\""), "{out}");
        assert!(out.contains("<text:p>a</text:p>"), "{out}");
    }

    #[test]
    fn cells_past_the_last_column_are_cut_and_each_table_counts_from_its_top() {
        let xml = r#"<table:table><table:table-row><table:table-cell/><table:table-cell table:number-columns-repeated="16000" table:style-name="x"/><table:table-cell><text:p>far</text:p></table:table-cell></table:table-row></table:table><table:table><table:table-row><table:table-cell><text:p>b</text:p></table:table-cell></table:table-row></table:table>"#;
        let out = cut(xml).expect("cut");
        assert!(out.contains(r#"<table:table-cell table:style-name="x" table:number-columns-repeated="1"/>"#), "{out}");
        assert!(!out.contains("far"), "{out}");
        assert!(out.contains("<text:p>b</text:p>"), "{out}");
    }

    #[test]
    fn a_table_within_reach_is_not_rewritten() {
        let xml = r#"<table:table><table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="2"/></table:table-row></table:table>"#;
        assert_eq!(cut(xml), None);
    }

    #[test]
    fn content_that_cannot_be_walked_is_refused_not_handed_on_uncut() {
        // A repeat count that is not a number, and XML cut short: calamine
        // would expand the runs of the uncut content.
        let bad_count = r#"<table:table><table:table-row table:number-rows-repeated="1048576x"><table:table-cell/></table:table-row></table:table>"#;
        assert_eq!(cut_content(bad_count.as_bytes(), REACH), Err(Unreadable));
        let broken = r#"<table:table><table:table-row table:number-rows-repeated="5"></table:table"#;
        assert_eq!(cut_content(broken.as_bytes(), REACH), Err(Unreadable));
    }
}
