//! The browser page's pipeline (`check_memory`: bytes in, bytes out) gives
//! what `selfeval check FILE --json` gives for the same file: the same
//! findings, word for word, and the same 标注副本, byte for byte, over
//! every kind of file the tests hold (samples, LibreOffice-saved .ods and
//! .xls, encrypted, truncated, other projects' files).

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn inputs(work: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = Vec::new();
    for dir in ["samples/2024", "tests/fixtures/formats", "tests/fixtures/hostile", "tests/fixtures/outside"] {
        let mut here: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .expect("dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e != "md"))
            .collect();
        here.sort();
        v.extend(here);
    }
    let sample = std::fs::read(samples().join("01_汕头市_2024年绩效自评表.xlsx")).expect("sample");
    let cut = work.join("01_汕头市_下载中断.xlsx");
    std::fs::write(&cut, &sample[..sample.len() / 2]).expect("write");
    v.push(cut);
    v
}

#[test]
fn the_page_finds_what_the_cli_finds() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let setup = Arc::new(selfeval::stages::Setup::load(None, None).expect("setup"));
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-03T10:00:00+08:00").expect("time");
    let files = inputs(tmp.path());
    assert!(files.len() >= 24, "{files:?}");
    let mut annotated = 0;
    for (i, path) in files.iter().enumerate() {
        let name = path.file_name().expect("name").to_string_lossy().to_string();
        let out = tmp.path().join(format!("out{i}"));
        let o = selfeval(&["check".as_ref(), path.as_os_str(), "--json".as_ref(), "--out".as_ref(), out.as_os_str()]);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        let cli: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");

        let bytes: Arc<[u8]> = std::fs::read(path).expect("read").into();
        let mem = selfeval::check_memory(vec![(name.clone(), bytes)], &setup, now);
        let page: serde_json::Value = serde_json::from_slice(&mem.report_json).expect("json");
        assert_eq!(page["findings"], cli["findings"], "{name}: findings differ");
        for k in ["status", "errors", "warnings", "infos", "city", "sha256", "figures"] {
            assert_eq!(page["inputs"][0][k], cli["inputs"][0][k], "{name}: inputs.{k} differs");
        }
        assert_eq!(page["decisions"], cli["decisions"], "{name}: decisions differ");

        // The downloads are the files the CLI wrote, by name; the
        // annotated copy byte for byte (the report differs in its time).
        let mut written: Vec<String> = std::fs::read_dir(out.join("反馈"))
            .map(|d| d.map(|e| e.expect("entry").file_name().to_string_lossy().to_string()).collect())
            .unwrap_or_default();
        written.sort();
        let made = mem.files.first().and_then(|f| f.feedback.as_ref());
        let mut offered: Vec<String> =
            made.map(|m| m.annotated.iter().chain([&m.report]).map(|(n, _)| n.clone()).collect()).unwrap_or_default();
        offered.sort();
        assert_eq!(offered, written, "{name}: downloads differ");
        if let Some((n, b)) = made.and_then(|m| m.annotated.as_ref()) {
            assert_eq!(&std::fs::read(out.join("反馈").join(n)).expect("copy"), b, "{name}: {n} differs");
            annotated += 1;
        }
    }
    assert!(annotated >= 1, "no input had an annotated copy to compare");
}
