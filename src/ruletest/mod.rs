//! Rule tests: small forms written next to the rules (`tests/*.yaml` in a pack) with the
//! findings each should produce, so rule authors see at once when an edit changes what a rule
//! reports. The engine takes texts and a loader for fixture files; the CLI does the I/O.
//!
//! The file format is described in `docs/rule-tests.md`.

mod form;
mod pair;
mod spec;
pub mod update;

use crate::diag::{from_yaml_str, DiagKind, Problem};
use crate::finding::Finding;
use crate::form::Schema;
use crate::pack::Pack;
use crate::run::{check_file, CheckOptions};
pub use spec::{Base, Expect, Expected, InlineForm, PairBase, TestFileSpec, TestSpec};
use std::collections::BTreeSet;

/// How one test ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The findings were as expected.
    Passed,
    /// They were not (or the test could not run); the explanation, several lines.
    Failed(String),
    /// `skip:` was given; the reason.
    Skipped(String),
}

/// The result of one test.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// `B004/其他资金执行数超预算`: the rule (or the file's stem) and the test's name.
    pub label: String,
    /// `file:line` of the test.
    pub at: String,
    /// What happened.
    pub outcome: Outcome,
    /// For a test that failed only because its findings differ: the `expect` that would pass
    /// (`rules test --update` writes it).
    pub proposal: Option<update::Proposal>,
}

/// Counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed (a test file that could not be read counts as one).
    pub failed: usize,
    /// Tests skipped.
    pub skipped: usize,
}

/// Loads a fixture named relative to the test file; the error is shown to the author.
pub type Loader<'a> = dyn Fn(&str) -> Result<Vec<u8>, String> + 'a;

/// Runs every test of one test file (`name` is how the file is shown) against a pack.
/// A malformed file is an error pointing at its line; a test that cannot run fails.
pub fn run_file(
    pack: &Pack,
    name: &str,
    text: &str,
    load: &Loader,
) -> Result<Vec<CaseResult>, Box<Problem>> {
    let file: TestFileSpec = from_yaml_str(
        DiagKind::RuleTest,
        name,
        text,
        "规则测试文件 (rule test file)",
    )?;
    let stem = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml");
    let base = match file.base {
        None => None,
        Some(Base::Form(f)) => Some(f),
        Some(Base::Path(p)) => {
            let bytes = load(&p).map_err(|e| {
                Box::new(Problem::in_text(
                    DiagKind::RuleTest,
                    name,
                    text,
                    format!("无法读取基准表单 {p}：{e}"),
                    None,
                ))
            })?;
            let base_text = String::from_utf8_lossy(&bytes).to_string();
            let form: InlineForm = serde_saphyr::from_str(&base_text).map_err(|e| {
                Box::new(Problem::from_yaml(
                    DiagKind::RuleTest,
                    &p,
                    &base_text,
                    "基准表单 (base form)",
                    &e,
                ))
            })?;
            Some(form)
        }
    };
    let pair = match &file.pair {
        None => None,
        Some(p) => {
            let read = |path: &str| -> Result<InlineForm, Box<Problem>> {
                let bytes = load(path).map_err(|e| {
                    Box::new(Problem::in_text(
                        DiagKind::RuleTest,
                        name,
                        text,
                        format!("无法读取基准表单 {path}：{e}"),
                        None,
                    ))
                })?;
                let base_text = String::from_utf8_lossy(&bytes).to_string();
                serde_saphyr::from_str(&base_text).map_err(|e| {
                    Box::new(Problem::from_yaml(
                        DiagKind::RuleTest,
                        path,
                        &base_text,
                        "基准表单 (base form)",
                        &e,
                    ))
                })
            };
            Some(pair::PairForms {
                self_evaluation: read(&p.self_evaluation)?,
                declaration: read(&p.declaration)?,
            })
        }
    };
    let codes: BTreeSet<&str> = pack.program.rules().map(|r| r.code.text.as_str()).collect();
    let schema = pack.schema.clone();
    let mut out = Vec::new();
    for t in &file.tests {
        let line = t.name.referenced.line();
        let label = format!("{}/{}", t.rule.as_deref().unwrap_or(stem), t.name.value);
        // a pack that switches a rule off (`disable:`) keeps its base's tests of that rule
        let disabled = t
            .only
            .iter()
            .flatten()
            .chain(t.rule.iter())
            .find(|c| pack.manifest.disable.iter().any(|d| d.value == **c));
        let skip = t.skip.clone().or_else(|| {
            disabled.map(|c| format!("规则 {c} 已在 pack.yaml 的 disable 中停用 (rule disabled)"))
        });
        let (outcome, proposal) = match &skip {
            Some(reason) => (Outcome::Skipped(reason.clone()), None),
            None => match run_case(
                pack,
                &schema,
                &codes,
                (base.as_ref(), pair.as_ref()),
                t,
                load,
            ) {
                Ok(()) => (Outcome::Passed, None),
                Err(Failure { why, items }) => (
                    Outcome::Failed(why),
                    items.and_then(|items| {
                        Some(update::Proposal {
                            at: usize::try_from(t.expect.referenced.span().byte_offset()?).ok()?,
                            old: update::entries(&t.expect.value),
                            items,
                        })
                    }),
                ),
            },
        };
        out.push(CaseResult {
            label,
            at: format!("{name}:{line}"),
            outcome,
            proposal,
        });
    }
    Ok(out)
}

