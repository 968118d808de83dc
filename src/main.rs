//! selfeval: args → command → exit code (0 clean, 1 error findings, 2 the
//! run could not be done).

mod cli;

use clap::Parser;

fn main() {
    selfeval::isolate::install_panic_hook();
    let args = cli::normalize_args(std::env::args_os().collect());
    let parsed = match cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = match cli::dispatch(parsed) {
        Ok(false) => 0,
        Ok(true) => 1,
        Err(e) => {
            eprintln!("错误：{e}");
            2
        }
    };
    std::process::exit(code);
}
