//! One diagnostics model for every file a policy author writes: rule files, `pack.yaml`,
//! `layout.yaml`, rule-test files, canonical form files and `formlint.toml`. A mistake is a
//! [`Problem`] of a [`DiagKind`] (each kind has its stable code), at a span of a [`SourceFile`],
//! rendered through miette with the file's text; [`Problems`] gathers all of a file's or a
//! pack's mistakes so the author sees them at once (the kdl-rs way).

mod yaml;

pub(crate) use yaml::{from_yaml_str, yaml_span};

use miette::{Diagnostic, LabeledSpan, SourceCode};
use std::fmt;
use std::sync::Arc;

/// A byte range in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

impl Span {
    /// Builds a span from byte offsets.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.end.saturating_sub(s.start)).into()
    }
}

impl From<miette::SourceSpan> for Span {
    fn from(s: miette::SourceSpan) -> Self {
        Span::new(s.offset(), s.offset() + s.len())
    }
}

/// The text of a file, shared by all problems pointing into it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file's name as the user knows it (`rules/shenzhen-2020/funds.rules`).
    pub name: String,
    /// Its text.
    pub text: Arc<String>,
}

impl SourceFile {
    /// Wraps a file's name and text.
    pub fn new(name: &str, text: &str) -> Self {
        SourceFile {
            name: name.to_string(),
            text: Arc::new(text.to_string()),
        }
    }

    /// 1-based line and column of a byte offset (for plain-text listings).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let col = before
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count())
            .unwrap_or(0)
            + 1;
        (line, col)
    }
}

fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What kind of mistake a problem is; each kind has one stable code (`DiagKind::code`), which
/// tests, editors and the browser workbench key on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiagKind {
    /// The rule text does not parse.
    Syntax,
    /// Brackets or `if`s nested deeper than the language allows.
    TooDeep,
    /// An expression has the wrong type for where it is used.
    Type,
    /// A function called with the wrong number of arguments.
    Arity,
    /// A name that is not a field, table, param or local.
    UnknownName,
    /// A function the language does not have.
    UnknownFunction,
    /// A column or field the layout does not have.
    UnknownField,
    /// A param or `let` defined twice, or named like a layout field.
    DuplicateName,
    /// Two rules with one code.
    DuplicateCode,
    /// A rule's metadata key written twice.
    DuplicateMeta,
    /// A key written twice in a map literal.
    DuplicateKey,
    /// A local name hiding a field, table or param.
    ShadowedName,
    /// A param that reads the form.
    ParamReadsForm,
    /// A param's value is not a constant of a known type.
    Param,
    /// A check without `at`, or `at` that is not a place.
    At,
    /// A check without `message`, or a message that is not text.
    Message,
    /// A name or param that nothing uses.
    Unused,
    /// A condition that can never hold.
    NeverFires,
    /// An invariant the pack states over its params (`assert`) does not hold.
    Invariant,
    /// `pack.yaml` is malformed.
    Manifest,
    /// A file the manifest names is missing, or a rule file present but not listed.
    PackFiles,
    /// An override names a param no layer defines.
    UnknownParam,
    /// An override names a rule code no layer defines.
    UnknownCode,
    /// An override's value has another type than the param.
    ParamType,
    /// `layout.yaml` is malformed.
    Layout,
    /// A canonical YAML/JSON form file is malformed.
    FormFile,
    /// A rule-test file is malformed, or a test names a path the layout lacks.
    RuleTest,
    /// `formlint.toml` is malformed.
    Config,
}

impl DiagKind {
    /// The stable code, e.g. `formlint::rules::unknown-name`.
    pub fn code(self) -> &'static str {
        match self {
            DiagKind::Syntax => "formlint::rules::syntax",
            DiagKind::TooDeep => "formlint::rules::too-deep",
            DiagKind::Type => "formlint::rules::type",
            DiagKind::Arity => "formlint::rules::arity",
            DiagKind::UnknownName => "formlint::rules::unknown-name",
            DiagKind::UnknownFunction => "formlint::rules::unknown-function",
            DiagKind::UnknownField => "formlint::rules::unknown-field",
            DiagKind::DuplicateName => "formlint::rules::duplicate-name",
            DiagKind::DuplicateCode => "formlint::rules::duplicate-code",
            DiagKind::DuplicateMeta => "formlint::rules::duplicate-meta",
            DiagKind::DuplicateKey => "formlint::rules::duplicate-key",
            DiagKind::ShadowedName => "formlint::rules::shadowed-name",
            DiagKind::ParamReadsForm => "formlint::rules::param-reads-form",
            DiagKind::Param => "formlint::rules::param",
            DiagKind::At => "formlint::rules::at",
            DiagKind::Message => "formlint::rules::message",
            DiagKind::Unused => "formlint::rules::unused",
            DiagKind::NeverFires => "formlint::rules::never-fires",
            DiagKind::Invariant => "formlint::pack::invariant",
            DiagKind::Manifest => "formlint::pack::manifest",
            DiagKind::PackFiles => "formlint::pack::files",
            DiagKind::UnknownParam => "formlint::pack::unknown-param",
            DiagKind::UnknownCode => "formlint::pack::unknown-code",
            DiagKind::ParamType => "formlint::pack::param-type",
            DiagKind::Layout => "formlint::layout",
            DiagKind::FormFile => "formlint::form-file",
            DiagKind::RuleTest => "formlint::rule-test",
            DiagKind::Config => "formlint::config",
        }
    }
}

