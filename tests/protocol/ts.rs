//! A reader for the part of TypeScript that `sdk.d.ts` uses to declare its
//! types: `type NAME = TYPE;` and `interface NAME { ... }` at the top level,
//! with object, union, intersection, array, tuple, literal, reference,
//! indexed-access, function and conditional types. Everything else at the
//! top level (imports, functions, constants, namespaces) is skipped.
//!
//! Hand-written instead of a TypeScript parser crate (swc, oxc): those bring
//! dozens of crates into the test build for what is a few hundred lines here,
//! and the generator needs the type aliases only.

use std::collections::BTreeMap;

/// A TypeScript type, as far as the generator needs to tell them apart.
#[derive(Debug, Clone)]
pub enum Ty {
    Object(Vec<Member>),
    Union(Vec<Ty>),
    Intersection(Vec<Ty>),
    Array,
    Tuple,
    /// A string literal type: `'system'`.
    Str(String),
    /// A number literal type.
    Num,
    True,
    False,
    Null,
    Undefined,
    /// `string`, `number`, `unknown`...
    Keyword(String),
    /// A named type with its type arguments; `coreTypes.X` is `X`.
    Ref(String, Vec<Ty>),
    /// `` `${string}-x` ``
    Template,
    /// `T['k']`, `keyof T`, `typeof x`, conditional and mapped types: not
    /// worth resolving, any JSON value.
    Opaque,
    Function,
}

/// A property of an object type.
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub optional: bool,
    pub ty: Ty,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num,
    Template,
    Arrow,
    Ellipsis,
    P(char),
}

struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
    line: usize,
}

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, String> {
    let mut lx = Lexer {
        s: src.as_bytes(),
        i: 0,
        line: 1,
    };
    let mut out = Vec::new();
    while let Some(t) = lx.next()? {
        out.push((t, lx.line));
    }
    Ok(out)
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> u8 {
        *self.s.get(self.i + k).unwrap_or(&0)
    }

    fn next(&mut self) -> Result<Option<Tok>, String> {
        loop {
            let c = self.peek(0);
            match c {
                0 if self.i >= self.s.len() => return Ok(None),
                b'\n' => {
                    self.line += 1;
                    self.i += 1;
                }
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'/' if self.peek(1) == b'/' => {
                    while self.i < self.s.len() && self.peek(0) != b'\n' {
                        self.i += 1;
                    }
                }
                b'/' if self.peek(1) == b'*' => {
                    self.i += 2;
                    while self.i < self.s.len() && !(self.peek(0) == b'*' && self.peek(1) == b'/') {
                        if self.peek(0) == b'\n' {
                            self.line += 1;
                        }
                        self.i += 1;
                    }
                    self.i += 2;
                }
                _ => break,
            }
        }
        let c = self.peek(0);
        let tok = match c {
            b'\'' | b'"' => {
                let start = self.i + 1;
                self.i += 1;
                while self.i < self.s.len() && self.peek(0) != c {
                    if self.peek(0) == b'\\' {
                        self.i += 1;
                    }
                    self.i += 1;
                }
                let text = String::from_utf8_lossy(&self.s[start..self.i.min(self.s.len())]);
                self.i += 1;
                Tok::Str(text.into_owned())
            }
            b'`' => {
                self.i += 1;
                let mut depth = 0;
                while self.i < self.s.len() {
                    match self.peek(0) {
                        b'\\' => self.i += 1,
                        b'{' => depth += 1,
                        b'}' => depth -= 1,
                        b'`' if depth == 0 => break,
                        b'\n' => self.line += 1,
                        _ => {}
                    }
                    self.i += 1;
                }
                self.i += 1;
                Tok::Template
            }
            b'0'..=b'9' => {
                while self.peek(0).is_ascii_alphanumeric() || self.peek(0) == b'.' {
                    self.i += 1;
                }
                Tok::Num
            }
            b'=' if self.peek(1) == b'>' => {
                self.i += 2;
                Tok::Arrow
            }
            b'.' if self.peek(1) == b'.' && self.peek(2) == b'.' => {
                self.i += 3;
                Tok::Ellipsis
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                let start = self.i;
                while self.peek(0).is_ascii_alphanumeric() || matches!(self.peek(0), b'_' | b'$') {
                    self.i += 1;
                }
                Tok::Ident(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
            }
            c if c.is_ascii() => {
                self.i += 1;
                Tok::P(c as char)
            }
            _ => {
                // Non-ASCII outside strings and comments: skip the character.
                self.i += 1;
                while self.peek(0) & 0xC0 == 0x80 {
                    self.i += 1;
                }
                return self.next();
            }
        };
        Ok(Some(tok))
    }
}

/// Every top-level type alias and interface of `src`, by name.
pub fn declarations(src: &str) -> Result<BTreeMap<String, Ty>, String> {
    let toks = lex(src)?;
    let mut p = Parser { t: &toks, i: 0 };
    let mut out = BTreeMap::new();
    let mut depth = 0usize;
    while p.i < toks.len() {
        let at_top = depth == 0;
        match p.tok() {
            Some(Tok::P('{')) => {
                depth += 1;
                p.i += 1;
            }
            Some(Tok::P('}')) => {
                depth = depth.saturating_sub(1);
                p.i += 1;
            }
            Some(Tok::Ident(k)) if at_top && (k == "type" || k == "interface") => {
                let is_type = k == "type";
                let Some(Tok::Ident(name)) = p.t.get(p.i + 1).map(|t| t.0.clone()) else {
                    p.i += 1;
                    continue;
                };
                p.i += 2;
                p.skip_generics();
                let ty = if is_type {
                    if !p.eat(&Tok::P('=')) {
                        continue;
                    }
                    let ty = p.ty().map_err(|e| format!("type {name}: {e}"))?;
                    p.eat(&Tok::P(';'));
                    ty
                } else {
                    // interface NAME [extends A, B] { ... }
                    let mut bases = Vec::new();
                    if p.eat(&Tok::Ident("extends".into())) {
                        loop {
                            bases.push(p.primary().map_err(|e| format!("interface {name}: {e}"))?);
                            if !p.eat(&Tok::P(',')) {
                                break;
                            }
                        }
                    }
                    let body = p.object().map_err(|e| format!("interface {name}: {e}"))?;
                    if bases.is_empty() {
                        body
                    } else {
                        bases.push(body);
                        Ty::Intersection(bases)
                    }
                };
                out.insert(name, ty);
            }
            _ => p.i += 1,
        }
    }
    Ok(out)
}

struct Parser<'a> {
    t: &'a [(Tok, usize)],
    i: usize,
}

