//! 省级汇总: the province's whole run in the page, `selfeval run` on a
//! dropped folder ([`selfeval::run_memory`]: the same plan, stages and
//! writers), its table as the console prints it, and one zip holding
//! exactly the files the CLI writes into its results folder.

use super::PageError;
use selfeval::overview::{self, CityLine};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

/// What the page shows after the run.
#[derive(Debug, Serialize)]
pub struct ProvinceView {
    /// The materials folder's name.
    pub folder: String,
    /// Which template set and params were used.
    pub templates: String,
    pub params: String,
    /// 第 N 轮校验…, and which previous result it was compared with.
    pub round: String,
    /// The batch's change since the previous round (empty in round 1).
    pub batch: String,
    /// 核实与更正：采用 …
    pub register: String,
    /// 已汇总 N/M 个地市.
    pub counted: String,
    pub cities: Vec<CityLine>,
    /// Files that stand for no city, with why.
    pub loose: Vec<String>,
    /// 错误 N 个，警告 N 个，…
    pub counts: String,
    /// 草稿（…）/ 定稿.
    pub state: String,
    pub fingerprint: String,
    /// The zip's name and the files in it, as the CLI's results folder.
    pub zip: String,
    pub files: Vec<String>,
}

/// The files a clerk gave: the materials (and any earlier results folder)
/// by relative path, a register picked on its own, another template set.
#[wasm_bindgen]
#[derive(Default)]
pub struct Batch {
    files: Vec<(String, Arc<[u8]>)>,
    register: Option<(String, Arc<[u8]>)>,
    templates: TemplateFiles,
}

/// Another fund's template folder, dropped file by file (form.toml,
/// summary.toml, …, by its path in that folder), as `--templates` takes
/// it: for the 省级汇总 and the 地市自查 alike.
#[derive(Default)]
pub struct TemplateFiles {
    files: BTreeMap<String, Vec<u8>>,
    dir: String,
}

impl TemplateFiles {
    pub fn add(&mut self, path: &str, bytes: Vec<u8>) {
        let mut parts = path.rsplitn(2, '/');
        let name = parts.next().unwrap_or(path).to_string();
        if let Some(dir) = parts.next() {
            self.dir = dir.to_string();
        }
        self.files.insert(name, bytes);
    }

    /// The setup: the built-in set, or this one with its own params (as
    /// `--templates DIR` takes DIR/省级参数表.xlsx).
    pub fn setup(&self) -> Result<Arc<selfeval::stages::Setup>, PageError> {
        if self.files.is_empty() {
            return super::setup().cloned();
        }
        let dir = std::path::Path::new(if self.dir.is_empty() { "模板" } else { &self.dir });
        let t =
            selfeval::spec::Templates::from_files(dir, &self.files).map_err(|e| PageError::Templates(Arc::new(e)))?;
        selfeval::stages::Setup::with_own_params(t).map(Arc::new).map_err(|e| PageError::Setup(Arc::new(e)))
    }
}

#[wasm_bindgen]
impl Batch {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Batch {
        Batch::default()
    }

    /// One dropped file, by its path in the dropped folder.
    pub fn add(&mut self, path: &str, bytes: Vec<u8>) {
        self.files.push((path.to_string(), Arc::from(bytes)));
    }

    /// A filled 核实与更正 register picked on its own (as `--decisions`).
    pub fn register(&mut self, name: &str, bytes: Vec<u8>) {
        self.register = Some((name.to_string(), Arc::from(bytes)));
    }

    /// A file of another template set's folder (form.toml, summary.toml, …,
    /// by its path in that folder), as `--templates`.
    pub fn template(&mut self, path: &str, bytes: Vec<u8>) {
        self.templates.add(path, bytes);
    }

    pub fn count(&self) -> usize {
        self.files.len()
    }

    /// Runs it; `now` is the page's time (RFC 3339). `Err` is the CLI's
    /// setup message (a broken template set, say).
    pub fn run(&mut self, now: &str) -> Result<Province, JsValue> {
        run_batch(std::mem::take(self), now).map_err(|e| e.to_js())
    }
}

/// One run's view and zip.
#[wasm_bindgen]
pub struct Province {
    view: ProvinceView,
    zip: Vec<u8>,
}

#[wasm_bindgen]
impl Province {
    pub fn view(&self) -> String {
        serde_json::to_string(&self.view).unwrap_or_default()
    }

    pub fn zip(&self) -> Vec<u8> {
        self.zip.clone()
    }
}

