//! Lines for the fuzz tests: the recorded fixtures, JSON values made up
//! from scratch, and mutations of both, byte-level (bit flips, truncation,
//! insertion, deletion, invalid UTF-8, BOMs, CR/LF) and structural
//! (duplicate keys, deep nesting, huge numbers, lone surrogates, escape
//! sequences and bidi or tag characters inside strings, giant strings).
//!
//! Values are kept as [`J`], whose numbers and strings are their JSON text,
//! so a generated line can hold what serde_json cannot: `1e400`, `"\ud800"`,
//! a key twice.

use std::path::Path;

use fastrand::Rng;
use serde_json::Value;

use super::oracle::BOM;

/// A JSON value as written: numbers and strings are their text (a string
/// without its quotes, escapes as written), object members in order, keys
/// possibly repeated.
#[derive(Clone, Debug)]
pub enum J {
    Lit(&'static str),
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

/// The recorded lines the mutations start from, and the names they use.
pub struct Corpus {
    /// Lines the CLI wrote (tests/fixtures/**.jsonl).
    pub events: Vec<Vec<u8>>,
    /// Lines sent to the CLI (tests/fixtures/**/stdin/*.jsonl).
    pub inputs: Vec<Vec<u8>>,
    /// Every key and every `type`/`subtype` value seen, for made-up events.
    pub keys: Vec<String>,
    pub types: Vec<String>,
}

impl Corpus {
    pub fn load() -> Corpus {
        let mut c = Corpus {
            events: vec![],
            inputs: vec![],
            keys: vec![],
            types: vec![],
        };
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        c.walk(&root, false);
        assert!(
            c.events.len() > 100 && c.inputs.len() > 10,
            "too few fixture lines under {}",
            root.display()
        );
        c.keys.sort();
        c.keys.dedup();
        c.types.sort();
        c.types.dedup();
        c
    }

    fn walk(&mut self, dir: &Path, stdin: bool) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("read fixtures")
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                let is_stdin = path.file_name().is_some_and(|n| n == "stdin");
                self.walk(&path, stdin || is_stdin);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                let text = std::fs::read(&path).expect("read fixture");
                for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                    if let Ok(v) = serde_json::from_slice::<Value>(line) {
                        self.names(&v);
                    }
                    let list = if stdin {
                        &mut self.inputs
                    } else {
                        &mut self.events
                    };
                    list.push(line.to_vec());
                }
            }
        }
    }

    fn names(&mut self, v: &Value) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    self.keys.push(k.clone());
                    if let (true, Value::String(s)) = (k == "type" || k == "subtype", v) {
                        self.types.push(s.clone());
                    }
                    self.names(v);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| self.names(v)),
            _ => {}
        }
    }
}

/// Characters a terminal or a reader should never be handed raw, and
/// others that stress width and decoding.
const CHARS: &[char] = &[
    '\u{202e}',
    '\u{202a}',
    '\u{2066}',
    '\u{2069}',
    '\u{200e}',
    '\u{200f}',
    '\u{61c}',
    '\u{e0001}',
    '\u{e0041}',
    '\u{e0067}',
    '\u{e007f}',
    '\u{1f3f4}',
    '\u{200b}',
    '\u{200c}',
    '\u{200d}',
    '\u{2060}',
    '\u{2028}',
    '\u{2029}',
    '\u{feff}',
    '\u{85}',
    '\u{9b}',
    '\u{9d}',
    '\u{7f}',
    '\u{fe0f}',
    '\u{ad}',
    '\u{301}',
    'é',
    '中',
    '😀',
    '👨',
    '\u{fffd}',
    '\u{10ffff}',
    '\u{3164}',
    '\u{e0100}',
    '\t',
    ' ',
    '"',
    '\\',
    '/',
];

