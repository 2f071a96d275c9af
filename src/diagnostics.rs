//! Diagnostics: every problem found in a policy, with its place, rendered for people (miette)
//! or as JSON for CI.

use crate::source::{SourceMap, Span};
use serde::Serialize;
use std::sync::Arc;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// A retention rule keeps data longer in total than every engine can compute (1000 years).
    RetentionRange,
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
            Code::RetentionRange => "E112",
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
    /// A replacement of the span's text that fixes the problem, where the checker knows one.
    pub fix: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at a span, labelled.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic { code, message: message.into(), span: Some(span), label: String::new(), help: None, fix: None }
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

    /// Suggests replacing the span's text with `replacement`.
    pub fn fix(mut self, replacement: impl Into<String>) -> Self {
        self.fix = Some(replacement.into());
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
    /// As rustc prints them: `error[E101]: message`, the source with the span underlined, the
    /// hint; colour if `color` is set.
    #[default]
    Human,
    /// One line each, `file:line:col: error[E101]: message`, for editors' quickfix lists.
    Short,
    /// One JSON object per diagnostic in an array (`schema/diagnostics.schema.json`).
    Json,
    /// A SARIF 2.1.0 log, for code-scanning interfaces.
    Sarif,
}

/// Version of the JSON diagnostic shape; part of the schema's `$id`.
pub const JSON_VERSION: u32 = 1;

/// A diagnostic in the JSON format (`--format json`): positions are 1-based, columns count
/// characters, offsets count bytes from the start of the file.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// Byte offset of the start in the file.
    pub start_offset: Option<usize>,
    /// Byte offset of the end in the file (exclusive).
    pub end_offset: Option<usize>,
    /// Text under the underline.
    pub label: &'a str,
    /// The hint.
    pub help: Option<&'a str>,
    /// Suggested edits that fix the problem: replace the bytes `start_offset..end_offset` with
    /// `replacement`.
    pub fixes: Vec<JsonFix<'a>>,
}

/// A suggested edit of a diagnostic.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JsonFix<'a> {
    /// Byte offset of the start of the text to replace.
    pub start_offset: usize,
    /// Byte offset of its end (exclusive).
    pub end_offset: usize,
    /// The new text.
    pub replacement: &'a str,
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
    let fixes = match (d.span, &d.fix) {
        (Some(s), Some(r)) => vec![JsonFix { start_offset: s.start, end_offset: s.end, replacement: r }],
        _ => Vec::new(),
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
        start_offset: d.span.map(|s| s.start),
        end_offset: d.span.map(|s| s.end),
        label: &d.label,
        help: d.help.as_deref(),
        fixes,
    }
}

