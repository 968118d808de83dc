//! Operational failures: things that stop a whole command (a broken
//! template folder, an output folder that cannot be made). Problems in a
//! city's workbook are never errors here: they become findings.
//!
//! As calamine's errors.rs does, each stage returns its own typed error
//! ([`crate::spec::LoadError`], [`crate::params::ParamsLoad`],
//! [`crate::write::Failure`], [`crate::allocate::AllocError`]) and this
//! one holds it, never its text; no stage imports this module, only the
//! run that sequences them (lib, plan, stages, the CLI).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The template set cannot be used (a file malformed or unreadable).
    #[error(transparent)]
    Templates(#[from] crate::spec::LoadError),

    /// The province's parameter workbook cannot be used.
    #[error(transparent)]
    Params(#[from] crate::params::ParamsLoad),

    /// A file or folder could not be read or written.
    #[error("无法访问 {path}：{detail}")]
    Io { path: PathBuf, detail: String },

    /// An input path given on the command line does not exist.
    #[error("找不到 {0}。请确认路径正确（含空格的路径请加引号）。")]
    InputMissing(PathBuf),

    /// An output could not be made or written (or the results folder is
    /// taken).
    #[error(transparent)]
    Output(#[from] crate::write::Failure),

    /// The templates and the params are for different years.
    #[error("模板（{templates_origin}）是 {templates} 年的，省级参数表（{params_origin}）是 {params} 年的。请使用同一年度的模板和参数表（--templates 与 --params）。")]
    YearMismatch { templates: i64, templates_origin: String, params: i64, params_origin: String },

    /// `verify`: the summary to check cannot be read as a workbook.
    #[error("无法读取要核验的汇总表 {path}：{detail}。请确认它是 selfeval 生成的 省级汇总表.xlsx（可以在 Excel、WPS 中打开并保存过）。")]
    SummaryUnreadable { path: PathBuf, detail: String },

    /// `verify`: the summary was compared with a previous round that is
    /// not where the archive should have it.
    #[error("汇总表生成时与上一轮结果“{0}”比较过，但在材料文件夹旁找不到它。请用 --previous 指定该文件夹（或它的存档副本）后再核验。")]
    PreviousNotFound(String),

    /// The params' coefficients cannot be computed with.
    #[error("省级参数表有误：{0}")]
    Allocation(#[from] crate::allocate::AllocError),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, e: std::io::Error) -> Self {
        Error::Io { path: path.into(), detail: io_zh(&e) }
    }

    /// Template file `path` does not load, for `source`.
    pub fn spec(path: impl Into<String>, source: impl Into<crate::spec::SpecError>) -> Self {
        Error::Templates(crate::spec::LoadError::spec(path, source))
    }

    /// Writing `path` failed for `source`.
    pub fn write(path: impl Into<PathBuf>, source: impl Into<WriteError>) -> Self {
        Error::Output(crate::write::Failure::write(path, source))
    }
}

pub use crate::ioerr::io_zh;
pub use crate::write::WriteError;

pub type Result<T> = std::result::Result<T, Error>;
