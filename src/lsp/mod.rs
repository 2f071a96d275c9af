//! `policyc lsp`: a language server over stdio (`lsp-server`, the protocol crate of
//! rust-analyzer). It publishes the checker's diagnostics as the author types, and answers
//! hover (what a name is; a retention rule in words with one worked date), definition,
//! references, completion, rename (adding `renamed from` where a name is public), document
//! symbols and formatting, across the document's imports.

mod analysis;

use crate::syntax::index::Symbol;
use analysis::{Analysis, LineIndex};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Runs the server on stdin/stdout until the client asks it to exit.
pub fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (connection, io) = Connection::stdio();
    let caps = lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(lsp::TextDocumentSyncKind::FULL)),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![" ".into()]),
            ..Default::default()
        }),
        ..Default::default()
    };
    connection.initialize(serde_json::to_value(caps)?)?;
    let mut server = Server { docs: HashMap::new() };
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection.handle_shutdown(&req)? {
                    break;
                }
                let resp = server.request(req);
                connection.sender.send(Message::Response(resp))?;
            }
            Message::Notification(n) => {
                for out in server.notification(n) {
                    connection.sender.send(Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    drop(connection);
    io.join()?;
    Ok(())
}

struct Doc {
    text: String,
    analysis: Analysis,
}

struct Server {
    docs: HashMap<String, Doc>,
}

/// A `file:` URI's path (percent-decoded).
fn uri_path(uri: &lsp::Uri) -> PathBuf {
    let s = uri.as_str();
    let raw = s.strip_prefix("file://").unwrap_or(s);
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = raw.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    PathBuf::from(String::from_utf8_lossy(&out).into_owned())
}

/// The `file:` URI of a path (bytes outside the unreserved set percent-encoded).
fn path_uri(path: &Path) -> Option<lsp::Uri> {
    let abs = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().ok()?.join(path) };
    let mut s = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.parse().ok()
}

fn params<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Option<T> {
    serde_json::from_value(v).ok()
}

impl Server {
    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        let uri = match n.method.as_str() {
            "textDocument/didOpen" => {
                let Some(p) = params::<lsp::DidOpenTextDocumentParams>(n.params) else { return Vec::new() };
                self.update(&p.text_document.uri, p.text_document.text);
                p.text_document.uri
            }
            "textDocument/didChange" => {
                let Some(mut p) = params::<lsp::DidChangeTextDocumentParams>(n.params) else { return Vec::new() };
                // Full sync: the last change holds the whole text.
                let Some(change) = p.content_changes.pop() else { return Vec::new() };
                self.update(&p.text_document.uri, change.text);
                p.text_document.uri
            }
            "textDocument/didClose" => {
                if let Some(p) = params::<lsp::DidCloseTextDocumentParams>(n.params) {
                    self.docs.remove(p.text_document.uri.as_str());
                }
                return Vec::new();
            }
            _ => return Vec::new(),
        };
        self.diagnostics(&uri)
    }

    fn update(&mut self, uri: &lsp::Uri, text: String) {
        let analysis = Analysis::new(&uri_path(uri), &text);
        self.docs.insert(uri.as_str().to_string(), Doc { text, analysis });
    }

    /// Diagnostics of the document and of each import, one notification per file.
    fn diagnostics(&self, uri: &lsp::Uri) -> Vec<Notification> {
        let Some(doc) = self.docs.get(uri.as_str()) else { return Vec::new() };
        let a = &doc.analysis;
        let mut by_file: BTreeMap<u32, Vec<lsp::Diagnostic>> = BTreeMap::new();
        by_file.insert(a.root.0, Vec::new());
        for d in a.diagnostics.iter() {
            let Some(span) = d.span else { continue };
            let text = &a.sources.file(span.file).text;
            let range = LineIndex::new(text).range(span);
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            by_file.entry(span.file.0).or_default().push(lsp::Diagnostic {
                range,
                severity: Some(match d.severity() {
                    crate::diagnostics::Severity::Error => lsp::DiagnosticSeverity::ERROR,
                    crate::diagnostics::Severity::Warning => lsp::DiagnosticSeverity::WARNING,
                }),
                code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
                source: Some("policyc".into()),
                message,
                ..Default::default()
            });
        }
        by_file
            .into_iter()
            .filter_map(|(file, diagnostics)| {
                let target =
                    if file == a.root.0 { uri.clone() } else { path_uri(&a.path(crate::source::FileId(file)))? };
                let p = lsp::PublishDiagnosticsParams { uri: target, diagnostics, version: None };
                Some(Notification::new("textDocument/publishDiagnostics".into(), p))
            })
            .collect()
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            "textDocument/hover" => params(req.params).and_then(|p| self.hover(p)).map(serde_json::to_value),
            "textDocument/definition" => params(req.params).and_then(|p| self.definition(p)).map(serde_json::to_value),
            "textDocument/references" => params(req.params).map(|p| self.references(p)).map(serde_json::to_value),
            "textDocument/completion" => params(req.params).map(|p| self.completion(p)).map(serde_json::to_value),
            "textDocument/rename" => params(req.params).and_then(|p| self.rename(p)).map(serde_json::to_value),
            "textDocument/documentSymbol" => params(req.params).map(|p| self.symbols(p)).map(serde_json::to_value),
            "textDocument/formatting" => params(req.params).map(|p| self.format(p)).map(serde_json::to_value),
            _ => {
                return Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("unsupported request {}", req.method),
                );
            }
        };
        match result {
            Some(Ok(v)) => Response::new_ok(id, v),
            Some(Err(e)) => Response::new_err(id, lsp_server::ErrorCode::InternalError as i32, e.to_string()),
            None => null(id),
        }
    }

    fn doc(&self, uri: &lsp::Uri) -> Option<&Doc> {
        self.docs.get(uri.as_str())
    }

    fn offset(&self, pos: &lsp::TextDocumentPositionParams) -> Option<(&Doc, usize)> {
        let doc = self.doc(&pos.text_document.uri)?;
        let offset = LineIndex::new(&doc.text).offset(pos.position);
        Some((doc, offset))
    }

    fn location(&self, a: &Analysis, file: crate::source::FileId, span: crate::source::Span) -> Option<lsp::Location> {
        let text = &a.sources.file(file).text;
        Some(lsp::Location::new(path_uri(&a.path(file))?, LineIndex::new(text).range(span)))
    }

    fn hover(&self, p: lsp::HoverParams) -> Option<lsp::Hover> {
        let (doc, offset) = self.offset(&p.text_document_position_params)?;
        let a = &doc.analysis;
        let (text, span) = match a.at(offset) {
            Some(o) => (describe(a, &o.symbol), o.span),
            None => retention_at(a, offset)?,
        };
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: text }),
            range: Some(LineIndex::new(&doc.text).range(span)),
        })
    }

    fn definition(&self, p: lsp::GotoDefinitionParams) -> Option<lsp::GotoDefinitionResponse> {
        let (doc, offset) = self.offset(&p.text_document_position_params)?;
        let a = &doc.analysis;
        let symbol = &a.at(offset)?.symbol;
        let (file, decl) = a.all(symbol).find(|(_, o)| o.is_decl)?;
        Some(lsp::GotoDefinitionResponse::Scalar(self.location(a, *file, decl.span)?))
    }

    fn references(&self, p: lsp::ReferenceParams) -> Vec<lsp::Location> {
        let Some((doc, offset)) = self.offset(&p.text_document_position) else { return Vec::new() };
        let a = &doc.analysis;
        let Some(o) = a.at(offset) else { return Vec::new() };
        a.all(&o.symbol)
            .filter(|(_, o)| p.context.include_declaration || !o.is_decl)
            .filter_map(|(f, o)| self.location(a, *f, o.span))
            .collect()
    }

    fn completion(&self, p: lsp::CompletionParams) -> Vec<lsp::CompletionItem> {
        let Some((doc, offset)) = self.offset(&p.text_document_position) else { return Vec::new() };
        let a = &doc.analysis;
        let (word, depth) = analysis::context(&doc.text, offset);
        let item = |label: &str, kind: lsp::CompletionItemKind, detail: &str| lsp::CompletionItem {
            label: label.to_string(),
            kind: Some(kind),
            detail: Some(detail.to_string()),
            ..Default::default()
        };
        if let Some(make) = word.and_then(analysis::expected_after) {
            let probe = make(String::new());
            let mut names: Vec<String> = a
                .occurrences
                .iter()
                .filter(|(_, o)| o.is_decl && std::mem::discriminant(&o.symbol) == std::mem::discriminant(&probe))
                .map(|(_, o)| o.symbol.name().to_string())
                .collect();
            if matches!(probe, Symbol::Basis(_)) {
                names.extend(crate::check::builtins::names().map(str::to_string));
            }
            if matches!(probe, Symbol::Condition(_)) {
                names.push("consent".into());
            }
            names.sort();
            names.dedup();
            return names.iter().map(|n| item(n, lsp::CompletionItemKind::REFERENCE, probe.kind())).collect();
        }
        let keywords = if depth == 0 { analysis::ITEM_KEYWORDS } else { analysis::CATEGORY_KEYWORDS };
        keywords.iter().map(|k| item(k, lsp::CompletionItemKind::KEYWORD, "keyword")).collect()
    }

    #[expect(clippy::mutable_key_type, reason = "lsp-types keys a WorkspaceEdit's changes by Uri")]
    fn rename(&self, p: lsp::RenameParams) -> Option<lsp::WorkspaceEdit> {
        let (doc, offset) = self.offset(&p.text_document_position)?;
        let a = &doc.analysis;
        let symbol = a.at(offset)?.symbol.clone();
        if crate::names::check_name(&p.new_name).is_err() {
            return None;
        }
        let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
        for (file, o) in a.all(&symbol) {
            let text = &a.sources.file(*file).text;
            let edit = lsp::TextEdit::new(LineIndex::new(text).range(o.span), p.new_name.clone());
            changes.entry(path_uri(&a.path(*file))?).or_default().push(edit);
        }
        // A public name keeps its history: `renamed from old` lets `policyc diff` follow it.
        if symbol.renamable_publicly()
            && let Some((file, decl)) = a.all(&symbol).find(|(_, o)| o.is_decl)
            && let Some(item) = decl.item_span
        {
            let text = &a.sources.file(*file).text;
            let body = &text[decl.span.end..item.end];
            if !body.contains("renamed from") {
                let line = LineIndex::new(text);
                let (at, insert) = match body.find('{') {
                    Some(i) => {
                        let indent = text[..item.start].rsplit('\n').next().unwrap_or("").len() + 2;
                        (decl.span.end + i + 1, format!("\n{}renamed from {}", " ".repeat(indent), symbol.name()))
                    }
                    None => (item.end, format!(" {{ renamed from {} }}", symbol.name())),
                };
                let pos = line.position(at);
                let edit = lsp::TextEdit::new(lsp::Range::new(pos, pos), insert);
                changes.entry(path_uri(&a.path(*file))?).or_default().push(edit);
            }
        }
        Some(lsp::WorkspaceEdit { changes: Some(changes), ..Default::default() })
    }

    #[expect(deprecated, reason = "DocumentSymbol's `deprecated` field must still be written")]
    fn symbols(&self, p: lsp::DocumentSymbolParams) -> Vec<lsp::DocumentSymbol> {
        let Some(doc) = self.doc(&p.text_document.uri) else { return Vec::new() };
        let a = &doc.analysis;
        let line = LineIndex::new(&doc.text);
        let mut out: Vec<lsp::DocumentSymbol> = Vec::new();
        for (_, o) in a.occurrences.iter().filter(|(f, o)| *f == a.root && o.is_decl) {
            let kind = match o.symbol {
                Symbol::Category(_) => lsp::SymbolKind::STRUCT,
                Symbol::Field(..) => lsp::SymbolKind::FIELD,
                Symbol::Purpose(_) => lsp::SymbolKind::INTERFACE,
                Symbol::Basis(_) => lsp::SymbolKind::CONSTANT,
                Symbol::Store(_) | Symbol::Storage(_) => lsp::SymbolKind::MODULE,
                Symbol::Event(_) => lsp::SymbolKind::EVENT,
                Symbol::Recipient(_) | Symbol::Condition(_) | Symbol::State(_) => lsp::SymbolKind::OBJECT,
            };
            let s = lsp::DocumentSymbol {
                name: o.symbol.name().to_string(),
                detail: Some(o.symbol.kind().to_string()),
                kind,
                tags: None,
                deprecated: None,
                range: line.range(o.item_span.unwrap_or(o.span)),
                selection_range: line.range(o.span),
                children: None,
            };
            match (&o.symbol, out.last_mut()) {
                (Symbol::Field(..), Some(parent)) if parent.kind == lsp::SymbolKind::STRUCT => {
                    parent.children.get_or_insert_with(Vec::new).push(s)
                }
                _ => out.push(s),
            }
        }
        out
    }

    fn format(&self, p: lsp::DocumentFormattingParams) -> Vec<lsp::TextEdit> {
        let Some(doc) = self.doc(&p.text_document.uri) else { return Vec::new() };
        match crate::fmt::format(&doc.text) {
            Ok(f) if f != doc.text => {
                let line = LineIndex::new(&doc.text);
                vec![lsp::TextEdit::new(lsp::Range::new(line.position(0), line.position(doc.text.len())), f)]
            }
            _ => Vec::new(),
        }
    }
}

