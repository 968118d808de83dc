//! Every input the fuzzers found (a crash, a timeout, memory past the
//! limit), replayed through the same entry point its fuzz target calls
//! (`selfeval::fuzzing::run`): tests/fixtures/fuzz/TARGET/FILE. A panic
//! outside the readers' isolation fails the test; so does an input still
//! running after a minute (the fuzzer's limit is 5 s in a release build;
//! the minute only tells a hang from this debug build's slowness).

use selfeval::fuzzing::{run, Target};
use std::time::Duration;

mod common;

#[test]
fn every_input_the_fuzzers_found_now_passes() {
    let dir = common::root().join("tests/fixtures/fuzz");
    let mut replayed = Vec::new();
    for target in std::fs::read_dir(&dir).expect("tests/fixtures/fuzz") {
        let target = target.expect("entry").path();
        if !target.is_dir() {
            continue;
        }
        let name = target.file_name().expect("name").to_string_lossy().into_owned();
        let kind = Target::from_name(&name).unwrap_or_else(|| panic!("{name} is not a fuzz target"));
        for file in std::fs::read_dir(&target).expect("target dir") {
            let path = file.expect("file").path();
            let data = std::fs::read(&path).expect("read");
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                run(kind, &data);
                let _ = tx.send(());
            });
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(()) => replayed.push(path),
                Err(e) => panic!("{}: {e:?} (panicked or still running)", path.display()),
            }
        }
    }
    assert!(!replayed.is_empty(), "tests/fixtures/fuzz holds the inputs found; none replayed");
}
