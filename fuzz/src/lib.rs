//! What every fuzz target shares: the panic hook, then the input through
//! `selfeval::fuzzing::run`.

use std::sync::Once;

/// Runs `data` through `target`. A panic inside the readers' isolation
/// (`selfeval::isolate`) is one file's SE001 by design and stays silent; a
/// panic anywhere else aborts, which libFuzzer records as a crash.
pub fn one(target: selfeval::fuzzing::Target, data: &[u8]) {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            if selfeval::isolate::in_isolation() {
                return;
            }
            eprintln!("{info}");
            std::process::abort();
        }))
    });
    selfeval::fuzzing::run(target, data);
}