/// Escapes as they appear inside a JSON string.
const ESCAPES: &[&str] = &[
    "\\n",
    "\\r",
    "\\t",
    "\\b",
    "\\f",
    "\\/",
    "\\\\",
    "\\\"",
    "\\u0000",
    "\\u001b",
    "\\u001B[31m",
    "\\u001b[2J",
    "\\u001b]0;PWNED\\u0007",
    "\\u001b]8;;http://x\\u001b\\\\",
    "\\u0007",
    "\\u009b",
    "\\u202e",
    "\\u2066",
    "\\u2028",
    "\\uFEFF",
    "\\u00e9",
    "\\ud800",
    "\\udfff",
    "\\uDBFF",
    "\\ud83d\\ude00",
    "\\uD83D\\uDE00",
    "\\ud83d",
    "\\ude00\\ud83d",
    "\\ud800\\ud800\\udc00",
    "\\udb40\\udc41",
    "\\ud83c\\udff4\\udb40\\udc67\\udb40\\udc62\\udb40\\udc7f",
];

/// Text that looks like a secret, for cc-fmt's masking.
const SECRETS: &[&str] = &[
    "sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "ANTHROPIC_API_KEY=abc123def",
    "https://user:hunter2@proxy.example/",
    "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxx",
];

const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "1e400",
    "-1e400",
    "1E+400",
    "1e-400",
    "-1e-400",
    "1e999999999999999999999",
    "123456789012345678901234567890",
    "-123456789012345678901234567890",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "9007199254740993",
    "0.1",
    "1.5e308",
    "1.7976931348623157e308",
    "1.7976931348623159e308",
    "4.9e-324",
    "2.4e-324",
    "0e0",
    "-0.0e-0",
    "1E2",
    "3.0",
];

/// Bytes worth inserting: JSON punctuation, controls, bytes that break
/// UTF-8, and pieces of multi-byte characters.
const BYTES: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\n",
    b"\r",
    b"\r\n",
    b"\t",
    b" ",
    b"\0",
    b"\x1b",
    b"\x07",
    b"\x7f",
    b"\x80",
    b"\xc0\xaf",
    b"\xff",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xe2\x82",
    b"\xef\xbb\xbf",
    b"\xe2\x80\xa8",
    b"\xe2\x80\xae",
    b"\xc2\x9b",
    b"\xf3\xa0\x81\x81",
    b"0",
    b"9",
    b"e",
    b"-",
    b".",
    b"+",
    b"\\u",
    b"\\ud800",
    b"null",
    b"true",
];

/// Makes lines from one seed.
pub struct Gen<'c> {
    pub rng: Rng,
    corpus: &'c Corpus,
    /// The largest giant string this generator makes.
    pub giant: usize,
}

impl<'c> Gen<'c> {
    pub fn new(corpus: &'c Corpus, seed: u64) -> Self {
        Gen {
            rng: Rng::with_seed(seed),
            corpus,
            giant: 1 << 20,
        }
    }

    fn pick<T: Copy>(&mut self, list: &[T]) -> T {
        list[self.rng.usize(..list.len())]
    }

    fn one_in(&mut self, n: u32) -> bool {
        self.rng.u32(..n) == 0
    }

    /// A recorded line, mostly events, sometimes input messages.
    pub fn recorded(&mut self) -> Vec<u8> {
        let list = if self.one_in(5) {
            &self.corpus.inputs
        } else {
            &self.corpus.events
        };
        list[self.rng.usize(..list.len())].clone()
    }

    /// One line: recorded or made up, then mutated (or not).
    pub fn line(&mut self) -> Vec<u8> {
        match self.rng.u8(..100) {
            0..30 => {
                let mut line = self.recorded();
                for _ in 0..self.rng.usize(..4) {
                    self.mutate_bytes(&mut line);
                }
                line
            }
            30..70 => {
                let line = self.recorded();
                let mut j = match serde_json::from_slice::<Value>(&line) {
                    Ok(v) => self.of_value(&v),
                    Err(_) => self.value(0),
                };
                for _ in 0..1 + self.rng.usize(..3) {
                    self.mutate_j(&mut j);
                }
                let mut out = self.write(&j);
                if self.one_in(5) {
                    self.mutate_bytes(&mut out);
                }
                out
            }
            70..90 => {
                let j = if self.one_in(4) {
                    self.value(0)
                } else {
                    self.event()
                };
                let mut out = self.write(&j);
                if self.one_in(4) {
                    self.mutate_bytes(&mut out);
                }
                out
            }
            _ => {
                let mut out = vec![];
                for _ in 0..self.rng.usize(..24) {
                    if self.one_in(3) {
                        out.push(self.rng.u8(..));
                    } else {
                        out.extend_from_slice(self.pick(BYTES));
                    }
                }
                out
            }
        }
    }

