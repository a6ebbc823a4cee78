//! A compiled rule pack: rule files parsed and checked once per run, then evaluated on any
//! number of forms (the program is shared, read-only, across threads).

use crate::codes;
use crate::diag::{DiagKind, Problem, Problems, SourceFile};
use crate::finding::Finding;
use crate::finding::Severity;
use crate::form::{Form, Schema};
use crate::lang::ast::{Expr, ExprKind, File, Rule, Span};
use crate::lang::check::Checker;
use crate::lang::eval::{eval_failure, run_check, Env};
use crate::lang::parse::parse_file;
use crate::lang::val::Val;
use crate::text::did_you_mean;
use crate::value::Units;
use std::collections::BTreeMap;

/// Checked rules, ready to run.
#[derive(Debug)]
pub struct Program {
    files: Vec<(SourceFile, File)>,
    params: Vec<(String, Val<'static>)>,
    units: Units,
    /// The form fields and tables the rules read, in slot order (`lang::resolve`).
    form_names: Vec<String>,
}

/// What [`Program::check_pairs`] binds before the parameters: the two lists of forms.
const PAIR_LISTS: [&str; 2] = ["自评表", "申报表"];

static NO_FORM: Form = Form {
    sheet: String::new(),
    fields: BTreeMap::new(),
    tables: BTreeMap::new(),
    accepted: Vec::new(),
};

/// Where a setting of a pack manifest was written, so mistakes in it point at the manifest.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The manifest file.
    pub file: SourceFile,
    /// The setting's key in it.
    pub span: Span,
}

/// A parameter given a new value by a pack that extends another.
#[derive(Debug, Clone)]
pub struct ParamOverride {
    /// The parameter's name.
    pub name: String,
    /// The new value (a literal).
    pub value: Expr,
    /// Where the override was written.
    pub origin: Origin,
}

/// What a pack that extends another changes without copying it: parameter values, rule
/// severities, rules switched off. Rules are replaced by giving a rule of the same code in a
/// later layer.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// New parameter values.
    pub params: Vec<ParamOverride>,
    /// New severities by rule code.
    pub severity: Vec<(String, Severity, Origin)>,
    /// Rules switched off, by code.
    pub disable: Vec<(String, Origin)>,
}

/// Parses and checks rule files against a layout's schema. All mistakes come back together.
pub fn compile(sources: &[SourceFile], schema: &Schema, units: Units) -> Result<Program, Problems> {
    let layered: Vec<(SourceFile, usize)> = sources.iter().map(|s| (s.clone(), 0)).collect();
    compile_layers(&layered, schema, units, &Overrides::default())
}

/// Compiles rule files in layers (0 = the base pack, 1 = a pack extending it, …): a rule in a
/// higher layer replaces the rule of the same code below it; `overrides` then set parameters,
/// change severities and switch rules off.
pub fn compile_layers(
    sources: &[(SourceFile, usize)],
    schema: &Schema,
    units: Units,
    overrides: &Overrides,
) -> Result<Program, Problems> {
    crate::lang::depth::with_stack(|| compile_here(sources, schema, units, overrides))
}

fn compile_here(
    sources: &[(SourceFile, usize)],
    schema: &Schema,
    units: Units,
    overrides: &Overrides,
) -> Result<Program, Problems> {
    let mut errors = Problems::default();
    let mut files = Vec::new();
    for (src, layer) in sources {
        let (file, errs) = parse_file(src);
        errors.errors.extend(errs);
        files.push((src.clone(), file, *layer));
    }
    // a rule given again in a higher layer replaces the lower one
    let top: BTreeMap<String, usize> =
        files.iter().fold(BTreeMap::new(), |mut m, (_, f, layer)| {
            for r in &f.rules {
                let e = m.entry(r.code.text.clone()).or_insert(*layer);
                *e = (*e).max(*layer);
            }
            m
        });
    for (_, f, layer) in &mut files {
        f.rules
            .retain(|r| top.get(&r.code.text).is_none_or(|t| t == layer));
    }
    let mut files: Vec<(SourceFile, File)> = files.into_iter().map(|(s, f, _)| (s, f)).collect();
    apply_param_overrides(&mut files, &overrides.params, &mut errors);
    let mut checker = Checker::new(schema);
    for (src, file) in &files {
        for p in &file.params {
            checker.declare(src, p, true);
        }
    }
    for (src, file) in &files {
        for l in &file.lets {
            checker.declare(src, l, false);
        }
    }
    for (src, file) in &files {
        for a in &file.asserts {
            checker.assertion(src, a);
        }
        for r in &file.rules {
            checker.rule(src, r);
        }
    }
    errors.errors.extend(checker.errors);
    apply_rule_overrides(&mut files, overrides, &mut errors);
    if !errors.is_empty() {
        errors.sort();
        return Err(errors);
    }
    // a cross-check pack's rules run with the lists of forms bound first; any other pack's
    // never see them bound, but a name so bound is searched by name all the same
    let (first, unmodelled): (&[&str], &[&str]) = if schema.forms.is_empty() {
        (&[], &PAIR_LISTS)
    } else {
        (&PAIR_LISTS, &[])
    };
    let mut bare: Vec<&mut File> = files.iter_mut().map(|(_, f)| f).collect();
    let form_names = crate::lang::resolve::resolve(&mut bare, first, unmodelled);
    let mut program = Program {
        files,
        params: Vec::new(),
        units,
        form_names,
    };
    let params = program.eval_params().map_err(|e| {
        let mut errs = Problems::default();
        errs.errors.push(*e);
        errs
    })?;
    program.params = params;
    Ok(program)
}

