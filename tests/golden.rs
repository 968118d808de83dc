//! One golden report: report.json of the clean samples, byte for byte but
//! for the time it was made. Any change to a finding, a message, a code or
//! a total shows here as a diff a reviewer can read.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test --test golden` and review.

mod common;
use common::*;

#[test]
fn report_json_of_the_samples_matches_the_golden_file() {
    let (_tmp, dir) = sample_copy();
    let (code, mut report, _) = run_dir(&dir, "golden");
    assert_eq!(code, 0);
    report["generated_at"] = serde_json::Value::String("（生成时间）".into());
    let got = serde_json::to_string_pretty(&report).expect("json") + "\n";
    let path = root().join("tests/golden/report-2024.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &got).expect("write golden");
    }
    let want = std::fs::read_to_string(&path).expect("tests/golden/report-2024.json");
    // A line diff a reviewer can read; if the change is intended, run
    // UPDATE_GOLDEN=1 cargo test --test golden and review `git diff`.
    similar_asserts::assert_eq!(want, got, "report.json of the samples changed");
}