    /// Several lines with their terminators: LF, CRLF, blank lines, a BOM
    /// at the start, a last line without a newline.
    pub fn stream(&mut self, lines: usize, max_bytes: usize) -> Vec<u8> {
        let mut out = vec![];
        if self.one_in(8) {
            out.extend_from_slice(BOM);
        }
        for _ in 0..lines {
            out.extend(self.line());
            match self.rng.u8(..40) {
                0..2 => out.extend_from_slice(b"\r\n"),
                2 => out.extend_from_slice(b"\n\n"),
                3 => out.extend_from_slice(b"\n  \t\n"),
                4 => out.extend_from_slice(b"\r\r\n"),
                5 => out.extend_from_slice(b"\n\r\n"),
                _ => out.push(b'\n'),
            }
            if out.len() > max_bytes {
                break;
            }
        }
        if self.one_in(3) {
            out.pop();
        }
        out
    }

    /// A string's inside: pieces of text, escapes, controls, secrets.
    pub fn string(&mut self) -> String {
        let mut s = String::new();
        if self.one_in(200) {
            let n = self.rng.usize(1000..self.giant.max(1001));
            let unit = self.pick(&["x", "é", "\\n", "\\u001b", "😀", "\\ud800", "a b "]);
            while s.len() < n {
                s.push_str(unit);
            }
            return s;
        }
        for _ in 0..self.rng.usize(..10) {
            match self.rng.u8(..10) {
                0..3 => s.push_str(self.pick(&["hello", "ls -la", "a", "", "# Title", "```"])),
                3..5 => {
                    let c = self.pick(CHARS);
                    match c {
                        '"' | '\\' => {
                            s.push('\\');
                            s.push(c);
                        }
                        _ => s.push(c),
                    }
                }
                5..8 => s.push_str(self.pick(ESCAPES)),
                8 => s.push_str(self.pick(SECRETS)),
                _ => {
                    let k = self.rng.usize(..self.corpus.keys.len());
                    s.push_str(&escape(&self.corpus.keys[k], 0, &mut self.rng));
                }
            }
        }
        s
    }

    pub fn number(&mut self) -> String {
        match self.rng.u8(..6) {
            0..3 => self.pick(NUMBERS).to_string(),
            3 => self.rng.i64(..).to_string(),
            4 => format!("{:e}", f64::from_bits(self.rng.u64(..)).abs().max(1e-300)),
            _ => {
                let n = self.rng.usize(1..400);
                let mut s: String = (0..n)
                    .map(|_| char::from(b'0' + self.rng.u8(..10)))
                    .collect();
                if s.starts_with('0') && s.len() > 1 {
                    s.replace_range(..1, "1");
                }
                s
            }
        }
    }

    /// A made-up value; shallow, since deep ones come from `nest`.
    pub fn value(&mut self, depth: usize) -> J {
        if depth > 5 || self.one_in(3) {
            return match self.rng.u8(..8) {
                0 => J::Lit(self.pick(&["null", "true", "false"])),
                1..3 => J::Num(self.number()),
                _ => J::Str(self.string()),
            };
        }
        if self.one_in(2) {
            let n = self.rng.usize(..5);
            J::Arr((0..n).map(|_| self.value(depth + 1)).collect())
        } else {
            let n = self.rng.usize(..6);
            J::Obj(
                (0..n)
                    .map(|_| (self.key(), self.value(depth + 1)))
                    .collect(),
            )
        }
    }

    fn key(&mut self) -> String {
        if self.one_in(4) {
            return self.string();
        }
        let k = self.rng.usize(..self.corpus.keys.len());
        escape(&self.corpus.keys[k].clone(), 0, &mut self.rng)
    }

