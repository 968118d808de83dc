//! report.json against its documented shape (docs/report.schema.json): the
//! province's run on both funds' samples and a city's own check, through
//! the binary. The schema is no formality: report.json's schema-1 totals
//! (the default fund's fixed slots) are refused by it.

mod common;
use common::*;

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/report.schema.json")).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

fn errors(v: &jsonschema::Validator, report: &serde_json::Value) -> Vec<String> {
    v.iter_errors(report).map(|e| format!("{} at {}", e, e.instance_path)).collect()
}

#[test]
fn every_report_json_follows_the_schema_and_the_old_totals_do_not() {
    let v = validator();
    let (_tmp, dir) = sample_copy();
    let (_, province, _) = run_dir(&dir, "schema");
    assert_eq!(errors(&v, &province), Vec::<String>::new());

    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("gb");
    let o = selfeval(&[
        "run".as_ref(),
        root().join("samples/green-building/2024").as_os_str(),
        "--templates".as_ref(),
        root().join("templates/green-building/2024").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ]);
    let green: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join("report.json")).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr))),
    )
    .expect("json");
    assert_eq!(errors(&v, &green), Vec::<String>::new());
    // The second fund's totals are its own tables', no slot of the first's.
    let tables = green["totals"]["tables"].as_object().expect("tables");
    assert!(tables.contains_key("execution") && !tables.contains_key("tasks"), "{tables:?}");

    let check = tmp.path().join("check");
    let o = selfeval(&[
        "check".as_ref(),
        file_of(&dir, "汕头市").as_os_str(),
        "--out".as_ref(),
        check.as_os_str(),
        "-q".as_ref(),
    ]);
    assert!(o.status.success());
    let city: serde_json::Value =
        serde_json::from_slice(&std::fs::read(check.join("report.json")).expect("report.json")).expect("json");
    assert!(city["totals"].is_null());
    assert_eq!(errors(&v, &city), Vec::<String>::new());

    // Schema 1's totals, as the last release wrote them: refused.
    let mut old = province.clone();
    old["schema"] = 1.into();
    old["totals"] = serde_json::json!({
        "budget": "18860.00", "spent": "3623.35", "plan": [], "actual": [], "completion": [], "benefits": [],
        "acceptance": "", "cities_counted": 15, "coverage": "合计", "allocation_available": "18672.00"
    });
    assert!(errors(&v, &old).len() >= 2, "{:?}", errors(&v, &old));
}