/// Why a test failed, and — when only its findings differ — the `expect` that would pass.
struct Failure {
    why: String,
    items: Option<Vec<update::Item>>,
}

impl From<String> for Failure {
    fn from(why: String) -> Failure {
        Failure { why, items: None }
    }
}

impl From<&str> for Failure {
    fn from(why: &str) -> Failure {
        Failure::from(why.to_string())
    }
}

/// Runs one test; `Err` explains the failure.
fn run_case(
    pack: &Pack,
    schema: &Schema,
    codes: &BTreeSet<&str>,
    (base, pair): (Option<&InlineForm>, Option<&pair::PairForms>),
    t: &TestSpec,
    load: &Loader,
) -> Result<(), Failure> {
    let only: Option<Vec<String>> = t
        .only
        .clone()
        .or_else(|| t.rule.as_ref().map(|r| vec![r.clone()]));
    for c in only.iter().flatten() {
        if !codes.contains(c.as_str()) && !c.starts_with('X') {
            return Err(
                format!("测试写法有误：规则包中没有规则 {c} (no such rule in the pack)").into(),
            );
        }
    }
    let (findings, form) = if pack.manifest.kind == crate::form::FormKind::Pair {
        pair::findings(pack, pair, t, load)?
    } else {
        single(pack, schema, base, t, load)?
    };
    let schema = match pack.sides.first() {
        Some(own) => &own.schema,
        None => schema,
    };
    let got: Vec<&Finding> = findings
        .iter()
        .filter(|f| only.as_ref().is_none_or(|o| o.contains(&f.code)))
        .collect();
    let expected: Vec<Expected> = match &t.expect.value {
        Expect::Nothing => Vec::new(),
        Expect::Findings(e) => e.clone(),
    };
    for e in &expected {
        if let Some(p) = &e.path {
            form::check_place(p, schema)
                .map_err(|m| format!("测试写法有误：期望位置“{p}”：{m}"))?;
        }
    }
    compare(&expected, &got, form.as_ref())
}

/// The findings of a test of a pack of one kind of form, and its inline form when it has one.
fn single(
    pack: &Pack,
    schema: &Schema,
    base: Option<&InlineForm>,
    t: &TestSpec,
    load: &Loader,
) -> Result<(Vec<Finding>, Option<InlineForm>), String> {
    if t.fixtures.is_some() {
        return Err("测试写法有误：fixtures 只用于交叉检查规则包，这里请用 fixture".into());
    }
    Ok(match (&t.fixture, &t.form) {
        (Some(_), Some(_)) => {
            return Err(
                "测试写法有误：fixture 与 form 只能写一个 (give fixture or form, not both)".into(),
            )
        }
        (Some(_), None) if !t.patch.0.is_empty() => {
            return Err(
                "测试写法有误：fixture 不能用 patch 修改 (a fixture cannot be patched)".into(),
            )
        }
        (Some(path), None) => {
            let bytes = load(path).map_err(|e| format!("无法读取 fixture {path}：{e}"))?;
            let checked = check_file(pack, path, &bytes, &CheckOptions::default());
            (checked.report.findings, None)
        }
        (None, given) => {
            let mut form = given.as_ref().or(base).cloned().ok_or(
                "测试写法有误：没有表单：请写 form、fixture，或在文件开头写 base (no form)",
            )?;
            for (key, value) in &t.patch.0 {
                form::patch(&mut form, key, &key.value, value, schema)?;
            }
            let json = form::canonical_json(&t.name.value, &form);
            let checked = check_file(pack, "test.json", json.as_bytes(), &CheckOptions::default());
            (checked.report.findings, Some(form))
        }
    })
}

