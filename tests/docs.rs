//! The manual's examples run as tests: every ```formlint block of docs/rule-language.md must
//! compile against the shipped layout, and the documented functions must all exist. The
//! tutorial is run command by command in tests/tutorial.rs.

use crate::common;
use common::{blocks, root};
use formlint::lang::{compile, SourceFile};

#[test]
fn rule_language_examples_compile() {
    let doc = std::fs::read_to_string(root().join("docs/rule-language.md")).expect("doc");
    let files = formlint::pack::embedded();
    let pack = formlint::pack::load(&files, "").expect("pack");
    let examples = blocks(&doc, "formlint");
    assert!(!examples.is_empty());
    for (i, text) in examples.iter().enumerate() {
        let src = SourceFile::new(&format!("docs/rule-language.md example {}", i + 1), text);
        if let Err(e) = compile(&[src], &pack.layout.schema(), pack.program.units().clone()) {
            panic!("example {} does not compile: {e:?}", i + 1);
        }
    }
    // examples of a cross-check pack compile after its params
    let (files, prefix) = formlint::pack::embedded_files("crosscheck-2020").expect("pack");
    let cross = formlint::pack::load(&files, &prefix).expect("pack");
    let params = SourceFile::new("params.rules", &files["params.rules"]);
    let examples = blocks(&doc, "formlint-pair");
    assert!(!examples.is_empty());
    for (i, text) in examples.iter().enumerate() {
        let src = SourceFile::new(
            &format!("docs/rule-language.md pair example {}", i + 1),
            text,
        );
        let sources = [params.clone(), src];
        if let Err(e) = compile(&sources, &cross.schema, cross.program.units().clone()) {
            panic!("pair example {} does not compile: {e:?}", i + 1);
        }
    }
}

#[test]
fn every_builtin_is_documented_and_every_documented_function_exists() {
    let doc = std::fs::read_to_string(root().join("docs/rule-language.md")).expect("doc");
    for name in formlint::lang::builtin_names() {
        assert!(
            doc.contains(&format!("`{name}(")),
            "{name} is not in docs/rule-language.md"
        );
    }
    let section = doc
        .split("## Functions")
        .nth(1)
        .expect("functions section")
        .split("\n## ")
        .next()
        .expect("section");
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let name: String = line[3..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        assert!(
            formlint::lang::is_builtin(&name),
            "documented function {name} does not exist"
        );
    }
}

#[test]
fn readme_lists_the_engine_codes_of_the_registry() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let table = formlint::codes::markdown_table();
    assert!(
        readme.contains(&table),
        "README.md's input-code table differs from src/codes.rs; put this in:\n{table}"
    );
}
