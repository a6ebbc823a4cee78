//! Rule tests of a cross-check pack (`kind: 配对`): each test holds a pair of forms — a
//! self-evaluation and a declaration, from the file's `pair:` base forms patched per side
//! (`申报表:指标[2].指标值`), or a batch of `fixtures` — checks each with the pack's side packs,
//! then runs the cross-check; the self-evaluation's findings are compared.

use super::form;
use super::spec::{InlineForm, TestSpec};
use super::Loader;
use crate::crosscheck;
use crate::finding::Finding;
use crate::form::FormKind;
use crate::pack::Pack;
use crate::run::{self, CheckOptions, Input};

/// The two base forms of a pair test file.
#[derive(Debug, Clone)]
pub(super) struct PairForms {
    /// The self-evaluation.
    pub self_evaluation: InlineForm,
    /// The declaration.
    pub declaration: InlineForm,
}

/// The side a patch key names (`申报表:…`, else the self-evaluation) and the key without it.
fn side(key: &str) -> (FormKind, &str) {
    for (prefix, kind) in [
        ("申报表", FormKind::Declaration),
        ("自评表", FormKind::SelfEvaluation),
    ] {
        if let Some(rest) = key.strip_prefix(prefix) {
            if let Some(rest) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('：')) {
                return (kind, rest);
            }
        }
    }
    (FormKind::SelfEvaluation, key)
}

/// The findings of one pair test on its self-evaluation, and that form (for expected paths).
pub(super) fn findings(
    pack: &Pack,
    base: Option<&PairForms>,
    t: &TestSpec,
    load: &Loader,
) -> Result<(Vec<Finding>, Option<InlineForm>), String> {
    let [self_pack, decl_pack] = pack.sides.as_slice() else {
        return Err("交叉检查规则包没有两边的规则包 (pairs:)".into());
    };
    let packs = [self_pack, decl_pack];
    let opts = CheckOptions::default();
    if let Some(files) = &t.fixtures {
        if !t.patch.0.is_empty() || t.form.is_some() {
            return Err("测试写法有误：fixtures 不能与 form、patch 同用".into());
        }
        let mut filed = Vec::new();
        let mut reports = Vec::new();
        for path in files {
            let bytes = load(path).map_err(|e| format!("无法读取 fixture {path}：{e}"))?;
            let input = run::read_input(path, &bytes, &opts)
                .map_err(|f| format!("无法读取 fixture {path}：{}", f.message))?;
            let checked = run::check_input_with(&packs, path, input);
            filed.extend(crosscheck::filed(&checked.report, &checked.forms));
            reports.push(checked.report);
        }
        let mine = reports
            .iter()
            .find(|r| r.checked.iter().any(|c| c.kind == FormKind::SelfEvaluation))
            .map(|r| r.path.clone())
            .ok_or("测试写法有误：fixtures 中没有自评表")?;
        let found = crosscheck::check(pack, &filed)
            .into_iter()
            .filter(|(file, _)| *file == mine)
            .map(|(_, f)| f)
            .collect();
        return Ok((found, None));
    }
    let base = base.ok_or(
        "测试写法有误：交叉检查的测试须在文件开头写 pair: {自评表: …, 申报表: …}，或用 fixtures",
    )?;
    let mut forms = [base.self_evaluation.clone(), base.declaration.clone()];
    for (key, value) in &t.patch.0 {
        let (kind, place) = side(&key.value);
        let i = usize::from(kind == FormKind::Declaration);
        form::patch(&mut forms[i], key, place, value, &packs[i].schema)?;
    }
    let mut filed = Vec::new();
    for (i, (name, kind)) in [("自评表.json", "自评表"), ("申报表.json", "申报表")]
        .into_iter()
        .enumerate()
    {
        let json = form::canonical_json(kind, &forms[i]);
        let checked = run::check_input_with(&[packs[i]], name, Input::Canonical(json));
        filed.extend(crosscheck::filed(&checked.report, &checked.forms));
    }
    let found = crosscheck::check(pack, &filed)
        .into_iter()
        .filter(|(file, _)| file == "自评表.json")
        .map(|(_, f)| f)
        .collect();
    let [own, _] = forms;
    Ok((found, Some(own)))
}