pub fn run_batch(batch: Batch, now: &str) -> Result<Province, PageError> {
    let setup = batch.templates.setup()?;
    let now = super::error::page_time(now)?;
    let progress = Counted::default();
    let run = selfeval::run_memory(batch.files, batch.register, &setup, now, &progress)
        .map_err(|e| PageError::Run(Arc::new(e)))?;
    let o = &run.outcome;
    let base = if run.folder.is_empty() { "材料".to_string() } else { run.folder.clone() };
    let zip_name = format!("{base}_校验结果_{}.zip", now.format("%Y%m%d-%H%M%S"));
    let view = ProvinceView {
        folder: run.folder.clone(),
        templates: o.templates_origin.clone(),
        params: o.params_origin.clone(),
        round: overview::round_line(o),
        batch: o.comparison.as_ref().map(|c| c.batch_line.clone()).unwrap_or_default(),
        register: overview::register_line(o),
        counted: overview::counted_line(o).unwrap_or_default(),
        cities: overview::city_lines(o),
        loose: overview::loose_lines(o),
        counts: overview::counts_line(o),
        state: format!("汇总表状态：{}", o.decisions.state()),
        fingerprint: o.fingerprint.short().to_string(),
        zip: zip_name,
        files: run.files.iter().map(|(n, _)| n.clone()).collect(),
    };
    Ok(Province { view, zip: zip_of(&run.files)? })
}

/// Counts the files checked for the page's progress line.
#[derive(Default)]
struct Counted {
    total: std::sync::atomic::AtomicUsize,
    done: std::sync::atomic::AtomicUsize,
}

impl selfeval::Progress for Counted {
    fn start(&self, files: usize) {
        self.total.store(files, std::sync::atomic::Ordering::Relaxed);
        tell(0, files);
    }

    fn file(&self, _name: &str) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        tell(done, self.total.load(std::sync::atomic::Ordering::Relaxed));
    }
}

#[wasm_bindgen]
extern "C" {
    /// The page's progress hook: files checked so far, of how many.
    #[wasm_bindgen(js_name = selfevalProgress)]
    fn report_progress(done: usize, total: usize);
}

fn tell(done: usize, total: usize) {
    #[cfg(target_family = "wasm")]
    report_progress(done, total);
    #[cfg(not(target_family = "wasm"))]
    let _ = (done, total, report_progress as fn(usize, usize));
}

/// The results folder as one zip: the same names, folders as paths.
fn zip_of(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, PageError> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        z.start_file(name.as_str(), opts)?;
        z.write_all(bytes).map_err(zip::result::ZipError::Io)?;
    }
    Ok(z.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-12-07T10:00:00+08:00";

    fn samples() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/2024")
    }

    #[test]
    fn the_samples_make_the_cli_s_files_in_one_zip() {
        let mut b = Batch::new();
        // The whole folder: forms, 自评报告 and 佐证材料 folders.
        fn add_all(b: &mut Batch, dir: &std::path::Path, rel: &str) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                let name = format!("{rel}/{}", p.file_name().unwrap().to_string_lossy());
                if p.is_dir() {
                    add_all(b, &p, &name);
                } else {
                    b.add(&name, std::fs::read(&p).unwrap());
                }
            }
        }
        add_all(&mut b, &samples(), "材料");
        let p = run_batch(b, NOW).unwrap();
        assert_eq!(p.view.zip, "材料_校验结果_20261207-100000.zip");
        assert_eq!(p.view.cities.len(), 15);
        assert!(p.view.cities.iter().all(|c| c.in_totals == "是"));
        assert_eq!(&p.view.files[..4], ["省级汇总表.xlsx", "自评报告（初稿）.docx", "report.json", "核实与更正.xlsx"]);
        assert_eq!(p.view.files.iter().filter(|f| f.starts_with("反馈/")).count(), 15 + 8, "reports and copies");
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(p.zip)).unwrap();
        assert_eq!(z.len(), p.view.files.len());
        assert!(z.by_name("反馈/汕头市_校验报告.xlsx").is_ok());
    }

    #[test]
    fn a_broken_template_set_gets_the_cli_s_setup_message() {
        let mut b = Batch::new();
        b.template("其他资金/form.toml", b"version = ".to_vec());
        b.add("材料/a.xlsx", b"PK".to_vec());
        let e = run_batch(b, NOW).err().unwrap();
        assert!(matches!(e, PageError::Templates(_)), "{e:?}");
        let shown = e.to_string();
        assert!(shown.contains("模板配置文件") && shown.contains("其他资金/form.toml"), "{shown}");
    }
}
