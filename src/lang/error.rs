//! Errors in rule files: one miette diagnostic per mistake, with a labelled span into the file,
//! gathered into [`RuleErrors`] so a rule author sees all of them at once.

use crate::lang::ast::Span;
use miette::{Diagnostic, LabeledSpan, SourceCode};
use std::fmt;
use std::sync::Arc;

/// The text of a rule file, shared by all errors pointing into it.
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
        let before = &self.text[..offset.min(self.text.len())];
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

/// One mistake in a rule file.
#[derive(Debug, Clone)]
pub struct RuleError {
    /// Stable diagnostic code, e.g. `formlint::rules::unknown-name`.
    pub code: &'static str,
    /// What is wrong (Chinese first).
    pub message: String,
    /// Where.
    pub span: Span,
    /// Short label under the span.
    pub label: String,
    /// How to fix it (a "did you mean" when there is a near name).
    pub help: Option<String>,
    /// The file it points into.
    pub file: SourceFile,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuleError {}

impl Diagnostic for RuleError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
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
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.label.clone()),
            self.span,
        ))))
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

/// All mistakes found in a rule pack, reported together.
#[derive(Debug, Clone, Default)]
pub struct RuleErrors {
    /// The mistakes, in file and position order.
    pub errors: Vec<RuleError>,
}

impl RuleErrors {
    /// Whether there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Sorts by file, then position, and drops exact duplicates.
    pub fn sort(&mut self) {
        self.errors
            .sort_by(|a, b| (&a.file.name, a.span.start).cmp(&(&b.file.name, b.span.start)));
        self.errors.dedup_by(|a, b| {
            a.file.name == b.file.name && a.span == b.span && a.message == b.message
        });
    }
}

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "规则包有 {} 处错误 (rule pack has {} error(s))",
            self.errors.len(),
            self.errors.len()
        )
    }
}

impl std::error::Error for RuleErrors {}

impl Diagnostic for RuleErrors {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("formlint::rules"))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.errors.iter().map(|e| e as &dyn Diagnostic)))
    }
}
