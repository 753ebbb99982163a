//! What a program can read of its input: a path analysis of the parsed
//! expression, so that a line is built only as far as the program looks
//! into it (`select(.type=="result") | .total_cost_usd` builds two members
//! of each event, not its megabytes of tool output).
//!
//! Promises: the analysis is conservative. A value the program reads in a
//! way it does not follow (printed, compared, passed to a function it does
//! not know, bound to a variable, updated...) is demanded whole; anything
//! it does not understand demands the whole input. What it demands less of:
//! members it never touches are left out, and a value read only for its
//! truthiness or kind (`select(.message)`, `type`) is built without its
//! members. The input itself may be output unchanged only when the caller
//! can print the line as it came ([`Demand::root_out`]); a runtime error
//! is re-run on the whole value by the caller, since error messages quote
//! values.

use jaq_core::load::lex::StrPart;
use jaq_core::load::parse::{BinaryOp, Term};
use jaq_core::load::{self};
use jaq_core::path::Part;

pub use crate::json::Need;

/// What a whole program needs of its input.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    pub need: Need,
    /// The program may output its input unchanged.
    pub root_out: bool,
}

impl Demand {
    /// The demand of a program that needs everything.
    pub fn all() -> Demand {
        Demand {
            need: Need::All,
            root_out: true,
        }
    }

    /// True when the whole input is needed (nothing to save).
    pub fn is_all(&self) -> bool {
        self.need == Need::All
    }
}

/// Adds `need` at `path` below `base`.
fn at(base: &mut Need, path: &[Step], need: Need) {
    let Some((first, rest)) = path.split_first() else {
        return base.merge(need);
    };
    let Need::Part(tree) = base else {
        return;
    };
    let child = match first {
        Step::Key(k) => tree.keys.entry(k.clone()).or_insert_with(Need::shape),
        Step::Each => tree.each.get_or_insert_with(Need::shape),
    };
    at(child, rest, need);
}

/// One step of a path into the input.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Each,
}

/// An abstract value: a part of the input (by its path), or anything else.
#[derive(Debug, Clone, PartialEq)]
enum Abs {
    In(Vec<Step>),
    Other,
}

/// The demand of `stages` run one after the other on each input.
pub fn analyse(stages: &[&str]) -> Demand {
    let mut a = Analysis {
        need: Need::shape(),
    };
    let mut values = vec![Abs::In(vec![])];
    for code in stages {
        let Some(term) = load::parse(code, |p| p.term()) else {
            return Demand::all();
        };
        let mut next = Vec::new();
        for v in &values {
            next.extend(a.eval(&term, v));
        }
        values = dedup(next);
    }
    let mut root_out = false;
    for v in values {
        match v {
            Abs::In(path) if path.is_empty() => root_out = true,
            Abs::In(path) => at(&mut a.need, &path, Need::All),
            Abs::Other => {}
        }
    }
    Demand {
        need: a.need,
        root_out,
    }
}

