//! The province's whole run in memory (`run_memory`, what the page's
//! 省级汇总 calls) gives what `selfeval run` writes, file for file: the
//! same names; report.json equal but for run-time fields (time, paths);
//! the summary's, the register's and every feedback workbook's cells,
//! formulas, merges and notes equal; the draft's text equal. On the 15
//! samples; on a batch with a city missing, a broken file and a figure in
//! 元; and on its second round, given the first round's results folder
//! with a filled register beside the materials, as a clerk drops them.

mod common;
use common::*;
use std::path::Path;
use std::sync::Arc;

/// Every file of `dir` below it, as the page is given a dropped folder:
/// paths starting with the folder's own name.
fn dropped(dir: &Path, top: &str) -> Vec<(String, Arc<[u8]>)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("below").to_string_lossy().replace('\\', "/");
            (format!("{top}/{rel}"), Arc::from(std::fs::read(e.path()).expect("read")))
        })
        .collect()
}

/// Replaces the run's times (as each output prints them) and the previous
/// round's (which both runs print alike), longest first, all by one token:
/// a run in the same minute as the previous one prints a prefix of it.
fn masked(text: String, report: &serde_json::Value, paths: &[&str]) -> String {
    let mut times: Vec<String> = Vec::new();
    for t in [report["generated_at"].as_str(), report["previous"]["generated_at"].as_str()].into_iter().flatten() {
        let (day, clock) = (&t[..10], &t[11..19]);
        times.extend([t.to_string(), format!("{day} {clock}"), format!("{day} {}", &clock[..5])]);
    }
    times.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let mut s = text;
    for t in &times {
        s = s.replace(t.as_str(), "<time>");
    }
    for p in paths {
        s = s.replace(p, "<path>");
    }
    s
}

fn json_of(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("json")
}

/// The run's outputs, each as comparable text, by name.
fn texts(files: &[(String, Vec<u8>)], paths: &[&str]) -> Vec<(String, String)> {
    let report = json_of(&files.iter().find(|(n, _)| n == "report.json").expect("report.json").1);
    let tmp = tempfile::tempdir().expect("tmp");
    files
        .iter()
        .map(|(name, bytes)| {
            let at = tmp.path().join(name.replace('/', "_"));
            std::fs::write(&at, bytes).expect("write");
            let text = if name.ends_with(".json") {
                let mut r = json_of(bytes);
                r["generated_at"] = "<time>".into();
                if let Some(p) = r.get_mut("previous") {
                    p["generated_at"] = "<time>".into();
                    p["folder"] = "<path>".into();
                }
                serde_json::to_string_pretty(&r).expect("json")
            } else if name.ends_with(".docx") {
                docx_text(&at)
            } else {
                workbook_dump(&at)
            };
            (name.clone(), masked(text, &report, paths))
        })
        .collect()
}

fn folder_files(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(out).expect("below").to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn same(cli_out: &Path, mem: &selfeval::MemoryRun, paths: &[&str]) {
    let cli = folder_files(cli_out);
    let mut page = mem.files.clone();
    page.sort_by(|a, b| a.0.cmp(&b.0));
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&page), names(&cli), "the same files by the same names");
    for ((name, a), (_, b)) in texts(&cli, paths).into_iter().zip(texts(&page, paths)) {
        similar_asserts::assert_eq!(a, b, "{name} differs between the CLI and the page's run");
    }
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Local::now().fixed_offset()
}

fn setup() -> Arc<selfeval::stages::Setup> {
    Arc::new(selfeval::stages::Setup::load(None, None).expect("setup"))
}

