//! Resubmission rounds (issue 14): round 1 on a batch with planted errors
//! in two cities; round 2 after one city fixed its form, one sent nothing
//! new and a third broke its own; each run with the default output beside
//! the input, as a clerk drags the same folder again.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// Runs `selfeval run DIR` with the default output folder; returns the
/// exit code, stdout and the new result folder.
fn run_default(dir: &Path, extra: &[&str]) -> (i32, String, PathBuf) {
    let parent = dir.parent().expect("parent");
    let before: Vec<PathBuf> = std::fs::read_dir(parent).expect("ls").map(|e| e.expect("e").path()).collect();
    let mut args: Vec<&std::ffi::OsStr> = vec!["run".as_ref(), dir.as_os_str()];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    let o = selfeval(&args);
    let out = std::fs::read_dir(parent)
        .expect("ls")
        .map(|e| e.expect("e").path())
        .find(|p| !before.contains(p) && p.to_string_lossy().contains("_校验结果_"))
        .expect("a new result folder beside the input");
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).to_string(), out)
}

fn report(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("report")).expect("json")
}

fn findings_of<'a>(r: &'a serde_json::Value, city: &str, code: &str) -> Vec<&'a serde_json::Value> {
    r["findings"].as_array().expect("f").iter().filter(|f| f["city"] == city && f["code"] == code).collect()
}

/// Every text of a sheet, joined.
fn sheet_text(path: &Path, name: &str) -> String {
    let r = sheet(path, name);
    r.used_cells().map(|(_, _, v)| v.to_string()).collect::<Vec<_>>().join("|")
}

#[test]
fn round_two_says_what_was_fixed_what_persists_and_what_is_new() {
    let (_tmp, dir) = sample_copy();
    let cz = file_of(&dir, "潮州市");
    let cz_clean = std::fs::read(&cz).expect("read");
    set_num(&cz, "资金执行", "B7", 0.1682);
    set_num(&file_of(&dir, "韶关市"), "资金执行", "B7", 0.5);
    let (code1, out1_text, out1) = run_default(&dir, &[]);
    assert_eq!(code1, 1);
    assert!(out1_text.starts_with("第 1 轮校验"), "{out1_text}");
    assert_eq!(report(&out1)["round"], 1);

    // Round 2: 潮州 fixed, 韶关 sends the same file, 河源 breaks its own.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(&cz, &cz_clean).expect("fix");
    set_num(&file_of(&dir, "河源市"), "资金执行", "B7", 0.9);
    let (code2, text, out2) = run_default(&dir, &[]);
    assert_eq!(code2, 1);
    let r = report(&out2);
    assert_eq!(r["round"], 2);
    let prev = &r["previous"];
    assert_eq!(prev["round"], 2);
    assert_eq!(prev["previous_round"], 1);
    assert!(prev["folder"].as_str().expect("folder").ends_with(&*out1.file_name().expect("n").to_string_lossy()));

    // Matched by code and field: fixed, persisting, new.
    let fixed = prev["fixed"].as_array().expect("fixed");
    assert!(
        fixed.iter().any(|f| f["city"] == "潮州市" && f["code"] == "SE302" && f["field"] == "exec.rate"),
        "{fixed:#?}"
    );
    assert_eq!(findings_of(&r, "韶关市", "SE302")[0]["change"], "persisting");
    assert_eq!(findings_of(&r, "河源市", "SE302")[0]["change"], "new");
    let subj = &prev["subjects"];
    assert_eq!(subj["韶关市"]["file"], "unchanged");
    assert_eq!(subj["潮州市"]["file"], "replaced");
    let cz_figs = subj["潮州市"]["figures"].as_array().expect("figures");
    assert!(cz_figs.iter().any(|f| f["field"] == "exec.rate" && f["old"] == "0.1682"), "{cz_figs:#?}");
    let batch = prev["batch_line"].as_str().expect("line");
    assert!(
        batch.contains("1 个地市已全部修正") && batch.contains("1 个仍需修改") && batch.contains("1 个出现新错误"),
        "{batch}"
    );
    assert!(batch.contains("其中 1 个未重新报送"), "{batch}");

    // The three cities' feedback reports.
    let fb = out2.join("反馈");
    let cz_sheet = sheet_text(&fb.join("潮州市_校验报告.xlsx"), "与上次报送相比");
    assert!(cz_sheet.contains("已修正（1 个）") && cz_sheet.contains("SE302"), "{cz_sheet}");
    assert!(cz_sheet.contains("0.1682"), "the changed figure: {cz_sheet}");
    assert!(
        cz_sheet.contains("潮州市 与上次报送相比") && cz_sheet.contains("文件：13_潮州市"),
        "title rows: {cz_sheet}"
    );
    let sg_sheet = sheet_text(&fb.join("韶关市_校验报告.xlsx"), "与上次报送相比");
    assert!(sg_sheet.contains("未重新报送") && sg_sheet.contains("仍存在 1 个"), "{sg_sheet}");
    let hy_list = sheet_text(&fb.join("河源市_校验报告.xlsx"), "问题清单");
    assert!(hy_list.contains("新出现"), "{hy_list}");

    // 报送情况 and the console say the same.
    let book = out2.join("省级汇总表.xlsx");
    let roster = sheet(&book, "报送情况");
    assert!(at(&roster, "A2").to_string().contains("第 2 轮"), "{}", at(&roster, "A2"));
    let row_of =
        |city: &str| (4..=18).find(|r| at(&roster, &format!("B{r}")).to_string().as_str() == city).expect("row");
    assert!(at(&roster, &format!("K{}", row_of("韶关市"))).to_string().contains("未重新报送"));
    assert!(at(&roster, &format!("K{}", row_of("潮州市"))).to_string().contains("已修正 1 个"));
    assert!(text.starts_with("第 2 轮校验：与上次结果比较"), "{text}");
    let line = |c: &str| text.lines().find(|l| l.starts_with(c)).unwrap_or_default().to_string();
    assert!(line("韶关市").contains("未重新报送"), "{text}");
    assert!(line("河源市").contains("新出现 1 个"), "{text}");
    // The previous result was only read.
    assert_eq!(report(&out1)["round"], 1);
}