/// Pairs expected and actual findings; any left on either side is a failure.
fn compare(
    expected: &[Expected],
    got: &[&Finding],
    form: Option<&InlineForm>,
) -> Result<(), Failure> {
    let mut used = vec![false; got.len()];
    let mut missing = Vec::new();
    for e in expected {
        let place = match (&e.cell, &e.path) {
            (Some(c), _) => Some(c.trim().to_uppercase()),
            (None, Some(p)) => Some(
                form::resolve(p, form).map_err(|m| format!("测试写法有误：期望位置“{p}”：{m}"))?,
            ),
            (None, None) => None,
        };
        let hit = got.iter().enumerate().position(|(i, f)| {
            !used[i]
                && f.code == e.code
                && place
                    .as_ref()
                    .is_none_or(|p| f.at.as_ref().is_some_and(|at| form::short_place(at) == *p))
                && e.message
                    .as_ref()
                    .is_none_or(|m| f.message.contains(m.as_str()))
        });
        match hit {
            Some(i) => used[i] = true,
            None => missing.push(describe_expected(e, place.as_deref())),
        }
    }
    let extra: Vec<String> = got
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(f, _)| describe(f))
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return Ok(());
    }
    let mut why = String::new();
    let list = |items: Vec<String>| -> String {
        if items.is_empty() {
            "    （无 none）\n".to_string()
        } else {
            items.iter().map(|i| format!("    {i}\n")).collect()
        }
    };
    why.push_str("  期望 (expected):\n");
    why.push_str(&list(
        expected
            .iter()
            .map(|e| describe_expected(e, e.cell.as_deref().or(e.path.as_deref())))
            .collect(),
    ));
    why.push_str("  实际 (got):\n");
    why.push_str(&list(got.iter().map(|f| describe(f)).collect()));
    if !missing.is_empty() {
        why.push_str("  缺少 (missing):\n");
        why.push_str(&list(missing));
    }
    if !extra.is_empty() {
        why.push_str("  多余 (unexpected):\n");
        why.push_str(&list(extra));
    }
    Err(Failure {
        why,
        items: Some(update::propose(expected, got, form)),
    })
}

fn describe_expected(e: &Expected, place: Option<&str>) -> String {
    let mut s = e.code.clone();
    if let Some(p) = place {
        s.push_str(&format!(" @ {p}"));
    }
    if let Some(m) = &e.message {
        s.push_str(&format!(" （消息含“{m}”）"));
    }
    s
}

fn describe(f: &Finding) -> String {
    let place =
        f.at.as_ref()
            .map(|p| format!(" @ {}", form::short_place(p)))
            .unwrap_or_default();
    format!("{}{place}  {}", f.code, f.message)
}

/// Counts passed, failed and skipped tests.
pub fn summarize(results: &[CaseResult]) -> Summary {
    let mut s = Summary::default();
    for r in results {
        match r.outcome {
            Outcome::Passed => s.passed += 1,
            Outcome::Failed(_) => s.failed += 1,
            Outcome::Skipped(_) => s.skipped += 1,
        }
    }
    s
}

/// The report, like `cargo test`: one line per test, the failures explained, and a last line
/// `N passed, N failed` (`; N skipped` when some were skipped). `broken` counts test files
/// that could not be read (each one failure; their diagnostics are printed separately).
pub fn render(results: &[CaseResult], broken: usize) -> String {
    render_explaining(results, broken, &|_| true)
}

/// [`render`], explaining only the failures `explain` picks (`rules test --update` shows the
/// others as the diff of their rewritten `expect` instead).
pub fn render_explaining(
    results: &[CaseResult],
    broken: usize,
    explain: &dyn Fn(&CaseResult) -> bool,
) -> String {
    let mut out = format!("running {} tests\n", results.len());
    for r in results {
        let status = match &r.outcome {
            Outcome::Passed => "ok".to_string(),
            Outcome::Failed(_) => "FAILED".to_string(),
            Outcome::Skipped(why) => format!("skipped ({why})"),
        };
        out.push_str(&format!("test {} ... {status}\n", r.label));
    }
    let failures: Vec<&CaseResult> = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)) && explain(r))
        .collect();
    if !failures.is_empty() {
        out.push_str("\nfailures:\n");
        for r in &failures {
            if let Outcome::Failed(why) = &r.outcome {
                out.push_str(&format!("\n---- {} ({}) ----\n{why}", r.label, r.at));
                if !why.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
    let s = summarize(results);
    out.push_str(&format!(
        "\n{} passed, {} failed",
        s.passed,
        s.failed + broken
    ));
    if s.skipped > 0 {
        out.push_str(&format!("; {} skipped", s.skipped));
    }
    out.push('\n');
    out
}
