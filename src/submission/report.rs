//! Reads a 自评报告 whatever program saved it, by content rather than
//! name: a PDF, a .docx or a .doc/.wps goes to its reader (`pdf`, `docx`,
//! `doc`), each giving the text of [`super::text`].
//!
//! Reports are read without any outside program (the Windows exe and the
//! page do the same), with the same bounds as workbooks: a file over
//! [`MAX_REPORT_BYTES`] is not opened, a zip's real size is capped, a PDF
//! nested deeper than 64 levels is refused before its parser could recurse
//! that deep.

use super::text::{Kind, ReportText, TextError, MAX_REPORT_BYTES};

/// Reads a report from its bytes, whatever its name says.
pub fn read(bytes: &[u8]) -> Result<ReportText, TextError> {
    if bytes.len() > MAX_REPORT_BYTES {
        return Err(TextError::TooLarge);
    }
    let found = crate::isolate::isolate(|| {
        if bytes.starts_with(b"%PDF") || bytes.get(..1024).is_some_and(|h| h.windows(5).any(|w| w == b"%PDF-")) {
            super::pdf::read(bytes).map(|p| ReportText { kind: Kind::Pdf, pieces: p })
        } else if bytes.starts_with(b"PK\x03\x04") {
            super::docx::read(bytes).map(|p| ReportText { kind: Kind::Docx, pieces: p })
        } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            super::doc::read(bytes).map(|p| ReportText { kind: Kind::Doc, pieces: p })
        } else {
            Err(TextError::NotAReport)
        }
    });
    found.unwrap_or_else(|p| Err(TextError::damaged(p)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submission::text::Spot;

    /// tests/fixtures/reports: one text saved by LibreOffice as .docx,
    /// .doc and .pdf (`soffice --headless --convert-to docx|doc|pdf
    /// source.txt`).
    fn fixture(ext: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/reports/libreoffice.{ext}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(path).expect("fixture")
    }

    fn joined(t: &ReportText) -> String {
        super::super::figures::normalise(&t.pieces.iter().map(|p| p.text.as_str()).collect::<String>())
    }

    #[test]
    fn the_same_text_reads_alike_from_docx_doc_and_pdf() {
        for (ext, kind) in [("docx", Kind::Docx), ("doc", Kind::Doc), ("pdf", Kind::Pdf)] {
            let t = read(&fixture(ext)).unwrap_or_else(|e| panic!("{ext}: {e:?}"));
            assert_eq!(t.kind, kind);
            let text = joined(&t);
            for want in ["预算指标1094万元", "支出率为45.64%", "实际完成35个", "自评等级为优"] {
                assert!(text.contains(want), "{ext}: {want} not in {text}");
            }
        }
    }

    #[test]
    fn a_report_in_pieces_says_where_each_is() {
        let docx = read(&fixture("docx")).expect("docx");
        assert_eq!(docx.pieces[0].spot, Spot::Paragraph(1));
        let pdf = read(&fixture("pdf")).expect("pdf");
        assert!(pdf.pieces.iter().all(|p| p.spot == Spot::Page(1)));
    }

    #[test]
    fn other_bytes_are_not_a_report_and_a_cut_file_is_damaged() {
        assert_eq!(read(b"plain text"), Err(TextError::NotAReport));
        let docx = fixture("docx");
        assert!(matches!(read(&docx[..docx.len() / 2]), Err(TextError::Damaged { .. })));
        let doc = fixture("doc");
        assert!(matches!(read(&doc[..2048]), Err(TextError::Damaged { .. })));
    }
}