fn origin_error(
    o: &Origin,
    kind: DiagKind,
    message: String,
    label: &str,
    help: Option<String>,
) -> Problem {
    Problem::new(kind, &o.file, Some(o.span), message)
        .with_label(label)
        .with_help(help)
}

/// The literal shape of a value, to keep an override of the same sort as the original.
fn shape(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Number(_) => "数字",
        ExprKind::Text(_) => "文字",
        ExprKind::Bool(_) => "真假值",
        ExprKind::List(_) | ExprKind::Comprehension(_) => "列表",
        ExprKind::Map(_) => "对照表",
        _ => "表达式",
    }
}

fn apply_param_overrides(
    files: &mut [(SourceFile, File)],
    overrides: &[ParamOverride],
    errors: &mut Problems,
) {
    for o in overrides {
        let found = files
            .iter_mut()
            .flat_map(|(_, f)| f.params.iter_mut())
            .find(|p| p.name.text == o.name);
        match found {
            Some(p) => {
                let (was, now) = (shape(&p.value), shape(&o.value));
                if was != now && was != "表达式" {
                    errors.errors.push(origin_error(
                        &o.origin,
                        DiagKind::ParamType,
                        format!(
                            "参数 {} 原来是{was}，覆盖值却是{now} (override of another type)",
                            o.name
                        ),
                        &format!("应为{was}"),
                        None,
                    ));
                } else {
                    // keep the span of the declaration so run-time messages still point somewhere real
                    let span = p.value.span;
                    p.value = o.value.clone();
                    set_spans(&mut p.value, span);
                }
            }
            None => {
                let names: Vec<String> = files
                    .iter()
                    .flat_map(|(_, f)| f.params.iter().map(|p| p.name.text.clone()))
                    .collect();
                let help = did_you_mean(&o.name, names.iter().map(String::as_str))
                    .map(|s| format!("是不是“{s}”？"));
                errors.errors.push(origin_error(
                    &o.origin,
                    DiagKind::UnknownParam,
                    format!("被覆盖的参数“{}”不存在 (unknown parameter)", o.name),
                    "未知参数",
                    help,
                ));
            }
        }
    }
}

fn set_spans(e: &mut Expr, span: Span) {
    e.span = span;
    match &mut e.kind {
        ExprKind::List(items) => items.iter_mut().for_each(|i| set_spans(i, span)),
        ExprKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            k.span = span;
            set_spans(v, span);
        }),
        _ => {}
    }
}

fn apply_rule_overrides(files: &mut [(SourceFile, File)], o: &Overrides, errors: &mut Problems) {
    let codes: Vec<String> = files
        .iter()
        .flat_map(|(_, f)| f.rules.iter().map(|r| r.code.text.clone()))
        .collect();
    let unknown = |code: &str, origin: &Origin, errors: &mut Problems| {
        let help =
            did_you_mean(code, codes.iter().map(String::as_str)).map(|s| format!("是不是 {s}？"));
        errors.errors.push(origin_error(
            origin,
            DiagKind::UnknownCode,
            format!("规则代码 {code} 不存在 (unknown rule code)"),
            "未知规则",
            help,
        ));
    };
    for (code, severity, origin) in &o.severity {
        match files
            .iter_mut()
            .flat_map(|(_, f)| f.rules.iter_mut())
            .find(|r| &r.code.text == code)
        {
            Some(r) => r.severity = *severity,
            None => unknown(code, origin, errors),
        }
    }
    for (code, origin) in &o.disable {
        if !codes.contains(code) {
            unknown(code, origin, errors);
        }
        for (_, f) in files.iter_mut() {
            f.rules.retain(|r| &r.code.text != code);
        }
    }
}

impl Program {
    fn eval_params(&self) -> Result<Vec<(String, Val<'static>)>, Box<crate::diag::Problem>> {
        let mut env = Env::new(&self.units, &NO_FORM, &self.form_names);
        let mut out = Vec::new();
        for (src, file) in &self.files {
            for p in &file.params {
                let v = env.eval(&p.value).map_err(|e| {
                    Problem::new(
                        DiagKind::Param,
                        src,
                        Some(e.span),
                        format!("参数 {} 无法计算：{}", p.name.text, e.message),
                    )
                    .with_label("这里")
                })?;
                out.push((p.name.text.clone(), crate::lang::val::owned(&v)));
                env.bind(&p.name.text, v);
            }
        }
        Ok(out)
    }

