//! Compiling jq expressions with jaq (core, std and json libraries) and
//! running them on one value.
//!
//! Promises: a compile error comes back as text that quotes the expression
//! and marks the error position with a caret; running a filter never exits
//! the process (`halt` is returned as [`Event::Halt`], not obeyed here), and
//! the first error of an input ends that input's outputs, as in jq.

use jaq_core::load::{self, Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data};
use jaq_json::Val;

/// A compiled jq program over jaq's JSON values.
pub type Filter = jaq_core::Filter<data::JustLut<Val>>;

/// Extra definitions on top of jaq's standard library, for jq habits; and
/// `join` on its common case (an array, a string separator) natively: jaq
/// defines it with path updates and a fold, the slowest step of many
/// expressions. Any other input takes jaq's definition, for its results
/// and its errors.
///
/// `to_entries` on an object and `from_entries` on an array of objects with
/// string keys are natives too (jaq-std's fold rebuilds the object once per
/// member); other inputs take jaq's definitions, as `join` does. A jq
/// definition sees the definitions before it, so `with_entries` is defined
/// again to use them.
///
/// jq's `IN` and `INDEX`, which jaq-std does not define, are defined as jq
/// documents them (policies such as `.tool_name | IN("Write", "Edit")`).
///
/// `null` is a native constant (jaq-std: `[][0]`, an array built and
/// indexed each time).
///
/// The kind tests and selections (`type`, `isnumber`, `numbers`,
/// `scalars`...) are natives too: jaq-std defines them with comparisons
/// (`select(. > true and . < "")`), a dozen interpreter steps for each value
/// of a `.. | numbers` walk. The natives decide on the same order of kinds
/// (null < booleans < numbers < strings < arrays < objects), and the
/// selections work in paths and updates as `select` does (`del(.. | nulls)`).
const PRELUDE: &str = r#"def env: $ENV;
def join($s): _ccpipe_join($s)
  // (.[] |= tostring | .[:-1][] += $s | reduce .[] as $x (""; . + $x));
def null: _ccpipe_null;
def type: _ccpipe_type;
def isboolean: _ccpipe_is_boolean;
def isnumber: _ccpipe_is_number;
def isstring: _ccpipe_is_string;
def isarray: _ccpipe_is_array;
def isobject: _ccpipe_is_object;
def values: _ccpipe_values;
def nulls: _ccpipe_nulls;
def booleans: _ccpipe_booleans;
def numbers: _ccpipe_numbers;
def strings: _ccpipe_strings;
def arrays: _ccpipe_arrays;
def objects: _ccpipe_objects;
def iterables: _ccpipe_iterables;
def scalars: _ccpipe_scalars;
def to_entries: _ccpipe_to_entries // [key_values[] as [$key, $value] | { $key, $value }];
def from_entries: _ccpipe_from_entries // reduce (.[] | { (.key): .value }) as $x ({}; . + $x);
def with_entries(f): to_entries | map(f) | from_entries;
def IN(s): any(s == .; .);
def IN(src; s): any(src == s; .);
def INDEX(stream; f): reduce stream as $row ({}; .[$row | f | tostring] |= $row);
def INDEX(f): INDEX(.[]; f);"#;

/// A variable from `--arg` or `--argjson`: its name without `$`, and its value.
pub type Var = (String, Val);

/// Global variable names: `$ENV`, `$ARGS`, then the user's, in the order
/// [`Program::new`] passes their values.
fn var_names(vars: &[Var]) -> Vec<String> {
    let user = vars.iter().map(|(name, _)| format!("${name}"));
    ["$ENV".to_owned(), "$ARGS".to_owned()]
        .into_iter()
        .chain(user)
        .collect()
}

/// Values of [`var_names`]: the environment, `{positional: [], named: {...}}`, then the user's.
fn var_values(vars: &[Var]) -> Vec<Val> {
    let str_val = |s: String| Val::from(s);
    let env = std::env::vars_os().map(|(k, v)| {
        let k = k.to_string_lossy().into_owned();
        (str_val(k), str_val(v.to_string_lossy().into_owned()))
    });
    let named = vars.iter().map(|(k, v)| (str_val(k.clone()), v.clone()));
    let args = [
        (str_val("positional".into()), Val::Arr(Default::default())),
        (str_val("named".into()), Val::obj(named.collect())),
    ];
    let user = vars.iter().map(|(_, v)| v.clone());
    [
        Val::obj(env.collect()),
        Val::obj(args.into_iter().collect()),
    ]
    .into_iter()
    .chain(user)
    .collect()
}

