//! A direct evaluator for the everyday part of jq, tried before jaq's
//! interpreter on each input.
//!
//! jaq's interpreter builds every output through boxed iterators and shared
//! contexts, so `{kind: .type, n: (.message.content? | length)}` costs far
//! more in the interpreter than in building its result. This module compiles
//! the same parsed expression into a small tree and evaluates it with
//! callbacks, straight on jaq's values, using jaq's own operations
//! (indexing, arithmetic, comparison, string conversion) wherever the
//! result depends on them.
//!
//! Promises:
//! - Only an expression made entirely of the constructs below is taken:
//!   paths (`.a.b`, `.[]?`, `.[0]`, `.a[1:]`), `..`, literals, `$vars`
//!   (`--arg`, `as $x`), `|`, `,`, `//`, `and`, `or`, arithmetic and
//!   comparisons, `if`, `try` without `catch`, array and object
//!   construction, string interpolation (plain, `@text`, `@csv`, `@tsv`),
//!   and a list of builtins ([`Builtin`]). A definition, a reduction, an
//!   update or any other builtin leaves the whole expression to jaq.
//! - Outputs come in jaq's order (the left operand of a binary operator is
//!   the outer loop, as in jaq), and errors arise where jaq's arise, so
//!   `try` and `.[]?` stop and skip exactly as in jaq.
//! - Whenever an input meets a case this module does not follow (an error
//!   that reaches the top, a builtin on an input kind it does not handle,
//!   an object key that is not a string), [`Lite::eval`] says so and
//!   the caller runs jaq on the same input: results and error messages are
//!   then jaq's. Outputs are held until the evaluation succeeds, so none is
//!   written twice.

use jaq_core::ValT;
use jaq_core::load::lex::StrPart;
use jaq_core::load::parse::{BinaryOp, Pattern, Term};
use jaq_core::load::{self};
use jaq_core::ops::{Cmp, Math};
use jaq_core::path::{Opt, Part};
use jaq_json::{Map, Val};

use super::jq::{self, K_ARR, K_BOOL, K_NULL, K_NUM, K_OBJ, K_STR, Row};

/// A compiled expression.
#[derive(Debug)]
pub struct Lite {
    expr: E,
    /// The values of the global variables (`--arg`, `--argjson`), by slot.
    globals: Vec<Val>,
}

#[derive(Debug)]
enum E {
    Id,
    Recurse,
    Const(Val),
    /// A string from literal parts and interpolated terms, each term's
    /// outputs formatted by `Fmt`.
    Str(Vec<SPart>),
    Arr(Option<Box<E>>),
    /// Entries `(key, value)`, each `None` key being a constant.
    Obj(Vec<(E, E)>),
    Neg(Box<E>),
    Pipe(Box<E>, Box<E>),
    /// `l as $x | r`: binds each output of `l` and runs `r` on the input.
    Bind(Box<E>, Box<E>),
    Comma(Box<E>, Box<E>),
    Alt(Box<E>, Box<E>),
    /// `l and r` (stop on false) / `l or r` (stop on true).
    Logic(Box<E>, bool, Box<E>),
    Math(Box<E>, Math, Box<E>),
    Cmp(Box<E>, Cmp, Box<E>),
    Ite(Box<E>, Box<E>, Box<E>),
    Try(Box<E>),
    /// A variable, by its slot: globals first, then `as` bindings.
    Var(usize),
    Path(Box<E>, Vec<(P, Opt)>),
    Call(Builtin, Vec<E>),
}

#[derive(Debug)]
enum SPart {
    Lit(Vec<u8>),
    Term(E, Fmt),
}

/// How an interpolated value becomes text.
#[derive(Debug, Clone, Copy)]
enum Fmt {
    /// `tostring`: a string as it is, anything else as JSON.
    Text,
    Row(Row),
}

/// A path part with a constant index or bounds.
#[derive(Debug)]
enum P {
    Index(Val),
    Iter,
    Slice(Option<Val>, Option<Val>),
}

/// The builtins evaluated here, each on the inputs it handles; on any
/// other input the expression goes to jaq.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Builtin {
    Empty,
    Not,
    Select,
    Length,
    Add,
    Join,
    Format(Row),
    ToString,
    Type,
    /// `isnumber` and the like.
    Is(u8),
    /// `numbers` and the like.
    Kind(u8),
    ToEntries,
    FromEntries,
    WithEntries,
    GroupBy,
    Sort,
    Keys,
    Has,
    StartsWith,
    EndsWith,
    LtrimStr,
    RtrimStr,
    AsciiDowncase,
    AsciiUpcase,
    Split,
    In,
    /// `del(.a, .b)`: constant top-level keys.
    Del,
}

