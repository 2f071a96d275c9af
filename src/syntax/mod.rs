//! Parsing: source text to the syntax tree ([`ast`]), with every syntax error of a file.
//!
//! The grammar lives in `grammar/policy.pest`. After a syntax error the parser resumes at the
//! next line that starts a top-level item, so one typo does not hide the rest of the file.

pub mod ast;
pub mod index;
mod lower;
pub mod print;
mod separation;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};
use pest::Parser;

/// The generated pest parser.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
pub struct PolicyParser;

/// Version of the policy language this parser reads. It changes when a construct changes
/// meaning or is removed (additions keep it), and `policyc --version` reports it.
pub const LANGUAGE_VERSION: u32 = 1;

/// Keywords that start a top-level item; recovery resumes at a line starting with one.
pub const ITEM_KEYWORDS: &[&str] = &[
    "import",
    "policy",
    "store",
    "purpose",
    "basis",
    "recipient",
    "condition",
    "state",
    "event",
    "category",
    "storage",
    "use",
    "rights",
    "section",
];

/// Deepest brace nesting accepted; the grammar nests at most four levels, so anything deeper is
/// garbage and is refused before pest recurses into it.
const MAX_NESTING: usize = 64;

/// Syntax errors reported per file before giving up on the rest.
const MAX_SYNTAX_ERRORS: usize = 50;

/// Parses one file. Returns the items that parsed, and a diagnostic per syntax error.
pub fn parse(file: FileId, text: &str) -> (ast::File, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut out = ast::File::default();
    if let Some(at) = too_deep(text) {
        diags.push(
            Diagnostic::new(Code::Syntax, Span::new(file, at, at + 1), "braces are nested too deeply")
                .label("nesting exceeds the limit here")
                .help(format!("policies nest at most a few levels; {MAX_NESTING} is the limit")),
        );
        return (out, diags);
    }
    // Item by item while the text parses: the parser's token queue stays small and in cache,
    // which is markedly faster on large files than one queue for the whole file.
    let mut start = 0;
    while start < text.len() {
        let Ok(mut pairs) = PolicyParser::parse(Rule::next_item, &text[start..]) else { break };
        let Some(item) = pairs.next() else { break };
        let end = item.as_span().end();
        let at_end = item.clone().into_inner().any(|p| p.as_rule() == Rule::EOI);
        lower::lower_file(file, text, start, item, &mut out, &mut diags);
        if at_end || end == 0 {
            return (out, diags);
        }
        start += end;
    }
    // From the first item that does not parse: the whole rest, with recovery.
    while start < text.len() {
        let chunk = &text[start..];
        match PolicyParser::parse(Rule::file, chunk) {
            Ok(mut pairs) => {
                if let Some(file_pair) = pairs.next() {
                    lower::lower_file(file, text, start, file_pair, &mut out, &mut diags);
                }
                break;
            }
            Err(err) => {
                // Tracking every attempt makes parsing several times slower, so it is enabled
                // only once a file fails, and the chunk is parsed again for the detail (literal
                // attempts, so messages can say "expected `}`"). The switch is process-wide and
                // never turned off, so a parallel parse never loses detail it needs.
                let err = if err.parse_attempts().is_some() {
                    err
                } else {
                    pest::set_error_detail(true);
                    PolicyParser::parse(Rule::file, chunk).err().unwrap_or(err)
                };
                let (pos, d) = syntax_error(file, start, chunk, &err);
                let d_end = d.span.map_or(start + pos, |s| s.end);
                diags.push(d);
                // Each recovery re-parses the rest of the file: stop before that grows costly.
                if diags.len() >= MAX_SYNTAX_ERRORS {
                    // After the last error, so it sorts last.
                    let at = d_end;
                    diags.push(
                        Diagnostic::new(Code::Syntax, Span::new(file, at, at), "too many syntax errors; stopping here")
                            .label("the rest of the file was not read")
                            .help("fix the errors above and check again"),
                    );
                    break;
                }
                // Keep whatever parsed before the error: re-parse the prefix up to the item
                // that contains it. An unclosed item is only noticed at the start of the next
                // one, so step back an item at a time (a few steps at most) until it parses.
                let at_item = line_start(text, start + pos)
                    .filter(|&l| l == start + pos && l > start && line_starts_item(&text[l..]));
                let resume = at_item.or_else(|| next_item_start(text, start + pos));
                let mut prefix_end = item_start_before(text, start, start + pos);
                for _ in 0..4 {
                    if prefix_end <= start {
                        break;
                    }
                    if let Ok(mut pairs) = PolicyParser::parse(Rule::file, &text[start..prefix_end]) {
                        if let Some(p) = pairs.next() {
                            lower::lower_file(file, text, start, p, &mut out, &mut diags);
                        }
                        break;
                    }
                    prefix_end = item_start_before(text, start, prefix_end - 1);
                }
                match resume {
                    Some(r) => start = r,
                    None => break,
                }
            }
        }
    }
    (out, diags)
}