/// Compiles `code` with the global variables `$ENV`, `$ARGS` and `vars`.
pub fn compile(code: &str, vars: &[Var]) -> Result<Filter, String> {
    let names = var_names(vars);
    let prelude = load::parse(PRELUDE, |p| p.defs()).unwrap_or_default();
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs())
        .chain(prelude);
    // First match wins: ours replace jaq-std's log-based versions.
    let funs = own_funs()
        .chain(jaq_core::funs())
        .chain(jaq_std::funs())
        .chain(jaq_json::funs());
    let arena = Arena::default();
    let modules = Loader::new(defs)
        .load(&arena, File { code, path: () })
        .map_err(|errs| render_load(code, errs))?;
    Compiler::default()
        .with_funs(funs)
        .with_global_vars(names.iter().map(String::as_str))
        .compile(modules)
        .map_err(|errs| {
            let found = errs
                .into_iter()
                .flat_map(|(_, errs)| errs)
                .map(|(found, undef)| {
                    let msg = match (found, undef) {
                        ("reduce" | "foreach", _) => {
                            format!("wrong number of arguments to {found}")
                        }
                        (_, jaq_core::compile::Undefined::Filter(arity)) => {
                            format!("undefined filter {found}/{arity}")
                        }
                        (_, undef) => format!("undefined {} {found}", undef.as_str()),
                    };
                    (msg, found, false)
                });
            render(code, found)
        })
}

type Data = data::JustLut<Val>;