fn builtin(name: &str, arity: usize) -> Option<Builtin> {
    use Builtin::*;
    Some(match (name, arity) {
        ("empty", 0) => Empty,
        ("not", 0) => Not,
        ("select", 1) => Select,
        ("length", 0) => Length,
        ("add", 0) => Add,
        ("join", 1) => Join,
        ("@csv", 0) => Format(Row::Csv),
        ("@tsv", 0) => Format(Row::Tsv),
        ("tostring" | "@text", 0) => ToString,
        ("type", 0) => Type,
        ("isboolean", 0) => Is(K_BOOL),
        ("isnumber", 0) => Is(K_NUM),
        ("isstring", 0) => Is(K_STR),
        ("isarray", 0) => Is(K_ARR),
        ("isobject", 0) => Is(K_OBJ),
        ("values", 0) => Kind(!K_NULL),
        ("nulls", 0) => Kind(K_NULL),
        ("booleans", 0) => Kind(K_BOOL),
        ("numbers", 0) => Kind(K_NUM),
        ("strings", 0) => Kind(K_STR),
        ("arrays", 0) => Kind(K_ARR),
        ("objects", 0) => Kind(K_OBJ),
        ("iterables", 0) => Kind(K_ARR | K_OBJ),
        ("scalars", 0) => Kind(!(K_ARR | K_OBJ)),
        ("to_entries", 0) => ToEntries,
        ("from_entries", 0) => FromEntries,
        ("with_entries", 1) => WithEntries,
        ("group_by", 1) => GroupBy,
        ("sort", 0) => Sort,
        ("keys", 0) => Keys,
        ("has", 1) => Has,
        ("startswith", 1) => StartsWith,
        ("endswith", 1) => EndsWith,
        ("ltrimstr", 1) => LtrimStr,
        ("rtrimstr", 1) => RtrimStr,
        ("ascii_downcase", 0) => AsciiDowncase,
        ("ascii_upcase", 0) => AsciiUpcase,
        ("split", 1) => Split,
        ("IN", 1) => In,
        ("del", 1) => Del,
        _ => return None,
    })
}

/// Why an evaluation stopped early.
#[derive(Debug)]
enum Stop {
    /// A jq error (`try` ends the stream quietly; at the top, jaq reruns).
    Err,
    /// A case this module does not follow: jaq runs the whole input.
    Jaq,
    /// `IN` found its match (internal).
    Found,
}

type R = Result<(), Stop>;

/// Variables bound while evaluating: globals, then `as` bindings.
type Env = Vec<Val>;

/// Compile-time scope: the names of the slots.
struct Scope<'a> {
    names: Vec<&'a str>,
}

impl Scope<'_> {
    fn slot(&self, name: &str) -> Option<usize> {
        self.names.iter().rposition(|n| *n == name)
    }
}

/// Compiles `code` when every part of it is one this module evaluates.
pub fn compile(code: &str, vars: &[jq::Var]) -> Option<Lite> {
    let term = load::parse(code, |p| p.term())?;
    let mut scope = Scope {
        names: vars.iter().map(|(n, _)| n.as_str()).collect(),
    };
    let expr = term_to_e(&term, &mut scope)?;
    Some(Lite {
        expr,
        globals: vars.iter().map(|(_, v)| v.clone()).collect(),
    })
}

fn boxed<'a>(t: &Term<&'a str>, scope: &mut Scope<'a>) -> Option<Box<E>> {
    term_to_e(t, scope).map(Box::new)
}

