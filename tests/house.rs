//! The crate's house rules, read off its source: no module imports the
//! crate root (lib.rs only declares and re-exports), and no two modules
//! import each other (issue 41: memory ↔ lib and spec/error ↔ spec/form
//! were such pairs). Comments and a file's unit tests do not count.

mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};

/// Each module of src/ (by path, "spec::error") with its code's text.
fn modules() -> BTreeMap<String, String> {
    let src = root().join("src");
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(&src) {
        let e = e.expect("entry");
        let rel = e.path().strip_prefix(&src).expect("under src").to_string_lossy().replace('\\', "/");
        let Some(stem) = rel.strip_suffix(".rs") else { continue };
        let mut parts: Vec<&str> = stem.split('/').collect();
        if parts.last() == Some(&"mod") {
            parts.pop();
        }
        // The binaries' own files use the library as any user does.
        if matches!(parts.first(), Some(&"main" | &"bin" | &"cli" | &"console")) {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).expect("read");
        let code = text.split("#[cfg(test)]\nmod tests {").next().unwrap_or_default();
        let code: String = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        out.insert(parts.join("::"), code);
    }
    out
}

/// The identifiers after `prefix` in `code` ("crate::a::b", and each name
/// of "crate::{a, b::c}"), as paths.
fn paths_after(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        let rest = &code[at + prefix.len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group.split('}').next().unwrap_or_default().split(',').collect(),
            None => vec![rest],
        };
        for n in names {
            let path: String = n.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
            out.push(path.trim_end_matches(':').to_string());
        }
    }
    out
}

/// What each module imports: the modules its `crate::` and `super::`
/// paths name (the longest prefix that is a module).
fn imports(mods: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (name, code) in mods {
        let parent: Vec<&str> = name.split("::").collect();
        let parent = parent[..parent.len().saturating_sub(1)].join("::");
        let mut named: Vec<String> = paths_after(code, "crate::");
        named.extend(paths_after(code, "super::").into_iter().map(|p| match parent.is_empty() {
            true => p,
            false => format!("{parent}::{p}"),
        }));
        let mut deps = BTreeSet::new();
        for p in named {
            let segs: Vec<&str> = p.split("::").collect();
            let module = (1..=segs.len()).rev().map(|k| segs[..k].join("::")).find(|m| mods.contains_key(m));
            if let Some(m) = module.filter(|m| m != name && !name.starts_with(&format!("{m}::")) && m != "lib") {
                deps.insert(m);
            }
        }
        out.insert(name.clone(), deps);
    }
    out
}

#[test]
fn no_two_modules_import_each_other() {
    let mods = modules();
    assert!(mods.len() > 80 && mods.contains_key("spec::error"), "{:?}", mods.keys());
    let deps = imports(&mods);
    let mut pairs = Vec::new();
    for (a, ds) in &deps {
        for b in ds.iter().filter(|b| a < *b) {
            if deps.get(b).is_some_and(|d| d.contains(a)) {
                pairs.push(format!("{a} ↔ {b}"));
            }
        }
    }
    assert!(pairs.is_empty(), "modules importing each other:\n{}", pairs.join("\n"));
    // The check sees imports at all: spec::form imports spec::error.
    assert!(deps["spec::form"].contains("spec::error"), "{:?}", deps["spec::form"]);
}

#[test]
fn nothing_inside_imports_the_crate_root() {
    let mods = modules();
    let lib = &mods["lib"];
    // The names lib.rs re-exports: `pub use a::{b, c};` and `pub use a::b;`.
    let exported: Vec<String> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub use "))
        .flat_map(|u| {
            let names = match u.split_once('{') {
                Some((_, group)) => group.trim_end_matches("};").to_string(),
                None => u.rsplit("::").next().unwrap_or_default().trim_end_matches(';').to_string(),
            };
            names.split(',').map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect::<Vec<_>>()
        })
        .collect();
    assert!(exported.iter().any(|n| n == "RunOutcome"), "{exported:?}");
    let mut hits = Vec::new();
    for (name, code) in mods.iter().filter(|(n, _)| n.as_str() != "lib") {
        for p in paths_after(code, "crate::") {
            if exported.contains(&p) {
                hits.push(format!("{name}: crate::{p}"));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "modules importing lib.rs's re-exports (import from their module instead):\n{}",
        hits.join("\n")
    );
}

/// The README's code map names every module of src/ (by its file name,
/// with or without .rs, or its folder): a newcomer finds each one there.
#[test]
fn the_code_map_names_every_module() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let map = readme.split("## 代码结构（维护人员）").nth(1).expect("a code map section");
    let map = map.split("\n## ").next().unwrap_or_default();
    let named = |name: &str| {
        [
            format!("`{name}`"),
            format!("`{name}.rs`"),
            format!("`{name}/`"),
            format!("{name}.rs"),
            format!("`{name}"),
            format!("{name}/"),
        ]
        .iter()
        .any(|n| map.contains(n.as_str()))
    };
    let src = root().join("src");
    let mut missing = Vec::new();
    for e in walkdir::WalkDir::new(&src).min_depth(1) {
        let e = e.expect("entry");
        let name = e.file_name().to_string_lossy().to_string();
        let stem = name.trim_end_matches(".rs");
        if matches!(stem, "mod" | "tests" | "lib") {
            continue;
        }
        if !named(stem) {
            missing.push(e.path().strip_prefix(&src).expect("under").display().to_string());
        }
    }
    assert!(missing.is_empty(), "modules the README's code map does not name:\n{}", missing.join("\n"));
}
