//! Finds the workbooks to check in the folders and files a clerk dropped.
//!
//! Recursive, links not followed (a link loop cannot hang the run), in a
//! stable order. Excel's lock files (`~$…`), hidden files and system junk
//! are passed over silently; any other non-workbook file is listed as an
//! info finding so the clerk sees it was not forgotten.

use crate::findings::{Code, Finding, Loc};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Extensions calamine reads.
pub const WORKBOOK_EXTS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// Folders deeper than this are not entered.
pub const MAX_DEPTH: usize = 32;

/// A workbook to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub source: crate::read::Source,
    /// Path as shown to users: relative to the dropped folder.
    pub name: String,
}

#[derive(Debug, Default)]
pub struct Scan {
    pub workbooks: Vec<Found>,
    /// Files passed over that a clerk should know of (SE005), and folders
    /// that could not be read (SE001).
    pub findings: Vec<Finding>,
    /// Canonical paths already taken.
    seen: std::collections::HashSet<PathBuf>,
}

fn is_silent_skip(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with("~$")
        || name.starts_with('.')
        || matches!(lower.as_str(), "thumbs.db" | "desktop.ini" | "__macosx")
}

/// Files and folders marked hidden in Windows Explorer (the dot-name
/// rule covers other systems).
#[cfg(windows)]
fn is_hidden(path: &Path) -> bool {
    use std::os::windows::fs::MetadataExt;
    const FILE_ATTRIBUTE_HIDDEN: u32 = 0x2;
    std::fs::symlink_metadata(path).map(|m| m.file_attributes() & FILE_ATTRIBUTE_HIDDEN != 0).unwrap_or(false)
}

#[cfg(not(windows))]
fn is_hidden(_path: &Path) -> bool {
    false
}

/// A result folder of an earlier run, renamed or not: it holds the
/// report.json selfeval writes (recognised by its content, not a name).
fn is_output_dir(dir: &Path) -> bool {
    use std::io::Read;
    let Ok(f) = std::fs::File::open(dir.join("report.json")) else {
        return false;
    };
    let mut head = String::new();
    let _ = f.take(4096).read_to_string(&mut head);
    head.trim_start().starts_with('{') && head.contains("\"tool\": \"selfeval\"")
}

fn finding(code: Code, name: &str, detail: &str) -> Finding {
    let mut f = Finding::at(code, &Loc::file(), None, None, detail);
    f.file = name.to_string();
    f
}

/// Scans every input path (folders recursively, files as they are).
pub fn scan(inputs: &[PathBuf], exclude: Option<&Path>) -> Scan {
    let mut out = Scan::default();
    for input in inputs {
        if input.is_file() {
            let name = input.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            consider(&mut out, input, &name);
            continue;
        }
        let outputs = std::cell::RefCell::new(Vec::new());
        let walker = WalkDir::new(input)
            .follow_links(false)
            .max_depth(MAX_DEPTH)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let n = e.file_name().to_string_lossy();
                let ours = e.depth() > 0 && e.file_type().is_dir() && is_output_dir(e.path());
                if ours {
                    outputs.borrow_mut().push(e.path().to_path_buf());
                }
                e.depth() == 0
                    || !(is_silent_skip(&n) || is_hidden(e.path()) || ours || exclude.is_some_and(|x| e.path() == x))
            });
        let mut walked = Vec::new();
        for entry in walker {
            walked.push(entry);
        }
        for dir in outputs.into_inner() {
            let rel = dir.strip_prefix(input).unwrap_or(&dir);
            let name = rel.to_string_lossy().replace('\\', "/");
            let detail = format!(
                "“{name}”是本程序以前生成的结果文件夹（内有 report.json），已整体跳过，其中的文件不作为报送材料读取"
            );
            out.findings.push(finding(Code::OwnOutputSkipped, &name, &detail));
        }
        for entry in walked {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let rel = e.path().strip_prefix(input).unwrap_or(e.path());
                    let name = rel.to_string_lossy().replace('\\', "/");
                    consider(&mut out, e.path(), &name);
                }
                Ok(e) => {
                    let rel = e.path().strip_prefix(input).unwrap_or(e.path());
                    let name = rel.to_string_lossy().replace('\\', "/");
                    let ft = e.file_type();
                    let what = if ft.is_symlink() {
                        Some("是快捷方式（链接），为避免重复或循环不跟随；如需校验，请把原文件复制进来")
                    } else if ft.is_dir() && e.depth() == MAX_DEPTH {
                        Some("文件夹层级太深（超过 32 层），未进入；请把其中的自评表移到浅一些的文件夹")
                    } else if !ft.is_dir() {
                        Some("不是普通文件（可能是设备或管道），已跳过")
                    } else {
                        None
                    };
                    if let Some(w) = what {
                        out.findings.push(finding(Code::ForeignFile, &name, &format!("{name}（{w}）")));
                    }
                }
                Err(err) => {
                    let where_ = err.path().map(|p| p.display().to_string()).unwrap_or_default();
                    let detail = if err.loop_ancestor().is_some() {
                        "文件夹中有循环的快捷方式（链接），已跳过".to_string()
                    } else {
                        match err.io_error() {
                            Some(io) => format!("无法读取文件夹内容：{}", crate::error::io_zh(io)),
                            None => "无法读取文件夹内容".to_string(),
                        }
                    };
                    out.findings.push(finding(Code::FileUnreadable, &where_, &detail));
                }
            }
        }
    }
    out
}

