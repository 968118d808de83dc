//! Where a workbook's bytes come from: a file on disk (the CLI) or bytes
//! already in memory (the browser page, which has no file system). Every
//! later stage reads through a [`Source`], so both take the same path.

use super::{read_bytes_with, sha256_hex, Load, RawWorkbook, ReadError, MAX_FILE_BYTES};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A workbook's bytes: on disk, read (read-only) when needed, or in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Memory(Arc<[u8]>),
}

impl Source {
    /// The file on disk, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Source::File(p) => Some(p),
            Source::Memory(_) => None,
        }
    }

    /// The file's path, or `name` for bytes in memory (what a
    /// [`crate::model::Submission`] keeps).
    pub fn path_or(&self, name: &str) -> PathBuf {
        self.path().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(name))
    }

    /// The whole content. A file is opened read-only and never locked.
    pub fn bytes(&self) -> Result<Vec<u8>, ReadError> {
        match self {
            Source::File(p) => {
                let meta = std::fs::metadata(p).map_err(|e| ReadError::Io(e.into()))?;
                if meta.len() > MAX_FILE_BYTES {
                    return Err(ReadError::TooLarge(meta.len()));
                }
                std::fs::read(p).map_err(|e| ReadError::Io(e.into()))
            }
            Source::Memory(b) => Ok(b.to_vec()),
        }
    }

    /// Reads the workbook, the sheets `load` names; `name` (the file's
    /// name as shown) gives the extension that breaks zip ties.
    pub fn read_with(&self, name: &str, load: Load) -> Result<RawWorkbook, ReadError> {
        let bytes = self.bytes()?;
        let sha = sha256_hex(&bytes);
        let mut book = read_bytes_with(bytes, &extension(name), load)?;
        book.sha256 = Some(sha);
        Ok(book)
    }

    /// SHA-256 of the content, to know the same file sent again.
    pub fn sha256(&self) -> Option<String> {
        self.bytes().ok().map(|b| sha256_hex(&b))
    }

    /// When the file was last saved; memory has no such time.
    pub fn modified(&self) -> Option<std::time::SystemTime> {
        std::fs::metadata(self.path()?).and_then(|m| m.modified()).ok()
    }
}

/// A name's extension, lower case ("" when it has none).
pub fn extension(name: &str) -> String {
    Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_and_its_bytes_read_the_same() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2024/01_汕头市_2024年绩效自评表.xlsx");
        let file = Source::File(p.clone());
        let mem = Source::Memory(std::fs::read(&p).unwrap().into());
        let (a, b) = (file.read_with("a.xlsx", Load::All).unwrap(), mem.read_with("a.xlsx", Load::All).unwrap());
        assert_eq!(a.sheets.len(), b.sheets.len());
        assert_eq!(a.sha256, b.sha256);
        assert!(a.sheets.iter().zip(&b.sheets).all(|(x, y)| x.cells == y.cells));
        assert!(file.modified().is_some());
        assert_eq!(mem.modified(), None);
    }

    #[test]
    fn empty_memory_is_an_empty_file() {
        assert_eq!(Source::Memory(Arc::from(&b""[..])).read_with("a.xlsx", Load::All).unwrap_err(), ReadError::Empty);
    }

    #[test]
    fn extension_is_lower_case() {
        assert_eq!(extension("子/表.XLSM"), "xlsm");
        assert_eq!(extension("无后缀"), "");
    }
}