/// `stderr`, `halt_error` and `debug` print to stderr as jq does (jaq-std
/// sends them to a logger, which a library user may not have).
fn own_funs() -> impl Iterator<Item = jaq_core::native::Fun<Data>> {
    use jaq_core::native::{self, v};
    use jaq_core::{RunPtr, ValXs};
    fn eprint(bytes: &[u8]) {
        use std::io::Write;
        let _ = std::io::stderr().lock().write_all(bytes);
    }
    fn stderr_empty<'a>(cv: jaq_core::Cv<'a, Data>) -> ValXs<'a, Val> {
        match &cv.1 {
            Val::TStr(s) => eprint(s),
            other => {
                let mut buf = Vec::new();
                super::write::value(&mut buf, other, Default::default());
                eprint(&buf);
            }
        }
        Box::new(core::iter::empty())
    }
    fn debug_empty<'a>(cv: jaq_core::Cv<'a, Data>) -> ValXs<'a, Val> {
        let mut buf = b"[\"DEBUG:\",".to_vec();
        super::write::value(&mut buf, &cv.1, Default::default());
        buf.extend_from_slice(b"]\n");
        eprint(&buf);
        Box::new(core::iter::empty())
    }
    fn join<'a>(cv: jaq_core::Cv<'a, Data>) -> ValXs<'a, Val> {
        native::unary(cv, |array, sep| {
            // Anything else: no output, and `join` takes jaq's definition.
            let (Val::Arr(items), Val::TStr(sep)) = (&array, &sep) else {
                return Ok(Val::Null);
            };
            let out = join_items(items, sep);
            Ok(Val::utf8_str(out))
        })
    }
    fn csv<'a>(cv: jaq_core::Cv<'a, Data>) -> ValXs<'a, Val> {
        Box::new(core::iter::once(row(&cv.1, Row::Csv)))
    }
    fn tsv<'a>(cv: jaq_core::Cv<'a, Data>) -> ValXs<'a, Val> {
        Box::new(core::iter::once(row(&cv.1, Row::Tsv)))
    }
    fn type_name<'a>(cv: jaq_core::Cv<'a, Data>) -> ValXs<'a, Val> {
        let name = match kind_of(&cv.1) {
            K_NULL => "null",
            K_BOOL => "boolean",
            K_NUM => "number",
            K_STR => "string",
            K_ARR => "array",
            _ => "object",
        };
        Box::new(core::iter::once(Ok(Val::utf8_str(name.as_bytes()))))
    }
    fn to_entries<'a>(cv: jaq_core::Cv<'a, Data>) -> ValXs<'a, Val> {
        // Anything but an object: no output, and jaq's definition.
        let Val::Obj(o) = &cv.1 else {
            return Box::new(core::iter::empty());
        };
        Box::new(core::iter::once(Ok(to_entries_of(o))))
    }
    fn from_entries<'a>(cv: jaq_core::Cv<'a, Data>) -> ValXs<'a, Val> {
        // Only an array of objects whose `key` is a string; anything else
        // (a missing key, `name`, a number...): jaq's definition decides.
        let none = || -> ValXs<'a, Val> { Box::new(core::iter::empty()) };
        let Val::Arr(items) = &cv.1 else {
            return none();
        };
        match from_entries_of(items) {
            Some(v) => Box::new(core::iter::once(Ok(v))),
            None => none(),
        }
    }
    let stderr: RunPtr<Data> = stderr_empty;
    let debug: RunPtr<Data> = debug_empty;
    let (csv, tsv, join): (RunPtr<Data>, RunPtr<Data>, RunPtr<Data>) = (csv, tsv, join);
    [
        native::run::<Data>(("stderr_empty", v(0), stderr)),
        native::run::<Data>(("debug_empty", v(0), debug)),
        native::run::<Data>(("@csv", v(0), csv)),
        native::run::<Data>(("@tsv", v(0), tsv)),
        native::run::<Data>(("_ccpipe_join", v(1), join)),
        native::run::<Data>(("_ccpipe_type", v(0), type_name)),
        native::run::<Data>(("_ccpipe_null", v(0), |_| {
            Box::new(core::iter::once(Ok(Val::Null)))
        })),
        native::run::<Data>(("_ccpipe_to_entries", v(0), to_entries)),
        native::run::<Data>(("_ccpipe_from_entries", v(0), from_entries)),
        test::<{ K_BOOL }>("_ccpipe_is_boolean"),
        test::<{ K_NUM }>("_ccpipe_is_number"),
        test::<{ K_STR }>("_ccpipe_is_string"),
        test::<{ K_ARR }>("_ccpipe_is_array"),
        test::<{ K_OBJ }>("_ccpipe_is_object"),
        selection::<{ !K_NULL }>("_ccpipe_values"),
        selection::<{ K_NULL }>("_ccpipe_nulls"),
        selection::<{ K_BOOL }>("_ccpipe_booleans"),
        selection::<{ K_NUM }>("_ccpipe_numbers"),
        selection::<{ K_STR }>("_ccpipe_strings"),
        selection::<{ K_ARR }>("_ccpipe_arrays"),
        selection::<{ K_OBJ }>("_ccpipe_objects"),
        selection::<{ K_ARR | K_OBJ }>("_ccpipe_iterables"),
        selection::<{ !(K_ARR | K_OBJ) }>("_ccpipe_scalars"),
    ]
    .into_iter()
}

/// `join` on an array with a string separator: strings as they are, any
/// other item as its JSON text.
pub(super) fn join_items(items: &[Val], sep: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.extend_from_slice(sep);
        }
        match item {
            Val::TStr(s) => out.extend_from_slice(s),
            other => super::write::value(&mut out, other, Default::default()),
        }
    }
    out
}

/// `to_entries` of an object.
pub(super) fn to_entries_of(o: &jaq_json::Map) -> Val {
    let (key, value) = (Val::utf8_str(&b"key"[..]), Val::utf8_str(&b"value"[..]));
    let entries = o.iter().map(|(k, v)| {
        let mut entry = jaq_json::Map::with_capacity_and_hasher(2, Default::default());
        entry.insert(key.clone(), k.clone());
        entry.insert(value.clone(), v.clone());
        Val::obj(entry)
    });
    Val::Arr(entries.collect::<Vec<_>>().into())
}

/// `from_entries` of an array of objects whose `key` is a string; `None`
/// for anything else (jaq's definition decides).
pub(super) fn from_entries_of(items: &[Val]) -> Option<Val> {
    let (key, value) = (Val::utf8_str(&b"key"[..]), Val::utf8_str(&b"value"[..]));
    let mut map = jaq_json::Map::with_capacity_and_hasher(items.len(), Default::default());
    for item in items {
        let Val::Obj(entry) = item else {
            return None;
        };
        let k = match entry.get(&key) {
            Some(k @ Val::TStr(_)) => k.clone(),
            _ => return None,
        };
        map.insert(k, entry.get(&value).cloned().unwrap_or(Val::Null));
    }
    Some(Val::obj(map))
}