impl fmt::Display for DiagKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One mistake in a file.
#[derive(Debug, Clone)]
pub struct Problem {
    /// What kind of mistake (and so its code).
    pub kind: DiagKind,
    /// What is wrong (Chinese first).
    pub message: String,
    /// Where, when known.
    pub span: Option<Span>,
    /// Short label under the span.
    pub label: String,
    /// How to fix it (a "did you mean" when there is a near name).
    pub help: Option<String>,
    /// Other places in the same file that explain it (where a param is defined, …).
    pub related: Vec<(Span, String)>,
    /// The file it points into.
    pub file: SourceFile,
}

impl Problem {
    /// A problem at `span` of `file`, labelled "此处".
    pub fn new(kind: DiagKind, file: &SourceFile, span: Option<Span>, message: String) -> Self {
        Problem {
            kind,
            message,
            span,
            label: "此处 here".into(),
            help: None,
            related: Vec::new(),
            file: file.clone(),
        }
    }

    /// A problem in the text `text` named `name`.
    pub fn in_text(
        kind: DiagKind,
        name: &str,
        text: &str,
        message: String,
        at: Option<miette::SourceSpan>,
    ) -> Self {
        Problem::new(
            kind,
            &SourceFile::new(name, text),
            at.map(Span::from),
            message,
        )
    }

    /// Sets the label under the span.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the hint.
    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Adds a second labelled place in the same file.
    pub fn also_at(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    /// The message with its line and column (`…（第 52 行第 11 列）`), for a finding about the
    /// file, which has no snippet.
    pub fn message_with_place(&self) -> String {
        match self.span {
            Some(s) => {
                let (line, col) = self.file.line_col(s.start);
                format!("{}（第 {line} 行第 {col} 列）", self.message)
            }
            None => self.message.clone(),
        }
    }

    /// `file:line:col: message`, for one-line listings (editors, CI logs).
    pub fn one_line(&self) -> String {
        match self.span {
            Some(s) => {
                let (line, col) = self.file.line_col(s.start);
                format!("{}:{line}:{col}: {}", self.file.name, self.message)
            }
            None => format!("{}: {}", self.file.name, self.message),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.file)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let main = self
            .span
            .map(|s| LabeledSpan::new_primary_with_span(Some(self.label.clone()), s));
        let also = self
            .related
            .iter()
            .map(|(s, l)| LabeledSpan::new_with_span(Some(l.clone()), *s));
        Some(Box::new(main.into_iter().chain(also)))
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// All mistakes found in a pack (or a file), reported together.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    /// The mistakes, in file and position order.
    pub errors: Vec<Problem>,
}

impl Problems {
    /// Whether there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Sorts by file, then position, and drops exact duplicates.
    pub fn sort(&mut self) {
        let start = |p: &Problem| p.span.map_or(0, |s| s.start);
        self.errors
            .sort_by(|a, b| (&a.file.name, start(a)).cmp(&(&b.file.name, start(b))));
        self.errors.dedup_by(|a, b| {
            a.file.name == b.file.name && a.span == b.span && a.message == b.message
        });
    }
}

impl From<Problem> for Problems {
    fn from(p: Problem) -> Self {
        Problems { errors: vec![p] }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "规则包有 {} 处错误 (rule pack has {} error(s))",
            self.errors.len(),
            self.errors.len()
        )
    }
}

impl std::error::Error for Problems {}

impl Diagnostic for Problems {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("formlint::rules"))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.errors.iter().map(|e| e as &dyn Diagnostic)))
    }
}

/// Renders a diagnostic as every tool shows rule-pack and file problems: no colour, width 100,
/// miette's `help:` in Chinese (帮助：). The command line and the browser binding use it.
pub fn render(d: &dyn Diagnostic) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100);
    let mut out = String::new();
    let _ = handler.render_report(&mut out, d);
    chinese_help(&out)
}

/// Rewrites miette's `  help: ` at the start of a line (or after the colour code that starts
/// it) as `  帮助：`; everything else is kept, trailing spaces trimmed.
pub fn chinese_help(rendered: &str) -> String {
    let mut out: String = rendered
        .lines()
        .map(|l| {
            let l = l.trim_end();
            match l.find("  help: ") {
                Some(i) if i == 0 || l[..i].starts_with('\u{1b}') && !l[..i].contains(' ') => {
                    format!("{}  帮助：{}", &l[..i], &l[i + "  help: ".len()..])
                }
                _ => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}
