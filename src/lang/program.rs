//! A compiled rule pack: rule files parsed and checked once per run, then evaluated on any
//! number of forms (the program is shared, read-only, across threads).

use crate::finding::Finding;
use crate::form::{Form, Schema};
use crate::lang::ast::{File, Param, Rule};
use crate::lang::check::Checker;
use crate::lang::error::{RuleErrors, SourceFile};
use crate::lang::eval::{eval_failure, run_check, Env};
use crate::lang::parse::parse_file;
use crate::lang::val::Val;
use crate::value::Units;
use std::collections::BTreeMap;

/// Checked rules, ready to run.
#[derive(Debug)]
pub struct Program {
    files: Vec<(SourceFile, File)>,
    params: Vec<(String, Val<'static>)>,
    units: Units,
}

static NO_FORM: Form = Form {
    sheet: String::new(),
    fields: BTreeMap::new(),
    tables: BTreeMap::new(),
};

/// Parses and checks rule files against a layout's schema. All mistakes come back together.
pub fn compile(
    sources: &[SourceFile],
    schema: &Schema,
    units: Units,
) -> Result<Program, RuleErrors> {
    let mut errors = RuleErrors::default();
    let mut files = Vec::new();
    for src in sources {
        let (file, errs) = parse_file(src);
        errors.errors.extend(errs);
        files.push((src.clone(), file));
    }
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
        for r in &file.rules {
            checker.rule(src, r);
        }
    }
    errors.errors.extend(checker.errors);
    if !errors.is_empty() {
        errors.sort();
        return Err(errors);
    }
    let mut program = Program {
        files,
        params: Vec::new(),
        units,
    };
    let params = program.eval_params().map_err(|e| {
        let mut errs = RuleErrors::default();
        errs.errors.push(*e);
        errs
    })?;
    program.params = params;
    Ok(program)
}

impl Program {
    fn eval_params(
        &self,
    ) -> Result<Vec<(String, Val<'static>)>, Box<crate::lang::error::RuleError>> {
        let mut env = Env::new(&self.units, &NO_FORM);
        let mut out = Vec::new();
        for (src, file) in &self.files {
            for p in &file.params {
                let v = env
                    .eval(&p.value)
                    .map_err(|e| crate::lang::error::RuleError {
                        code: "formlint::rules::param",
                        message: format!("参数 {} 无法计算：{}", p.name.text, e.message),
                        span: e.span,
                        label: "这里".into(),
                        help: None,
                        file: src.clone(),
                    })?;
                env.bind(&p.name.text, v.clone());
                out.push((p.name.text.clone(), v));
            }
        }
        Ok(out)
    }

    /// Every rule, in file order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.files.iter().flat_map(|(_, f)| f.rules.iter())
    }

    /// Every `param`, with the file it is declared in.
    pub fn params(&self) -> impl Iterator<Item = (&SourceFile, &Param)> {
        self.files
            .iter()
            .flat_map(|(s, f)| f.params.iter().map(move |p| (s, p)))
    }

    /// The units the pack declares (for the value grammar).
    pub fn units(&self) -> &Units {
        &self.units
    }

    /// Runs every rule on a form; findings come in rule order. A rule that fails at run time
    /// yields an `X009` finding naming it, never a silent skip.
    pub fn check(&self, form: &Form) -> Vec<Finding> {
        let mut env = Env::new(&self.units, form);
        for (name, v) in &self.params {
            env.bind(name, v.clone());
        }
        let mut out = Vec::new();
        for (src, file) in &self.files {
            for l in &file.lets {
                let v = env.eval(&l.value).unwrap_or_else(|e| {
                    let (line, _) = src.line_col(e.span.start);
                    out.push(eval_failure(
                        &format!("定义 {}", l.name.text),
                        &form.sheet,
                        &e,
                        &src.name,
                        line,
                    ));
                    Val::null()
                });
                env.bind(&l.name.text, v);
            }
        }
        for (src, file) in &self.files {
            for rule in &file.rules {
                for check in &rule.checks {
                    if let Err(e) = run_check(&mut env, rule, check, &mut out) {
                        let (line, _) = src.line_col(e.span.start);
                        out.push(eval_failure(
                            &format!("规则 {}", rule.code.text),
                            &form.sheet,
                            &e,
                            &src.name,
                            line,
                        ));
                    }
                }
            }
        }
        out
    }
}