fn null(id: RequestId) -> Response {
    Response::new_ok(id, serde_json::Value::Null)
}

/// A symbol in words for hover: its kind, name and label, and for a category its retention.
fn describe(a: &Analysis, symbol: &Symbol) -> String {
    let mut out = format!("**{}** `{}`", symbol.kind(), symbol.name());
    let Some(p) = &a.policy else {
        if a.declaration(symbol).is_none() && !matches!(symbol, Symbol::Basis(_)) {
            out.push_str("\n\nnot declared");
        }
        return out;
    };
    let locale = p.default_locale.as_str();
    let line = |label: &str| format!("\n\n{label}");
    match symbol {
        Symbol::Purpose(n) => {
            if let Some(x) = p.purpose(n) {
                out.push_str(&line(x.label.get(locale)));
                if let Some(d) = &x.description {
                    out.push_str(&line(d.get(locale)));
                }
            }
        }
        Symbol::Basis(n) => {
            if let Some(b) = p.basis(n) {
                out.push_str(&line(b.label.get(locale)));
                out.push_str(&line(&format!("{} ({})", b.citation, if b.builtin { "built-in" } else { "declared" })));
            }
        }
        Symbol::Store(n) => {
            if let Some(s) = p.store(n) {
                out.push_str(&line(&format!("{} ({:?})", s.display.get(locale), s.kind)));
            }
        }
        Symbol::Recipient(n) => {
            if let Some(r) = p.recipient(n) {
                out.push_str(&line(r.display.get(locale)));
            }
        }
        Symbol::Condition(n) => {
            if let Some(c) = p.condition(n) {
                out.push_str(&line(c.label.get(locale)));
            }
        }
        Symbol::State(n) => {
            if let Some(c) = p.state(n) {
                out.push_str(&line(c.label.get(locale)));
            }
        }
        Symbol::Event(n) => {
            if let Some(e) = p.event(n) {
                out.push_str(&line(e.label.get(locale)));
            }
        }
        Symbol::Category(n) => {
            if let Some(c) = p.category(n) {
                out.push_str(&line(c.label.get(locale)));
                out.push_str(&line(&retention_words(p, c)));
            }
        }
        Symbol::Field(cat, n) => {
            if let Some(f) = p.category(cat).and_then(|c| c.field(n)) {
                out.push_str(&line(&format!("{} ({:?})", f.label.get(locale), f.ty)));
            }
        }
        Symbol::Storage(_) => {}
    }
    out
}