// Kinds as bits, so that a selection is a set of kinds.
pub(super) const K_NULL: u8 = 1;
pub(super) const K_BOOL: u8 = 2;
pub(super) const K_NUM: u8 = 4;
pub(super) const K_STR: u8 = 8;
pub(super) const K_ARR: u8 = 16;
pub(super) const K_OBJ: u8 = 32;

pub(super) fn kind_of(v: &Val) -> u8 {
    match v {
        Val::Null => K_NULL,
        Val::Bool(_) => K_BOOL,
        Val::Num(_) => K_NUM,
        Val::TStr(_) | Val::BStr(_) => K_STR,
        Val::Arr(_) => K_ARR,
        Val::Obj(_) => K_OBJ,
    }
}

/// `isnumber` and the like: true or false by the input's kind.
fn test<const KINDS: u8>(name: &'static str) -> jaq_core::native::Fun<Data> {
    let run: jaq_core::RunPtr<Data> =
        |cv| Box::new(core::iter::once(Ok(Val::Bool(kind_of(&cv.1) & KINDS != 0))));
    jaq_core::native::run::<Data>((name, jaq_core::native::v(0), run))
}

/// `numbers` and the like: `select(KIND)`, in paths and updates as well.
fn selection<const KINDS: u8>(name: &'static str) -> jaq_core::native::Fun<Data> {
    use jaq_core::{Native, PathsPtr, UpdatePtr};
    let run: jaq_core::RunPtr<Data> = |cv| {
        if kind_of(&cv.1) & KINDS != 0 {
            Box::new(core::iter::once(Ok(cv.1)))
        } else {
            Box::new(core::iter::empty())
        }
    };
    let paths: PathsPtr<Data> = |cv| {
        if kind_of(&cv.1.0) & KINDS != 0 {
            Box::new(core::iter::once(Ok(cv.1)))
        } else {
            Box::new(core::iter::empty())
        }
    };
    // As `select`'s update: the selected value updated, any other unchanged.
    let update: UpdatePtr<Data> = |cv, f| {
        if kind_of(&cv.1) & KINDS != 0 {
            f(cv.1)
        } else {
            Box::new(core::iter::once(Ok(cv.1)))
        }
    };
    let native = Native::<Data>::new(run)
        .with_paths(paths)
        .with_update(update);
    (name, jaq_core::native::v(0), native)
}

/// The two row formats jq has and jaq-std lacks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Row {
    Csv,
    Tsv,
}

/// `@csv` / `@tsv` as jq defines them: an array of scalars to one line;
/// strings quoted (`""` inside) for CSV, `\t`, `\n`, `\r`, `\\` escaped
/// for TSV; null empty; arrays and objects an error.
pub(super) fn row<'a>(v: &Val, kind: Row) -> jaq_core::ValX<'a, Val> {
    let name = if kind == Row::Csv { "csv" } else { "tsv" };
    let json = |v: &Val| {
        let mut buf = Vec::new();
        super::write::value(&mut buf, v, Default::default());
        String::from_utf8_lossy(&buf).into_owned()
    };
    let Val::Arr(items) = v else {
        let msg = format!(
            "{} ({}) cannot be {name}-formatted, only an array can be",
            kind_name(v),
            json(v)
        );
        return Err(jaq_core::Error::str(msg).into());
    };
    let mut out = Vec::new();
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push(if kind == Row::Csv { b',' } else { b'\t' });
        }
        match item {
            Val::Null => {}
            Val::Bool(_) | Val::Num(_) => out.extend_from_slice(json(item).as_bytes()),
            Val::TStr(s) | Val::BStr(s) if kind == Row::Csv => {
                out.push(b'"');
                for &b in s.iter() {
                    if b == b'"' {
                        out.push(b'"');
                    }
                    out.push(b);
                }
                out.push(b'"');
            }
            Val::TStr(s) | Val::BStr(s) => {
                for &b in s.iter() {
                    match b {
                        b'\\' => out.extend_from_slice(b"\\\\"),
                        b'\t' => out.extend_from_slice(b"\\t"),
                        b'\n' => out.extend_from_slice(b"\\n"),
                        b'\r' => out.extend_from_slice(b"\\r"),
                        b => out.push(b),
                    }
                }
            }
            other => {
                let msg = format!(
                    "{} ({}) is not valid in a {name} row",
                    kind_name(other),
                    json(other)
                );
                return Err(jaq_core::Error::str(msg).into());
            }
        }
    }
    Ok(Val::utf8_str(out))
}

