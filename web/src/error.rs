//! Why the page's core could not answer: each cause kept as its source,
//! turned into the clerk's Chinese message only where it crosses into
//! JavaScript ([`PageError::to_js`]).

use std::sync::Arc;

/// A failure the page shows in place of a result.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PageError {
    /// The built-in templates or params, or a dropped template set, do not
    /// load: the CLI's own setup message. Shared: the built-in setup is
    /// loaded once and its failure answers every later call.
    #[error(transparent)]
    Setup(Arc<selfeval::error::Error>),
    /// A dropped template set's files do not make a template set.
    #[error(transparent)]
    Templates(Arc<selfeval::spec::LoadError>),
    /// The run itself stopped (an output that could not be made).
    #[error(transparent)]
    Run(Arc<selfeval::error::Error>),
    /// The page passed a time that is not RFC 3339.
    #[error("页面时间格式有误：{given}")]
    Time {
        given: String,
        #[source]
        source: chrono::ParseError,
    },
    /// The results folder could not be packed into one zip.
    #[error("打包失败：{0}")]
    Zip(#[source] Arc<zip::result::ZipError>),
}

impl PageError {
    /// The message the page shows, as JavaScript receives it.
    pub fn to_js(&self) -> wasm_bindgen::JsValue {
        wasm_bindgen::JsValue::from_str(&self.to_string())
    }
}

impl From<zip::result::ZipError> for PageError {
    fn from(e: zip::result::ZipError) -> Self {
        PageError::Zip(Arc::new(e))
    }
}

/// Parses the page's clock ("2026-12-03T22:18:00+08:00").
pub fn page_time(now: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, PageError> {
    chrono::DateTime::parse_from_rfc3339(now).map_err(|source| PageError::Time { given: now.to_string(), source })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn a_bad_time_names_itself_and_keeps_chrono_s_cause() {
        let e = page_time("昨天").unwrap_err();
        assert!(matches!(&e, PageError::Time { given, .. } if given == "昨天"), "{e:?}");
        assert_eq!(e.to_string(), "页面时间格式有误：昨天");
        assert!(e.source().is_some());
    }

    #[test]
    fn an_rfc_3339_time_is_taken_with_its_offset() {
        let t = page_time("2026-12-03T22:18:00+08:00").unwrap();
        assert_eq!(t.offset().local_minus_utc(), 8 * 3600);
    }
}
