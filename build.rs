//! On Windows targets, compiles the version resource, icon and manifest
//! (windows/) into the exe with mingw's windres. Nothing happens for other
//! targets.

use std::path::PathBuf;

/// The built-in template set's folder, from templates/default.toml's
/// `set = "<fund>/<year>"`, for `include_str!` in src/spec (the data, not
/// the code, chooses it).
fn default_set() {
    println!("cargo:rerun-if-changed=templates/default.toml");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let text = std::fs::read_to_string(root.join("templates/default.toml")).unwrap_or_default();
    let set = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("set"))
        .filter_map(|rest| rest.trim_start().strip_prefix('='))
        .map(|v| v.trim().trim_matches('"').to_string())
        .next();
    match set.filter(|s| root.join("templates").join(s).join("form.toml").is_file()) {
        Some(s) => {
            println!("cargo:rerun-if-changed=templates/{s}");
            println!("cargo:rustc-env=SELFEVAL_DEFAULT_SET=templates/{s}");
        }
        None => panic!("templates/default.toml 应写明 set = \"<资金>/<年度>\"，且该文件夹中有 form.toml"),
    }
}

fn main() {
    default_set();
    println!("cargo:rerun-if-changed=windows/selfeval.ico");
    println!("cargo:rerun-if-changed=windows/selfeval.manifest");
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    if std::env::var("CARGO_CFG_TARGET_ENV").as_deref() != Ok("gnu") {
        println!("cargo:warning=只为 windows-gnu 目标嵌入版本信息和图标");
        return;
    }
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("windows");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_else(|_| "0.0.0".into());
    let mut nums: Vec<u16> = version.split(['.', '-']).filter_map(|p| p.parse().ok()).take(3).collect();
    nums.resize(4, 0);
    let commas = nums.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",");
    let path = |f: &str| dir.join(f).to_string_lossy().replace('\\', "/");
    let rc = format!(
        r#"#pragma code_page(65001)
1 ICON "{ico}"
1 24 "{manifest}"
1 VERSIONINFO
FILEVERSION {commas}
PRODUCTVERSION {commas}
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "080404b0"
    BEGIN
      VALUE "CompanyName", "selfeval"
      VALUE "FileDescription", "城镇老旧小区改造专项资金 绩效自评表校验与汇总工具"
      VALUE "FileVersion", "{version}"
      VALUE "InternalName", "selfeval"
      VALUE "LegalCopyright", "MIT License"
      VALUE "OriginalFilename", "selfeval.exe"
      VALUE "ProductName", "selfeval 绩效自评校验"
      VALUE "ProductVersion", "{version}"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x0804, 1200
  END
END
"#,
        ico = path("selfeval.ico"),
        manifest = path("selfeval.manifest"),
    );
    let rc_path = out.join("selfeval.rc");
    let res = out.join("selfeval-res.o");
    if let Err(e) = std::fs::write(&rc_path, rc) {
        panic!("cannot write {}: {e}", rc_path.display());
    }
    let windres = std::env::var("WINDRES").unwrap_or_else(|_| "x86_64-w64-mingw32-windres".into());
    let status = std::process::Command::new(&windres)
        .args(["--codepage=65001", "-O", "coff", "-i"])
        .arg(&rc_path)
        .arg("-o")
        .arg(&res)
        .status();
    match status {
        Ok(s) if s.success() => println!("cargo:rustc-link-arg-bin=selfeval={}", res.display()),
        other => panic!("{windres} failed ({other:?}): install gcc-mingw-w64-x86-64 (scripts/build-windows.sh does)"),
    }
}
