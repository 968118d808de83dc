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
    /// Every other file passed over with SE005: a city's 自评报告 and
    /// 佐证材料 are among them (see [`crate::submission`]).
    pub others: Vec<Found>,
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
    let mut head = Vec::new();
    let _ = f.take(4096).read_to_end(&mut head);
    is_selfeval_report(&head)
}

/// Whether a report.json (its first 4 KB suffice) is the one selfeval writes.
fn is_selfeval_report(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    head.trim_start().starts_with('{') && head.contains("\"tool\": \"selfeval\"")
}

/// SE007 for an earlier results folder passed over whole.
fn output_dir_skipped(name: &str) -> Finding {
    let detail =
        format!("“{name}”是本程序以前生成的结果文件夹（内有 report.json），已整体跳过，其中的文件不作为报送材料读取");
    finding(Code::OwnOutputSkipped, name, &detail)
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
            out.findings.push(output_dir_skipped(&name));
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
                            Some(io) => format!("无法读取文件夹内容：{}", crate::ioerr::io_zh(io)),
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
    let found = Found { source: crate::read::Source::File(path.to_path_buf()), name: name.to_string() };
    match classify(name, &ext, || crate::marker::file_mark(path)) {
        Some(f) if f.code == Code::ForeignFile => {
            out.findings.push(f);
            out.others.push(found);
        }
        Some(f) => out.findings.push(f),
        None => out.workbooks.push(found),
    }
}

/// Files given as bytes (the browser page's dropped files), judged as a
/// folder's files are: by name, then by our own outputs' mark.
pub fn scan_memory(files: Vec<(String, std::sync::Arc<[u8]>)>) -> Scan {
    scan_dropped(files).scan
}

/// An earlier results folder among dropped files (its report.json, and
/// its 核实与更正.xlsx when it has one): a previous round for the page.
#[derive(Debug, Clone)]
pub struct ResultFolder {
    /// Its path among the dropped files.
    pub name: String,
    pub report: std::sync::Arc<[u8]>,
    pub register: Option<std::sync::Arc<[u8]>>,
}

/// A dropped set (the page's folder or files, by relative path), as
/// `scan` sees a folder: the workbooks and the files passed over, named
/// relative to the materials folder (the one folder every workbook is in,
/// as `selfeval run 材料` names them); and the earlier results folders
/// beside the materials (the parent was dropped): the previous rounds. A
/// results folder inside the materials is passed over with a finding, as
/// the CLI does.
#[derive(Debug, Default)]
pub struct Dropped {
    pub scan: Scan,
    /// The materials folder's name ("" for loose files).
    pub folder: String,
    pub results: Vec<ResultFolder>,
}

fn parts(path: &str) -> Vec<&str> {
    path.split(['/', '\\']).filter(|p| !p.is_empty()).collect()
}

/// Scans dropped files; see [`Dropped`].
pub fn scan_dropped(mut files: Vec<(String, std::sync::Arc<[u8]>)>) -> Dropped {
    // Folder order, as a sorted walk gives it.
    files.sort_by(|a, b| parts(&a.0).cmp(&parts(&b.0)));
    let silent = |p: &str| parts(p).iter().any(|x| is_silent_skip(x));
    // Folders holding our report.json: earlier results.
    let result_dirs: Vec<String> = files
        .iter()
        .filter(|(n, b)| {
            // A results folder is a folder: a loose report.json is just a file.
            !silent(n) && parts(n).len() > 1 && parts(n).last() == Some(&"report.json") && is_selfeval_report(b)
        })
        .map(|(n, _)| parts(n)[..parts(n).len() - 1].join("/"))
        .collect();
    let under = |name: &str, dir: &str| {
        let (n, d) = (parts(name), parts(dir));
        n.len() > d.len() && n[..d.len()] == d[..]
    };
    let in_results = |name: &str| result_dirs.iter().find(|d| under(name, d));
    let results: Vec<ResultFolder> = result_dirs
        .iter()
        .filter_map(|d| {
            let get =
                |f: &str| files.iter().find(|(n, _)| parts(n) == [parts(d), vec![f]].concat()).map(|x| x.1.clone());
            Some(ResultFolder { name: d.clone(), report: get("report.json")?, register: get(REGISTER) })
        })
        .collect();
    let rest: Vec<Vec<&str>> =
        files.iter().map(|(n, _)| n).filter(|n| in_results(n).is_none()).map(|n| parts(n)).collect();
    let root = materials_root(&rest, &result_dirs);
    let within = |p: &[&str]| p.len() > root.len() && p.iter().zip(&root).all(|(a, b)| a == b);
    let folder = root.last().map(|s| s.to_string()).unwrap_or_default();
    let relative = |n: &str| -> String {
        let p = parts(n);
        let skip = if within(&p) { root.len() } else { 0 };
        p[skip..].join("/")
    };
    // Only a results folder beside the materials is a previous round (the
    // CLI looks beside the folder it is given); one inside is passed over.
    let results = results.into_iter().filter(|r: &ResultFolder| !within(&parts(&r.name))).collect();
    let mut out = Dropped { folder: folder.clone(), results, ..Dropped::default() };
    for d in result_dirs.iter().filter(|d| within(&parts(d))) {
        let name = relative(d);
        if name.is_empty() {
            continue;
        }
        out.scan.findings.push(output_dir_skipped(&name));
    }
    for (path, bytes) in files {
        if silent(&path) || in_results(&path).is_some() {
            continue;
        }
        let name = relative(&path);
        let file_name = parts(&path).last().map(|s| s.to_string()).unwrap_or_default();
        let ext = crate::read::extension(&file_name);
        let mark = || crate::marker::read_mark(&bytes);
        match classify(&name, &ext, mark) {
            Some(f) if f.code == Code::ForeignFile => {
                out.scan.findings.push(f);
                out.scan.others.push(Found { source: crate::read::Source::Memory(bytes), name });
            }
            Some(f) => out.scan.findings.push(f),
            None => out.scan.workbooks.push(Found { source: crate::read::Source::Memory(bytes), name }),
        }
    }
    out
}