    /// The pack's `assert`s that do not hold with its params (overrides applied), each at its
    /// condition: `rules check` fails on them, `check` warns, so a weight changed without the
    /// total is caught where the pack states the total.
    pub fn broken_invariants(&self) -> Vec<Problem> {
        let mut env = Env::new(&self.units, &NO_FORM, &self.form_names);
        for (name, v) in &self.params {
            env.bind(name, v.clone());
        }
        let mut out = Vec::new();
        for (src, file) in &self.files {
            for a in &file.asserts {
                let problem = |message: String| {
                    Problem::new(DiagKind::Invariant, src, Some(a.cond.span), message)
                        .with_label("不成立")
                };
                match env.eval(&a.cond).map(|v| v.as_bool()) {
                    Ok(Some(true)) => {}
                    Ok(Some(false)) => {
                        let why = env
                            .render(&a.message)
                            .unwrap_or_else(|_| "（说明无法生成）".into());
                        out.push(
                            problem(format!(
                                "规则包的不变式不成立：{why} (invariant does not hold)"
                            ))
                            .with_help(Some(
                                "改参数（或 pack.yaml 的 params）让它成立；改了权重别忘了总分"
                                    .into(),
                            )),
                        );
                    }
                    Ok(None) => out.push(problem(
                        "不变式的结果未知（参数为空？）(invariant is unknown)".into(),
                    )),
                    Err(e) => out.push(problem(format!("不变式无法计算：{}", e.message))),
                }
            }
        }
        out
    }

    /// Warnings for rule authors: unused parameters, checks that can never fire.
    pub fn lint(&self, schema: &Schema) -> Vec<crate::lang::lint::RuleWarning> {
        crate::lang::lint::lint(&self.files, schema)
    }

    /// Parameter values after overrides, in declaration order.
    pub fn param_values(&self) -> impl Iterator<Item = (&str, &Val<'static>)> {
        self.params.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Every rule, in file order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.files.iter().flat_map(|(_, f)| f.rules.iter())
    }

    /// The units the pack declares (for the value grammar).
    pub fn units(&self) -> &Units {
        &self.units
    }

    /// Runs a cross-check pack's rules once over the forms of one fiscal year: its rules see
    /// the self-evaluations as `自评表` and the declarations as `申报表`. Findings come in rule
    /// order, at the places of those forms (`Place::Elsewhere`: the caller routes each to its
    /// file).
    pub fn check_pairs(
        &self,
        selfs: &[crate::form::FiledForm],
        decls: &[crate::form::FiledForm],
    ) -> Vec<Finding> {
        fn list(forms: &[crate::form::FiledForm]) -> Val<'_> {
            Val::of(crate::lang::val::V::List(std::sync::Arc::new(
                forms
                    .iter()
                    .map(|f| Val::of(crate::lang::val::V::Form(f)))
                    .collect(),
            )))
        }
        let mut env = Env::new(&self.units, &NO_FORM, &self.form_names);
        let [s, d] = PAIR_LISTS;
        env.bind(s, list(selfs));
        env.bind(d, list(decls));
        self.run(env)
    }

    /// Runs every rule on a form; findings come in rule order. A rule that fails at run time
    /// yields an `X009` finding naming it, never a silent skip.
    pub fn check(&self, form: &Form) -> Vec<Finding> {
        self.run(Env::new(&self.units, form, &self.form_names))
    }

    fn run<'p, 'f>(&'p self, mut env: Env<'p, 'f>) -> Vec<Finding> {
        let form = env.form();
        for (name, v) in &self.params {
            env.bind(name, v.clone());
        }
        let mut out = Vec::new();
        for (src, file) in &self.files {
            for l in &file.lets {
                let v = env.eval(&l.value).unwrap_or_else(|e| {
                    let what = format!("定义 {}", l.name.text);
                    out.push(eval_failure(&what, &form.sheet, &e, src));
                    Val::null()
                });
                env.bind(&l.name.text, v);
            }
        }
        for (src, file) in &self.files {
            for rule in &file.rules {
                for check in &rule.checks {
                    if let Err(e) = run_check(&mut env, rule, check, &mut out) {
                        let what = format!("规则 {}", rule.code.text);
                        out.push(eval_failure(&what, &form.sheet, &e, src));
                    }
                }
            }
        }
        #[cfg(test)]
        crate::lang::resolve::tests::SLOT_MISSES.with(|m| m.set(m.get() + env.slot_misses.get()));
        for at in env.overflows() {
            let what = match &at {
                Some(_) => "该数值",
                None => "本表有数值",
            };
            out.push(Finding {
                at,
                ..codes::OUT_OF_RANGE.on_sheet(
                    &form.sheet,
                    format!(
                        "{what}在计算中超出可计算的范围（约 ±7.9×10²⁸），相关检查按无法识别处理"
                    ),
                )
            });
        }
        out
    }
}
