//! Diagnostics: every problem found in a policy, with its place, rendered for people (miette)
//! or as JSON for CI.

use crate::source::{SourceMap, Span};
use serde::Serialize;
use std::sync::Arc;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The policy is still compiled.
    Warning,
    /// The policy is rejected.
    Error,
}

/// What went wrong, as a stable code. The code (`E…`/`W…`) is part of the JSON output and
/// never changes meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Code {
    /// The text does not follow the grammar.
    Syntax,
    /// A file could not be read (an import).
    Io,
    /// An `import` chain leads back to a file that is being imported.
    ImportCycle,
    /// A name is used but never declared.
    Undefined,
    /// A name is declared twice.
    Duplicate,
    /// A required statement is missing (e.g. a category without a retention rule).
    Missing,
    /// A localised text lacks a declared locale.
    MissingTranslation,
    /// A localised text has a locale the policy does not declare.
    UnknownLocale,
    /// A name cannot become a SQL, Rust or file identifier.
    BadIdentifier,
    /// Two names become the same generated identifier.
    NameCollision,
    /// A value is out of range or malformed (dates, numbers, URLs, cron).
    BadValue,
    /// Consent-based processing or sharing lacks what consent requires.
    Consent,
    /// A statement does not fit the role, store or rule it is attached to.
    Mismatch,
    /// A store cannot enforce the rule bound to it.
    Unenforceable,
    /// A declared item is never used.
    Unused,
    /// A fallback translation was used.
    Fallback,
}

impl Code {
    /// The stable code string.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "E001",
            Code::Io => "E002",
            Code::ImportCycle => "E003",
            Code::Undefined => "E101",
            Code::Duplicate => "E102",
            Code::Missing => "E103",
            Code::MissingTranslation => "E104",
            Code::UnknownLocale => "E105",
            Code::BadIdentifier => "E106",
            Code::NameCollision => "E107",
            Code::BadValue => "E108",
            Code::Consent => "E109",
            Code::Mismatch => "E110",
            Code::Unenforceable => "E111",
            Code::Unused => "W201",
            Code::Fallback => "W202",
        }
    }

    /// Errors reject the policy; warnings do not.
    pub fn severity(self) -> Severity {
        match self {
            Code::Unused | Code::Fallback => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One problem in a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem.
    pub code: Code,
    /// One lowercase sentence, user input in backticks, no final period.
    pub message: String,
    /// Where; `None` for problems with no place (an unreadable root file).
    pub span: Option<Span>,
    /// Text under the underline.
    pub label: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at a span, labelled.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic { code, message: message.into(), span: Some(span), label: String::new(), help: None }
    }

    /// Sets the text shown under the underline.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Adds a hint.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a hint only if there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// The diagnostic's severity.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// The diagnostics of one compilation, in source order.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// True if any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity() == Severity::Error)
    }

    /// All diagnostics.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorts by file and position so output is stable and reads top to bottom.
    pub fn sort(&mut self) {
        self.items.sort_by_key(|d| d.span.map(|s| (s.file, s.start, s.end)));
        self.items.dedup();
    }

    /// Appends another set.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
}

/// How diagnostics are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Rendered with underlined source; colour if `color` is set.
    #[default]
    Human,
    /// One JSON object per diagnostic in an array.
    Json,
}

/// A diagnostic in the JSON format (`--format json`): positions are 1-based, columns count
/// characters.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    /// `E…` for errors, `W…` for warnings.
    pub code: &'a str,
    /// `error` or `warning`.
    pub severity: Severity,
    /// The message.
    pub message: &'a str,
    /// The file, as named on the command line or in an import.
    pub file: Option<String>,
    /// Start line.
    pub line: Option<usize>,
    /// Start column.
    pub column: Option<usize>,
    /// End line.
    pub end_line: Option<usize>,
    /// End column (exclusive).
    pub end_column: Option<usize>,
    /// Text under the underline.
    pub label: &'a str,
    /// The hint.
    pub help: Option<&'a str>,
}

/// Converts to the JSON shape.
pub fn to_json<'a>(d: &'a Diagnostic, sources: &SourceMap) -> JsonDiagnostic<'a> {
    let (file, line, column, end_line, end_column) = match d.span {
        Some(s) => {
            let (l, c) = sources.line_col(s.file, s.start);
            let (el, ec) = sources.line_col(s.file, s.end);
            (Some(sources.file(s.file).path.display().to_string()), Some(l), Some(c), Some(el), Some(ec))
        }
        None => (None, None, None, None, None),
    };
    JsonDiagnostic {
        code: d.code.as_str(),
        severity: d.severity(),
        message: &d.message,
        file,
        line,
        column,
        end_line,
        end_column,
        label: &d.label,
        help: d.help.as_deref(),
    }
}