/// A literal string's text (no interpolation, no format).
fn literal(t: &Term<&str>) -> Option<Vec<u8>> {
    let Term::Str(None, parts) = t else {
        return None;
    };
    let mut out = Vec::new();
    for part in parts {
        match part {
            StrPart::Str(s) => out.extend_from_slice(s.as_bytes()),
            StrPart::Char(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            StrPart::Term(_) => return None,
        }
    }
    Some(out)
}

/// A constant: a literal string or number.
fn constant(t: &Term<&str>) -> Option<Val> {
    match t {
        Term::Num(n) => Val::from_num(n).ok(),
        Term::Neg(n) if matches!(**n, Term::Num(_)) => (-constant(n)?).ok(),
        Term::Str(None, _) => literal(t).map(Val::utf8_str),
        _ => None,
    }
}

fn term_to_e<'a>(t: &Term<&'a str>, scope: &mut Scope<'a>) -> Option<E> {
    Some(match t {
        Term::Id => E::Id,
        Term::Recurse => E::Recurse,
        Term::Num(_) => E::Const(constant(t)?),
        Term::Str(fmt, parts) => {
            let fmt = match fmt.as_deref() {
                None | Some("@text") => Fmt::Text,
                Some("@csv") => Fmt::Row(Row::Csv),
                Some("@tsv") => Fmt::Row(Row::Tsv),
                Some(_) => return None,
            };
            if let Some(text) = literal(&Term::Str(None, parts.clone())) {
                return Some(E::Const(Val::utf8_str(text)));
            }
            let mut out = Vec::new();
            for part in parts {
                match part {
                    StrPart::Str(s) => out.push(SPart::Lit(s.as_bytes().to_vec())),
                    StrPart::Char(c) => {
                        out.push(SPart::Lit(c.encode_utf8(&mut [0; 4]).as_bytes().to_vec()))
                    }
                    StrPart::Term(t) => out.push(SPart::Term(term_to_e(t, scope)?, fmt)),
                }
            }
            E::Str(out)
        }
        Term::Arr(None) => E::Arr(None),
        Term::Arr(Some(t)) => E::Arr(Some(boxed(t, scope)?)),
        Term::Obj(entries) => {
            let mut out = Vec::new();
            for (k, v) in entries {
                let entry = match (k, v) {
                    (Term::Var(x), None) => {
                        let name = x.strip_prefix('$')?;
                        let slot = scope.slot(name)?;
                        (
                            E::Const(Val::utf8_str(name.as_bytes().to_vec())),
                            E::Var(slot),
                        )
                    }
                    (k, None) => {
                        let key = literal(k)?;
                        let key = Val::utf8_str(key);
                        (
                            E::Const(key.clone()),
                            E::Path(Box::new(E::Id), vec![(P::Index(key), Opt::Essential)]),
                        )
                    }
                    (k, Some(v)) => (term_to_e(k, scope)?, term_to_e(v, scope)?),
                };
                out.push(entry);
            }
            E::Obj(out)
        }
        Term::Neg(t) => E::Neg(boxed(t, scope)?),
        Term::BinOp(l, op, r) => match op {
            BinaryOp::Pipe(None) => E::Pipe(boxed(l, scope)?, boxed(r, scope)?),
            BinaryOp::Pipe(Some(Pattern::Var(x))) => {
                let l = boxed(l, scope)?;
                scope.names.push(x.strip_prefix('$')?);
                let r = boxed(r, scope);
                scope.names.pop();
                E::Bind(l, r?)
            }
            BinaryOp::Comma => E::Comma(boxed(l, scope)?, boxed(r, scope)?),
            BinaryOp::Alt => E::Alt(boxed(l, scope)?, boxed(r, scope)?),
            BinaryOp::And => E::Logic(boxed(l, scope)?, false, boxed(r, scope)?),
            BinaryOp::Or => E::Logic(boxed(l, scope)?, true, boxed(r, scope)?),
            BinaryOp::Math(m) => E::Math(boxed(l, scope)?, *m, boxed(r, scope)?),
            BinaryOp::Cmp(c) => E::Cmp(boxed(l, scope)?, *c, boxed(r, scope)?),
            _ => return None,
        },
        Term::IfThenElse(branches, otherwise) => {
            let mut e = match otherwise {
                Some(t) => term_to_e(t, scope)?,
                None => E::Id,
            };
            for (cond, then) in branches.iter().rev() {
                e = E::Ite(boxed(cond, scope)?, boxed(then, scope)?, Box::new(e));
            }
            e
        }
        Term::TryCatch(body, None) => E::Try(boxed(body, scope)?),
        // `catch empty` drops the error, as no `catch` does.
        Term::TryCatch(body, Some(c)) if matches!(&**c, Term::Call("empty", a) if a.is_empty()) => {
            E::Try(boxed(body, scope)?)
        }
        Term::Var(x) => E::Var(scope.slot(x.strip_prefix('$')?)?),
        Term::Path(head, path) => {
            let head = boxed(head, scope)?;
            let mut parts = Vec::new();
            for (part, opt) in &path.0 {
                let part = match part {
                    Part::Index(i) => P::Index(constant(i)?),
                    Part::Range(None, None) => P::Iter,
                    Part::Range(from, upto) => {
                        let bound = |b: &Option<Term<&str>>| match b {
                            None => Some(None),
                            Some(t) => constant(t).map(Some),
                        };
                        P::Slice(bound(from)?, bound(upto)?)
                    }
                };
                parts.push((part, *opt));
            }
            E::Path(head, parts)
        }
        Term::Call(name, args) => call(name, args, scope)?,
        _ => return None,
    })
}

