//! Every occurrence of a declared name in the syntax trees: where each name is declared and
//! where it is used. The language server answers definition, references, rename, hover and
//! document symbols from it; it reads only the syntax tree, so it works on policies with errors.

use super::ast::{self, Attr, CategoryStmt, Ident, Item};
use crate::source::Span;

/// What a name denotes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Symbol {
    /// A purpose.
    Purpose(String),
    /// A legal basis (declared or built-in).
    Basis(String),
    /// A store.
    Store(String),
    /// A recipient.
    Recipient(String),
    /// A sharing condition.
    Condition(String),
    /// A state.
    State(String),
    /// A lifecycle event.
    Event(String),
    /// A data category.
    Category(String),
    /// A field of a category: (category, field).
    Field(String, String),
    /// A storage statement.
    Storage(String),
}

impl Symbol {
    /// The name as written.
    pub fn name(&self) -> &str {
        match self {
            Symbol::Purpose(n)
            | Symbol::Basis(n)
            | Symbol::Store(n)
            | Symbol::Recipient(n)
            | Symbol::Condition(n)
            | Symbol::State(n)
            | Symbol::Event(n)
            | Symbol::Category(n)
            | Symbol::Storage(n) => n,
            Symbol::Field(_, n) => n,
        }
    }

    /// The kind in words (`purpose`, `field`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Symbol::Purpose(_) => "purpose",
            Symbol::Basis(_) => "legal basis",
            Symbol::Store(_) => "store",
            Symbol::Recipient(_) => "recipient",
            Symbol::Condition(_) => "condition",
            Symbol::State(_) => "state",
            Symbol::Event(_) => "event",
            Symbol::Category(_) => "category",
            Symbol::Field(..) => "field",
            Symbol::Storage(_) => "storage statement",
        }
    }

    /// True for items a later version can rename with `renamed from`, so that diffs follow them.
    pub fn renamable_publicly(&self) -> bool {
        matches!(self, Symbol::Purpose(_) | Symbol::Recipient(_) | Symbol::Category(_) | Symbol::Field(..))
    }
}

/// One occurrence of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// What it denotes.
    pub symbol: Symbol,
    /// The name's span.
    pub span: Span,
    /// True where the name is declared.
    pub is_decl: bool,
    /// For declarations: the whole declaration.
    pub item_span: Option<Span>,
}

/// Collects the occurrences of one file's tree.
pub fn occurrences(file: &ast::File) -> Vec<Occurrence> {
    let mut c = Collector::default();
    for item in &file.items {
        c.item(item);
    }
    c.out
}

#[derive(Default)]
struct Collector {
    out: Vec<Occurrence>,
}

impl Collector {
    fn decl(&mut self, symbol: Symbol, id: &Ident, item: Span) {
        if !id.name.is_empty() {
            self.out.push(Occurrence { symbol, span: id.span, is_decl: true, item_span: Some(item) });
        }
    }

    fn refer(&mut self, symbol: Symbol, id: &Ident) {
        if !id.name.is_empty() {
            self.out.push(Occurrence { symbol, span: id.span, is_decl: false, item_span: None });
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Store(d) => self.decl(Symbol::Store(d.name.name.clone()), &d.name, d.span),
            Item::Purpose(d) => self.decl(Symbol::Purpose(d.name.name.clone()), &d.name, d.span),
            Item::Basis(d) => self.decl(Symbol::Basis(d.name.name.clone()), &d.name, d.span),
            Item::Recipient(d) => self.decl(Symbol::Recipient(d.name.name.clone()), &d.name, d.span),
            Item::Condition(d) => self.decl(Symbol::Condition(d.name.name.clone()), &d.name, d.span),
            Item::State(d) => self.decl(Symbol::State(d.name.name.clone()), &d.name, d.span),
            Item::Event(d) => self.decl(Symbol::Event(d.name.name.clone()), &d.name, d.span),
            Item::Category(c) => self.category(c),
            Item::Storage(s) => {
                self.decl(Symbol::Storage(s.name.name.clone()), &s.name, s.span);
                for st in &s.stores {
                    self.refer(Symbol::Store(st.name.clone()), st);
                }
            }
            Item::Use(u) => {
                self.refer(Symbol::Purpose(u.purpose.name.clone()), &u.purpose);
                if let Some(b) = &u.basis {
                    self.refer(Symbol::Basis(b.name.clone()), b);
                }
                for c in &u.categories {
                    self.refer(Symbol::Category(c.name.clone()), c);
                }
            }
            Item::Import(_) | Item::Policy(_) | Item::Rights(_) | Item::Section(..) => {}
        }
    }

    fn category(&mut self, c: &ast::Category) {
        let cat = c.name.name.clone();
        self.decl(Symbol::Category(cat.clone()), &c.name, c.span);
        let field = |f: &Ident| Symbol::Field(cat.clone(), f.name.clone());
        for s in &c.stmts {
            match s {
                CategoryStmt::Field(f) => self.decl(field(&f.name), &f.name, f.span),
                CategoryStmt::Use { purpose, basis, .. } => {
                    self.refer(Symbol::Purpose(purpose.name.clone()), purpose);
                    if let Some(b) = basis {
                        self.refer(Symbol::Basis(b.name.clone()), b);
                    }
                }
                CategoryStmt::Systems(stores) => {
                    for st in stores {
                        self.refer(Symbol::Store(st.name.clone()), st);
                    }
                }
                CategoryStmt::Share(sh) => {
                    self.refer(Symbol::Recipient(sh.recipient.name.clone()), &sh.recipient);
                    for f in &sh.fields {
                        self.refer(field(f), f);
                    }
                    for r in sh.requires.iter().filter(|r| r.name != "consent") {
                        self.refer(Symbol::Condition(r.name.clone()), r);
                    }
                    if let Some(b) = &sh.basis {
                        self.refer(Symbol::Basis(b.name.clone()), b);
                    }
                }
                CategoryStmt::Stored(b) => {
                    self.refer(Symbol::Store(b.store.name.clone()), &b.store);
                    for col in b.collected_at.iter().chain(b.key.iter()) {
                        self.refer(field(col), col);
                    }
                    for (event, col) in &b.events {
                        self.refer(Symbol::Event(event.name.clone()), event);
                        self.refer(field(col), col);
                    }
                }
                CategoryStmt::Retain(r) => self.rule(&r.rule),
                CategoryStmt::Attr(Attr::Renamed(_))
                | CategoryStmt::Attr(_)
                | CategoryStmt::OnlyIf(_)
                | CategoryStmt::Role(_)
                | CategoryStmt::NotStored(_) => {}
            }
        }
    }

    fn rule(&mut self, r: &ast::Rule) {
        match r {
            ast::Rule::Indefinite(_) => {}
            ast::Rule::While(state, clock) => {
                self.refer(Symbol::State(state.name.clone()), state);
                self.clock(clock);
            }
            ast::Rule::Until(events) => {
                for e in events {
                    self.refer(Symbol::Event(e.name.clone()), e);
                }
            }
            ast::Rule::Earliest(clocks) => clocks.iter().for_each(|k| self.clock(k)),
            ast::Rule::Clock(k) => self.clock(k),
        }
    }

    fn clock(&mut self, k: &ast::Clock) {
        for e in &k.after {
            self.refer(Symbol::Event(e.name.clone()), e);
        }
    }
}