#[test]
fn a_damaged_previous_result_is_said_and_the_run_goes_on() {
    let (tmp, dir) = sample_copy();
    let old = tmp.path().join("旧结果");
    std::fs::create_dir(&old).expect("mkdir");
    std::fs::write(old.join("report.json"), "{ not json").expect("w");
    let out = tmp.path().join("结果");
    let (code, text) = stdout_of(&[
        "run".as_ref(),
        dir.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--previous".as_ref(),
        old.as_os_str(),
    ]);
    assert_eq!(code, 0);
    assert!(text.lines().next().unwrap_or("").contains("无法用于比较"), "{text}");
    assert_eq!(report(&out)["round"], 1);
    assert_eq!(std::fs::read_to_string(old.join("report.json")).expect("r"), "{ not json", "never changed");
}

/// A city clerk's own rounds: `check` of one file against the last check.
#[test]
fn check_of_one_file_compares_with_its_last_check() {
    let (tmp, dir) = sample_copy();
    let f = file_of(&dir, "梅州市");
    set_num(&f, "资金执行", "B7", 0.5);
    let first = tmp.path().join("第一次");
    let o = selfeval(&["check".as_ref(), f.as_os_str(), "--out".as_ref(), first.as_os_str(), "-q".as_ref()]);
    assert_eq!(o.status.code(), Some(1));
    set_num(&f, "资金执行", "B6", 0.0);
    let second = tmp.path().join("第二次");
    let (_, text) = stdout_of(&[
        "check".as_ref(),
        f.as_os_str(),
        "--out".as_ref(),
        second.as_os_str(),
        "--previous".as_ref(),
        first.as_os_str(),
    ]);
    assert!(text.starts_with("第 2 轮校验"), "{text}");
    let r = report(&second);
    assert_eq!(r["round"], 2);
    assert!(findings_of(&r, "梅州市", "SE302").iter().all(|f| f["change"] == "persisting" || f["change"] == "new"));
    assert!(r["previous"]["subjects"]["梅州市"]["figures"]
        .as_array()
        .expect("figs")
        .iter()
        .any(|x| x["field"] == "exec.spent"));
}
