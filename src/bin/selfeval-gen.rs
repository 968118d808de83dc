//! Development tool: builds a year's template workbooks and sample city
//! forms from a report's figures and that year's form/summary spec.
//!
//! ```text
//! cargo run --features dev --bin selfeval-gen                      # 2024, into ./
//! cargo run --features dev --bin selfeval-gen -- --templates DIR --data FILE --out ROOT
//! ```
//! Writes ROOT/templates/<year>/ (省级参数表.xlsx, 省级汇总表模板.xlsx) and
//! ROOT/samples/<year>/ (one form per city). Not part of selfeval.exe.
//!
//! `--big FILE` writes the 7.5 MB workbook the benchmarks and the browser
//! page's test check ([`selfeval::samplegen::big_workbook`]).
//!
//! A budget-only fund (no [[measures]]) has no report figures to sample:
//! `--templates DIR --issued FILE` writes DIR/省级参数表.xlsx from its
//! cities and budgets (samples/source/green-building-2024.toml), and with
//! `--samples OUT` the city forms its figures and faults declare:
//!
//! ```text
//! cargo run --features dev --bin selfeval-gen -- --templates templates/green-building/2024 \
//!     --issued samples/source/green-building-2024.toml --samples samples/green-building/2024
//! ```

use clap::Parser;
use selfeval::error::Error;
use selfeval::samplegen::{generate, GenError, ReportData};
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "生成某年度的模板工作簿和示例地市表（开发工具）")]
struct Args {
    /// 模板文件夹（form.toml、summary.toml、checks.toml）；默认内置 2024 年
    #[arg(long)]
    templates: Option<PathBuf>,
    /// 报告数字（TOML），默认 samples/source/report-2024.toml
    #[arg(long)]
    data: Option<PathBuf>,
    /// 输出根目录（写入其下 templates/<年度>/ 与 samples/<年度>/），默认当前目录
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// 只按此文件（年度、资金、各市预算）生成 --templates 文件夹中的省级参数表
    #[arg(long)]
    issued: Option<PathBuf>,
    /// 与 --issued 同用：按数据文件中的各市数字和错误，把示例地市表写到此文件夹
    #[arg(long)]
    samples: Option<PathBuf>,
    /// 只生成 7.5 MB 大表（汕头市示例表加 20 万行明细表和一处错误）到此路径
    #[arg(long)]
    big: Option<PathBuf>,
}

fn main() {
    let args = Args::parse();
    let src =
        args.data.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/source/report-2024.toml"));
    if let Some(big) = &args.big {
        let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/2024/01_汕头市_2024年绩效自评表.xlsx");
        let made = std::fs::read(&sample)
            .map_err(|e| Error::io(&sample, e))
            .and_then(|b| Ok(selfeval::write::atomic_write(big, &selfeval::samplegen::big_workbook(&b))?));
        match made {
            Ok(()) => println!("已生成 {}", big.display()),
            Err(e) => {
                eprintln!("生成失败：{e}");
                std::process::exit(2);
            }
        }
        return;
    }
    if let Some(issued) = &args.issued {
        let Some(dir) = &args.templates else {
            eprintln!("生成失败：--issued 需要同时给出 --templates 文件夹");
            std::process::exit(2);
        };
        match issued_set(issued, dir, args.samples.as_deref()) {
            Ok(written) => written.iter().for_each(|p| println!("已生成 {}", p.display())),
            Err(e) => {
                eprintln!("生成失败：{e}");
                std::process::exit(2);
            }
        }
        return;
    }
    let run = || -> Result<Vec<PathBuf>, GenError> {
        let text = std::fs::read_to_string(&src).map_err(|e| Error::io(&src, e))?;
        let data = ReportData::from_toml(&text)?;
        let (form, summary, bands) = match &args.templates {
            Some(dir) => {
                let (f, s) = selfeval::spec::specs_from_dir(dir)?;
                let p = dir.join(selfeval::spec::CHECKS_FILE);
                let t = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
                let b = selfeval::spec::Bands::from_toml(&t, &p.display().to_string(), &f)?;
                (f, s, b)
            }
            None => {
                let (f, s) = selfeval::spec::embedded_specs()?;
                (f, s, selfeval::spec::embedded_bands()?)
            }
        };
        if data.year != form.year {
            return Err(GenError::Year { data: data.year, form: form.year });
        }
        generate(&args.out, &data, &form, &summary, &bands)
    };
    match run() {
        Ok(files) => {
            for f in files {
                println!("已生成 {}", f.display());
            }
        }
        Err(e) => {
            eprintln!("生成失败：{e}");
            std::process::exit(2);
        }
    }
}

/// Writes DIR/省级参数表.xlsx for a budget-only fund.
fn issued_set(
    src: &std::path::Path,
    dir: &std::path::Path,
    samples: Option<&std::path::Path>,
) -> Result<Vec<PathBuf>, GenError> {
    let text = std::fs::read_to_string(src).map_err(|e| Error::io(src, e))?;
    let data = selfeval::samplegen::IssuedData::from_toml(&text)?;
    let (form, _) = selfeval::spec::specs_from_dir(dir)?;
    if data.year != form.year {
        return Err(GenError::Year { data: data.year, form: form.year });
    }
    let bytes = selfeval::samplegen::params_workbook::workbook(&data.params(), &form, false)?;
    let path = dir.join(selfeval::spec::PARAMS_FILE);
    selfeval::write::atomic_write(&path, &bytes)?;
    let mut written = vec![path];
    if let Some(out) = samples {
        let t = selfeval::spec::Templates::from_dir(dir)?;
        std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
        for (name, bytes) in selfeval::samplegen::issued_forms(&t, &data)? {
            let p = out.join(name);
            if let Some(dir) = p.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            selfeval::write::atomic_write(&p, &bytes)?;
            written.push(p);
        }
    }
    Ok(written)
}