/// The materials folder, as path parts: the dropped folder every other
/// file is in; or, when the parent of the materials and their results
/// folder was dropped (or the two were picked together), the materials
/// themselves: the deepest folder holding them all, with a
/// `<名称>_校验结果_…` folder beside it, as the CLI finds its previous
/// rounds. Empty for loose files.
fn materials_root(rest: &[Vec<&str>], result_dirs: &[String]) -> Vec<String> {
    let mut common: Vec<&str> = rest.first().map(|p| p[..p.len().saturating_sub(1)].to_vec()).unwrap_or_default();
    for p in rest {
        let dir = &p[..p.len().saturating_sub(1)];
        let same = common.iter().zip(dir).take_while(|(a, b)| a == b).count();
        common.truncate(same);
    }
    let beside = common.last().is_some_and(|m| {
        let prefix = format!("{m}_校验结果_");
        result_dirs.iter().map(|d| parts(d)).any(|d| {
            d.len() == common.len()
                && d[..d.len() - 1] == common[..common.len() - 1]
                && d[d.len() - 1].starts_with(&prefix)
        })
    });
    match (beside, common.first()) {
        (true, _) => common.iter().map(|s| s.to_string()).collect(),
        (false, Some(top)) => vec![top.to_string()],
        (false, None) => Vec::new(),
    }
}

/// The register's name in a results folder.
const REGISTER: &str = crate::decisions::REGISTER_FILE;

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

    /// The page's dropped sets: the materials found in a dropped parent
    /// beside their results folder; a results folder inside the materials
    /// passed over; loose files named as they are; a loose report.json is
    /// a file, not a results folder.
    #[test]
    fn dropped_sets_find_the_materials_and_the_previous_rounds() {
        let report = std::sync::Arc::<[u8]>::from(&b"{\n  \"tool\": \"selfeval\",\n  \"round\": 1\n}"[..]);
        let wb = std::sync::Arc::<[u8]>::from(&b"PK"[..]);
        let f = |n: &str, b: &std::sync::Arc<[u8]>| (n.to_string(), b.clone());
        let parent = scan_dropped(vec![
            f("上报/材料/b.xlsx", &wb),
            f("上报/材料/a.xlsx", &wb),
            f("上报/材料_校验结果_20261201-090000/report.json", &report),
            f("上报/材料_校验结果_20261201-090000/核实与更正.xlsx", &wb),
        ]);
        assert_eq!(parent.folder, "材料");
        let names: Vec<&str> = parent.scan.workbooks.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["a.xlsx", "b.xlsx"], "named as `selfeval run 材料` names them, in order");
        assert_eq!(parent.results.len(), 1);
        assert!(parent.results[0].register.is_some() && parent.scan.findings.is_empty());

        let inside =
            scan_dropped(vec![f("材料/a.xlsx", &wb), f("材料/旧/report.json", &report), f("材料/旧/x.xlsx", &wb)]);
        assert_eq!(inside.folder, "材料");
        assert!(inside.results.is_empty(), "a results folder inside the materials is no previous round");
        let codes: Vec<(Code, &str)> = inside.scan.findings.iter().map(|f| (f.code, f.file.as_str())).collect();
        assert_eq!(codes, [(Code::OwnOutputSkipped, "旧")]);

        let loose = scan_dropped(vec![f("a.xlsx", &wb), f("report.json", &report)]);
        assert_eq!((loose.folder.as_str(), loose.results.len()), ("", 0));
        assert_eq!(loose.scan.workbooks.len(), 1);
        assert_eq!(loose.scan.findings[0].code, Code::ForeignFile, "a loose report.json is a foreign file");
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