    /// A made-up event: a known type and subtype, and members under names
    /// the protocol uses, with values of any kind.
    pub fn event(&mut self) -> J {
        let t = self.rng.usize(..self.corpus.types.len());
        let mut m = vec![(
            "type".to_string(),
            J::Str(escape(&self.corpus.types[t].clone(), 0, &mut self.rng)),
        )];
        if self.one_in(2) {
            let t = self.rng.usize(..self.corpus.types.len());
            let st = escape(&self.corpus.types[t].clone(), 0, &mut self.rng);
            m.push(("subtype".into(), J::Str(st)));
        }
        for _ in 0..self.rng.usize(..8) {
            let member = (self.key(), self.value(1));
            m.push(member);
        }
        self.rng.shuffle(&mut m);
        J::Obj(m)
    }

    /// Arrays and objects nested about `depth` deep around `inner`.
    pub fn nest(&mut self, depth: usize, inner: J) -> J {
        let mut j = inner;
        for _ in 0..depth {
            j = if self.one_in(2) {
                J::Arr(vec![j])
            } else {
                J::Obj(vec![("a".into(), j)])
            };
        }
        j
    }

    fn depth(&mut self) -> usize {
        let (any, shallow) = (self.rng.usize(..1100), self.rng.usize(..200));
        self.pick(&[127, 128, 129, 999, 1000, 1001, any, shallow])
    }

    /// `v` as a [`J`], its strings escaped in one of several styles.
    pub fn of_value(&mut self, v: &Value) -> J {
        match v {
            Value::Null => J::Lit("null"),
            Value::Bool(b) => J::Lit(if *b { "true" } else { "false" }),
            Value::Number(n) => J::Num(n.to_string()),
            Value::String(s) => J::Str(self.escaped(s)),
            Value::Array(a) => J::Arr(a.iter().map(|v| self.of_value(v)).collect()),
            Value::Object(m) => J::Obj(
                m.iter()
                    .map(|(k, v)| (self.escaped(k), self.of_value(v)))
                    .collect(),
            ),
        }
    }

    fn escaped(&mut self, s: &str) -> String {
        let style = match self.rng.u8(..20) {
            0 => 2,
            1..3 => 1,
            _ => 0,
        };
        escape(s, style, &mut self.rng)
    }

    /// One structural change somewhere in `j`.
    pub fn mutate_j(&mut self, j: &mut J) {
        let at = descend(&mut self.rng, j);
        match self.rng.u8(..12) {
            0 => *at = self.value(2),
            1 => *at = J::Str(self.string()),
            2 => *at = J::Num(self.number()),
            3 => {
                let d = self.depth();
                let inner = std::mem::replace(at, J::Lit("null"));
                *at = self.nest(d, inner);
            }
            4..6 => {
                // A key twice, the second maybe spelled with an escape.
                if let J::Obj(m) = at
                    && !m.is_empty()
                {
                    let (k, v) = m[self.rng.usize(..m.len())].clone();
                    let k2 = match self.rng.u8(..3) {
                        0 => respell(&k),
                        _ => k,
                    };
                    let pos = self.rng.usize(..=m.len());
                    m.insert(pos, (k2, v));
                } else {
                    *at = J::Obj(vec![
                        ("k".into(), J::Num("1".into())),
                        ("k".into(), J::Lit("null")),
                    ]);
                }
            }
            6 => match at {
                J::Obj(m) if !m.is_empty() => {
                    m.remove(self.rng.usize(..m.len()));
                }
                J::Arr(a) if !a.is_empty() => {
                    a.remove(self.rng.usize(..a.len()));
                }
                _ => *at = J::Lit("null"),
            },
            7 => {
                if let J::Obj(m) = at {
                    let t = self.rng.usize(..self.corpus.types.len());
                    let t = J::Str(escape(&self.corpus.types[t].clone(), 0, &mut self.rng));
                    match m.iter_mut().find(|(k, _)| k == "type") {
                        Some((_, v)) => *v = t,
                        None => m.push(("type".into(), t)),
                    }
                }
            }
            8 => {
                // The same value as another kind.
                *at = match at {
                    J::Str(s) => J::Arr(vec![J::Str(std::mem::take(s))]),
                    J::Num(n) => J::Str(std::mem::take(n)),
                    J::Lit(_) => J::Num("1".into()),
                    J::Arr(_) => J::Obj(vec![]),
                    J::Obj(_) => J::Arr(vec![]),
                }
            }
            9 => {
                if let J::Str(s) = at {
                    let extra = self.string();
                    let pos = floor_boundary(s, self.rng.usize(..=s.len()));
                    // Not inside an escape: only at the ends.
                    if pos == 0 || pos == s.len() {
                        s.insert_str(pos, &extra);
                    } else {
                        s.push_str(&extra);
                    }
                }
            }
            _ => {
                if let J::Obj(m) = at {
                    let member = (self.key(), self.value(2));
                    m.push(member);
                }
            }
        }
    }

