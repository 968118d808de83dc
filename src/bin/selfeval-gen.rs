//! Rebuilds the 2024 sample set and template workbooks from
//! `samples/source/report-2024.toml`.
//!
//! Usage: `cargo run --bin selfeval-gen -- [ROOT]` (ROOT defaults to the
//! current folder, the repository root). Writes ROOT/templates/2024/ and
//! ROOT/samples/2024/.

use selfeval::samplegen::{generate, ReportData};
use selfeval::spec::embedded_specs;
use std::path::PathBuf;

fn main() {
    let root = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/source/report-2024.toml");
    let run = || -> Result<Vec<String>, String> {
        let text = std::fs::read_to_string(&src).map_err(|e| format!("{}: {e}", src.display()))?;
        let data = ReportData::from_toml(&text)?;
        let (form, summary) = embedded_specs().map_err(|e| e.to_string())?;
        generate(&root, &data, &form, &summary)
    };
    match run() {
        Ok(files) => {
            for f in files {
                println!("已生成 {f}");
            }
        }
        Err(e) => {
            eprintln!("生成失败：{e}");
            std::process::exit(2);
        }
    }
}
