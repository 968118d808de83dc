//! A PDF's text layer, page by page, through `lopdf`.
//!
//! lopdf (MIT, maintained since 2016, pure Rust: it builds for the Windows
//! exe and for the page's WebAssembly alike) parses the file and decodes
//! each page's text through its fonts' ToUnicode maps, which is how Word,
//! WPS and LibreOffice export Chinese. They also put runs of CJK and digits
//! in separate text objects ("1094 万元"), which comes out as line breaks:
//! [`super::figures`] reads a page's text with all white space removed.
//!
//! Before lopdf sees the bytes, the nesting of arrays and dictionaries is
//! measured ([`nesting`]): its parser recurses once per level, and a file
//! nested a million deep would overflow the stack, which no thread
//! survives. A file with no text on any page is a scan.

use super::text::{Piece, Spot, TextError};

/// Deeper nesting than this is refused (real files stay under 10).
pub const MAX_NESTING: usize = 64;
/// Pages read at most (a report is tens of pages).
const MAX_PAGES: usize = 2_000;

pub(super) fn read(bytes: &[u8]) -> Result<Vec<Piece>, TextError> {
    if nesting(bytes) > MAX_NESTING {
        return Err(TextError::damaged(format!("nesting deeper than {MAX_NESTING}")));
    }
    let doc = match lopdf::Document::load_mem(bytes) {
        Ok(d) => d,
        Err(lopdf::Error::Decryption(_)) | Err(lopdf::Error::UnsupportedSecurityHandler(_)) => {
            return Err(TextError::Encrypted)
        }
        Err(e) => return Err(TextError::damaged(e)),
    };
    if doc.is_encrypted() {
        return Err(TextError::Encrypted);
    }
    let mut out = Vec::new();
    for (n, (page, _)) in doc.get_pages().into_iter().take(MAX_PAGES).enumerate() {
        let text = doc.extract_text(&[page]).unwrap_or_default();
        if !text.trim().is_empty() {
            out.push(Piece { spot: Spot::Page(n as u32 + 1), text });
        }
    }
    if out.is_empty() {
        return Err(TextError::Scanned);
    }
    Ok(out)
}

/// The deepest nesting of `[` and `<<` outside strings and streams, counted
/// on the raw bytes (a cheap upper bound of what the parser will recurse).
fn nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    let mut string = 0usize; // depth of ( ) in a literal string
    while i < bytes.len() {
        let b = bytes[i];
        if string > 0 {
            match b {
                b'\\' => i += 1,
                b'(' => string += 1,
                b')' => string -= 1,
                _ => {}
            }
        } else {
            match b {
                b'(' => string = 1,
                b'[' => depth += 1,
                b'<' if bytes.get(i + 1) == Some(&b'<') => {
                    depth += 1;
                    i += 1;
                }
                b']' => depth = depth.saturating_sub(1),
                b'>' if bytes.get(i + 1) == Some(&b'>') => {
                    depth = depth.saturating_sub(1);
                    i += 1;
                }
                b's' if bytes[i..].starts_with(b"stream") && !bytes[..i].ends_with(b"end") => {
                    // Skip binary stream data to its end.
                    match find(&bytes[i..], b"endstream") {
                        Some(k) => i += k + 8,
                        None => break,
                    }
                }
                b'%' => {
                    while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                        i += 1;
                    }
                }
                _ => {}
            }
        }
        deepest = deepest.max(depth);
        i += 1;
    }
    deepest
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_outside_strings_and_streams() {
        assert_eq!(nesting(b"<< /A [1 2 [3]] >>"), 3);
        assert_eq!(nesting(b"<< /A (a [[[[ string) >>"), 1);
        assert_eq!(nesting(b"1 0 obj << /Length 4 >> stream\n[[[[\nendstream"), 1);
        let deep = [b"[".repeat(100_000), b"]".repeat(100_000)].concat();
        assert!(nesting(&deep) > MAX_NESTING);
        assert!(matches!(read(&[b"%PDF-1.7\n".to_vec(), deep].concat()), Err(TextError::Damaged { .. })));
    }

    #[test]
    fn garbage_after_the_header_is_damaged() {
        assert!(matches!(read(b"%PDF-1.7\nnot really"), Err(TextError::Damaged { .. })));
    }
}
