//! Operational failures: things that stop a whole command (a broken
//! template folder, an output folder that cannot be made). Problems in a
//! city's workbook are never errors here: they become findings.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A template spec file (form.toml / summary.toml) is malformed.
    #[error("模板配置文件 {path} 有误：{detail}。请对照 templates/2024 中的同名文件修改。")]
    Spec { path: String, detail: String },

    /// The province's parameter workbook cannot be used.
    #[error("省级参数表 {path} 有误：{detail}。请用 Excel 打开该表核对后重试。")]
    Params { path: String, detail: String },

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
    #[error("写入 {path} 失败：{detail}")]
    Write { path: PathBuf, detail: String },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, e: impl std::fmt::Display) -> Self {
        Error::Io { path: path.into(), detail: io_zh(&e.to_string()) }
    }
}

/// Turns common OS error texts into plain Chinese; keeps unknown ones.
pub fn io_zh(text: &str) -> String {
    let t = text.to_lowercase();
    if t.contains("permission denied") || t.contains("access is denied") {
        "没有访问权限（文件可能正被 Excel 打开，或被设为只读）".into()
    } else if t.contains("no such file") || t.contains("cannot find") {
        "文件或文件夹不存在".into()
    } else if t.contains("being used by another process") || t.contains("sharing violation") {
        "文件正被其他程序（如 Excel）占用，请关闭后重试".into()
    } else if t.contains("no space") {
        "磁盘空间不足".into()
    } else {
        format!("系统错误（{text}）")
    }
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::io_zh;

    #[test]
    fn windows_and_unix_errors_are_said_in_chinese() {
        // What Windows says when Excel holds the file (os error 32).
        let held = "The process cannot access the file because it is being used by another process. (os error 32)";
        assert!(io_zh(held).contains("占用"), "{}", io_zh(held));
        assert!(io_zh("Access is denied. (os error 5)").contains("没有访问权限"));
        assert!(io_zh("Permission denied (os error 13)").contains("没有访问权限"));
        assert!(io_zh("The system cannot find the path specified. (os error 3)").contains("不存在"));
        assert!(io_zh("Disk quota exceeded").contains("系统错误（Disk quota exceeded）"));
        assert!(io_zh("No such file or directory (os error 2)").contains("不存在"));
    }
}