fn call<'a>(name: &str, args: &[Term<&'a str>], scope: &mut Scope<'a>) -> Option<E> {
    let path = |parts: Vec<(P, Opt)>| E::Path(Box::new(E::Id), parts);
    match (name, args) {
        ("true", []) => return Some(E::Const(Val::Bool(true))),
        ("false", []) => return Some(E::Const(Val::Bool(false))),
        ("null", []) => return Some(E::Const(Val::Null)),
        ("recurse", []) => return Some(E::Recurse),
        ("first", []) => return Some(path(vec![(P::Index(Val::from(0isize)), Opt::Essential)])),
        ("last", []) => return Some(path(vec![(P::Index(Val::from(-1isize)), Opt::Essential)])),
        ("map", [f]) => {
            let f = term_to_e(f, scope)?;
            let each = path(vec![(P::Iter, Opt::Essential)]);
            return Some(E::Arr(Some(Box::new(E::Pipe(Box::new(each), Box::new(f))))));
        }
        _ => {}
    }
    let b = builtin(name, args.len())?;
    if b == Builtin::Del {
        // Only `del(.a, .b, ...)`: constant keys of the input itself.
        let mut keys = Vec::new();
        let mut t = &args[0];
        loop {
            let (one, rest) = match t {
                Term::BinOp(l, BinaryOp::Comma, r) => (&**l, Some(&**r)),
                other => (other, None),
            };
            let Term::Path(head, p) = one else {
                return None;
            };
            let [(Part::Index(k), Opt::Essential)] = &p.0[..] else {
                return None;
            };
            if !matches!(**head, Term::Id) {
                return None;
            }
            keys.push(E::Const(Val::utf8_str(literal(k)?)));
            match rest {
                Some(r) => t = r,
                None => break,
            }
        }
        return Some(E::Call(b, keys));
    }
    let args = args
        .iter()
        .map(|a| term_to_e(a, scope))
        .collect::<Option<Vec<_>>>()?;
    Some(E::Call(b, args))
}

impl Lite {
    /// Evaluates on `input`, pushing the outputs onto `outs`. False: this
    /// input needs jaq (`outs` is then cleared).
    pub fn eval(&self, input: &Val, outs: &mut Vec<Val>) -> bool {
        let mut env = self.globals.clone();
        let r = run(&self.expr, input, &mut env, &mut |_, v| {
            outs.push(v);
            Ok(())
        });
        if r.is_err() {
            outs.clear();
        }
        r.is_ok()
    }
}

type Out<'o> = dyn FnMut(&mut Env, Val) -> R + 'o;

/// The single output of `e` on `v`; more or fewer: jaq decides.
fn one(e: &E, v: &Val, env: &mut Env) -> Result<Val, Stop> {
    if let E::Const(c) = e {
        return Ok(c.clone());
    }
    let mut got = None;
    let mut n = 0;
    run(e, v, env, &mut |_, x| {
        n += 1;
        got = Some(x);
        Ok(())
    })?;
    match (n, got) {
        (1, Some(x)) => Ok(x),
        _ => Err(Stop::Jaq),
    }
}

fn err<T>(_: T) -> Stop {
    Stop::Err
}

