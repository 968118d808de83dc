//! LibreOffice and poppler as the tests use them: the real spreadsheet
//! program a clerk saves with, and the PDF a printed page becomes.
#![allow(dead_code)]

use super::*;

/// Whether the outside programs a test needs are here. A missing one
/// skips the test with a line saying so, except where
/// `SELFEVAL_REQUIRE_TOOLS` is set (`.ci/run` sets it), where it fails:
/// CI can never pass by skipping.
pub fn tools_or_skip(test: &str, tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| find_tool(t).is_none()).collect();
    if missing.is_empty() {
        return true;
    }
    let what = format!(
        "{test}: 缺少 {}（apt-get install libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-noto-cjk，或运行 .ci/run）",
        missing.join("、")
    );
    if std::env::var_os("SELFEVAL_REQUIRE_TOOLS").is_some() {
        panic!("{what}；SELFEVAL_REQUIRE_TOOLS 已设置，不允许跳过");
    }
    eprintln!("已跳过 {what}");
    false
}

/// An outside program by name: `soffice` where LibreOffice puts it, others on PATH.
fn find_tool(name: &str) -> Option<PathBuf> {
    if name == "soffice" {
        return ["/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/usr/bin/libreoffice"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists() && Path::new("/usr/lib/libreoffice/program/oosplash").exists());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// LibreOffice's soffice, which the tests use as the real spreadsheet
/// program (`.ci/run` installs it). Tests call [`tools_or_skip`] first.
pub fn soffice() -> PathBuf {
    find_tool("soffice").expect("LibreOffice (call tools_or_skip first)")
}

/// A LibreOffice profile that recalculates xlsx formulas on load.
pub fn recalculating_profile(dir: &Path) -> String {
    let user = dir.join("user");
    std::fs::create_dir_all(&user).expect("profile");
    std::fs::write(
        user.join("registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .expect("xcu");
    format!("-env:UserInstallation=file://{}", dir.display())
}

/// Opens `path` in LibreOffice (recalculating every formula) and saves it
/// as xlsx in place, the way a city clerk using LibreOffice would.
pub fn libreoffice_resave(path: &Path) {
    let work = tempfile::tempdir().expect("tempdir");
    let saved = libreoffice_convert(path, "xlsx:Calc MS Excel 2007 XML", work.path());
    std::fs::copy(&saved, path).expect("copy back");
}

/// Converts `path` with LibreOffice to `target` (xls, ods, or an
/// extension with a filter: "xlsx:Calc MS Excel 2007 XML") in `dir`, as a
/// clerk's "另存为" would; returns the new file (named like `path`).
pub fn libreoffice_convert(path: &Path, target: &str, dir: &Path) -> PathBuf {
    let ext = target.split(':').next().unwrap_or(target);
    let work = tempfile::tempdir().expect("tempdir");
    let profile = recalculating_profile(&work.path().join("profile"));
    let src_ext = path.extension().map(|e| e.to_string_lossy().to_string()).unwrap_or_default();
    let plain = work.path().join(format!("in.{src_ext}"));
    std::fs::copy(path, &plain).expect("copy in");
    let outdir = work.path().join("out");
    let o = Command::new(soffice())
        .arg(&profile)
        .args(["--headless", "--convert-to", target, "--outdir"])
        .arg(&outdir)
        .arg(&plain)
        .output()
        .expect("soffice runs");
    let saved = outdir.join(format!("in.{ext}"));
    assert!(saved.exists(), "LibreOffice did not convert to {ext}: {}", String::from_utf8_lossy(&o.stderr));
    let stem = path.file_stem().expect("stem").to_string_lossy().to_string();
    let dest = dir.join(format!("{stem}.{ext}"));
    std::fs::copy(&saved, &dest).expect("copy out");
    dest
}

/// Converts files to PDF with LibreOffice in one call (copied under plain
/// names into `work` first, as LibreOffice names its output after the
/// input); every conversion must succeed. Returns the PDFs, in order.
pub fn to_pdf(files: &[PathBuf], work: &Path) -> Vec<PathBuf> {
    let profile = recalculating_profile(&work.join("profile"));
    let plain: Vec<PathBuf> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let ext = f.extension().expect("ext").to_string_lossy().to_string();
            let to = work.join(format!("f{i}.{ext}"));
            std::fs::copy(f, &to).expect("copy");
            to
        })
        .collect();
    let out = work.join("pdf");
    let o = Command::new(soffice())
        .arg(&profile)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .args(&plain)
        .output()
        .expect("soffice");
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let pdf = out.join(format!("f{i}.pdf"));
            let ok = std::fs::metadata(&pdf).map(|m| m.len() > 1000).unwrap_or(false);
            assert!(ok, "LibreOffice could not open {}: {}", f.display(), String::from_utf8_lossy(&o.stderr));
            pdf
        })
        .collect()
}
