//! The SARIF output of the seed forms validates against the SARIF 2.1.0 JSON schema
//! (`tests/fixtures/sarif/`, see its README for where the schema comes from).

use formlint::pack;
use formlint::report::{render_sarif, FileReport, Ruleset};
use formlint::run::{self, CheckOptions};

const SCHEMA: &str = include_str!("fixtures/sarif/sarif-schema-2.1.0.json");

fn seed_reports(pack: &pack::Pack) -> Vec<FileReport> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seed");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("seed folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut reports: Vec<FileReport> = names
        .iter()
        .map(|n| {
            let bytes = std::fs::read(format!("{dir}/{n}")).expect("seed form");
            let name = format!("tests/fixtures/seed/{n}");
            run::check_file(pack, &name, &bytes, &CheckOptions::default()).report
        })
        .collect();
    // Input codes and absolute paths too.
    reports.push(FileReport {
        checked: Vec::new(),
        accepted: Vec::new(),
        path: "/tmp/缺失 的.xlsx".into(),
        forms: 0,
        findings: vec![formlint::codes::UNREADABLE.finding("文件不存在")],
    });
    reports
}

fn validate(sarif: &str) {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    let instance: serde_json::Value = serde_json::from_str(sarif).expect("SARIF is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF is not valid:\n{}",
        errors.join("\n")
    );
}

#[test]
fn seed_forms_sarif_is_valid() {
    let pack = pack::load(&pack::embedded(), "<embedded>/").expect("embedded pack loads");
    let ruleset = Ruleset {
        name: pack.manifest.name.clone(),
        version: pack.manifest.version.clone(),
    };
    let sarif = render_sarif(&ruleset, &pack.rule_meta(), &seed_reports(&pack));
    validate(&sarif);
}

#[test]
fn empty_run_is_valid() {
    let ruleset = Ruleset {
        name: "p".into(),
        version: "1".into(),
    };
    validate(&render_sarif(&ruleset, &[], &[]));
}

#[test]
fn the_schema_rejects_a_broken_log() {
    // Guards against a validator that accepts everything.
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]});
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    assert!(!validator.is_valid(&bad));
    // Formats are checked too: an artifact URI with a raw space is not a URI reference.
    let bad_uri = serde_json::json!({"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "formlint"}},
        "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation":
            {"artifactLocation": {"uri": "a b.xlsx"}}}]}]
    }]});
    assert!(!validator.is_valid(&bad_uri));
}

/// Accepted findings are results with `suppressions` (external for formlint.toml, inSource for a
/// cell comment), and the log stays valid.
#[test]
fn accepted_findings_are_suppressed_results_and_valid() {
    let pack = pack::load(&pack::embedded(), "<embedded>/").expect("embedded pack loads");
    let ruleset = Ruleset {
        name: pack.manifest.name.clone(),
        version: pack.manifest.version.clone(),
    };
    let mut reports = seed_reports(&pack);
    let config = formlint::config::parse(
        "审核/formlint.toml",
        "[[accept]]\nfile = \"P3-*.xlsx\"\ncode = \"S002\"\ncell = \"自评表!I16\"\nreason = \"已核实\"\n",
    )
    .expect("config");
    for r in &mut reports {
        config.apply(r);
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/accept");
    let bytes = std::fs::read(format!("{dir}/P3-批注接受.xlsx")).expect("fixture");
    reports.push(
        run::check_file(
            &pack,
            "accept/P3-批注接受.xlsx",
            &bytes,
            &CheckOptions::default(),
        )
        .report,
    );
    let sarif = render_sarif(&ruleset, &pack.rule_meta(), &reports);
    validate(&sarif);
    let log: serde_json::Value = serde_json::from_str(&sarif).expect("json");
    let kinds: Vec<(String, String)> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| {
            let s = r["suppressions"].as_array()?.first()?;
            Some((
                s["kind"].as_str()?.to_string(),
                s["justification"].as_str()?.to_string(),
            ))
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("external".to_string(), "已核实".to_string()),
            ("inSource".to_string(), "会议提前召开，扣分合理".to_string())
        ]
    );
}