fn consider(out: &mut Scan, path: &Path, name: &str) {
    // The same file reached twice (a folder and a file in it both
    // dropped) is one submission, not a duplicate city.
    let canon = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if !out.seen.insert(canon) {
        return;
    }
    let file_name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    if is_silent_skip(&file_name) || is_hidden(path) {
        return;
    }
    let ext = crate::read::extension(&file_name);
    if let Some(f) = classify(name, &ext, || crate::marker::file_mark(path)) {
        out.findings.push(f);
    } else {
        out.workbooks.push(Found { source: crate::read::Source::File(path.to_path_buf()), name: name.to_string() });
    }
}

/// Files given as bytes (the browser page's dropped files), judged as a
/// folder's files are: by name, then by our own outputs' mark.
pub fn scan_memory(files: Vec<(String, std::sync::Arc<[u8]>)>) -> Scan {
    let mut out = Scan::default();
    for (name, bytes) in files {
        let file_name = name.rsplit(['/', '\\']).next().unwrap_or(&name).to_string();
        if is_silent_skip(&file_name) {
            continue;
        }
        let ext = crate::read::extension(&file_name);
        if let Some(f) = classify(&name, &ext, || crate::marker::read_mark(&bytes)) {
            out.findings.push(f);
        } else {
            out.workbooks.push(Found { source: crate::read::Source::Memory(bytes), name });
        }
    }
    out
}

/// A file passed over and why (SE005, SE007), or `None`: a workbook to
/// check. `mark` reads our own outputs' mark; it is called only for a
/// workbook's name, so other files are never opened.
fn classify(name: &str, ext: &str, mark: impl FnOnce() -> Option<String>) -> Option<Finding> {
    if WORKBOOK_EXTS.contains(&ext) {
        let kind = mark()?;
        let detail = format!("“{name}”是本程序生成的{kind}，不作为报送材料读取；如需报送，请报送地市的原文件");
        return Some(finding(Code::OwnOutputSkipped, name, &detail));
    }
    let what = match ext {
        "doc" | "docx" | "wps" => "Word 文档，不是自评表工作簿",
        "pdf" => "PDF 文件，不是自评表工作簿",
        "csv" => "CSV 文本文件；请在 Excel 中另存为 .xlsx",
        "et" => "WPS 表格格式；请在 WPS 中另存为 .xlsx",
        "zip" | "rar" | "7z" => "压缩包；请解压后再放入文件夹",
        _ => "不是 Excel 工作簿",
    };
    Some(finding(Code::ForeignFile, name, &format!("{name}（{what}）")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_workbooks_and_skips_the_rest() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        std::fs::create_dir_all(p.join("子文件夹/更深")).unwrap();
        std::fs::create_dir_all(p.join("上次的结果")).unwrap();
        std::fs::write(p.join("上次的结果/report.json"), b"{\n  \"tool\": \"selfeval\",\n}").unwrap();
        for f in [
            "a.xlsx",
            "子文件夹/b.XLS",
            "子文件夹/更深/c.ods",
            "~$a.xlsx",
            ".hidden.xlsx",
            "说明.docx",
            "Thumbs.db",
            "上次的结果/x.xlsx",
        ] {
            std::fs::write(p.join(f), b"x").unwrap();
        }
        let s = scan(&[p.to_path_buf()], None);
        let names: Vec<&str> = s.workbooks.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, vec!["a.xlsx", "子文件夹/b.XLS", "子文件夹/更深/c.ods"]);
        let codes: Vec<(Code, &str)> = s.findings.iter().map(|f| (f.code, f.file.as_str())).collect();
        assert_eq!(codes, vec![(Code::OwnOutputSkipped, "上次的结果"), (Code::ForeignFile, "说明.docx")]);
    }

    #[test]
    fn dropped_bytes_are_judged_as_a_folders_files() {
        let mut report = rust_xlsxwriter::Workbook::new();
        report.set_properties(&crate::marker::mark_props(
            rust_xlsxwriter::DocProperties::new(),
            crate::marker::Kind::Report,
        ));
        report.add_worksheet();
        let report = report.save_to_buffer().unwrap();
        let files = vec![
            ("汕头市.xlsx".to_string(), std::sync::Arc::from(&b"PK"[..])),
            ("~$汕头市.xlsx".to_string(), std::sync::Arc::from(&b"x"[..])),
            ("子/说明.docx".to_string(), std::sync::Arc::from(&b"x"[..])),
            ("汕头市_校验报告.xlsx".to_string(), std::sync::Arc::from(report)),
        ];
        let s = scan_memory(files);
        let names: Vec<&str> = s.workbooks.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, vec!["汕头市.xlsx"]);
        assert!(matches!(s.workbooks[0].source, crate::read::Source::Memory(_)));
        let codes: Vec<(Code, &str)> = s.findings.iter().map(|f| (f.code, f.file.as_str())).collect();
        assert_eq!(codes, vec![(Code::ForeignFile, "子/说明.docx"), (Code::OwnOutputSkipped, "汕头市_校验报告.xlsx")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_loop_does_not_hang() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("x")).unwrap();
        std::os::unix::fs::symlink(d.path(), d.path().join("x/loop")).unwrap();
        std::fs::write(d.path().join("x/a.xlsx"), b"x").unwrap();
        let s = scan(&[d.path().to_path_buf()], None);
        assert_eq!(s.workbooks.len(), 1);
    }
}
