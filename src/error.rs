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
    #[error("无法访问 {path}：{cause}", cause = crate::ioerr::io_zh(.source))]
    Io { path: PathBuf, source: std::io::Error },

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
    #[error("无法读取要核验的汇总表 {path}：不是可读取的工作簿（{source}）。请确认它是 selfeval 生成的 省级汇总表.xlsx（可以在 Excel、WPS 中打开并保存过）。")]
    SummaryNotWorkbook { path: PathBuf, source: Box<calamine::Error> },

    /// `verify`: a sheet of the summary cannot be read.
    #[error("无法读取要核验的汇总表 {path}：工作表“{sheet}”无法读取（{source}）。请确认它是 selfeval 生成的 省级汇总表.xlsx（可以在 Excel、WPS 中打开并保存过）。")]
    SummarySheetUnreadable { path: PathBuf, sheet: String, source: Box<calamine::Error> },

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
        Error::Io { path: path.into(), source: e }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;
    use std::io::ErrorKind;

    /// The cause is kept as the source, and said in a clerk's words.
    #[test]
    fn an_io_error_keeps_its_cause_and_says_it_in_chinese() {
        let e = Error::io("/材料/汕头市.xlsx", std::io::Error::from(ErrorKind::NotFound));
        let source = e.source().and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(source.map(std::io::Error::kind), Some(ErrorKind::NotFound));
        let text = e.to_string();
        assert!(text.starts_with("无法访问 /材料/汕头市.xlsx：") && !text.contains("entity not found"), "{text}");

        let r = crate::read::ReadError::Io(std::io::Error::from(ErrorKind::PermissionDenied).into());
        let source = r.source().and_then(|s| s.source()).and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(source.map(std::io::Error::kind), Some(ErrorKind::PermissionDenied));
        assert!(r.to_string().starts_with("无法打开文件（"), "{r}");
    }
}