/// The instant worked examples start from: a month end, where calendar months differ most.
const EXAMPLE_INSTANT: &str = "2025-01-31T12:00:00Z";

/// A category's retention in words, with one worked date.
fn retention_words(p: &crate::model::Policy, c: &crate::model::Category) -> String {
    let words = crate::backend::docs::wording_of_retention(p, &c.retention, &p.default_locale);
    let Some(start) = crate::semantics::parse_instant(EXAMPLE_INSTANT) else { return words };
    let example = match &c.retention.rule {
        crate::model::Rule::Expires { clocks, .. } => {
            let from_events = clocks.iter().any(|k| matches!(k.anchor, crate::model::Anchor::Events(_)));
            // Events, when the rule has them, happen at the same instant as collection.
            let event = |_: &str| Some(start);
            crate::semantics::expiry(&c.retention.rule, start, &event).map(|t| {
                let when = if from_events { "collected (and its events happening)" } else { "collected" };
                format!(
                    "Example: {when} at {EXAMPLE_INSTANT}, it must be gone by {}.",
                    crate::semantics::format_instant(t)
                )
            })
        }
        _ => None,
    };
    match example {
        Some(e) => format!("Retention: {words}\n\n{e}"),
        None => format!("Retention: {words}"),
    }
}

/// Hover over a `retain` statement: the rule in words with a worked date.
fn retention_at(a: &Analysis, offset: usize) -> Option<(String, crate::source::Span)> {
    let p = a.policy.as_ref()?;
    for item in &a.tree.items {
        let crate::syntax::ast::Item::Category(c) = item else { continue };
        for s in &c.stmts {
            if let crate::syntax::ast::CategoryStmt::Retain(r) = s
                && r.span.start <= offset
                && offset <= r.span.end
            {
                let cat = p.category(&c.name.name)?;
                return Some((retention_words(p, cat), r.span));
            }
        }
    }
    None
}