/// Offset of the first brace nested deeper than the limit, outside strings and comments.
pub(crate) fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' | '\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        match c {
            '"' => in_string = true,
            // Braces in a comment are not nesting.
            '/' if text[i + 1..].starts_with('/') => in_comment = true,
            '{' | '(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            '}' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The start of the line holding `pos`.
fn line_start(text: &str, pos: usize) -> Option<usize> {
    text.get(..pos).map(|before| before.rfind('\n').map_or(0, |i| i + 1))
}

fn line_starts_item(line: &str) -> bool {
    ITEM_KEYWORDS
        .iter()
        .any(|k| line.strip_prefix(k).is_some_and(|rest| rest.starts_with([' ', '\t', '"', '{']) || rest.is_empty()))
}

/// The offset of the first line after `pos` that starts (in column 1) with an item keyword.
fn next_item_start(text: &str, pos: usize) -> Option<usize> {
    let mut offset = text[pos..].find('\n').map(|i| pos + i + 1)?;
    while offset < text.len() {
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if line_starts_item(&text[offset..line_end]) {
            return Some(offset);
        }
        offset = line_end + 1;
    }
    None
}

/// The offset of the last line at or before `pos` (and after `from`) that starts an item.
fn item_start_before(text: &str, from: usize, pos: usize) -> usize {
    let mut best = from;
    let mut offset = from;
    while offset <= pos && offset < text.len() {
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if line_starts_item(&text[offset..line_end]) {
            best = offset;
        }
        offset = line_end + 1;
    }
    best
}

fn syntax_error(file: FileId, base: usize, chunk: &str, err: &pest::error::Error<Rule>) -> (usize, Diagnostic) {
    use pest::error::{ErrorVariant, InputLocation};
    let mut pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let attempts = err.parse_attempts();
    // pest places the error at the farthest *rule* it tried; a literal (`:`, `after`, `}`)
    // tried farther on is the better place and the better explanation.
    let shown = |token: &str| {
        matches!(token, "{" | "}" | "(" | ")" | "," | ":")
            || (!token.is_empty() && token.chars().all(|c| c.is_ascii_lowercase()))
    };
    let literal_is_farther = attempts.as_ref().is_some_and(|a| {
        a.max_position > pos
            && a.max_position <= chunk.len()
            && a.expected_tokens().iter().any(|t| shown(&t.to_string()))
    });
    if let (true, Some(a)) = (literal_is_farther, &attempts) {
        pos = a.max_position;
    }
    let pos = floor_boundary(chunk, pos);
    let found = found_token(&chunk[pos..]);
    let (expected, message) = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            // Farther on only literals were tried: they alone say what was expected.
            let mut words: Vec<String> = if literal_is_farther {
                Vec::new()
            } else {
                positives.iter().filter_map(|r| rule_words(*r)).map(str::to_string).collect()
            };
            // Punctuation (and, farther on, keywords) are literals, which pest reports only as
            // parse attempts.
            if let Some(attempts) = &attempts {
                for t in attempts.expected_tokens() {
                    let token = t.to_string();
                    let punctuation = matches!(token.as_str(), "{" | "}" | "(" | ")" | "," | ":");
                    if punctuation || (literal_is_farther && shown(&token)) {
                        words.push(format!("`{token}`"));
                    }
                }
            }
            words.sort_unstable();
            words.dedup();
            let expected = join_alternatives(&words);
            let message = match (&found, expected.is_empty()) {
                (None, _) => "unexpected end of file".to_string(),
                (Some(f), _) if unterminated(f) => "this string is not closed on its line".to_string(),
                (Some(f), true) => format!("unexpected `{f}`"),
                (Some(f), false) => format!("expected {expected}, found `{f}`"),
            };
            (expected, message)
        }
        ErrorVariant::CustomError { message } => (String::new(), message.clone()),
    };
    let len = found.as_ref().map_or(0, |f| f.len()).max(1);
    let end = (base + pos + len).min(base + chunk.len()).max(base + pos);
    let mut d = Diagnostic::new(Code::Syntax, Span::new(file, base + pos, end), message);
    d = d.label(if expected.is_empty() { "not valid here".to_string() } else { format!("expected {expected}") });
    let hint = match found.as_deref() {
        None => Some("an item is not closed: check that every `{` has its `}`".to_string()),
        Some(f) if unterminated(f) => {
            Some("a string must end on the line it starts; join long text with adjacent strings".into())
        }
        _ if expected.contains("a unit") => Some("durations read like `7 days`, `2 months` or `1 year`".into()),
        _ if expected.contains("a date") => Some("dates are written `YYYY-MM-DD`".into()),
        _ if expected.contains("`}`") => {
            Some("check the spelling of the statement, or whether the block before it is closed".into())
        }
        _ => Some("docs/language.md lists what each item may contain".into()),
    };
    (pos, d.maybe_help(hint))
}

