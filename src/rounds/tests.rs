//! The rounds: finding the previous result by its stamp, and comparing a run with it.
use super::*;

#[test]
fn the_latest_earlier_result_is_found_by_its_stamp() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("材料");
    std::fs::create_dir(&input).unwrap();
    let report = r#"{"tool":"selfeval","generated_at":"t","round":1,"inputs":[],"findings":[]}"#;
    for n in [
        "材料_校验结果_20251201-090000",
        "材料_校验结果_20251203-090000",
        "材料_校验结果_20251203-090000-2",
        "其他_校验结果_20251209-090000",
    ] {
        std::fs::create_dir(d.path().join(n)).unwrap();
        std::fs::write(d.path().join(n).join("report.json"), report).unwrap();
    }
    let out = d.path().join("材料_校验结果_20251210-090000");
    match find(&input, &out, None, false) {
        Lookup::Found(p) => assert!(p.folder.ends_with("材料_校验结果_20251203-090000-2"), "{:?}", p.folder),
        other => panic!("{other:?}"),
    }
    assert!(matches!(find(&input, &out, None, true), Lookup::None));
    // An older report (no round) is said, not used.
    std::fs::write(
        d.path().join("材料_校验结果_20251203-090000-2/report.json"),
        r#"{"tool":"selfeval","generated_at":"t","inputs":[],"findings":[]}"#,
    )
    .unwrap();
    assert!(matches!(find(&input, &out, None, false), Lookup::Unusable { why: PrevError::OlderVersion, .. }));
    std::fs::write(d.path().join("材料_校验结果_20251203-090000-2/report.json"), "{broken").unwrap();
    match find(&input, &out, None, false) {
        Lookup::Unusable { why, .. } => assert_eq!(why, PrevError::Damaged),
        other => panic!("{other:?}"),
    }
}