fn dedup(mut v: Vec<Abs>) -> Vec<Abs> {
    let mut out: Vec<Abs> = Vec::with_capacity(v.len());
    for x in v.drain(..) {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

struct Analysis {
    need: Need,
}

/// Functions that output their input when a condition on it holds, and
/// read only its kind (jaq-std's definitions: `select(isnumber)`...).
const BY_KIND: &[&str] = &[
    "numbers",
    "strings",
    "booleans",
    "nulls",
    "arrays",
    "objects",
    "iterables",
    "scalars",
    "values",
];

/// Functions of no arguments that read only the kind or truthiness of
/// their input.
const KIND_ONLY: &[&str] = &[
    "type",
    "not",
    "isnumber",
    "isstring",
    "isboolean",
    "isnull",
    "isarray",
    "isobject",
    "isvalid",
];

/// The literal string of a term such as `"a"` or `"a\n"`.
fn literal(t: &Term<&str>) -> Option<String> {
    let Term::Str(None, parts) = t else {
        return None;
    };
    let mut s = String::new();
    for p in parts {
        match p {
            StrPart::Str(x) => s.push_str(x),
            StrPart::Char(c) => s.push(*c),
            StrPart::Term(_) => return None,
        }
    }
    Some(s)
}

impl Analysis {
    /// Demands all of `v`, if it is part of the input.
    fn all(&mut self, v: &Abs) {
        if let Abs::In(path) = v {
            at(&mut self.need, path, Need::All);
        }
    }

    /// Demands the kind of `v` (it must exist, as the right kind).
    fn shape(&mut self, v: &Abs) {
        if let Abs::In(path) = v {
            at(&mut self.need, path, Need::shape());
        }
    }

    /// Evaluates `t` and demands all of every output.
    fn eval_all(&mut self, t: &Term<&str>, x: &Abs) {
        for v in self.eval(t, x) {
            self.all(&v);
        }
    }

    /// Evaluates `t` for truthiness or kind only.
    fn eval_shape(&mut self, t: &Term<&str>, x: &Abs) {
        for v in self.eval(t, x) {
            self.shape(&v);
        }
    }

    fn child(x: &Abs, step: Step) -> Abs {
        match x {
            Abs::In(path) => {
                let mut p = path.clone();
                p.push(step);
                Abs::In(p)
            }
            Abs::Other => Abs::Other,
        }
    }

    /// The outputs `t` may have on input `x`, recording what it reads.
    fn eval(&mut self, t: &Term<&str>, x: &Abs) -> Vec<Abs> {
        match t {
            Term::Id => vec![x.clone()],
            Term::Recurse => {
                self.all(x);
                vec![x.clone(), Abs::Other]
            }
            Term::Num(_) | Term::Var(_) | Term::Break(_) | Term::Arr(None) => {
                if matches!(t, Term::Break(_)) {
                    vec![]
                } else {
                    vec![Abs::Other]
                }
            }
            Term::Str(_, parts) => {
                for p in parts {
                    if let StrPart::Term(t) = p {
                        self.eval_all(t, x);
                    }
                }
                vec![Abs::Other]
            }
            Term::Arr(Some(t)) | Term::Neg(t) => {
                self.eval_all(t, x);
                vec![Abs::Other]
            }
            Term::Obj(entries) => {
                for (k, v) in entries {
                    match (literal(k), v) {
                        (Some(key), None) => self.all(&Self::child(x, Step::Key(key))),
                        (Some(_), Some(v)) => self.eval_all(v, x),
                        (None, v) => {
                            // `{$x}`, `{(f): g}`, `{"\(f)": g}`.
                            if !matches!(k, Term::Var(_)) {
                                self.eval_all(k, x);
                            }
                            if let Some(v) = v {
                                self.eval_all(v, x);
                            }
                        }
                    }
                }
                vec![Abs::Other]
            }
            Term::BinOp(l, op, r) => self.binop(l, op, r, x),
            Term::Label(_, t) => self.eval(t, x),
            Term::TryCatch(t, catch) => {
                let mut out = self.eval(t, x);
                if let Some(c) = catch {
                    out.extend(self.eval(c, &Abs::Other));
                }
                out
            }
            Term::IfThenElse(branches, otherwise) => {
                let mut out = Vec::new();
                for (cond, then) in branches {
                    self.eval_shape(cond, x);
                    out.extend(self.eval(then, x));
                }
                match otherwise {
                    Some(e) => out.extend(self.eval(e, x)),
                    None => out.push(x.clone()),
                }
                out
            }
            Term::Fold(_, xs, _, rest) => {
                self.all(x);
                self.eval_all(xs, x);
                if let Some(init) = rest.first() {
                    self.eval_all(init, x);
                }
                vec![Abs::Other]
            }
            Term::Def(_, _) => {
                self.all(x);
                vec![x.clone(), Abs::Other]
            }
            Term::Call(name, args) => self.call(name, args, x),
            Term::Path(base, path) => {
                let mut values = self.eval(base, x);
                for (part, _opt) in &path.0 {
                    let mut next = Vec::new();
                    for v in &values {
                        match part {
                            Part::Index(i) => match (literal(i), i) {
                                (Some(key), _) => next.push(Self::child(v, Step::Key(key))),
                                (None, Term::Num(_)) => next.push(Self::child(v, Step::Each)),
                                (None, i) => {
                                    // `.[f]`: f reads the path's input.
                                    self.eval_all(i, x);
                                    self.all(v);
                                    next.push(Abs::Other);
                                }
                            },
                            Part::Range(None, None) => next.push(Self::child(v, Step::Each)),
                            Part::Range(from, to) => {
                                for b in [from, to].into_iter().flatten() {
                                    self.eval_all(b, x);
                                }
                                self.all(v);
                                next.push(Abs::Other);
                            }
                        }
                    }
                    // Reaching into a value needs it to exist, as the right kind.
                    for v in &values {
                        self.shape(v);
                    }
                    values = dedup(next);
                }
                values
            }
        }
    }

    fn binop(&mut self, l: &Term<&str>, op: &BinaryOp<&str>, r: &Term<&str>, x: &Abs) -> Vec<Abs> {
        match op {
            BinaryOp::Pipe(None) => {
                let mut out = Vec::new();
                for v in dedup(self.eval(l, x)) {
                    out.extend(self.eval(r, &v));
                }
                dedup(out)
            }
            BinaryOp::Pipe(Some(_)) => {
                // `l as $v | r`: $v may go anywhere.
                self.eval_all(l, x);
                self.eval(r, x)
            }
            BinaryOp::Comma => {
                let mut out = self.eval(l, x);
                out.extend(self.eval(r, x));
                dedup(out)
            }
            BinaryOp::Alt => {
                let left = self.eval(l, x);
                for v in &left {
                    self.shape(v);
                }
                let mut out = left;
                out.extend(self.eval(r, x));
                dedup(out)
            }
            BinaryOp::Or | BinaryOp::And => {
                self.eval_shape(l, x);
                self.eval_shape(r, x);
                vec![Abs::Other]
            }
            BinaryOp::Math(_) | BinaryOp::Cmp(_) => {
                self.eval_all(l, x);
                self.eval_all(r, x);
                vec![Abs::Other]
            }
            BinaryOp::Assign | BinaryOp::Update | BinaryOp::UpdateMath(_) | BinaryOp::UpdateAlt => {
                self.all(x);
                self.eval_all(l, x);
                self.eval_all(r, x);
                vec![Abs::Other]
            }
        }
    }

    fn call(&mut self, name: &str, args: &[Term<&str>], x: &Abs) -> Vec<Abs> {
        match (name, args) {
            ("select", [cond]) => {
                self.eval_shape(cond, x);
                vec![x.clone()]
            }
            ("empty", []) => vec![],
            // Constants read nothing.
            ("null" | "true" | "false" | "nan" | "infinite", []) => vec![Abs::Other],
            (name, []) if BY_KIND.contains(&name) => {
                self.shape(x);
                vec![x.clone()]
            }
            (name, []) if KIND_ONLY.contains(&name) => {
                self.shape(x);
                vec![Abs::Other]
            }
            ("map", [f]) => {
                self.shape(x);
                let each = Self::child(x, Step::Each);
                self.eval_all(f, &each);
                vec![Abs::Other]
            }
            ("length" | "keys" | "keys_unsorted", []) => {
                // The number of members, or their keys: each member's kind
                // (a string's length needs the string: scalars are whole).
                if let Abs::In(path) = x {
                    let each = Need::Part(Box::new(crate::json::Tree {
                        keys: Default::default(),
                        each: Some(Need::shape()),
                    }));
                    at(&mut self.need, path, each);
                }
                vec![Abs::Other]
            }
            ("first" | "last", []) => {
                self.shape(x);
                vec![Self::child(x, Step::Each)]
            }
            ("first" | "last", [f]) => self.eval(f, x),
            ("limit", [n, f]) => {
                self.eval_all(n, x);
                self.eval(f, x)
            }
            ("has", [k]) => {
                self.shape(x);
                match literal(k) {
                    Some(key) => self.shape(&Self::child(x, Step::Key(key))),
                    None => {
                        self.eval_all(k, x);
                        self.all(x);
                    }
                }
                vec![Abs::Other]
            }
            _ => {
                // Anything else may read all of its input and arguments.
                self.all(x);
                for a in args {
                    self.eval_all(a, x);
                }
                vec![Abs::Other]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(d: &Demand) -> String {
        fn show(n: &Need) -> String {
            match n {
                Need::All => "*".into(),
                Need::Part(t) => {
                    let mut parts: Vec<String> = t
                        .keys
                        .iter()
                        .map(|(k, n)| format!("{k}:{}", show(n)))
                        .collect();
                    if let Some(e) = &t.each {
                        parts.push(format!("[]:{}", show(e)));
                    }
                    format!("{{{}}}", parts.join(","))
                }
            }
        }
        format!("{}{}", show(&d.need), if d.root_out { " out" } else { "" })
    }

    fn of(code: &str) -> String {
        keys(&analyse(&[code]))
    }

    #[test]
    fn plain_lookups_need_their_members() {
        assert_eq!(of(".type"), "{type:*}");
        assert_eq!(of(r#"select(.type=="assistant")"#), "{type:*} out");
        assert_eq!(
            of(r#"select(.type=="result") | {cost: .total_cost_usd, turns: .num_turns}"#),
            "{num_turns:*,total_cost_usd:*,type:*}"
        );
        assert_eq!(of("{type, subtype}"), "{subtype:*,type:*}");
        assert_eq!(
            of(r#"[.type, (.subtype // "-")] | join(",")"#),
            "{subtype:*,type:*}"
        );
    }

    #[test]
    fn iteration_needs_only_what_is_read_of_each_element() {
        assert_eq!(
            of(r#".message.content[]? | select(.type=="tool_use") | .input"#),
            "{message:{content:{[]:{input:*,type:*}}}}"
        );
        assert_eq!(of(r#"select(.message) | .uuid"#), "{message:{},uuid:*}");
    }

    #[test]
    fn counting_needs_the_kind_of_each_member() {
        assert_eq!(
            of("{id: .uuid, blocks: (.message.content? | length)}"),
            "{message:{content:{[]:{}}},uuid:*}"
        );
        assert_eq!(of(".message | keys"), "{message:{[]:{}}}");
        assert_eq!(of("{sub: (.subtype // null), t: true}"), "{subtype:*}");
    }

    #[test]
    fn anything_unknown_needs_everything() {
        for code in [
            ".",
            "..",
            "del(.message)",
            ".a = 1",
            "to_entries",
            "tostring",
            ". as $x | $x",
            "reduce .[] as $x (0; . + 1)",
            "def f: .; f",
            "[.]",
            "{a: .}",
            ". == {}",
            ".[.k]",
        ] {
            let d = analyse(&[code]);
            assert!(d.is_all() || d.root_out, "{code}: {}", keys(&d));
        }
        assert!(analyse(&["del(.message)"]).is_all());
        assert!(analyse(&["not valid ("]).is_all());
    }

    #[test]
    fn stages_chain() {
        assert_eq!(
            keys(&analyse(&[r#"select(.type == "result")"#, ".num_turns"])),
            "{num_turns:*,type:*}"
        );
    }
}
