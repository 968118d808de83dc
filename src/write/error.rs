//! Why an output could not be made or written: the writers' own errors,
//! which the run's error holds (the writers never depend on it).

use crate::ioerr::io_zh;
use std::path::PathBuf;

/// An output that could not be written: which, and why.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("写入 {path} 失败：{source}")]
    Write {
        path: PathBuf,
        #[source]
        source: WriteError,
    },
    /// A file or folder could not be read or written.
    #[error("无法访问 {}：{}", .path.display(), io_zh(.source))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The workbook a copy is made from could not be read again.
    #[error("无法访问 {}：{source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: crate::read::ReadError,
    },
    /// The output folder exists and holds files: never overwrite a run.
    #[error(
        "输出文件夹 {} 已存在且不为空。为避免覆盖上次的结果，请另选一个新的文件夹（或不加 --out，由程序自动新建）。",
        .0.display()
    )]
    OutputExists(PathBuf),
}

impl Failure {
    /// Writing `path` failed for `source`.
    pub fn write(path: impl Into<PathBuf>, source: impl Into<WriteError>) -> Self {
        Failure::Write { path: path.into(), source: source.into() }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Failure::Io { path: path.into(), source }
    }
}

/// Why an output could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}", io_zh(.0))]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error(transparent)]
    Summary(#[from] crate::write::summary::SummaryError),
    #[error(transparent)]
    Draft(#[from] crate::write::draft::DraftError),
    #[error("生成校验报告时出错")]
    Report(#[source] rust_xlsxwriter::XlsxError),
    #[error("生成模板时出错")]
    Form(#[source] rust_xlsxwriter::XlsxError),
    #[error("生成汇总表模板时出错")]
    SummaryTemplate(#[source] rust_xlsxwriter::XlsxError),
    /// A disk that refuses one file (fault injection in the tests).
    #[error("磁盘已满（测试注入）")]
    Injected,
}
