//! A 自评报告's text, whatever program saved it: the paragraphs (and table
//! rows) of a .docx, a .doc or .wps, or a PDF's text layer, each with where
//! it is in the document, so a finding can say "第 3 页" or "第 12 段".
//!
//! Reports are read without any outside program (the Windows exe and the
//! page do the same), by content rather than name, with the same bounds as
//! workbooks: a file over [`MAX_REPORT_BYTES`] is not opened, a zip's real
//! size is capped, a PDF nested deeper than 64 levels is refused
//! before its parser could recurse that deep.

/// Reports larger than this are not read (a 20-page report is under 2 MB;
/// one with photographs pasted in rarely exceeds 30).
pub const MAX_REPORT_BYTES: usize = 64 * 1024 * 1024;

/// Where a piece of text is in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spot {
    /// The n-th paragraph (1-based), in a Word document.
    Paragraph(u32),
    /// A row of a table (1-based table, 1-based row).
    Row { table: u32, row: u32 },
    /// A page of a PDF (1-based).
    Page(u32),
}

impl std::fmt::Display for Spot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Spot::Paragraph(n) => write!(f, "第 {n} 段"),
            Spot::Row { table, row } => write!(f, "第 {table} 个表格第 {row} 行"),
            Spot::Page(n) => write!(f, "第 {n} 页"),
        }
    }
}

/// One paragraph, table row or page of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub spot: Spot,
    pub text: String,
}

/// What a report file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Docx,
    /// Word 97–2003 (.doc) or WPS (.wps): the Word binary format.
    Doc,
    Pdf,
}

impl Kind {
    pub fn zh(self) -> &'static str {
        match self {
            Kind::Docx => "Word 文档（.docx）",
            Kind::Doc => "Word 97-2003 文档（.doc/.wps）",
            Kind::Pdf => "PDF 文件",
        }
    }
}

/// Why a report's figures could not be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("文件设置了打开密码（已加密），其中的数字未核对")]
    Encrypted,
    #[error("文件已损坏或不完整，其中的数字未核对")]
    Damaged { words: String },
    #[error("文件过大（超过 64 MB），未读取")]
    TooLarge,
    #[error("是扫描件（PDF 没有文字层），其中的数字未核对")]
    Scanned,
    #[error("不是 Word 或 PDF 文件，未读取")]
    NotAReport,
}

impl TextError {
    pub(crate) fn damaged(words: impl std::fmt::Display) -> TextError {
        TextError::Damaged { words: words.to_string() }
    }

    /// The library's own words, for report.json's detail.
    pub fn words(&self) -> Option<&str> {
        match self {
            TextError::Damaged { words } if !words.is_empty() => Some(words),
            _ => None,
        }
    }
}

/// A report's text, piece by piece.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportText {
    pub kind: Kind,
    pub pieces: Vec<Piece>,
}

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
