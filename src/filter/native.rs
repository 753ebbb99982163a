//! The most common expression shapes, evaluated straight on the parsed value.
//!
//! jaq's interpreter costs microseconds per event even for `{type, session_id}`,
//! which dominates a stream of small events. Promises: only shapes whose
//! meaning is a plain lookup are taken: a path of constant keys (`.a.b`), an
//! object of such paths (`{type, cost: .total_cost_usd}`) or `.` itself, each
//! optionally after `select(PATH == "string") |` guards. Whenever a lookup
//! meets anything but an object or null (where jq would raise an error), the
//! event is handed to jaq instead, so results and errors are always jaq's.

use jaq_core::load::parse::{BinaryOp, Term};
use jaq_core::load::{self, lex::StrPart};
use jaq_core::ops::Cmp;
use jaq_core::path::{Opt, Part};
use jaq_json::{Map, Val};

/// A recognised expression.
#[derive(Debug)]
pub struct Native {
    /// `select(path == value)` guards, in order.
    guards: Vec<(Vec<Val>, Val)>,
    shape: Shape,
}

#[derive(Debug)]
enum Shape {
    /// `.`
    Id,
    /// `.a.b`
    Path(Vec<Val>),
    /// `{a, b: .c.d}`
    Obj(Vec<(Val, Vec<Val>)>),
}

/// What a native evaluation gave.
pub enum Outcome {
    /// A guard failed: no output.
    Nothing,
    Value(Val),
    /// Not a plain lookup for this input: run jaq.
    Jaq,
}

/// Recognises `code` when it has one of the shapes in the module docs.
pub fn recognise(code: &str) -> Option<Native> {
    let term = load::parse(code, |p| p.term())?;
    let mut guards = Vec::new();
    let mut t = &term;
    while let Term::BinOp(l, BinaryOp::Pipe(None), r) = t {
        guards.push(guard(l)?);
        t = r;
    }
    let shape = match t {
        Term::Id => Shape::Id,
        Term::Call("select", _) => {
            guards.push(guard(t)?);
            Shape::Id
        }
        Term::Path(..) => Shape::Path(path(t)?),
        Term::Obj(entries) => {
            let mut fields: Vec<(Val, Vec<Val>)> = Vec::new();
            for (k, v) in entries {
                let key = literal(k)?;
                let p = match v {
                    None => vec![Val::utf8_str(key.to_owned())],
                    Some(v) => path(v)?,
                };
                let key = Val::utf8_str(key.to_owned());
                if fields.iter().any(|(k, _)| *k == key) {
                    return None;
                }
                fields.push((key, p));
            }
            Shape::Obj(fields)
        }
        _ => return None,
    };
    Some(Native { guards, shape })
}

/// `select(PATH == "string")`.
fn guard(t: &Term<&str>) -> Option<(Vec<Val>, Val)> {
    let Term::Call("select", args) = t else {
        return None;
    };
    let [Term::BinOp(l, BinaryOp::Cmp(Cmp::Eq), r)] = &args[..] else {
        return None;
    };
    Some((path(l)?, Val::utf8_str(literal(r)?.to_owned())))
}