/// Renders diagnostics for a person: `file:line:col`, the source with the span underlined,
/// the label and the hint.
pub fn render_human(diags: &Diagnostics, sources: &SourceMap, color: bool) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme};
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    // One shared copy and line index of each file, not one per diagnostic.
    let mut files: std::collections::BTreeMap<crate::source::FileId, Arc<Indexed>> = Default::default();
    for d in diags.iter() {
        let text = d.span.map(|s| {
            let file = files.entry(s.file).or_insert_with(|| {
                let f = sources.file(s.file);
                Arc::new(Indexed::new(f.path.display().to_string(), &f.text))
            });
            Excerpt::around(file.clone(), s.start, s.end)
        });
        let report = Report::new(d, text);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&d.message);
        }
        out.push('\n');
    }
    out
}

/// Renders diagnostics as a JSON array.
pub fn render_json(diags: &Diagnostics, sources: &SourceMap) -> String {
    let items: Vec<_> = diags.iter().map(|d| to_json(d, sources)).collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
}

/// A one-line summary such as `2 errors, 1 warning`.
pub fn summary(diags: &Diagnostics) -> String {
    let errors = diags.iter().filter(|d| d.severity() == Severity::Error).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
    format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}

/// Adapter that lets miette render one of our diagnostics with its source file.
struct Report<'a> {
    diag: &'a Diagnostic,
    source: Option<Excerpt>,
    message: String,
}

impl<'a> Report<'a> {
    fn new(diag: &'a Diagnostic, source: Option<Excerpt>) -> Self {
        let message = diag.message.clone();
        Report { diag, source, message }
    }
}

impl std::fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(self.diag.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.diag.help.as_ref().map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.diag.span?;
        let len = span.end.saturating_sub(span.start);
        let label = if self.diag.label.is_empty() { None } else { Some(self.diag.label.clone()) };
        Some(Box::new(std::iter::once(miette::LabeledSpan::new(label, span.start, len))))
    }
}

/// A file's text with the byte offset of each line start.
struct Indexed {
    name: String,
    text: Arc<str>,
    line_starts: Vec<usize>,
    chars: crate::source::CharIndex,
}

impl Indexed {
    fn new(name: String, text: &str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Indexed { name, text: Arc::from(text), line_starts, chars: crate::source::CharIndex::new(text) }
    }

    /// 0-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }
}

/// The lines around one diagnostic. miette finds line numbers by scanning its source from the
/// start, so rendering many diagnostics of a large file against the whole text would take
/// quadratic time; an excerpt keeps each rendering proportional to the lines shown.
struct Excerpt {
    file: Arc<Indexed>,
    /// Byte range of the excerpt in the file (whole lines).
    start: usize,
    end: usize,
    /// 0-based line number of `start`.
    first_line: usize,
    /// Characters of that line before `start` (0 unless the excerpt is a window of a long line).
    column: usize,
}

impl Excerpt {
    /// Context lines kept on each side of the span (miette shows one).
    const CONTEXT: usize = 3;
    /// Longest excerpt of whole lines; beyond it only a window of the span's line is shown.
    const MAX_BYTES: usize = 4096;
    /// Bytes shown on each side of the span in such a window.
    const WINDOW: usize = 160;

    fn around(file: Arc<Indexed>, span_start: usize, span_end: usize) -> Self {
        let len = file.text.len();
        let first_line = file.line_of(span_start.min(len)).saturating_sub(Self::CONTEXT);
        let last_line = file.line_of(span_end.min(len)) + Self::CONTEXT + 1;
        let start = file.line_starts[first_line];
        let end = file.line_starts.get(last_line).copied().unwrap_or(len);
        if end - start <= Self::MAX_BYTES {
            return Excerpt { file, start, end, first_line, column: 0 };
        }
        // Long lines: a window of the span's own line around the span, so each rendering stays
        // small however long the line (and miette's padding stays within its limits).
        let line = file.line_of(span_start.min(len));
        let line_start = file.line_starts[line];
        let line_end = file.line_starts.get(line + 1).map_or(len, |&n| n - 1);
        let text = &file.text;
        let mut start = span_start.saturating_sub(Self::WINDOW).max(line_start).min(len);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = span_end.max(span_start).saturating_add(Self::WINDOW).min(line_end.max(span_end)).min(len);
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let column = file.chars.chars_before(text, start) - file.chars.chars_before(text, line_start);
        Excerpt { file, start, end, first_line: line, column }
    }
}

impl miette::SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        if span.offset() < self.start || span.offset() + span.len() > self.end {
            return Err(miette::MietteError::OutOfBounds);
        }
        let local = miette::SourceSpan::new((span.offset() - self.start).into(), span.len());
        let text = self.file.text.get(self.start..self.end).ok_or(miette::MietteError::OutOfBounds)?;
        let inner = text.read_span(&local, context_lines_before, context_lines_after)?;
        let data: &'a [u8] = inner.data();
        let shown = miette::SourceSpan::new((inner.span().offset() + self.start).into(), inner.span().len());
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.file.name.clone(),
            data,
            shown,
            inner.line() + self.first_line,
            inner.column() + if inner.line() == 0 { self.column } else { 0 },
            inner.line_count(),
        )))
    }
}