#[test]
fn the_samples_give_the_cli_s_outputs() {
    let (tmp, dir) = sample_copy();
    // What the CLI's scan passes over, the page passes over, with the same
    // findings: an earlier results folder inside the materials, a Word
    // file, a hidden file and Excel's lock file.
    let (_, _, earlier) = run_dir(&dir, "earlier");
    std::fs::create_dir(dir.join("上次的结果")).expect("mkdir");
    std::fs::copy(earlier.join("report.json"), dir.join("上次的结果/report.json")).expect("copy");
    std::fs::copy(earlier.join("省级汇总表.xlsx"), dir.join("上次的结果/省级汇总表.xlsx")).expect("copy");
    std::fs::write(dir.join("说明.docx"), b"PK\x03\x04 word").expect("write");
    std::fs::write(dir.join(".隐藏.xlsx"), b"x").expect("write");
    std::fs::write(dir.join("~$01_汕头市_2024年绩效自评表.xlsx"), b"lock").expect("write");
    let (code, report, out) = run_dir(&dir, "cli");
    let codes: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["code"].as_str().unwrap_or("").to_string(), f["file"].as_str().unwrap_or("").to_string()))
        .collect();
    assert!(
        codes.contains(&("SE007".into(), "上次的结果".into())) && codes.contains(&("SE005".into(), "说明.docx".into())),
        "{codes:?}"
    );
    assert_eq!(code, 0);
    let mem = selfeval::run_memory(dropped(&dir, "材料"), None, &setup(), now(), &selfeval::Silent).expect("runs");
    assert_eq!(mem.folder, "材料");
    assert!(mem.previous.is_none() && mem.register.is_none());
    same(&out, &mem, &[&tmp.path().display().to_string()]);
}

#[test]
fn a_faulty_batch_and_its_second_round_give_the_cli_s_outputs() {
    let (tmp, dir) = sample_copy();
    std::fs::remove_file(file_of(&dir, "汕头市")).expect("remove 汕头");
    set_num(&file_of(&dir, "茂名市"), "资金执行", "B6", 1_606_700.0);
    std::fs::write(dir.join("16_坏文件.xlsx"), b"PK\x03\x04 not a workbook").expect("write");
    std::fs::write(dir.join("~$02_韶关市_2024年绩效自评表.xlsx"), b"lock").expect("write");
    let (_, _, out1) = run_decided(&dir, "r1", None);
    let mem1 = selfeval::run_memory(dropped(&dir, "材料"), None, &setup(), now(), &selfeval::Silent).expect("runs");
    let base = tmp.path().display().to_string();
    same(&out1, &mem1, &[&base]);

    // Round 2: the register filled in the first results folder; the CLI
    // is told both (--previous, --decisions), the page is given the
    // parent folder holding the materials and that results folder.
    let filled = tmp.path().join("filled.xlsx");
    fill(&out1.join("核实与更正.xlsx"), &filled, REGISTER_TITLE, maoming_spent_corrected, &[]);
    let prev = tmp.path().join("材料_校验结果_20261201-090000");
    std::fs::create_dir(&prev).expect("mkdir");
    std::fs::copy(out1.join("report.json"), prev.join("report.json")).expect("copy");
    std::fs::copy(&filled, prev.join("核实与更正.xlsx")).expect("copy");
    let out2 = tmp.path().join("out-r2");
    let o = selfeval(&[
        "run".as_ref(),
        dir.as_os_str(),
        "--previous".as_ref(),
        prev.as_os_str(),
        "--decisions".as_ref(),
        prev.join("核实与更正.xlsx").as_os_str(),
        "--out".as_ref(),
        out2.as_os_str(),
        "--quiet".as_ref(),
    ]);
    assert!(out2.join("report.json").exists(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut both = dropped(&dir, "上报/材料");
    both.extend(dropped(&prev, "上报/材料_校验结果_20261201-090000"));
    let mem2 = selfeval::run_memory(both, None, &setup(), now(), &selfeval::Silent).expect("runs");
    assert_eq!(mem2.folder, "材料", "the materials, found inside the dropped parent");
    assert_eq!(mem2.previous.as_deref(), Some("上报/材料_校验结果_20261201-090000"));
    assert!(mem2.register.as_deref().is_some_and(|r| r.ends_with("核实与更正.xlsx")));
    let r2 = json_of(&mem2.files.iter().find(|(n, _)| n == "report.json").expect("json").1);
    assert_eq!(r2["round"], 2);
    assert!(!r2["decisions"]["corrections"].as_array().expect("corrections").is_empty());
    let register_cli = prev.join("核实与更正.xlsx").display().to_string();
    same(&out2, &mem2, &[&register_cli, "上报/材料_校验结果_20261201-090000/核实与更正.xlsx", &base]);
}