type R<T> = Result<T, String>;

impl Parser<'_> {
    fn tok(&self) -> Option<&Tok> {
        self.t.get(self.i).map(|t| &t.0)
    }

    fn at(&self, k: usize) -> Option<&Tok> {
        self.t.get(self.i + k).map(|t| &t.0)
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.tok() == Some(t) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn fail<T>(&self, what: &str) -> R<T> {
        let line = self.t.get(self.i).map_or(0, |t| t.1);
        Err(format!("line {line}: {what}, found {:?}", self.tok()))
    }

    fn expect(&mut self, t: Tok) -> R<()> {
        if self.eat(&t) {
            Ok(())
        } else {
            self.fail(&format!("expected {t:?}"))
        }
    }

    /// Skips a balanced `open ... close` starting at the current token.
    fn skip_balanced(&mut self, open: char, close: char) {
        let mut depth = 0usize;
        while let Some(t) = self.tok() {
            if *t == Tok::P(open) {
                depth += 1;
            } else if *t == Tok::P(close) {
                depth -= 1;
                if depth == 0 {
                    self.i += 1;
                    return;
                }
            } else if open == '<' && *t == Tok::Arrow {
                // `=>` inside generics is not a closer.
            }
            self.i += 1;
        }
    }

    fn skip_generics(&mut self) {
        if self.tok() == Some(&Tok::P('<')) {
            self.skip_balanced('<', '>');
        }
    }

    fn ty(&mut self) -> R<Ty> {
        let t = self.union()?;
        // A conditional type: `A extends B ? C : D`.
        if self.eat(&Tok::Ident("extends".into())) {
            self.union()?;
            self.expect(Tok::P('?'))?;
            self.ty()?;
            self.expect(Tok::P(':'))?;
            self.ty()?;
            return Ok(Ty::Opaque);
        }
        Ok(t)
    }

    fn union(&mut self) -> R<Ty> {
        self.eat(&Tok::P('|'));
        let mut parts = vec![self.intersection()?];
        while self.eat(&Tok::P('|')) {
            parts.push(self.intersection()?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().unwrap_or(Ty::Opaque)
        } else {
            Ty::Union(parts)
        })
    }

    fn intersection(&mut self) -> R<Ty> {
        self.eat(&Tok::P('&'));
        let mut parts = vec![self.postfix()?];
        while self.eat(&Tok::P('&')) {
            parts.push(self.postfix()?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().unwrap_or(Ty::Opaque)
        } else {
            Ty::Intersection(parts)
        })
    }

    fn postfix(&mut self) -> R<Ty> {
        let mut t = self.prefix()?;
        while self.tok() == Some(&Tok::P('[')) {
            if self.at(1) == Some(&Tok::P(']')) {
                self.i += 2;
                t = Ty::Array;
            } else {
                self.i += 1;
                self.ty()?;
                self.expect(Tok::P(']'))?;
                t = Ty::Opaque;
            }
        }
        Ok(t)
    }

    fn prefix(&mut self) -> R<Ty> {
        match self.tok() {
            Some(Tok::Ident(k)) if k == "keyof" || k == "typeof" || k == "unique" => {
                self.i += 1;
                self.postfix()?;
                Ok(Ty::Opaque)
            }
            Some(Tok::Ident(k)) if k == "readonly" => {
                self.i += 1;
                self.postfix()
            }
            Some(Tok::Ident(k)) if k == "infer" => {
                self.i += 2;
                Ok(Ty::Opaque)
            }
            _ => self.primary(),
        }
    }

    /// True when the `(` at the current token opens a function type.
    fn parens_are_function(&self) -> bool {
        let mut depth = 0usize;
        let mut k = self.i;
        while let Some((t, _)) = self.t.get(k) {
            match t {
                Tok::P('(') => depth += 1,
                Tok::P(')') => {
                    depth -= 1;
                    if depth == 0 {
                        return self.t.get(k + 1).map(|t| &t.0) == Some(&Tok::Arrow);
                    }
                }
                _ => {}
            }
            k += 1;
        }
        false
    }

    fn function(&mut self) -> R<Ty> {
        self.skip_generics();
        self.skip_balanced('(', ')');
        self.expect(Tok::Arrow)?;
        self.ty()?;
        Ok(Ty::Function)
    }

    fn primary(&mut self) -> R<Ty> {
        let Some(tok) = self.tok().cloned() else {
            return self.fail("expected a type");
        };
        match tok {
            Tok::P('(') if self.parens_are_function() => self.function(),
            Tok::P('<') => self.function(),
            Tok::P('(') => {
                self.i += 1;
                let t = self.ty()?;
                self.expect(Tok::P(')'))?;
                Ok(t)
            }
            Tok::P('{') => self.object(),
            Tok::P('[') => {
                self.skip_balanced('[', ']');
                Ok(Ty::Tuple)
            }
            Tok::P('-') => {
                self.i += 1;
                self.expect(Tok::Num)?;
                Ok(Ty::Num)
            }
            Tok::Str(s) => {
                self.i += 1;
                Ok(Ty::Str(s))
            }
            Tok::Num => {
                self.i += 1;
                Ok(Ty::Num)
            }
            Tok::Template => {
                self.i += 1;
                Ok(Ty::Template)
            }
            Tok::Ident(word) => {
                self.i += 1;
                match word.as_str() {
                    "true" => return Ok(Ty::True),
                    "false" => return Ok(Ty::False),
                    "null" => return Ok(Ty::Null),
                    "undefined" | "void" | "never" => return Ok(Ty::Undefined),
                    "new" => return self.function(),
                    "string" | "number" | "boolean" | "unknown" | "any" | "object" | "bigint"
                    | "symbol" => return Ok(Ty::Keyword(word)),
                    _ => {}
                }
                let mut name = word;
                while self.tok() == Some(&Tok::P('.')) {
                    self.i += 1;
                    match self.tok().cloned() {
                        Some(Tok::Ident(next)) => {
                            self.i += 1;
                            name = next;
                        }
                        _ => return self.fail("expected a name after '.'"),
                    }
                }
                let mut args = Vec::new();
                if self.eat(&Tok::P('<')) {
                    loop {
                        args.push(self.ty()?);
                        if !self.eat(&Tok::P(',')) {
                            break;
                        }
                    }
                    self.expect(Tok::P('>'))?;
                }
                Ok(Ty::Ref(name, args))
            }
            _ => self.fail("expected a type"),
        }
    }

    fn object(&mut self) -> R<Ty> {
        self.expect(Tok::P('{'))?;
        let mut members = Vec::new();
        loop {
            while self.eat(&Tok::P(';')) || self.eat(&Tok::P(',')) {}
            match self.tok().cloned() {
                Some(Tok::P('}')) => {
                    self.i += 1;
                    return Ok(Ty::Object(members));
                }
                Some(Tok::P('[')) => {
                    // An index signature, a mapped type or a computed method.
                    self.skip_balanced('[', ']');
                    self.eat(&Tok::P('-'));
                    self.eat(&Tok::P('+'));
                    self.eat(&Tok::P('?'));
                    if self.tok() == Some(&Tok::P('(')) {
                        self.skip_balanced('(', ')');
                        if self.eat(&Tok::P(':')) {
                            self.ty()?;
                        }
                        continue;
                    }
                    self.expect(Tok::P(':'))?;
                    self.ty()?;
                }
                Some(Tok::P('(')) | Some(Tok::P('<')) => {
                    // A call signature.
                    self.skip_generics();
                    self.skip_balanced('(', ')');
                    if self.eat(&Tok::P(':')) {
                        self.ty()?;
                    }
                }
                Some(Tok::Ident(word))
                    if word == "readonly"
                        && matches!(self.at(1), Some(Tok::Ident(_) | Tok::Str(_))) =>
                {
                    self.i += 1;
                }
                Some(Tok::Ident(name)) | Some(Tok::Str(name)) => {
                    self.i += 1;
                    let optional = self.eat(&Tok::P('?'));
                    if matches!(self.tok(), Some(Tok::P('(') | Tok::P('<'))) {
                        self.skip_generics();
                        self.skip_balanced('(', ')');
                        if self.eat(&Tok::P(':')) {
                            self.ty()?;
                        }
                        continue;
                    }
                    self.expect(Tok::P(':'))?;
                    let ty = self.ty()?;
                    members.push(Member { name, optional, ty });
                }
                _ => return self.fail("expected a property"),
            }
        }
    }
}
