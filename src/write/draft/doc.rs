//! The Word document: fonts, sizes, headings, tables, and the zip patch that makes table header rows repeat across pages.

use super::*;

/// The document being built, with the official formatting in one place.
pub(super) struct Doc {
    pub(super) docx: Docx,
}

pub(super) fn fonts(east: &str) -> RunFonts {
    RunFonts::new().east_asia(east).ascii(east).hi_ansi(east)
}

pub(super) fn fixed_28pt() -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(560)
}

impl Doc {
    /// A document whose every page carries the result's `fingerprint`
    /// (header, right) and its page number (footer).
    pub(super) fn new(fingerprint: &str) -> Self {
        let header = Header::new().add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Right)
                .add_run(Run::new().add_text(format!("指纹：{fingerprint}")).fonts(fonts("宋体")).size(18)),
        );
        let footer = Footer::new().add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text("第 ").fonts(fonts("宋体")).size(24))
                .add_page_num(PageNum::new())
                .add_run(Run::new().add_text(" 页").fonts(fonts("宋体")).size(24)),
        );
        let docx = Docx::new()
            .page_size(11906, 16838)
            .page_margin(PageMargin::new().top(2098).bottom(1984).left(1587).right(1474).header(851).footer(992))
            .default_fonts(fonts(BODY_FONT))
            .default_size(SIZE_BODY)
            .header(header)
            .footer(footer)
            .custom_property(crate::marker::PROPERTY, "自评报告初稿");
        Doc { docx }
    }

    pub(super) fn push(&mut self, p: Paragraph) {
        let d = std::mem::take(&mut self.docx);
        self.docx = d.add_paragraph(p);
    }

    pub(super) fn title(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().after(400))
                .add_run(Run::new().add_text(text).fonts(fonts(TITLE_FONT)).size(SIZE_TITLE)),
        );
    }

    pub(super) fn heading(&mut self, text: &str, font: &str, bold: bool) {
        let mut run = Run::new().add_text(text).fonts(fonts(font)).size(SIZE_BODY);
        if bold {
            run = run.bold();
        }
        self.push(
            Paragraph::new()
                .indent(None, Some(docx_rs::SpecialIndentType::FirstLine(640)), None, None)
                .line_spacing(fixed_28pt())
                .keep_next(true)
                .add_run(run),
        );
    }

    /// 一、
    pub(super) fn h1(&mut self, text: &str) {
        self.heading(text, HEADING_FONT, false);
    }

    /// （一）
    pub(super) fn h2(&mut self, text: &str) {
        self.heading(text, KAITI, false);
    }

    /// 1.
    pub(super) fn h3(&mut self, text: &str) {
        self.heading(text, BODY_FONT, true);
    }

    pub(super) fn body(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .indent(None, Some(docx_rs::SpecialIndentType::FirstLine(640)), None, None)
                .line_spacing(fixed_28pt())
                .add_run(Run::new().add_text(text).fonts(fonts(BODY_FONT)).size(SIZE_BODY)),
        );
    }

    /// A sentence a person must write: marked, and highlighted.
    pub(super) fn placeholder(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .indent(None, Some(docx_rs::SpecialIndentType::FirstLine(640)), None, None)
                .line_spacing(fixed_28pt())
                .add_run(Run::new().add_text(text).fonts(fonts(BODY_FONT)).size(SIZE_BODY).highlight("yellow")),
        );
    }

    pub(super) fn caption(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .align(AlignmentType::Center)
                .keep_next(true)
                .line_spacing(LineSpacing::new().before(120).after(60))
                .add_run(Run::new().add_text(text).fonts(fonts(HEADING_FONT)).size(24)),
        );
    }

    /// A table; its first row is the header, repeated on every page.
    pub(super) fn table(&mut self, rows: &[Vec<String>], widths: &[usize], size: usize) {
        let cell = |text: &str, w: usize, bold: bool| {
            let mut run = Run::new().add_text(text).fonts(fonts("宋体")).size(size);
            if bold {
                run = run.bold();
            }
            TableCell::new()
                .width(w, WidthType::Dxa)
                .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run))
        };
        let trs: Vec<TableRow> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let cells = r
                    .iter()
                    .enumerate()
                    .map(|(c, t)| cell(t, widths.get(c).copied().unwrap_or(1000), i == 0))
                    .collect();
                let row = TableRow::new(cells);
                // cantSplit marks the header row; see the module doc.
                if i == 0 {
                    row.cant_split()
                } else {
                    row
                }
            })
            .collect();
        let d = std::mem::take(&mut self.docx);
        // Fixed layout and narrow cell margins: the columns keep the widths
        // given, so figures do not wrap in the 14-column tables.
        let total: usize = widths.iter().sum();
        let table = Table::new(trs)
            .set_grid(widths.to_vec())
            .layout(docx_rs::TableLayoutType::Fixed)
            .width(total, WidthType::Dxa)
            .margins(docx_rs::TableCellMargins::new().margin(0, 40, 0, 40));
        self.docx = d.add_table(table);
    }

    pub(super) fn pack(self) -> Result<Vec<u8>, DraftError> {
        let mut buf = std::io::Cursor::new(Vec::new());
        self.docx.build().pack(&mut buf).map_err(|_| DraftError::Pack)?;
        repeat_header_rows(&buf.into_inner())
    }
}

/// Gives every row flagged `cantSplit` a `<w:tblHeader/>`: Word and WPS
/// then repeat it at the top of each page the table runs onto.
pub(super) fn repeat_header_rows(docx: &[u8]) -> Result<Vec<u8>, DraftError> {
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(docx)).map_err(|_| DraftError::Pack)?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).map_err(|_| DraftError::Pack)?;
        let name = f.name().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).map_err(|_| DraftError::Pack)?;
        if name == "word/document.xml" {
            let text = String::from_utf8_lossy(&data);
            data = text.replace("<w:cantSplit />", "<w:cantSplit /><w:tblHeader />").into_bytes();
        }
        out.start_file(name.as_str(), opts).map_err(|_| DraftError::Pack)?;
        out.write_all(&data).map_err(|_| DraftError::Pack)?;
    }
    Ok(out.finish().map_err(|_| DraftError::Pack)?.into_inner())
}
