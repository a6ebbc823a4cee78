//! The manual's examples run as tests: every ```formlint block of docs/rule-language.md must
//! compile against the shipped layout, and the documented functions must all exist.

mod common;
use common::root;
use formlint::lang::{compile, SourceFile};

fn blocks(markdown: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim() == format!("```{lang}") => current = Some(String::new()),
            Some(b) if line.trim() == "```" => {
                out.push(std::mem::take(b));
                current = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    out
}

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

/// The tutorial for policy staff, done for real on a copy of the shipped pack: its new rule
/// compiles, its two tests pass, the only failures are the real forms of `tests/seed.yaml` on
/// which it reports (as the tutorial shows, with the same counts), and its weight change has the
/// effect it describes.
#[test]
fn tutorial_walkthrough_works() {
    let doc = std::fs::read_to_string(root().join("docs/tutorial-zh.md")).expect("tutorial");
    let rule = blocks(&doc, "formlint")
        .into_iter()
        .next()
        .expect("the new rule");
    let tests = blocks(&doc, "yaml")
        .into_iter()
        .find(|b| b.contains("S101"))
        .expect("its tests");
    // the pack's tests carry their own workbooks (tests/forms/), so any folder will do
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = tmp.path().join("shenzhen-2021");
    common::copy_tree(&root().join("rules/shenzhen-2020"), &pack);
    let scores = pack.join("scores.rules");
    let text = std::fs::read_to_string(&scores).expect("scores");
    std::fs::write(&scores, format!("{text}\n{rule}")).expect("write");
    let tfile = pack.join("tests/scores.yaml");
    let ttext = std::fs::read_to_string(&tfile).expect("tests");
    std::fs::write(&tfile, format!("{ttext}\n{tests}")).expect("write");
    let p = pack.to_str().expect("utf8");
    let (code, out, err) = common::formlint(&["rules", "test", p]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("test S101/满意度得分偏低 ... ok"), "{out}");
    assert!(out.contains("test S101/满意度得分正常 ... ok"), "{out}");
    // every failure is a seed form on which the new rule reports, and nothing else is amiss
    let failed: Vec<&str> = out.lines().filter(|l| l.ends_with(" ... FAILED")).collect();
    assert_eq!(failed.len(), 3, "{out}");
    assert!(failed.iter().all(|l| l.starts_with("test seed/P")), "{out}");
    assert!(!out.contains("缺少 (missing)"), "{out}");
    let mut unexpected = false;
    for line in out.lines() {
        match line.trim() {
            "多余 (unexpected):" => unexpected = true,
            l if l.is_empty() || l.starts_with("----") || l.ends_with(':') => unexpected = false,
            l if unexpected => assert!(l.starts_with("S101 @ "), "{out}"),
            _ => {}
        }
    }
    // the tutorial's sample output ends with the same counts
    let last = out.lines().last().unwrap_or_default();
    assert!(
        doc.contains(&format!("\n{last}\n```")),
        "tutorial should show: {last}"
    );
    // step 1: the weight change makes W001 fire on forms whose 效益指标 weights add up to 40
    let params = pack.join("params.rules");
    let ptext = std::fs::read_to_string(&params).expect("params");
    assert!(doc.contains("param 一级权重 = {产出指标: 60, 效益指标: 30}"));
    std::fs::write(
        &params,
        ptext.replace(
            "{产出指标: 50, 效益指标: 40}",
            "{产出指标: 60, 效益指标: 30}",
        ),
    )
    .expect("write");
    let (_, out, _) = common::formlint(&[
        "check",
        "tests/fixtures/seed/P4-进出口预警事务.xlsx",
        "--rules",
        p,
        "--format",
        "json",
    ]);
    assert_eq!(
        out.matches("\"W001\"").count(),
        2,
        "产出 and 效益 both off: {out}"
    );
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
