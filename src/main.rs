//! selfeval: args → command → exit code (0 clean, 1 error findings, 2 the
//! run could not be done). Started by a double-click or a drop, it waits
//! for Enter at the end so the window does not vanish.

mod cli;
mod console;

use clap::Parser;

fn main() {
    tune_heap();
    selfeval::isolate::install_panic_hook();
    let raw: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let no_pause = raw.iter().any(|a| a == "--no-pause");
    if raw.len() <= 1 || (raw.len() == 2 && no_pause) {
        eprintln!("{}", cli::NOTHING_TO_DO);
        cli::pause_if_needed(no_pause);
        std::process::exit(2);
    }
    let code = match cli::Cli::try_parse_from(cli::normalize_args(raw)) {
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            0
        }
        Err(e) => {
            eprintln!("{}", cli::usage_error_zh(&e));
            2
        }
        Ok(parsed) => match cli::dispatch(parsed.command) {
            Ok(false) => 0,
            Ok(true) => 1,
            Err(e) => {
                eprintln!("错误：{e}");
                2
            }
        },
    };
    cli::pause_if_needed(no_pause);
    std::process::exit(code);
}

/// glibc's heap for a batch (see Cargo.toml): at most two arenas, and
/// freed memory returned past 1 MB. Other systems' allocators are left
/// as they are.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_heap() {
    // SAFETY: mallopt only sets allocator parameters; it is called first
    // thing in main, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_heap() {}