    /// JSON text of `j`, compact or with whitespace between tokens.
    pub fn write(&mut self, j: &J) -> Vec<u8> {
        let ws = match self.rng.u8(..10) {
            0 => 2,
            1 => 1,
            _ => 0,
        };
        let mut out = vec![];
        if ws > 0 && self.one_in(3) {
            out.push(b' ');
        }
        self.write_into(j, ws, &mut out);
        out
    }

    fn space(&mut self, ws: u8, out: &mut Vec<u8>) {
        if ws == 0 || self.one_in(2) {
            return;
        }
        let pool: &[&[u8]] = if ws == 2 {
            &[b" ", b"\t", b"\r", b"  ", b"\n"]
        } else {
            &[b" ", b"\t", b"  "]
        };
        out.extend_from_slice(self.pick(pool));
    }

    fn write_into(&mut self, j: &J, ws: u8, out: &mut Vec<u8>) {
        match j {
            J::Lit(s) => out.extend_from_slice(s.as_bytes()),
            J::Num(s) => out.extend_from_slice(s.as_bytes()),
            J::Str(s) => {
                out.push(b'"');
                out.extend_from_slice(s.as_bytes());
                out.push(b'"');
            }
            J::Arr(a) => {
                out.push(b'[');
                for (n, v) in a.iter().enumerate() {
                    if n > 0 {
                        out.push(b',');
                    }
                    self.space(ws, out);
                    self.write_into(v, ws, out);
                    self.space(ws, out);
                }
                out.push(b']');
            }
            J::Obj(m) => {
                out.push(b'{');
                for (n, (k, v)) in m.iter().enumerate() {
                    if n > 0 {
                        out.push(b',');
                    }
                    self.space(ws, out);
                    out.push(b'"');
                    out.extend_from_slice(k.as_bytes());
                    out.push(b'"');
                    self.space(ws, out);
                    out.push(b':');
                    self.space(ws, out);
                    self.write_into(v, ws, out);
                    self.space(ws, out);
                }
                out.push(b'}');
            }
        }
    }

