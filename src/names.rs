//! Identifier rules shared by the checker and the backends: what a policy name may be, and how
//! it maps to Rust and SQL. Defined once so the checker can reject, at the source position,
//! any name a backend could not emit.

/// Longest identifier accepted (PostgreSQL truncates at 63 bytes; MySQL allows 64).
pub const MAX_IDENT_LEN: usize = 63;

/// Words that cannot be Rust identifiers even in raw form, or that generated code reserves.
const RUST_RESERVED: &[&str] = &["self", "super", "crate", "Self", "_"];

/// Rust keywords that need the raw form `r#…` as field names.
pub const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "gen",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
    "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Why a name is not acceptable, if it is not.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a name cannot be empty".into());
    }
    if name.len() > MAX_IDENT_LEN {
        return Err(format!("a name is at most {MAX_IDENT_LEN} bytes long (this one has {})", name.len()));
    }
    let mut chars = name.chars();
    let first = chars.next().unwrap_or('_');
    if !(first.is_ascii_lowercase() || first == '_')
        || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err("names are lowercase snake_case (`a`–`z`, digits, `_`, not starting with a digit)".into());
    }
    if RUST_RESERVED.contains(&name) {
        return Err(format!("`{name}` is reserved in generated Rust"));
    }
    if camel(name) == "Self" {
        return Err(format!("`{name}` becomes `Self` in generated Rust, which is reserved"));
    }
    if name.starts_with("__") {
        return Err("names starting with `__` are reserved for generated code".into());
    }
    Ok(())
}

/// A snake_case suggestion for a bad name.
pub fn suggest_snake(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            out.push('_');
            prev_lower = false;
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// `log_data` → `LogData` (type names).
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'X');
    }
    out
}

/// `log_data` → `LOG_DATA` (constants).
pub fn shouty(name: &str) -> String {
    name.trim_matches('_').to_ascii_uppercase()
}

/// True if `name` must be written `r#name` as a Rust identifier.
pub fn needs_raw(name: &str) -> bool {
    RUST_KEYWORDS.contains(&name)
}

/// Why a SQL table/column path (`name` or `schema.name`) is not acceptable.
pub fn check_sql_path(path: &str) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.len() > 2 {
        return Err("write `table` or `schema.table`".into());
    }
    for p in parts {
        if p.is_empty() || p.len() > MAX_IDENT_LEN {
            return Err(format!("SQL identifiers are 1 to {MAX_IDENT_LEN} bytes"));
        }
        if !p.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err("SQL identifiers here are letters, digits and `_`".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping() {
        assert_eq!(camel("log_data"), "LogData");
        assert_eq!(camel("log__data"), "LogData");
        assert_eq!(camel("_x"), "X");
        assert_eq!(shouty("log_data"), "LOG_DATA");
        assert_eq!(suggest_snake("LogData"), "log_data");
        assert!(check_name("self").is_err());
        assert!(check_name("Log").is_err());
        assert!(check_name("log_data").is_ok());
        assert!(check_name("self_").is_err());
        assert!(check_sql_path("public.im_log").is_ok());
        assert!(check_sql_path("a;drop").is_err());
    }
}
