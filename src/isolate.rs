//! Runs third-party code that may panic on hostile input (umya-spreadsheet
//! unwraps inside its XML parser) so that a panic becomes an error for one
//! file, not a crash of the batch, and prints nothing in English.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// Set on a [`with_deadline`] thread: raised when the caller gave up.
    static GIVEN_UP: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// Whether the call running on this thread was given up on by
/// [`with_deadline`]. The loops that walk a file's cells ask it every few
/// thousand cells and stop, so work the watchdog gave up on really ends
/// instead of running on in the background until the process exits.
pub fn given_up() -> bool {
    GIVEN_UP.with(|g| g.borrow().as_ref().is_some_and(|f| f.load(Ordering::Relaxed)))
}

/// A cell loop's check on [`given_up`]: asked on every cell, it looks at
/// the flag every 4,096 (a thread-local read per cell would cost more than
/// the cell).
#[derive(Debug, Default)]
pub struct Pulse(u32);

impl Pulse {
    /// Whether the loop should stop now.
    pub fn stop(&mut self) -> bool {
        self.0 = self.0.wrapping_add(1);
        self.0 % 4096 == 0 && given_up()
    }
}

/// Whether the current thread is inside [`isolate`] (the panic hook stays
/// silent there).
pub fn in_isolation() -> bool {
    QUIET.with(|q| q.get())
}

/// A panic caught by [`isolate`], with its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Panicked(pub String);

/// Calls `f`, turning a panic into `Err` with its message.
pub fn isolate<T>(f: impl FnOnce() -> T) -> Result<T, Panicked> {
    let was = QUIET.with(|q| q.replace(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r.map_err(|p| {
        Panicked(
            p.downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "未知内部错误".into()),
        )
    })
}

/// How a call given a deadline ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Deadline<T> {
    Done(T),
    /// It panicked; the panic's message.
    Panicked(String),
    /// Still running when the deadline passed: given up on.
    TimedOut,
}

/// Runs `f` isolated on a thread of its own and waits at most `limit`.
/// A call still running then is given up on: its result is dropped and
/// [`given_up`] turns true on its thread, where the cell loops stop at
/// their next look (a thread cannot be stopped from outside), so one
/// pathological file costs the batch `limit`, never the whole run.
#[cfg(not(target_family = "wasm"))]
pub fn with_deadline<T: Send + 'static>(
    limit: std::time::Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Deadline<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    let flag = Arc::new(AtomicBool::new(false));
    let raised = flag.clone();
    let spawned = std::thread::Builder::new().name("selfeval-file".into()).spawn(move || {
        GIVEN_UP.with(|g| *g.borrow_mut() = Some(raised));
        // The receiver may be gone (timed out): nothing to tell then.
        let _ = tx.send(isolate(f));
    });
    if spawned.is_err() {
        return Deadline::Panicked("无法创建工作线程（系统资源不足）".into());
    }
    match rx.recv_timeout(limit) {
        Ok(Ok(v)) => Deadline::Done(v),
        Ok(Err(Panicked(msg))) => Deadline::Panicked(msg),
        Err(_) => {
            flag.store(true, Ordering::Relaxed);
            Deadline::TimedOut
        }
    }
}

/// In a browser there are no threads: `f` runs on the calling thread and
/// the page watches the time (it runs the check in a worker it can stop).
#[cfg(target_family = "wasm")]
pub fn with_deadline<T: Send + 'static>(
    _limit: std::time::Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Deadline<T> {
    match isolate(f) {
        Ok(v) => Deadline::Done(v),
        Err(Panicked(msg)) => Deadline::Panicked(msg),
    }
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
        assert_eq!(e, Panicked("boom".into()));
        assert!(!in_isolation());
    }

    #[test]
    fn a_call_past_its_deadline_is_given_up_on_one_within_it_is_kept() {
        use std::time::Duration;
        assert_eq!(with_deadline(Duration::from_secs(10), || 7), Deadline::Done(7));
        let slow = with_deadline(Duration::from_millis(20), || std::thread::sleep(Duration::from_secs(5)));
        assert_eq!(slow, Deadline::TimedOut);
        let boom = with_deadline(Duration::from_secs(10), || -> u8 { panic!("坏") });
        assert_eq!(boom, Deadline::Panicked("坏".into()));
    }

    #[test]
    fn a_call_given_up_on_is_told_and_stops() {
        use std::time::{Duration, Instant};
        let ended = Arc::new(AtomicBool::new(false));
        let done = ended.clone();
        let spin = with_deadline(Duration::from_millis(20), move || {
            // A cell loop's pulse: it stops the loop once given up on.
            let (start, mut pulse) = (Instant::now(), Pulse::default());
            while !pulse.stop() && start.elapsed() < Duration::from_secs(30) {
                std::hint::spin_loop();
            }
            done.store(given_up(), Ordering::SeqCst);
        });
        assert_eq!(spin, Deadline::TimedOut);
        let start = Instant::now();
        while !ended.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(ended.load(Ordering::SeqCst), "the abandoned call saw it was given up on and ended");
        assert!(!given_up(), "the caller's own thread is never given up on");
        let mut pulse = Pulse::default();
        assert!((0..100_000).all(|_| !pulse.stop()), "a loop no one gave up on runs to its end");
    }
}
