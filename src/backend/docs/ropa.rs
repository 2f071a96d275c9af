//! Record of processing activities in the style of GDPR Art. 30: one row per category and
//! purpose, with its legal basis, recipients, stores and retention. Written as CSV (RFC 4180,
//! labels in the default locale, identifiers alongside) and as an HTML table per locale.

use super::{Block, Ctx, Rich, Table, is_rtl, wording};
use crate::model::{Controller, Policy, Role};
use askama::Template;

/// One row: a category used for one purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Category identifier.
    pub category: String,
    /// Category label.
    pub category_label: String,
    /// Fields listed in documents.
    pub fields: String,
    /// Purpose identifier.
    pub purpose: String,
    /// Purpose label.
    pub purpose_label: String,
    /// `controller` or `processor` (identifier) and its word.
    pub role: (String, String),
    /// Basis identifier (empty for a processor).
    pub basis: String,
    /// Basis label.
    pub basis_label: String,
    /// Legal citation.
    pub citation: String,
    /// Recipients with their conditions.
    pub recipients: Vec<String>,
    /// Stores by display name.
    pub stores: String,
    /// Retention in words.
    pub retention: String,
}

/// The rows of the record in `locale`, in source order.
pub fn records(policy: &Policy, locale: &str) -> Vec<Record> {
    let cx = Ctx::new(policy, locale);
    let mut out = Vec::new();
    for c in &policy.categories {
        let recipients: Vec<String> = c
            .shares
            .iter()
            .map(|s| {
                let name = cx.recipient(&s.recipient);
                if s.requires.is_empty() {
                    name
                } else {
                    let cond = super::fill_str(cx.w.condition_if, &[("conditions", &cx.conditions(&s.requires))]);
                    format!("{name}{}{}", cx.w.colon, wording::capitalise(&cond))
                }
            })
            .collect();
        for u in &c.uses {
            let (basis, basis_label, citation) = match (&u.basis, c.role) {
                (Some(b), Role::Controller) => {
                    (b.clone(), cx.basis_label(b), policy.basis(b).map_or_else(String::new, |b| b.citation.clone()))
                }
                _ => (String::new(), cx.w.processor_basis.to_string(), String::new()),
            };
            let role = match c.role {
                Role::Controller => ("controller".to_string(), cx.w.ropa_role_controller.to_string()),
                Role::Processor => ("processor".to_string(), cx.w.ropa_role_processor.to_string()),
            };
            out.push(Record {
                category: c.name.clone(),
                category_label: cx.t(&c.label),
                fields: cx.field_list(c.fields.iter().filter(|f| !f.internal)),
                purpose: u.purpose.clone(),
                purpose_label: cx.purpose_label(&u.purpose),
                role,
                basis,
                basis_label,
                citation,
                recipients: recipients.clone(),
                stores: cx.category_stores(c),
                retention: cx.retention(c),
            });
        }
    }
    out
}

/// The record as CSV: RFC 4180 (CRLF line ends, fields quoted when they hold `,`, `"` or line
/// breaks), a header row of fixed English column names, labels in the default locale. Cells
/// starting with `=`, `+`, `-`, `@` or a tab get a leading `'` so spreadsheets do not run them
/// as formulas.
pub fn csv(policy: &Policy) -> String {
    let mut out = String::new();
    let header = [
        "category",
        "category_label",
        "fields",
        "purpose",
        "purpose_label",
        "role",
        "basis",
        "basis_label",
        "citation",
        "recipients",
        "stores",
        "retention",
    ];
    line(&mut out, header.iter().map(|s| s.to_string()));
    for r in records(policy, &policy.default_locale) {
        let sep = if super::Lang::of(&policy.default_locale) == super::Lang::Zh { "；" } else { "; " };
        line(
            &mut out,
            [
                r.category,
                r.category_label,
                r.fields,
                r.purpose,
                r.purpose_label,
                r.role.0,
                r.basis,
                r.basis_label,
                r.citation,
                r.recipients.join(sep),
                r.stores,
                r.retention,
            ],
        );
    }
    out
}

fn line(out: &mut String, cells: impl IntoIterator<Item = String>) {
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(&c));
    }
    out.push_str("\r\n");
}

/// One CSV field, quoted when needed.
pub fn field(s: &str) -> String {
    crate::escape::csv(s)
}

#[derive(Template)]
#[template(path = "docs/ropa.html")]
struct RopaHtml {
    lang: String,
    dir: &'static str,
    title: String,
    subtitle: String,
    meta: String,
    controller: String,
    blocks: Vec<Block>,
}

/// The record as a standalone HTML page in `locale`.
pub fn html(policy: &Policy, locale: &str) -> crate::backend::Result<String> {
    let cx = Ctx::new(policy, locale);
    let w = cx.w;
    let mut table = Table::new(
        [
            w.col_category,
            w.col_information,
            w.col_purpose,
            w.col_role,
            w.col_basis,
            w.col_recipients,
            w.col_stores,
            w.col_retention,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        &[12, 22, 11, 8, 13, 11, 12, 11],
    );
    for r in records(policy, locale) {
        let mut basis = vec![Rich::text(r.basis_label)];
        if !r.citation.is_empty() {
            basis.push(Rich::text(r.citation));
        }
        table.row(vec![
            vec![Rich::link(r.category_label, format!("{locale}.html#{}", super::category_anchor(&r.category)))],
            vec![Rich::text(r.fields)],
            vec![Rich::text(r.purpose_label)],
            vec![Rich::text(r.role.1)],
            basis,
            r.recipients.into_iter().map(Rich::text).collect(),
            vec![Rich::text(r.stores)],
            vec![Rich::text(r.retention)],
        ]);
    }
    let controller = match &policy.controller {
        Controller::AsParent => w.ropa_controller_parent.to_string(),
        Controller::Entity { name, contact } => {
            let mut s = super::fill_str(w.ropa_controller, &[("controller", &cx.t(name))]);
            if let Some(c) = contact {
                s.push_str(&format!(" ({c})"));
            }
            s
        }
    };
    let page = RopaHtml {
        lang: locale.replace('_', "-"),
        dir: if is_rtl(locale) { "rtl" } else { "ltr" },
        title: w.ropa_title.to_string(),
        subtitle: cx.t(&policy.title),
        meta: format!("{}{}{} · {}{}{}", w.version, w.colon, policy.version, w.effective, w.colon, policy.effective),
        controller,
        blocks: vec![Block::Table(table)],
    };
    let mut s = page.render().map_err(|source| crate::backend::Error::Render {
        what: format!("the record of processing ({locale})"),
        source,
    })?;
    if !s.ends_with('\n') {
        s.push('\n');
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_are_quoted_per_rfc_4180() {
        assert_eq!(super::field("plain"), "plain");
        assert_eq!(super::field("a,b"), "\"a,b\"");
        assert_eq!(super::field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::field("two\nlines"), "\"two\nlines\"");
        assert_eq!(super::field("=cmd()"), "'=cmd()");
    }
}