    /// One byte-level change to `line`.
    pub fn mutate_bytes(&mut self, line: &mut Vec<u8>) {
        let len = line.len();
        let at = self.rng.usize(..=len);
        match self.rng.u8(..15) {
            0 if len > 0 => {
                let i = self.rng.usize(..len);
                line[i] ^= 1 << self.rng.u8(..8);
            }
            1 => line.truncate(at),
            2 => {
                let bytes = self.pick(BYTES).to_vec();
                line.splice(at..at, bytes);
            }
            3 => {
                let end = (at + self.rng.usize(1..9)).min(len);
                line.drain(at..end);
            }
            4 => {
                let end = (at + self.rng.usize(1..64)).min(len);
                let piece = line[at..end].to_vec();
                let to = self.rng.usize(..=len);
                line.splice(to..to, piece);
            }
            5 => {
                let other = self.recorded();
                let a = self.rng.usize(..=other.len());
                let b = (a + self.rng.usize(..200)).min(other.len());
                line.splice(at..at, other[a..b].iter().copied());
            }
            6 => {
                // A number replaced by a huge or odd one.
                if let Some(i) = (0..len)
                    .map(|k| (at + k) % len)
                    .find(|&i| line[i].is_ascii_digit())
                {
                    let mut end = i;
                    while end < len
                        && matches!(line[end], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                    {
                        end += 1;
                    }
                    let n = self.number();
                    line.splice(i..end, n.into_bytes());
                }
            }
            7 => {
                let d = self.depth();
                let (open, close): (&[u8], &[u8]) = if self.one_in(2) {
                    (b"[", b"]")
                } else {
                    (b"{\"a\":", b"}")
                };
                let mut out = open.repeat(d);
                out.append(line);
                out.extend(close.repeat(d));
                *line = out;
            }
            8 => {
                let at = if self.one_in(2) { 0 } else { at };
                line.splice(at..at, BOM.iter().copied());
            }
            9 => {
                let piece: &[u8] =
                    self.pick(&[&b"\r"[..], b"\n", b"\xe2\x80\xa8", b"\xe2\x80\xa9", b"\r\n"]);
                let at = if self.one_in(2) { len } else { at };
                line.splice(at..at, piece.iter().copied());
            }
            10 => {
                // A raw control character inside a string.
                if let Some(q) = (0..len).map(|k| (at + k) % len).find(|&i| line[i] == b'"') {
                    let c: &[u8] =
                        self.pick(&[&b"\x1b"[..], b"\x07", b"\0", b"\t", b"\n", b"\x1f"]);
                    line.splice(q + 1..q + 1, c.iter().copied());
                }
            }
            11 if len > 0 => {
                let i = self.rng.usize(..len);
                line[i] = self.rng.u8(..);
            }
            12 => {
                // A broken or odd escape right after a quote.
                if let Some(q) = (0..len).map(|k| (at + k) % len).find(|&i| line[i] == b'"') {
                    let e: &[u8] = self.pick(&[
                        &b"\\"[..],
                        b"\\u",
                        b"\\u12",
                        b"\\x",
                        b"\\ud800",
                        b"\\u00zz",
                        b"\\\\",
                    ]);
                    line.splice(q + 1..q + 1, e.iter().copied());
                }
            }
            13 => {
                // A key repeated: the first `"key":` copied after the first `{`.
                if let (Some(o), Some(c)) = (
                    line.iter().position(|&b| b == b'{'),
                    line.windows(2).position(|w| w == b"\":"),
                ) && o < c
                {
                    let end = line[c + 2..]
                        .iter()
                        .position(|&b| b == b',' || b == b'}')
                        .map_or(len, |k| c + 2 + k);
                    let mut piece = line[o + 1..end].to_vec();
                    piece.push(b',');
                    line.splice(o + 1..o + 1, piece);
                }
            }
            _ => {
                let s = self.string();
                line.splice(at..at, s.into_bytes());
            }
        }
    }
}

/// A random node of `j`: the root, or some way down.
fn descend<'a>(rng: &mut Rng, mut j: &'a mut J) -> &'a mut J {
    loop {
        if rng.u8(..3) == 0 {
            return j;
        }
        let n = match &*j {
            J::Arr(a) => a.len(),
            J::Obj(m) => m.len(),
            _ => 0,
        };
        if n == 0 {
            return j;
        }
        let k = rng.usize(..n);
        j = match j {
            J::Arr(a) => &mut a[k],
            J::Obj(m) => &mut m[k].1,
            _ => unreachable!(),
        };
    }
}

/// The inside of a JSON string for `s`. Style 0 escapes only what must be,
/// 1 escapes some characters at random, 2 every non-ASCII one (astral ones
/// as surrogate pairs).
pub fn escape(s: &str, style: u8, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        let forced = matches!(c, '"' | '\\' | '\0'..='\u{1f}');
        let by_style = match style {
            1 => rng.u8(..8) == 0,
            2 => !c.is_ascii(),
            _ => false,
        };
        if !forced && !by_style {
            out.push(c);
            continue;
        }
        match c {
            '"' if rng.bool() => out.push_str("\\\""),
            '\\' if rng.bool() => out.push_str("\\\\"),
            '\n' if rng.bool() => out.push_str("\\n"),
            '/' if rng.bool() => out.push_str("\\/"),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    if rng.bool() {
                        out.push_str(&format!("\\u{u:04x}"));
                    } else {
                        out.push_str(&format!("\\u{u:04X}"));
                    }
                }
            }
        }
    }
    out
}

/// The same key spelled differently: its first plain character escaped.
fn respell(k: &str) -> String {
    match k.char_indices().find(|(_, c)| c.is_ascii_alphanumeric()) {
        Some((i, c)) => format!("{}\\u{:04x}{}", &k[..i], c as u32, &k[i + 1..]),
        None => k.to_string(),
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
