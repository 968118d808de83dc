//! An I/O error in words a clerk understands: one function every stage
//! uses (reading, scanning, loading templates, writing), so none of them
//! depends on the crate's run-level error for it.

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

/// An I/O error kept whole as a source: shown in [`io_zh`]'s words,
/// cloned with the result it is part of, and equal to another of the same
/// kind (a read error is compared, never its OS text).
#[derive(Debug, Clone)]
pub struct IoCause(pub std::sync::Arc<std::io::Error>);

impl From<std::io::Error> for IoCause {
    fn from(e: std::io::Error) -> Self {
        IoCause(std::sync::Arc::new(e))
    }
}

impl PartialEq for IoCause {
    fn eq(&self, other: &Self) -> bool {
        self.0.kind() == other.0.kind()
    }
}

impl Eq for IoCause {}

impl std::fmt::Display for IoCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&io_zh(&self.0))
    }
}

impl std::error::Error for IoCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

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
