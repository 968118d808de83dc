//! A 自评报告's text, whatever program saved it: the paragraphs (and table
//! rows) of a .docx, a .doc or .wps, or a PDF's text layer, each with where
//! it is in the document, so a finding can say "第 3 页" or "第 12 段".
//!
//! The types every reader shares; which reader a file goes to is
//! [`super::report`]'s to say.

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