fn kind_name(v: &Val) -> &'static str {
    match v {
        Val::Null => "null",
        Val::Bool(_) => "boolean",
        Val::Num(_) => "number",
        Val::TStr(_) | Val::BStr(_) => "string",
        Val::Arr(_) => "array",
        Val::Obj(_) => "object",
    }
}

fn render_load(code: &str, errs: load::Errors<&str, ()>) -> String {
    use load::Error;
    let mut all = Vec::new();
    for (_file, err) in errs {
        match err {
            Error::Io(errs) => all.extend(
                errs.into_iter()
                    .map(|(path, e)| (format!("cannot load {path}: {e}"), path, false)),
            ),
            Error::Lex(errs) => all.extend(errs.into_iter().map(|(expect, found)| {
                use load::lex::Expect;
                let what = match expect {
                    Expect::Delim(open) => format!("unclosed {open}"),
                    other => format!("expected {}", other.as_str()),
                };
                (what, found, true)
            })),
            Error::Parse(errs) => all.extend(errs.into_iter().map(|(expect, found)| {
                let got = if found.is_empty() {
                    "end of input"
                } else {
                    "unexpected token"
                };
                (
                    format!("expected {}, found {got}", expect.as_str()),
                    found,
                    false,
                )
            })),
        }
    }
    render(code, all.into_iter())
}

/// `compile error: <what>` then, for each error, the line of `code` it is on
/// and a caret line under the offending token.
fn render<'a>(code: &'a str, errs: impl Iterator<Item = (String, &'a str, bool)>) -> String {
    let mut out = String::new();
    for (n, (msg, found, one_char)) in errs.enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let Some(start) = offset_in(code, found) else {
            out.push_str(&format!("compile error: {msg}"));
            continue;
        };
        let len = if one_char {
            found.chars().next().map_or(0, char::len_utf8)
        } else {
            found.len()
        };
        let line_start = code[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = code[start..].find('\n').map_or(code.len(), |i| start + i);
        let line_no = code[..start].matches('\n').count() + 1;
        let col = code[line_start..start].chars().count() + 1;
        let width = code[start..(start + len).min(line_end)]
            .chars()
            .count()
            .max(1);
        let pad: String = code[line_start..start]
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let line = crate::sanitize::clean(&code[line_start..line_end]);
        let at = if code.contains('\n') {
            format!("line {line_no}, column {col}")
        } else {
            format!("column {col}")
        };
        out.push_str(&format!(
            "compile error: {msg} at {at}\n    {line}\n    {pad}{}",
            "^".repeat(width)
        ));
    }
    out
}

/// Byte offset of `part` inside `whole`, if it is a slice of it.
fn offset_in(whole: &str, part: &str) -> Option<usize> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    (start + part.len() <= whole.len()).then_some(start)
}

/// What running a filter on one input produced.
pub enum Event {
    Value(Val),
    /// A runtime error: jq's message for it.
    Error(String),
    /// `halt` or `halt_error`: stop everything with this exit status.
    Halt(i32),
}

/// A compiled filter with its global variable values, ready to run.
pub struct Program<'f> {
    filter: &'f Filter,
    ctx: Ctx<'f, data::JustLut<Val>>,
}

impl<'f> Program<'f> {
    pub fn new(filter: &'f Filter, vars: &[Var]) -> Self {
        let ctx = Ctx::new(&filter.lut, Vars::new(var_values(vars)));
        Program { filter, ctx }
    }

    /// Runs on `input`, calling `each` for every output; stops after the first
    /// error or halt, or when `each` returns false.
    pub fn run(&self, input: Val, each: &mut dyn FnMut(Event) -> bool) {
        for out in self.filter.id.run((self.ctx.clone(), input)) {
            let event = match out {
                Ok(v) => Event::Value(v),
                Err(exn) => match exn.get_err() {
                    Ok(err) => Event::Error(message(err)),
                    Err(exn) => match exn.get_halt() {
                        Ok(code) => Event::Halt(code),
                        Err(_) => Event::Error("internal error: unexpected control flow".into()),
                    },
                },
            };
            let stop = !matches!(event, Event::Value(_));
            if !each(event) || stop {
                return;
            }
        }
    }
}

