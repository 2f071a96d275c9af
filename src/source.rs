//! Source files and byte spans into them.

use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span covering `start..end` of `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start, end }
    }
}

/// One loaded source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user or the importing file named it.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// Byte offsets of line starts, computed on first use (positions of many diagnostics).
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// Character counts for columns, computed on first use.
    chars: std::sync::OnceLock<CharIndex>,
}

/// Counts the characters before any byte offset of a text in bounded time: the count at every
/// [`CharIndex::BLOCK`]-th byte is stored, so a column costs at most one block's scan however
/// long its line (many diagnostics on one very long line would otherwise take quadratic time).
#[derive(Debug, Clone, Default)]
pub struct CharIndex {
    marks: Vec<usize>,
}

impl CharIndex {
    /// Bytes between stored counts.
    pub const BLOCK: usize = 4096;

    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut marks = Vec::with_capacity(text.len() / Self::BLOCK + 1);
        let mut n = 0;
        for block in text.as_bytes().chunks(Self::BLOCK) {
            marks.push(n);
            n += chars_in(block);
        }
        marks.push(n);
        CharIndex { marks }
    }

    /// Characters of `text` (the text indexed) before byte `offset` (clamped to its length).
    pub fn chars_before(&self, text: &str, offset: usize) -> usize {
        let offset = offset.min(text.len());
        let block = offset / Self::BLOCK;
        self.marks.get(block).copied().unwrap_or(0) + chars_in(&text.as_bytes()[block * Self::BLOCK..offset])
    }
}

/// Characters starting in `bytes` (every byte that is not a UTF-8 continuation byte).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl SourceFile {
    /// A file read from `path`.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
            chars: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts
            .get_or_init(|| std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect())
    }
}

/// All files read while compiling one policy, in the order they were read.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Adds a file and returns its id.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile::new(path, text));
        FileId(self.files.len() as u32 - 1)
    }

    /// The file with this id.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Every file, in the order read.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }

    /// The id of an already loaded path.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files.iter().position(|f| f.path == path).map(|i| FileId(i as u32))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let file = self.file(id);
        let text = &file.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let starts = file.line_starts();
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let line_start = starts[line - 1];
        let chars = file.chars.get_or_init(|| CharIndex::new(text));
        (line, chars.chars_before(text, offset) - chars.chars_before(text, line_start) + 1)
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        let text = &self.file(span.file).text;
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.min(text.len()));
        &text[start..end.max(start)]
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let mut m = SourceMap::default();
        let id = m.add("a.policy", "ab\n日志x\n\nz");
        let at = |o| m.line_col(id, o);
        assert_eq!(at(0), (1, 1));
        assert_eq!(at(2), (1, 3)); // the newline ends line 1
        assert_eq!(at(3), (2, 1));
        assert_eq!(at(6), (2, 2)); // after one 3-byte character
        assert_eq!(at(7), (2, 2)); // inside a character: its start
        assert_eq!(at(9), (2, 3));
        assert_eq!(at(11), (3, 1));
        assert_eq!(at(12), (4, 1));
        assert_eq!(at(99), (4, 2)); // past the end: the end
    }

    #[test]
    fn char_index_counts_across_blocks() {
        let text: String = (0..3 * CharIndex::BLOCK).map(|i| if i % 3 == 0 { '日' } else { 'a' }).collect();
        let idx = CharIndex::new(&text);
        for offset in [0, 1, 3, 4095, 4096, 4097, 8191, 8192, 10_000, text.len(), text.len() + 5] {
            let offset_c = (0..=offset.min(text.len())).rev().find(|&o| text.is_char_boundary(o)).unwrap();
            assert_eq!(idx.chars_before(&text, offset_c), text[..offset_c].chars().count(), "{offset}");
        }
    }
}