/// Renders diagnostics for a person, as rustc does: `error[E101]: message`, `--> file:line:col`,
/// the source with the span underlined and labelled, and `= help: …`. Policy text reaches the
/// terminal only through here, with control characters escaped ([`crate::escape::terminal`]).
pub fn render_human(diags: &Diagnostics, sources: &SourceMap, color: bool) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    // One shared copy and line index of each file, not one per diagnostic.
    let mut files: std::collections::BTreeMap<crate::source::FileId, Arc<Indexed>> = Default::default();
    for d in diags.iter() {
        let level = match d.severity() {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let message = crate::escape::terminal(&d.message);
        let label = crate::escape::terminal(&d.label);
        let help = d.help.as_deref().map(crate::escape::terminal);
        let excerpt = d.span.map(|s| {
            let file = files.entry(s.file).or_insert_with(|| {
                let f = sources.file(s.file);
                Arc::new(Indexed::new(crate::escape::terminal(&f.path.display().to_string()), &f.text))
            });
            (Excerpt::around(file.clone(), s.start, s.end), s)
        });
        let title = level.primary_title(message.as_str()).id(d.code.as_str());
        let mut group: Group<'_> = match &excerpt {
            Some((x, s)) => {
                let text = x.file.text.get(x.start..x.end).unwrap_or("");
                // Within the excerpt: a span reaching past a clipped line is underlined up to it.
                let end = s.end.clamp(x.start, x.end) - x.start;
                let start = s.start.clamp(x.start, x.end) - x.start;
                let mut annotation = AnnotationKind::Primary.span(start.min(end)..end);
                if !label.is_empty() {
                    annotation = annotation.label(label.as_str());
                }
                let snippet = Snippet::source(text).line_start(x.first_line + 1).annotation(annotation);
                if x.windowed {
                    // The header names the real column; the window is shown without its own.
                    let (line, column) = sources.line_col(s.file, s.start);
                    title.element(Origin::path(x.file.name.as_str()).line(line).char_column(column)).element(snippet)
                } else {
                    title.element(snippet.path(x.file.name.as_str()))
                }
            }
            None => Group::with_title(title),
        };
        if let Some(h) = &help {
            group = group.element(Level::HELP.message(h.as_str()));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

/// One line per diagnostic, `file:line:col: error[E101]: message`, as editors' quickfix lists
/// and `grep -n` read them.
pub fn render_short(diags: &Diagnostics, sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diags.iter() {
        let place = match d.span {
            Some(s) => {
                let (l, c) = sources.line_col(s.file, s.start);
                format!("{}:{l}:{c}: ", crate::escape::terminal(&sources.file(s.file).path.display().to_string()))
            }
            None => String::new(),
        };
        let severity = match d.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!("{place}{severity}[{}]: {}\n", d.code.as_str(), crate::escape::terminal(&d.message)));
    }
    out
}

/// Renders diagnostics as a JSON array.
pub fn render_json(diags: &Diagnostics, sources: &SourceMap) -> String {
    let items: Vec<_> = diags.iter().map(|d| to_json(d, sources)).collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
}

/// A SARIF 2.1.0 log of the diagnostics of several files: one run, one rule per code used (its
/// description from `policyc explain`), one result per diagnostic with its region and fixes.
pub fn sarif(all: &[(&Diagnostics, &SourceMap)]) -> serde_json::Value {
    use serde_json::json;
    let mut rules: Vec<&str> = all.iter().flat_map(|(ds, _)| ds.iter().map(|d| d.code.as_str())).collect();
    rules.sort();
    rules.dedup();
    let rule_objects: Vec<serde_json::Value> = rules
        .iter()
        .map(|code| {
            let title = crate::explain::explain(code)
                .and_then(|t| t.lines().next())
                .and_then(|l| l.split_once(": "))
                .map_or("", |(_, t)| t);
            json!({ "id": code, "shortDescription": { "text": title }, "helpUri": format!("policyc explain {code}") })
        })
        .collect();
    let mut results = Vec::new();
    for (ds, sources) in all {
        for d in ds.iter() {
            let mut r = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": rules.iter().position(|c| *c == d.code.as_str()),
                "level": match d.severity() { Severity::Error => "error", Severity::Warning => "warning" },
                "message": { "text": match &d.help { Some(h) => format!("{} ({h})", d.message), None => d.message.clone() } },
            });
            if let Some(s) = d.span {
                let (l, c) = sources.line_col(s.file, s.start);
                let (el, ec) = sources.line_col(s.file, s.end);
                let uri = sources.file(s.file).path.display().to_string().replace('\\', "/");
                let region = json!({
                    "startLine": l, "startColumn": c, "endLine": el, "endColumn": ec,
                    "byteOffset": s.start, "byteLength": s.end - s.start,
                });
                r["locations"] =
                    json!([{ "physicalLocation": { "artifactLocation": { "uri": uri }, "region": region } }]);
                if let Some(fix) = &d.fix {
                    r["fixes"] = json!([{
                        "description": { "text": format!("replace with `{fix}`") },
                        "artifactChanges": [{
                            "artifactLocation": { "uri": uri },
                            "replacements": [{ "deletedRegion": { "byteOffset": s.start, "byteLength": s.end - s.start },
                                               "insertedContent": { "text": fix } }],
                        }],
                    }]);
                }
            }
            results.push(r);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "policyc", "version": env!("CARGO_PKG_VERSION"), "rules": rule_objects } },
            "results": results,
        }],
    })
}

/// A one-line summary such as `2 errors, 1 warning`.
pub fn summary(diags: &Diagnostics) -> String {
    let errors = diags.iter().filter(|d| d.severity() == Severity::Error).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
    format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}

/// A file's text (terminal controls escaped, byte for byte the same length) with the byte offset
/// of each line start.
struct Indexed {
    name: String,
    text: Arc<str>,
    line_starts: Vec<usize>,
}

impl Indexed {
    fn new(name: String, text: &str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        // Same length in bytes, so every span still points at the same characters.
        let text = crate::escape::terminal_same_len(text);
        Indexed { name, text: Arc::from(text), line_starts }
    }

    /// 0-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }
}

/// The lines around one diagnostic: rendering against an excerpt keeps each diagnostic's cost
/// proportional to the lines shown, not to the file.
struct Excerpt {
    file: Arc<Indexed>,
    /// Byte range of the excerpt in the file (whole lines).
    start: usize,
    end: usize,
    /// 0-based line number of `start`.
    first_line: usize,
    /// True when `start..end` is a window of one long line rather than whole lines.
    windowed: bool,
}

impl Excerpt {
    /// Context lines kept on each side of the span.
    const CONTEXT: usize = 1;

    /// Longest excerpt shown in full; a longer one is cut to a window of [`Self::CLIP`] bytes on
    /// each side of the span's start on its own line, so rendering stays proportional to what is
    /// shown however long the line (and the header still gives the real column).
    const MAX: usize = 4096;
    const CLIP: usize = 240;

    fn around(file: Arc<Indexed>, span_start: usize, span_end: usize) -> Self {
        let len = file.text.len();
        let (span_start, span_end) = (span_start.min(len), span_end.min(len));
        let first_line = file.line_of(span_start).saturating_sub(Self::CONTEXT);
        let last_line = file.line_of(span_end) + Self::CONTEXT + 1;
        let start = file.line_starts[first_line];
        let end = file.line_starts.get(last_line).copied().unwrap_or(len);
        if end - start <= Self::MAX {
            return Excerpt { file, start, end, first_line, windowed: false };
        }
        // A window of the span's own line.
        let line = file.line_of(span_start);
        let line_start = file.line_starts[line];
        let line_end = file.line_starts.get(line + 1).copied().unwrap_or(len);
        let text = &file.text;
        let mut start = span_start.saturating_sub(Self::CLIP).max(line_start);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (span_start + Self::CLIP).min(line_end).max(span_start);
        while !text.is_char_boundary(end) {
            end += 1;
        }
        Excerpt { file, start, end, first_line: line, windowed: start > line_start || end < line_end }
    }
}
