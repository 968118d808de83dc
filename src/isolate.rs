//! Runs third-party code that may panic on hostile input (umya-spreadsheet
//! unwraps inside its XML parser) so that a panic becomes an error for one
//! file, not a crash of the batch, and prints nothing in English.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current thread is inside [`isolate`] (the panic hook stays
/// silent there).
pub fn in_isolation() -> bool {
    QUIET.with(|q| q.get())
}

/// Calls `f`, turning a panic into `Err` with its message.
pub fn isolate<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = QUIET.with(|q| q.replace(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r.map_err(|p| {
        p.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "未知内部错误".into())
    })
}

/// Installs the process panic hook: silent inside [`isolate`], a Chinese
/// message otherwise.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if in_isolation() {
            return;
        }
        eprintln!("selfeval 遇到内部错误，已停止。请把本窗口的文字截图发给维护人员。详情：{info}");
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_errors() {
        assert_eq!(isolate(|| 2 + 2), Ok(4));
        let e = isolate(|| -> i32 { panic!("boom") }).unwrap_err();
        assert_eq!(e, "boom");
        assert!(!in_isolation());
    }
}