fn run(e: &E, v: &Val, env: &mut Env, out: &mut Out) -> R {
    match e {
        E::Id => out(env, v.clone()),
        E::Recurse => recurse(v, env, out),
        E::Const(c) => out(env, c.clone()),
        E::Str(parts) => string(parts, 0, Vec::new(), v, env, out),
        E::Arr(None) => out(env, Val::Arr(Default::default())),
        E::Arr(Some(f)) => {
            let mut items = Vec::new();
            run(f, v, env, &mut |_, x| {
                items.push(x);
                Ok(())
            })?;
            out(env, Val::Arr(items.into()))
        }
        E::Obj(entries) => {
            let mut map = Map::with_capacity_and_hasher(entries.len(), Default::default());
            for (k, x) in entries {
                let k = one(k, v, env)?;
                if !matches!(k, Val::TStr(_)) {
                    return Err(Stop::Jaq);
                }
                let x = one(x, v, env)?;
                map.insert(k, x);
            }
            out(env, Val::obj(map))
        }
        E::Neg(f) => run(f, v, env, &mut |env, x| out(env, (-x).map_err(err)?)),
        E::Pipe(l, r) => run(l, v, env, &mut |env, x| run(r, &x, env, out)),
        E::Bind(l, r) => run(l, v, env, &mut |env, x| {
            env.push(x);
            let res = run(r, v, env, out);
            env.pop();
            res
        }),
        E::Comma(l, r) => {
            run(l, v, env, out)?;
            run(r, v, env, out)
        }
        E::Alt(l, r) => {
            let mut any = false;
            run(l, v, env, &mut |env, x| {
                if x.as_bool() {
                    any = true;
                    out(env, x)
                } else {
                    Ok(())
                }
            })?;
            if any { Ok(()) } else { run(r, v, env, out) }
        }
        E::Logic(l, stop, r) => run(l, v, env, &mut |env, x| {
            if x.as_bool() == *stop {
                out(env, Val::Bool(*stop))
            } else {
                run(r, v, env, &mut |env, y| out(env, Val::Bool(y.as_bool())))
            }
        }),
        E::Math(l, op, r) => run(l, v, env, &mut |env, x| {
            run(r, v, env, &mut |env, y| {
                out(env, op.run(x.clone(), y).map_err(err)?)
            })
        }),
        E::Cmp(l, op, r) => run(l, v, env, &mut |env, x| {
            run(r, v, env, &mut |env, y| out(env, Val::Bool(op.run(&x, &y))))
        }),
        E::Ite(cond, then, otherwise) => run(cond, v, env, &mut |env, c| {
            run(if c.as_bool() { then } else { otherwise }, v, env, out)
        }),
        E::Try(body) => match run(body, v, env, out) {
            Err(Stop::Err) => Ok(()),
            other => other,
        },
        E::Var(slot) => {
            let x = env[*slot].clone();
            out(env, x)
        }
        E::Path(head, parts) => {
            if let E::Id = **head {
                path(v.clone(), parts, env, out)
            } else {
                run(head, v, env, &mut |env, x| path(x, parts, env, out))
            }
        }
        E::Call(b, args) => call_run(*b, args, v, env, out),
    }
}

/// `..`: the value, then everything inside it, depth first.
fn recurse(v: &Val, env: &mut Env, out: &mut Out) -> R {
    out(env, v.clone())?;
    match v {
        Val::Arr(a) => a.iter().try_for_each(|x| recurse(x, env, out)),
        Val::Obj(o) => o.values().try_for_each(|x| recurse(x, env, out)),
        _ => Ok(()),
    }
}

/// Builds an interpolated string part by part; a term with several outputs
/// gives one string per output, the earlier parts being the outer loops.
fn string(parts: &[SPart], at: usize, acc: Vec<u8>, v: &Val, env: &mut Env, out: &mut Out) -> R {
    let Some(part) = parts.get(at) else {
        return out(env, Val::utf8_str(acc));
    };
    match part {
        SPart::Lit(s) => {
            let mut acc = acc;
            acc.extend_from_slice(s);
            string(parts, at + 1, acc, v, env, out)
        }
        SPart::Term(t, fmt) => run(t, v, env, &mut |env, x| {
            let text = match fmt {
                Fmt::Text => x.into_string(),
                Fmt::Row(row) => jq::row(&x, *row).map_err(err)?,
            };
            let Val::TStr(s) = text else {
                return Err(Stop::Jaq);
            };
            let mut next = acc.clone();
            next.extend_from_slice(&s);
            string(parts, at + 1, next, v, env, out)
        }),
    }
}

/// Follows `parts` from `v`, as jaq's paths do: an optional part drops
/// its errors, an essential one raises them.
fn path(v: Val, parts: &[(P, Opt)], env: &mut Env, out: &mut Out) -> R {
    let Some(((part, opt), rest)) = parts.split_first() else {
        return out(env, v);
    };
    let failed = |opt: &Opt| match opt {
        Opt::Optional => Ok(()),
        Opt::Essential => Err(Stop::Err),
    };
    match part {
        P::Index(k) => {
            let next = match (&v, k) {
                (Val::Obj(o), Val::TStr(_)) => o.get(k).cloned().unwrap_or(Val::Null),
                (Val::Null, _) => Val::Null,
                _ => match v.index(k) {
                    Ok(x) => x,
                    Err(_) => return failed(opt),
                },
            };
            path(next, rest, env, out)
        }
        P::Iter => match &v {
            Val::Arr(a) => a.iter().try_for_each(|x| path(x.clone(), rest, env, out)),
            Val::Obj(o) => o.values().try_for_each(|x| path(x.clone(), rest, env, out)),
            _ => failed(opt),
        },
        P::Slice(from, upto) => match v.range(from.as_ref()..upto.as_ref()) {
            Ok(x) => path(x, rest, env, out),
            Err(_) => failed(opt),
        },
    }
}