/// jq's wording: a string error is shown as is, anything else as JSON with
/// `(not a string)`; long values are cut.
fn message(err: jaq_core::Error<Val>) -> String {
    const MAX: usize = 300;
    let text = match err.into_val() {
        Val::TStr(s) => String::from_utf8_lossy(&s).into_owned(),
        other => {
            let mut buf = Vec::new();
            super::write::value(&mut buf, &other, Default::default());
            format!("{} (not a string)", String::from_utf8_lossy(&buf))
        }
    };
    let mut text = crate::sanitize::one_line(&text).into_owned();
    if text.len() > MAX {
        let cut = (0..=MAX)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text.truncate(cut);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs(code: &str, input: &str) -> Vec<String> {
        let filter = compile(code, &[]).unwrap();
        let program = Program::new(&filter, &[]);
        let v = crate::json::jaq::parse(input.as_bytes()).unwrap();
        let mut got = Vec::new();
        program.run(v, &mut |ev| {
            got.push(match ev {
                Event::Value(v) => v.to_string(),
                Event::Error(e) => format!("error: {e}"),
                Event::Halt(c) => format!("halt {c}"),
            });
            true
        });
        got
    }

    /// The natives give what jaq-std's definitions give, on every kind of
    /// value, in runs, paths and updates.
    #[test]
    fn natives_agree_with_jaq_definitions() {
        let input = r#"[null,true,false,0,-1.5,1e400,"","s",[],[1,[null]],{},{"a":{"b":null}}]"#;
        let pairs = [
            (
                "type",
                r#"if . == null then "null" elif . == true or . == false then "boolean" elif . < "" then "number" elif . < [] then "string" elif . < {} then "array" else "object" end"#,
            ),
            ("null", "[][0]"),
            ("isboolean", ". == true or . == false"),
            ("isnumber", r#". > true and . < """#),
            ("isstring", r#". >= "" and . < []"#),
            ("isarray", ". >= [] and . < {}"),
            ("isobject", ". >= {}"),
            ("values", "select(. != null)"),
            ("nulls", "select(. == null)"),
            ("booleans", "select(. == true or . == false)"),
            ("numbers", r#"select(. > true and . < "")"#),
            ("strings", r#"select(. >= "" and . < [])"#),
            ("arrays", "select(. >= [] and . < {})"),
            ("objects", "select(. >= {})"),
            ("iterables", "select(. >= [])"),
            ("scalars", "select(. < [])"),
        ];
        for (name, def) in pairs {
            for shape in [
                "[.. | F]",
                "[paths(F)]",
                "[path(.. | F)]",
                "del(.. | F)",
                "(.. | F) |= [.]",
                "(.[] | F) |= empty",
            ] {
                // Tests and `type` are no path expressions.
                let test = name.starts_with("is") || name == "type" || name == "null";
                if test && shape != "[.. | F]" {
                    continue;
                }
                let ours = outputs(&shape.replace('F', name), input);
                let theirs = outputs(&shape.replace('F', &format!("({def})")), input);
                assert_eq!(ours, theirs, "{name} in {shape}");
            }
        }
        let entries = [
            r#"{"a":1,"b":[2],"c":null}"#,
            "{}",
            "[]",
            r#"[{"key":"a","value":1},{"key":"b"},{"key":"a","value":3}]"#,
            r#"[{"key":1,"value":1}]"#,
            r#"[{"name":"a","value":1}]"#,
            "[null]",
            "[[1,2]]",
            r#""x""#,
        ];
        for input in entries {
            for (ours, def) in [
                (
                    "to_entries",
                    "[key_values[] as [$key, $value] | { $key, $value }]",
                ),
                (
                    "from_entries",
                    "reduce (.[] | { (.key): .value }) as $x ({}; . + $x)",
                ),
            ] {
                assert_eq!(
                    outputs(ours, input),
                    outputs(def, input),
                    "{ours} on {input}"
                );
            }
        }
    }
}
