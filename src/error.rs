//! Operational failures: things that stop a whole command (a broken
//! template folder, an output folder that cannot be made). Problems in a
//! city's workbook are never errors here: they become findings.
//!
//! As calamine's errors.rs does, each variant keeps the stage's own typed
//! error as its `#[source]` ([`crate::spec::SpecError`],
//! [`crate::params::ParamsError`], [`WriteError`]) instead of its text.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A template spec file (form.toml / summary.toml) is malformed.
    #[error("模板配置文件 {path} 有误：{source}。请对照 templates/2024 中的同名文件修改。")]
    Spec {
        path: String,
        #[source]
        source: Box<crate::spec::SpecError>,
    },

    /// The province's parameter workbook cannot be used.
    #[error("省级参数表 {path} 有误：{source}。请用 Excel 打开该表核对后重试。")]
    Params {
        path: String,
        #[source]
        source: Box<crate::params::ParamsError>,
    },

    /// A file or folder could not be read or written.
    #[error("无法访问 {path}：{detail}")]
    Io { path: PathBuf, detail: String },

    /// The output folder exists and holds files: never overwrite a run.
    #[error(
        "输出文件夹 {0} 已存在且不为空。为避免覆盖上次的结果，请另选一个新的文件夹（或不加 --out，由程序自动新建）。"
    )]
    OutputExists(PathBuf),

    /// An input path given on the command line does not exist.
    #[error("找不到 {0}。请确认路径正确（含空格的路径请加引号）。")]
    InputMissing(PathBuf),

    /// Writing an output workbook failed.
    #[error("写入 {path} 失败：{source}")]
    Write {
        path: PathBuf,
        #[source]
        source: WriteError,
    },

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
    Allocation(#[from] AllocError),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, e: std::io::Error) -> Self {
        Error::Io { path: path.into(), detail: io_zh(&e) }
    }

    /// Template file `path` does not load, for `source`.
    pub fn spec(path: impl Into<String>, source: impl Into<crate::spec::SpecError>) -> Self {
        Error::Spec { path: path.into(), source: Box::new(source.into()) }
    }

    /// Writing `path` failed for `source`.
    pub fn write(path: impl Into<PathBuf>, source: impl Into<WriteError>) -> Self {
        Error::Write { path: path.into(), source: source.into() }
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

/// Windows: the file is open in another program (Excel holds it).
const ERROR_SHARING_VIOLATION: i32 = 32;
/// Windows: part of the file is locked by another program.
const ERROR_LOCK_VIOLATION: i32 = 33;
/// Windows: the disk is full.
const ERROR_DISK_FULL: i32 = 112;

/// An I/O error in plain Chinese, classified by its kind and raw OS code,
/// never by its text: on a Chinese-locale Windows the text is Chinese.
pub fn io_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match (e.raw_os_error(), e.kind()) {
        (Some(ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION), _) if cfg!(windows) => {
            "文件正被其他程序（如 Excel）占用，请关闭后重试".into()
        }
        (Some(ERROR_DISK_FULL), _) if cfg!(windows) => "磁盘空间不足".into(),
        (_, ErrorKind::PermissionDenied) => "没有访问权限（文件可能正被 Excel 打开，或被设为只读）".into(),
        (_, ErrorKind::NotFound) => "文件或文件夹不存在".into(),
        (_, ErrorKind::StorageFull) => "磁盘空间不足".into(),
        (_, ErrorKind::ReadOnlyFilesystem) => "所在磁盘或文件夹是只读的，请换一个位置".into(),
        (_, ErrorKind::InvalidFilename) => "文件名或路径不合法（可能过长或含有特殊字符）".into(),
        _ => format!("系统错误（{e}）"),
    }
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::io_zh;
    use std::io::{Error, ErrorKind};

    #[test]
    fn errors_are_classified_by_kind_not_text() {
        // The text is Chinese on a Chinese Windows; only the kind counts.
        let denied = Error::new(ErrorKind::PermissionDenied, "拒绝访问。");
        assert!(io_zh(&denied).contains("没有访问权限"));
        let gone = Error::new(ErrorKind::NotFound, "系统找不到指定的文件。");
        assert!(io_zh(&gone).contains("不存在"));
        assert!(io_zh(&Error::new(ErrorKind::StorageFull, "x")).contains("磁盘空间不足"));
        // An English text that mentions a sharing violation is not one.
        let other = Error::other("sharing violation");
        assert_eq!(io_zh(&other), "系统错误（sharing violation）");
    }

    #[cfg(windows)]
    #[test]
    fn a_file_held_by_excel_is_said_so() {
        assert!(io_zh(&Error::from_raw_os_error(32)).contains("占用"));
    }

    #[cfg(unix)]
    #[test]
    fn unix_codes_map_to_kinds() {
        assert!(io_zh(&Error::from_raw_os_error(13)).contains("没有访问权限"));
        assert!(io_zh(&Error::from_raw_os_error(2)).contains("不存在"));
    }
}

/// Why the allocation cannot be computed from a params workbook: a
/// setup error, said before any city is judged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocError {
    #[error("{city} 的因素值与系数相乘超出可精确计算的范围（综合系数 {fiscal} × {performance} × {project}），请核对省级参数表中该市的系数和分配因素（下达的计划数）")]
    Overflow {
        city: String,
        fiscal: rust_decimal::Decimal,
        performance: rust_decimal::Decimal,
        project: rust_decimal::Decimal,
    },
}
