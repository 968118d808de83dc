//! The committed samples and template workbooks are exactly what the
//! generator makes from samples/source/report-2024.toml today.

mod common;
use common::*;
use selfeval::samplegen::{generate, ReportData};
use selfeval::spec::{embedded_bands, embedded_specs};

#[test]
fn committed_samples_equal_a_fresh_generation() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(root().join("samples/source/report-2024.toml")).expect("data");
    let data = ReportData::from_toml(&text).expect("parse");
    let (form, summary) = embedded_specs().expect("specs");
    let bands = embedded_bands().expect("bands");
    let written = generate(tmp.path(), &data, &form, &summary, &bands).expect("generate");
    assert_eq!(written.len(), 47, "params, template, and 15 cities' form, 自评报告 and 佐证材料");
    let mut compared = 0;
    for sub in ["templates/old-communities/2024", "samples/2024"] {
        for e in walkdir::WalkDir::new(tmp.path().join(sub)).into_iter().map(|e| e.expect("entry")) {
            if !e.file_type().is_file() {
                continue;
            }
            let fresh = e.path();
            let rel = fresh.strip_prefix(tmp.path()).expect("under tmp");
            let committed = root().join(rel);
            let a = std::fs::read(fresh).expect("fresh");
            let b = std::fs::read(&committed).unwrap_or_default();
            assert!(
                a == b,
                "{} is out of date: run `cargo run --features dev --bin selfeval-gen` and commit the result",
                committed.display()
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 47);
    // And nothing stale lies beside them: a form, a report and an
    // evidence folder (with its one file) a city.
    let on_disk = walkdir::WalkDir::new(samples()).min_depth(1).into_iter().count();
    assert_eq!(on_disk, 60);
}

#[test]
fn samples_say_they_are_sample_data() {
    for e in std::fs::read_dir(samples()).expect("samples") {
        let p = e.expect("entry").path();
        if p.extension().is_none_or(|x| x != "xlsx") {
            continue;
        }
        let s = sheet(&p, "基本信息");
        let remark = at(&s, "B12").to_string();
        assert!(remark.starts_with("示例数据"), "{}: {remark}", p.display());
    }
}

/// The second fund's committed sample forms are what the generator makes
/// from samples/source/green-building-2024.toml today.
#[test]
fn the_second_fund_s_samples_equal_a_fresh_generation() {
    use selfeval::samplegen::{issued_forms, IssuedData};
    let set = root().join("templates/green-building/2024");
    let t = selfeval::spec::Templates::from_dir(&set).expect("the set loads");
    let text = std::fs::read_to_string(root().join("samples/source/green-building-2024.toml")).expect("data");
    let data = IssuedData::from_toml(&text).expect("parse");
    let forms = issued_forms(&t, &data).expect("generate");
    assert_eq!(forms.len(), 24, "each city's form, 自评报告 and 佐证材料");
    let dir = root().join("samples/green-building/2024");
    for (name, bytes) in &forms {
        let committed = std::fs::read(dir.join(name)).unwrap_or_default();
        assert!(
            committed == *bytes,
            "samples/green-building/2024/{name} is out of date: run `cargo run --features dev --bin selfeval-gen -- \
             --templates templates/green-building/2024 --issued samples/source/green-building-2024.toml \
             --samples samples/green-building/2024` and commit the result"
        );
    }
    assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 24, "nothing stale beside them");
}