fn unterminated(token: &str) -> bool {
    token.starts_with('"') && !token[1..].contains('"')
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The token at the start of `rest`, for the message.
fn found_token(rest: &str) -> Option<String> {
    let c = rest.chars().next()?;
    let token: String = if c.is_alphanumeric() || c == '_' {
        rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
    } else if c == '"' {
        // Up to and including the closing quote; an unclosed string stops before the newline.
        let end = match rest[1..].find(['"', '\n']) {
            Some(i) if rest.as_bytes()[i + 1] == b'"' => i + 2,
            Some(i) => i + 1,
            None => rest.len(),
        };
        rest[..end].to_string()
    } else {
        c.to_string()
    };
    Some(token.chars().take(40).collect())
}

fn join_alternatives(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// What a grammar rule is called in messages; `None` hides plumbing rules.
fn rule_words(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of file",
        Rule::ident | Rule::ident_list | Rule::event_alts => "a name",
        Rule::path | Rule::location_name => "a name",
        Rule::string => "a string",
        Rule::number => "a number",
        Rule::date => "a date",
        Rule::ltext => "localised text `{ en \"…\" }`",
        Rule::ltext_entry => "a locale and its text",
        Rule::duration => "a duration",
        Rule::unit => "a unit (`hours`, `days`, `weeks`, `months`, `years`)",
        Rule::role => "`controller` or `processor`",
        Rule::precedence => "`module` or `parent`",
        Rule::field_type | Rule::enum_type => "a field type",
        Rule::field_body | Rule::retain_opts => "`{`",
        Rule::clock => "a duration",
        Rule::at_most => "`at most`",
        Rule::import_decl
        | Rule::policy_decl
        | Rule::store_decl
        | Rule::purpose_decl
        | Rule::basis_decl
        | Rule::recipient_decl
        | Rule::condition_decl
        | Rule::state_decl
        | Rule::event_decl
        | Rule::category_decl
        | Rule::storage_decl
        | Rule::use_decl
        | Rule::rights_decl
        | Rule::section_decl => "an item (`policy`, `category`, `purpose`, …)",
        Rule::h_version
        | Rule::h_effective
        | Rule::h_locales
        | Rule::h_default
        | Rule::h_fallback
        | Rule::h_role
        | Rule::h_title
        | Rule::h_feature
        | Rule::h_part_of
        | Rule::h_controller
        | Rule::h_availability
        | Rule::h_schedule
        | Rule::h_acknowledges => "a header statement",
        Rule::field_decl
        | Rule::c_only_if
        | Rule::c_role
        | Rule::c_use
        | Rule::c_systems
        | Rule::c_share
        | Rule::c_stored
        | Rule::c_not_stored
        | Rule::c_retain => "a category statement (`field`, `use`, `retain`, …)",
        Rule::d_label => "`label`",
        Rule::d_name => "`name`",
        Rule::d_description => "`description`",
        Rule::d_withdrawal => "`withdrawal`",
        Rule::d_renamed => "`renamed from`",
        Rule::d_maps => "`maps to`",
        Rule::d_citation => "`citation`",
        Rule::d_schedule => "`schedule`",
        Rule::d_of => "`of`",
        Rule::r_indefinite | Rule::r_while | Rule::r_until | Rule::r_earliest | Rule::r_clock => "a retention rule",
        Rule::b_table
        | Rule::b_collection
        | Rule::b_keys
        | Rule::b_topic
        | Rule::b_bucket
        | Rule::b_collected
        | Rule::b_event
        | Rule::b_key => "a storage binding (`table`, `collected at`, …)",
        Rule::s_fields | Rule::s_requires | Rule::s_under => "a sharing statement",
        Rule::o_anonymise | Rule::o_backups | Rule::o_tolerance | Rule::o_wording => "a retention option",
        Rule::st_data | Rule::st_in | Rule::st_backed => "a storage statement",
        Rule::rt_deletion | Rule::rt_self | Rule::rt_age => "a rights clause",
        Rule::p_title | Rule::p_url | Rule::p_precedence => "`title`, `url` or `precedence`",
        Rule::a_regions | Rule::a_note => "`regions` or `note`",
        Rule::c_name | Rule::c_contact => "`name` or `contact`",
        Rule::controller_parent | Rule::controller_entity => "`as parent` or `{`",
        Rule::of_account | Rule::of_resource => "`account` or `resource`",
        Rule::f_sensitive | Rule::f_internal => "a field flag",
        _ => return None,
    })
}