/// A string literal without escapes or interpolation.
fn literal<'a>(t: &Term<&'a str>) -> Option<&'a str> {
    match t {
        Term::Str(None, parts) => match &parts[..] {
            [StrPart::Str(s)] => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// `.a.b."c"`: constant keys, no `?`, starting from `.`.
fn path(t: &Term<&str>) -> Option<Vec<Val>> {
    let Term::Path(head, p) = t else { return None };
    if !matches!(**head, Term::Id) || p.0.is_empty() {
        return None;
    }
    p.0.iter()
        .map(|(part, opt)| match (part, opt) {
            (Part::Index(k), Opt::Essential) => Some(Val::utf8_str(literal(k)?.to_owned())),
            _ => None,
        })
        .collect()
}

/// Follows `path` from `v`; `None` where jq would not simply look up.
fn lookup(v: &Val, path: &[Val]) -> Option<Val> {
    let null = Val::Null;
    let mut cur = v;
    for key in path {
        cur = match cur {
            Val::Obj(o) => o.get(key).unwrap_or(&null),
            Val::Null => return Some(Val::Null),
            _ => return None,
        };
    }
    Some(cur.clone())
}

impl Native {
    /// The top-level keys the evaluation reads, when it does not need the
    /// whole input (that is, unless the result is `.` itself).
    pub fn keys(&self) -> Option<Vec<String>> {
        let paths: Vec<&Vec<Val>> = match &self.shape {
            Shape::Id => return None,
            Shape::Path(p) => vec![p],
            Shape::Obj(fields) => fields.iter().map(|(_, p)| p).collect(),
        };
        let guards = self.guards.iter().map(|(p, _)| p);
        let mut keys: Vec<String> = Vec::new();
        for p in paths.into_iter().chain(guards) {
            let Some(Val::TStr(k)) = p.first() else {
                return None;
            };
            let k = std::str::from_utf8(k).ok()?;
            if !keys.iter().any(|x| x == k) {
                keys.push(k.to_owned());
            }
        }
        Some(keys)
    }

    pub fn eval(&self, input: &Val) -> Outcome {
        for (p, want) in &self.guards {
            match lookup(input, p) {
                Some(got) if got == *want => {}
                Some(_) => return Outcome::Nothing,
                None => return Outcome::Jaq,
            }
        }
        let out = match &self.shape {
            Shape::Id => Some(input.clone()),
            Shape::Path(p) => lookup(input, p),
            Shape::Obj(fields) => {
                let mut map = Map::with_capacity_and_hasher(fields.len(), Default::default());
                for (k, p) in fields {
                    let Some(v) = lookup(input, p) else {
                        return Outcome::Jaq;
                    };
                    map.insert(k.clone(), v);
                }
                Some(Val::obj(map))
            }
        };
        out.map_or(Outcome::Jaq, Outcome::Value)
    }
}

#[cfg(test)]
mod tests {
    use super::super::jq::{self, Event, Program};
    use super::*;

    #[test]
    fn recognises_only_plain_lookups() {
        for ok in [
            ".",
            ".a.b",
            r#".["a"]"#,
            "{type, subtype}",
            "{a: .b.c, \"d\"}",
            r#"select(.type == "x") | select(.s == "y") | {a}"#,
        ] {
            assert!(recognise(ok).is_some(), "{ok}");
        }
        for no in [
            ".a?",
            ".a[0]",
            ".[]",
            "{(.a): 1}",
            "{a, a}",
            "{$x}",
            "select(.a == 1) | .b",
            r#"select(.a != "x")"#,
            ".a | .b",
            "keys",
            r#"{"a\n": .b}"#,
            "..",
            ". as $x | $x",
        ] {
            assert!(recognise(no).is_none(), "{no}");
        }
    }

    /// On every kind of input, the native result is jaq's, or jaq is asked.
    #[test]
    fn agrees_with_jaq() {
        let inputs = [
            r#"{"a":{"b":1},"t":"x"}"#,
            r#"{"a":null}"#,
            r#"{"a":"s"}"#,
            r#"{"a":[1]}"#,
            "{}",
            "null",
            "3",
            r#""s""#,
            "[1]",
        ];
        let codes = [
            ".",
            ".a.b",
            "{a, b: .a.b}",
            r#"select(.t == "x") | .a"#,
            r#"select(.a.b == "x")"#,
        ];
        for code in codes {
            let native = recognise(code).unwrap();
            let filter = jq::compile(code, &[]).unwrap();
            let program = Program::new(&filter, &[]);
            for input in inputs {
                let v = crate::json::jaq::parse(input.as_bytes()).unwrap();
                let mut jaq = Vec::new();
                program.run(v.clone(), &mut |ev| {
                    jaq.push(match ev {
                        Event::Value(v) => Ok(v.to_string()),
                        Event::Error(e) => Err(e),
                        Event::Halt(_) => Err("halt".into()),
                    });
                    true
                });
                match native.eval(&v) {
                    Outcome::Nothing => assert!(jaq.is_empty(), "{code} on {input}"),
                    Outcome::Value(got) => {
                        assert_eq!(jaq, [Ok(got.to_string())], "{code} on {input}")
                    }
                    Outcome::Jaq => assert!(
                        jaq.iter().any(Result::is_err),
                        "{code} on {input}: needless fallback"
                    ),
                }
            }
        }
    }
}
