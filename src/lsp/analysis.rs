//! What the language server knows about one open document: its checked compilation and the
//! occurrences of every name in it and in its imports, with positions in LSP's terms
//! (lines and UTF-16 columns).

use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast;
use crate::syntax::index::{self, Occurrence, Symbol};
use std::path::PathBuf;

/// An analysed document.
pub struct Analysis {
    /// Every file read, the document first.
    pub sources: SourceMap,
    /// The document's file id.
    pub root: FileId,
    /// The document's syntax tree.
    pub tree: ast::File,
    /// Name occurrences of every file read.
    pub occurrences: Vec<(FileId, Occurrence)>,
    /// The checked model, when the policy has no errors.
    pub policy: Option<crate::model::Policy>,
    /// Errors and warnings of every file read.
    pub diagnostics: crate::diagnostics::Diagnostics,
}

impl Analysis {
    /// Loads, indexes and checks `text` as the file at `path` (imports read from disk).
    pub fn new(path: &std::path::Path, text: &str) -> Analysis {
        let loaded = crate::load::load_str(&path.display().to_string(), text, &crate::load::FsReader);
        let root = loaded.files.first().map_or(FileId(0), |(id, _)| *id);
        let tree = loaded.files.first().map(|(_, f)| f.clone()).unwrap_or_default();
        let occurrences =
            loaded.files.iter().flat_map(|(id, f)| index::occurrences(f).into_iter().map(move |o| (*id, o))).collect();
        let compiled = crate::compile_loaded(loaded);
        Analysis {
            sources: compiled.sources,
            root,
            tree,
            occurrences,
            policy: compiled.policy,
            diagnostics: compiled.diagnostics,
        }
    }

    /// The occurrence under a byte offset of the document.
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .filter(|(f, _)| *f == self.root)
            .map(|(_, o)| o)
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Every occurrence of a symbol, in any file.
    pub fn all(&self, symbol: &Symbol) -> impl Iterator<Item = &(FileId, Occurrence)> + '_ {
        let symbol = symbol.clone();
        self.occurrences.iter().filter(move |(_, o)| o.symbol == symbol)
    }

    /// The declaration of a symbol.
    pub fn declaration(&self, symbol: &Symbol) -> Option<&Occurrence> {
        self.all(symbol).map(|(_, o)| o).find(|o| o.is_decl)
    }

    /// The path of a file read.
    pub fn path(&self, file: FileId) -> PathBuf {
        self.sources.file(file).path.clone()
    }
}

/// Byte offsets ↔ LSP positions (0-based line, UTF-16 column) of one text.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, starts }
    }

    /// The position of a byte offset.
    pub fn position(&self, offset: usize) -> lsp_types::Position {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts[line];
        let col: usize = self.text.get(start..offset).map_or(0, |s| s.chars().map(char::len_utf16).sum());
        lsp_types::Position::new(u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(col).unwrap_or(u32::MAX))
    }

    /// The byte offset of a position (clamped to the line and the text).
    pub fn offset(&self, p: lsp_types::Position) -> usize {
        let Some(&start) = self.starts.get(p.line as usize) else { return self.text.len() };
        let end = self.starts.get(p.line as usize + 1).copied().unwrap_or(self.text.len());
        let mut units = 0usize;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= p.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    /// The range of a span.
    pub fn range(&self, span: Span) -> lsp_types::Range {
        lsp_types::Range::new(self.position(span.start), self.position(span.end))
    }
}

/// Item keywords at the top level of a file.
pub use crate::syntax::ITEM_KEYWORDS;

/// Statement keywords inside a category.
pub const CATEGORY_KEYWORDS: &[&str] = &[
    "field",
    "label",
    "description",
    "renamed from",
    "maps to",
    "only if",
    "role",
    "use",
    "systems",
    "share with",
    "stored in",
    "not stored",
    "retain",
];

/// What names may follow the word before the cursor: the symbol kind's constructor.
pub fn expected_after(word: &str) -> Option<fn(String) -> Symbol> {
    Some(match word {
        "use" => Symbol::Purpose,
        "under" => Symbol::Basis,
        "in" | "systems" => Symbol::Store,
        "with" => Symbol::Recipient,
        "requires" => Symbol::Condition,
        "while" => Symbol::State,
        "after" | "until" | "or" | "event" => Symbol::Event,
        "for" => Symbol::Category,
        _ => return None,
    })
}

/// The last word before `offset`, skipping the partial word being typed, and how deep in braces
/// the offset is (strings and comments skipped).
pub fn context(text: &str, offset: usize) -> (Option<&str>, usize) {
    let before = &text[..offset.min(text.len())];
    let mut depth = 0usize;
    let mut in_str = false;
    let mut chars = before.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => in_str = !in_str,
            '\\' if in_str => {
                chars.next();
            }
            '/' if !in_str && before[i..].starts_with("//") => {
                while chars.peek().is_some_and(|(_, c)| *c != '\n') {
                    chars.next();
                }
            }
            '{' if !in_str => depth += 1,
            '}' if !in_str => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let typed = before.trim_end_matches(is_word);
    let word = typed.trim_end().rsplit(|c: char| !is_word(c)).next().filter(|w| !w.is_empty());
    (word, depth)
}