fn str_bytes(v: &Val) -> Option<&[u8]> {
    match v {
        Val::TStr(s) => Some(s),
        _ => None,
    }
}

fn call_run(b: Builtin, args: &[E], v: &Val, env: &mut Env, out: &mut Out) -> R {
    use Builtin::*;
    let arg = |env: &mut Env| one(&args[0], v, env);
    let x = match b {
        Empty => return Ok(()),
        Not => Val::Bool(!v.as_bool()),
        Select => {
            return run(&args[0], v, env, &mut |env, c| {
                if c.as_bool() {
                    out(env, v.clone())
                } else {
                    Ok(())
                }
            });
        }
        Length => match v {
            Val::Null => Val::from(0usize),
            Val::TStr(s) => match std::str::from_utf8(s) {
                Ok(s) => Val::from(s.chars().count()),
                Err(_) => return Err(Stop::Jaq),
            },
            Val::Arr(a) => Val::from(a.len()),
            Val::Obj(o) => Val::from(o.len()),
            _ => return Err(Stop::Jaq),
        },
        Add => {
            let mut acc = Val::Null;
            let mut add = |x: &Val| -> R {
                acc = (std::mem::take(&mut acc) + x.clone()).map_err(err)?;
                Ok(())
            };
            match v {
                Val::Arr(a) => a.iter().try_for_each(&mut add)?,
                Val::Obj(o) => o.values().try_for_each(&mut add)?,
                _ => return Err(Stop::Jaq),
            }
            acc
        }
        Join => match (v, arg(env)?) {
            (Val::Arr(items), Val::TStr(sep)) => Val::utf8_str(jq::join_items(items, &sep)),
            _ => return Err(Stop::Jaq),
        },
        Format(row) => jq::row(v, row).map_err(err)?,
        ToString => v.clone().into_string(),
        Type => Val::utf8_str(
            match jq::kind_of(v) {
                K_NULL => "null",
                K_BOOL => "boolean",
                K_NUM => "number",
                K_STR => "string",
                K_ARR => "array",
                _ => "object",
            }
            .as_bytes(),
        ),
        Is(kinds) => Val::Bool(jq::kind_of(v) & kinds != 0),
        Kind(kinds) => {
            if jq::kind_of(v) & kinds == 0 {
                return Ok(());
            }
            v.clone()
        }
        ToEntries => match v {
            Val::Obj(o) => jq::to_entries_of(o),
            _ => return Err(Stop::Jaq),
        },
        FromEntries => match v {
            Val::Arr(items) => jq::from_entries_of(items).ok_or(Stop::Jaq)?,
            _ => return Err(Stop::Jaq),
        },
        WithEntries => {
            let Val::Obj(o) = v else {
                return Err(Stop::Jaq);
            };
            let Val::Arr(entries) = jq::to_entries_of(o) else {
                unreachable!("to_entries_of gives an array")
            };
            let mut kept = Vec::with_capacity(entries.len());
            for entry in entries.iter() {
                run(&args[0], entry, env, &mut |_, x| {
                    kept.push(x);
                    Ok(())
                })?;
            }
            jq::from_entries_of(&kept).ok_or(Stop::Jaq)?
        }
        GroupBy => {
            let Val::Arr(items) = v else {
                return Err(Stop::Jaq);
            };
            let mut keyed = Vec::with_capacity(items.len());
            for x in items.iter() {
                let mut key = Vec::new();
                run(&args[0], x, env, &mut |_, k| {
                    key.push(k);
                    Ok(())
                })?;
                keyed.push((key, x.clone()));
            }
            keyed.sort_by(|(a, _), (b, _)| a.cmp(b));
            let mut groups: Vec<Val> = Vec::new();
            let mut group: Vec<Val> = Vec::new();
            let mut last: Option<Vec<Val>> = None;
            for (key, x) in keyed {
                if last.as_ref().is_some_and(|l| *l != key) {
                    groups.push(Val::Arr(std::mem::take(&mut group).into()));
                }
                last = Some(key);
                group.push(x);
            }
            if !group.is_empty() {
                groups.push(Val::Arr(group.into()));
            }
            Val::Arr(groups.into())
        }
        Sort => match v {
            Val::Arr(a) => {
                let mut a = (**a).clone();
                a.sort();
                Val::Arr(a.into())
            }
            _ => return Err(Stop::Jaq),
        },
        Keys => match v {
            Val::Obj(o) => {
                let mut keys: Vec<Val> = o.keys().cloned().collect();
                keys.sort();
                Val::Arr(keys.into())
            }
            _ => return Err(Stop::Jaq),
        },
        Has => match (v, arg(env)?) {
            (Val::Obj(o), k @ Val::TStr(_)) => Val::Bool(o.contains_key(&k)),
            _ => return Err(Stop::Jaq),
        },
        StartsWith | EndsWith | LtrimStr | RtrimStr | Split => {
            let a = arg(env)?;
            let (Some(s), Some(t)) = (str_bytes(v), str_bytes(&a)) else {
                return Err(Stop::Jaq);
            };
            match b {
                StartsWith => Val::Bool(s.starts_with(t)),
                EndsWith => Val::Bool(s.ends_with(t)),
                LtrimStr => match s.strip_prefix(t) {
                    Some(rest) => Val::utf8_str(rest.to_vec()),
                    None => v.clone(),
                },
                RtrimStr => match s.strip_suffix(t) {
                    Some(rest) => Val::utf8_str(rest.to_vec()),
                    None => v.clone(),
                },
                _ => (v.clone() / a).map_err(err)?,
            }
        }
        AsciiDowncase | AsciiUpcase => match v {
            Val::TStr(s) => Val::utf8_str(if b == AsciiDowncase {
                s.to_ascii_lowercase()
            } else {
                s.to_ascii_uppercase()
            }),
            _ => return Err(Stop::Jaq),
        },
        In => {
            let found = run(&args[0], v, env, &mut |_, x| {
                if x == *v { Err(Stop::Found) } else { Ok(()) }
            });
            match found {
                Ok(()) => Val::Bool(false),
                Err(Stop::Found) => Val::Bool(true),
                Err(other) => return Err(other),
            }
        }
        Del => {
            let Val::Obj(o) = v else {
                return Err(Stop::Jaq);
            };
            let mut o = o.clone();
            for k in args {
                let E::Const(k) = k else {
                    unreachable!("del keys are constants")
                };
                if o.contains_key(k) {
                    jaq_json::Rc::make_mut(&mut o).swap_remove(k);
                }
            }
            Val::Obj(o)
        }
    };
    out(env, x)
}

