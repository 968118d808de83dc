//! Where a run's outputs go. The command line writes each into its
//! results folder (temp file + rename, never over an earlier file); the
//! browser page keeps them in memory and zips them. The stages write
//! through a [`Sink`] and never know which: one path for both.

use super::{Failure, Result};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Receives a run's outputs by name relative to the results folder, with
/// `/` between folders ("省级汇总表.xlsx", "反馈/汕头市_校验报告.xlsx").
pub trait Sink: Sync {
    /// Stores one output; returns the path it is known by.
    fn put(&self, name: &str, bytes: &[u8]) -> Result<PathBuf>;

    /// The folder names are measured against (a name never makes a path
    /// longer than Windows allows); see [`crate::write::names::NameRoom`].
    fn base(&self) -> &Path;
}

/// The order a results folder's files are listed in: the summary, the
/// draft, report.json, the register, then the cities' feedback by name
/// (written in parallel, listed the same every time).
fn rank(name: &str) -> (usize, &str) {
    const TOP: [&str; 4] = [super::names::SUMMARY_FILE, super::names::DRAFT_FILE, "report.json", "核实与更正.xlsx"];
    match TOP.iter().position(|t| *t == name) {
        Some(i) => (i, ""),
        None => (TOP.len(), name),
    }
}

/// A results folder on disk.
pub struct Folder {
    dir: PathBuf,
    written: Mutex<Vec<(String, PathBuf)>>,
}

impl Folder {
    pub fn new(dir: &Path) -> Folder {
        Folder { dir: dir.to_path_buf(), written: Mutex::new(Vec::new()) }
    }

    /// Every file written, the run-wide ones first (see `rank`).
    pub fn written(self) -> Vec<PathBuf> {
        let mut all = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        all.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)));
        all.into_iter().map(|(_, p)| p).collect()
    }
}

impl Sink for Folder {
    fn put(&self, name: &str, bytes: &[u8]) -> Result<PathBuf> {
        let path = name.split('/').fold(self.dir.clone(), |p, part| p.join(part));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Failure::io(parent, e))?;
        }
        super::atomic_write(&path, bytes)?;
        self.written.lock().unwrap_or_else(|e| e.into_inner()).push((name.to_string(), path.clone()));
        Ok(path)
    }

    fn base(&self) -> &Path {
        &self.dir
    }
}

/// The outputs kept in memory (the browser page), in the folder's order.
#[derive(Default)]
pub struct Memory {
    files: Mutex<Vec<(String, Vec<u8>)>>,
}

impl Memory {
    /// Every output as (name, bytes), the run-wide ones first.
    pub fn files(self) -> Vec<(String, Vec<u8>)> {
        let mut all = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        all.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)));
        all
    }
}

impl Sink for Memory {
    fn put(&self, name: &str, bytes: &[u8]) -> Result<PathBuf> {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).push((name.to_string(), bytes.to_vec()));
        Ok(PathBuf::from(name))
    }

    fn base(&self) -> &Path {
        Path::new("")
    }
}