#[cfg(test)]
mod tests {
    use super::super::jq::{self, Event, Program};
    use super::*;

    /// What jaq gives: every output as JSON text, or `None` on an error.
    fn jaq(program: &Program, input: &Val) -> Option<Vec<String>> {
        let mut outs = Some(Vec::new());
        program.run(input.clone(), &mut |ev| {
            match ev {
                Event::Value(v) => {
                    if let Some(o) = outs.as_mut() {
                        o.push(v.to_string())
                    }
                }
                _ => outs = None,
            }
            true
        });
        outs
    }

    /// Every line of the recorded sessions, and a few odd values.
    fn inputs() -> Vec<Val> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let mut all = Vec::new();
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read(&file).unwrap();
            for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                if let Ok(v) = crate::json::jaq::parse(line) {
                    all.push(v);
                }
            }
        }
        for odd in [
            "null",
            "true",
            "3",
            "-2.5",
            r#""a,b""#,
            "[]",
            r#"[1,"x",null,[2],{"a":1}]"#,
            r#"{"type":1,"message":"m","a":{"b":[1,2]},"k":"v"}"#,
            r#"{"type":"x","message":{"content":"text"}}"#,
            r#"{"key":"k","value":1}"#,
        ] {
            all.push(crate::json::jaq::parse(odd.as_bytes()).unwrap());
        }
        all
    }

    /// The expressions the evaluator takes: the general benchmark's, the
    /// README's recipes, and the edges of each construct.
    const TAKEN: &[&str] = &[
        ".",
        "..",
        ".. | numbers",
        "[.. | strings | length] | add",
        r#"select(.type=="assistant") | .message.content[] | select(.type=="text") | .text"#,
        ".message.content[]? | select(.type==\"tool_use\") | .input",
        r#"select(.type == "stream_event") | .event | select(.type == "content_block_delta") | .delta | select(.type == "text_delta") | .text"#,
        "select(.message.usage?) | .message.usage | .input_tokens + .output_tokens",
        r#"select((.type == "result" and (.is_error or .subtype != "success")) or (.type == "system" and .subtype == "api_retry"))"#,
        r#"select(.type=="user") | .message.content[]? | select(.type=="tool_result" and .is_error) | .content"#,
        "del(.message)",
        "del(.event, .uuid)",
        "{kind: .type, sub: (.subtype // null), id: .uuid, blocks: (.message.content? | length)}",
        r#"with_entries(select(.key != "session_id" and .key != "uuid"))"#,
        r#""\(.type)/\(.subtype // "-") \(.uuid)""#,
        r#"select(.type=="result") | "\(.num_turns) turns, $\(.total_cost_usd)""#,
        r#"[.type, (.subtype // ""), .session_id] | @csv"#,
        r#"select(.type=="stream_event") | [.event.type, (.event.index // "")] | @tsv"#,
        r#"[.type, (.subtype // "-")] | join(",")"#,
        "[.type] | map({(.): length}) | add",
        "[.message.content[]?.type] | group_by(.) | map({(.[0]): length}) | add",
        ".a, .b?, .[0]?, .[1:]?, .a.b[-1:]?",
        "try .a.b catch empty",
        "try (.a.b, .c)",
        "(.a // .b // 1), (false // null // empty)",
        "if .type == \"x\" then 1 elif .a then 2 else 3 end",
        "if .a then .b end",
        ". as $x | [$x.type, ($x | type)]",
        ".type as $t | {$t, k: $t}",
        "[.[]?] | length",
        "-(.num_turns // 0), (1, 2) * (3, 4), (.a < .b), (null == false)",
        r#"(10, 20) - (1, 2), ((.type // "") + "!"), ([.a?] - [null]), ({a: 1} + (.a? | objects))"#,
        "keys?, (has(\"type\")?), to_entries?, (tostring | length)",
        r#"(.type // "" | startswith("res"), endswith("t"), ltrimstr("re"), rtrimstr("lt"), ascii_upcase, split("s"))?"#,
        r#".type | IN("result", "user")"#,
        "[.[]?] | sort?, first?, last?",
        "@text \"t=\\(.type)\", @csv \"\\([.type])\"",
        "[paths]?",
        "[.message.content[]? | .type] | unique?",
    ];

    #[test]
    fn compiles_what_it_evaluates_and_leaves_the_rest() {
        for code in TAKEN
            .iter()
            .filter(|c| !c.contains("paths") && !c.contains("unique"))
        {
            assert!(compile(code, &[]).is_some(), "not taken: {code}");
        }
        for code in [
            "def f: .; f",
            "reduce .[] as $x (0; . + $x)",
            ".a |= 1",
            "[paths]",
            "test(\"x\")",
            "$ENV",
            "$undefined",
            "try error catch .",
            ".[] as [$a] | $a",
            ".[.a]",
            "del(.a.b)",
            "@base64",
            "limit(1; .[])",
            "first(.[])",
        ] {
            assert!(compile(code, &[]).is_none(), "taken: {code}");
        }
    }

    /// On every line of every recorded session and on odd values, each
    /// expression gives exactly jaq's outputs, or asks for jaq.
    #[test]
    fn agrees_with_jaq_on_every_recorded_event() {
        let inputs = inputs();
        let vars: Vec<jq::Var> = vec![("id".into(), Val::utf8_str(&b"toolu_1"[..]))];
        let mut codes: Vec<&str> = TAKEN.to_vec();
        codes.push("select(.message.content[]?.tool_use_id? == $id)");
        let mut taken = 0;
        for code in codes {
            let Some(lite) = compile(code, &vars) else {
                continue;
            };
            let filter = jq::compile(code, &vars).unwrap();
            let program = Program::new(&filter, &vars);
            for input in &inputs {
                let mut outs = Vec::new();
                let expected = jaq(&program, input);
                if lite.eval(input, &mut outs) {
                    taken += 1;
                    let got: Vec<String> = outs.iter().map(Val::to_string).collect();
                    assert_eq!(Some(got), expected, "{code} on {input}");
                } else {
                    assert!(outs.is_empty());
                }
            }
        }
        assert!(taken > 5000, "only {taken} evaluations taken");
    }

    /// Each global variable has its slot; an `as` binding shadows it.
    #[test]
    fn variables_resolve_to_the_innermost_binding() {
        let vars: Vec<jq::Var> = vec![("x".into(), Val::from(1isize))];
        let lite = compile("$x, (2 as $x | $x), $x", &vars).unwrap();
        let mut outs = Vec::new();
        assert!(lite.eval(&Val::Null, &mut outs));
        assert_eq!(
            outs,
            [Val::from(1isize), Val::from(2isize), Val::from(1isize)]
        );
    }
}
