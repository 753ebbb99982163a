//! Generates `src/protocol/table.rs` from the declarations of `sdk.d.ts`
//! and the observed facts of `observed.rs`: every kind of message the CLI
//! writes, every control request subtype, and the permission answers, each
//! with its required and optional fields and their JSON types.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::observed;
use super::ts::{Member, Ty};

/// Types `sdk.d.ts` imports from other packages, and what JSON they are.
const IMPORTED: &[(&str, u8)] = &[
    ("BetaMessage", OBJECT),
    ("BetaRawMessageStreamEvent", OBJECT),
    ("BetaUsage", OBJECT),
    ("MessageParam", OBJECT),
    ("CallToolResult", OBJECT),
    ("ElicitResult", OBJECT),
    ("JSONRPCMessage", OBJECT),
    ("ToolAnnotations", OBJECT),
    ("UUID", STRING),
];

const NULL: u8 = 1;
const BOOL: u8 = 2;
const NUMBER: u8 = 4;
const STRING: u8 = 8;
const ARRAY: u8 = 16;
const OBJECT: u8 = 32;
const ANY: u8 = 63;

/// The JSON types a TypeScript type allows, and the string values when it
/// is a union of string literals.
#[derive(Debug, Default, Clone)]
struct Kinds {
    bits: u8,
    literals: BTreeSet<String>,
    /// A plain `string` is among them: any string.
    open: bool,
}

impl Kinds {
    fn of(bits: u8) -> Kinds {
        Kinds {
            bits,
            literals: BTreeSet::new(),
            open: bits & STRING != 0,
        }
    }

    fn union(mut self, other: Kinds) -> Kinds {
        self.bits |= other.bits;
        self.literals.extend(other.literals);
        self.open |= other.open;
        self
    }

    /// The values a string must take, when it is a closed set.
    fn values(&self) -> Vec<String> {
        if self.open || self.bits & STRING == 0 {
            return vec![];
        }
        self.literals.iter().cloned().collect()
    }
}

/// One object shape: the alias it came from and its members.
#[derive(Debug, Clone)]
struct Variant {
    name: String,
    members: Vec<Member>,
}

pub struct Generator {
    decls: BTreeMap<String, Ty>,
}

impl Generator {
    pub fn new(decls: BTreeMap<String, Ty>) -> Self {
        Generator { decls }
    }

    fn alias(&self, name: &str) -> Result<&Ty, String> {
        self.decls
            .get(name)
            .ok_or_else(|| format!("sdk.d.ts declares no type {name}"))
    }

    fn kinds(&self, ty: &Ty, depth: usize) -> Result<Kinds, String> {
        if depth > 40 {
            return Ok(Kinds::of(ANY));
        }
        Ok(match ty {
            Ty::Object(_) => Kinds::of(OBJECT),
            Ty::Array | Ty::Tuple => Kinds::of(ARRAY),
            Ty::Str(s) => Kinds {
                bits: STRING,
                literals: [s.clone()].into(),
                open: false,
            },
            Ty::Num => Kinds::of(NUMBER),
            Ty::True | Ty::False => Kinds::of(BOOL),
            Ty::Null => Kinds::of(NULL),
            Ty::Undefined => Kinds::default(),
            Ty::Template => Kinds::of(STRING),
            Ty::Opaque | Ty::Function => Kinds::of(ANY),
            Ty::Keyword(k) => match k.as_str() {
                "string" => Kinds::of(STRING),
                "number" | "bigint" => Kinds::of(NUMBER),
                "boolean" => Kinds::of(BOOL),
                "object" => Kinds::of(OBJECT),
                _ => Kinds::of(ANY),
            },
            Ty::Union(parts) => {
                let mut k = Kinds::default();
                for p in parts {
                    k = k.union(self.kinds(p, depth + 1)?);
                }
                k
            }
            Ty::Intersection(parts) => {
                // `string & {}` is a string; anything with an object part is one.
                let mut bits = ANY;
                let mut k = Kinds::default();
                for p in parts {
                    let pk = self.kinds(p, depth + 1)?;
                    bits &= pk.bits;
                    k = k.union(pk);
                }
                k.bits = if bits == 0 { OBJECT } else { bits };
                k
            }
            Ty::Ref(name, args) => match name.as_str() {
                "Record" | "Partial" | "Required" | "Readonly" | "Pick" | "Omit" => {
                    Kinds::of(OBJECT)
                }
                "Array" | "ReadonlyArray" => Kinds::of(ARRAY),
                "NonNullable" => {
                    let mut k = self.kinds(args.first().unwrap_or(&Ty::Opaque), depth + 1)?;
                    k.bits &= !NULL;
                    k
                }
                "Exclude" => self.kinds(args.first().unwrap_or(&Ty::Opaque), depth + 1)?,
                "Extract" => self.kinds(args.get(1).unwrap_or(&Ty::Opaque), depth + 1)?,
                _ => match IMPORTED.iter().find(|(n, _)| n == name) {
                    Some((_, bits)) => Kinds::of(*bits),
                    None => match self.decls.get(name) {
                        Some(t) => self.kinds(t, depth + 1)?,
                        // Generic parameters and non-JSON types (Promise...).
                        None => Kinds::of(ANY),
                    },
                },
            },
        })
    }

    /// The object shapes of a type: a union gives one per member, an
    /// intersection merges its parts.
    fn variants(&self, ty: &Ty, name: &str) -> Result<Vec<Variant>, String> {
        Ok(match ty {
            Ty::Object(members) => vec![Variant {
                name: name.to_owned(),
                members: members.clone(),
            }],
            Ty::Ref(r, _) if self.decls.contains_key(r) => self.variants(self.alias(r)?, r)?,
            Ty::Union(parts) => {
                let mut out = Vec::new();
                for p in parts {
                    out.extend(self.variants(p, name)?);
                }
                out
            }
            Ty::Intersection(parts) => {
                let mut acc = vec![Variant {
                    name: name.to_owned(),
                    members: vec![],
                }];
                for p in parts {
                    let vs = self.variants(p, name)?;
                    let mut next = Vec::new();
                    for a in &acc {
                        for v in &vs {
                            next.push(merge(a, v));
                        }
                    }
                    acc = next;
                }
                acc
            }
            other => return Err(format!("{name}: not an object type: {other:?}")),
        })
    }

    fn field(&self, m: &Member) -> Result<String, String> {
        let k = self.kinds(&m.ty, 0)?;
        let values = k.values();
        Ok(if values.is_empty() {
            if k.bits == ANY {
                format!("any({:?})", m.name)
            } else {
                format!("f({:?}, {})", m.name, bits(k.bits))
            }
        } else {
            format!("e({:?}, {}, &{values:?})", m.name, bits(k.bits))
        })
    }

    fn fields(&self, members: &[&Member]) -> Result<String, String> {
        let list: Result<Vec<String>, String> = members.iter().map(|m| self.field(m)).collect();
        Ok(format!("&[{}]", list?.join(", ")))
    }

    /// The string literals of member `name`, if it has any.
    fn literals(&self, v: &Variant, name: &str) -> Result<Vec<String>, String> {
        match v.members.iter().find(|m| m.name == name) {
            Some(m) => Ok(self.kinds(&m.ty, 0)?.literals.into_iter().collect()),
            None => Ok(vec![]),
        }
    }

    /// The whole table, as Rust source.
    pub fn table(&self, sdk_version: &str) -> Result<String, String> {
        let mut out = String::new();
        let w = &mut out;
        let _ = writeln!(
            w,
            "//! The stream-json protocol as data: GENERATED by tests/protocol_table.rs from\n\
             //! `sdk.d.ts` of @anthropic-ai/claude-agent-sdk {sdk_version} and the observed facts\n\
             //! in tests/protocol/observed.rs. Do not edit: change those and run\n\
             //! `CCPIPE_BLESS=1 cargo test --test protocol_table`.\n\n\
             use super::schema::*;\n\n\
             /// The version of the agent SDK this table was generated from.\n\
             pub const SDK_VERSION: &str = {sdk_version:?};\n"
        );
        self.messages(w)?;
        self.requests(w)?;
        self.permission_results(w)?;
        observed::input_kinds(w);
        Ok(out)
    }

    fn messages(&self, w: &mut String) -> Result<(), String> {
        let root = self.alias("StdoutMessage")?;
        let variants = self.variants(root, "StdoutMessage")?;
        let _ = writeln!(
            w,
            "/// Every kind of line the CLI writes on stdout: the members of `StdoutMessage`\n\
             /// (the `SDKMessage` union and the control frames), then the kinds observed\n\
             /// outside it.\n\
             pub const MESSAGES: &[Message] = &["
        );
        // Kinds sharing a type and subtype are told apart by a field only one has.
        let mut seen: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
        for v in &variants {
            let ty = self.literals(v, "type")?;
            let [ty] = &ty[..] else {
                return Err(format!("{}: `type` is not one string literal", v.name));
            };
            let subtypes = self.literals(v, "subtype")?;
            let required: Vec<String> = v
                .members
                .iter()
                .filter(|m| !m.optional)
                .map(|m| m.name.clone())
                .collect();
            seen.push((ty.clone(), subtypes.clone(), required));
        }
        for (n, v) in variants.iter().enumerate() {
            let (ty, subtypes, required) = &seen[n];
            let twins: Vec<&(String, Vec<String>, Vec<String>)> = seen
                .iter()
                .enumerate()
                .filter(|(k, s)| *k != n && s.0 == *ty && s.1 == *subtypes)
                .map(|(_, s)| s)
                .collect();
            let when = required.iter().find(|r| {
                let literal_true = v
                    .members
                    .iter()
                    .any(|m| &m.name == *r && matches!(m.ty, Ty::True));
                literal_true && !twins.is_empty() && twins.iter().all(|t| !t.2.contains(r))
            });
            let relaxed = observed::relaxed(&v.name);
            let own = |m: &&Member| m.name != "type" && m.name != "subtype";
            let req: Vec<&Member> = v
                .members
                .iter()
                .filter(own)
                .filter(|m| !m.optional && !relaxed.contains(&m.name.as_str()))
                .collect();
            let opt: Vec<&Member> = v
                .members
                .iter()
                .filter(own)
                .filter(|m| m.optional || relaxed.contains(&m.name.as_str()))
                .collect();
            let _ = writeln!(
                w,
                "    Message {{\n        sdk: {:?},\n        ty: {ty:?},\n        subtypes: &{subtypes:?},\n        when: {},\n        required: {},\n        optional: {},\n    }},",
                v.name,
                when.map_or("None".to_owned(), |s| format!("Some({s:?})")),
                self.fields(&req)?,
                self.fields(&opt)?,
            );
        }
        observed::extra_events(w);
        let _ = writeln!(w, "];\n");
        Ok(())
    }

    fn requests(&self, w: &mut String) -> Result<(), String> {
        let variants = self.variants(self.alias("SDKControlRequestInner")?, "request")?;
        let _ = writeln!(
            w,
            "/// Every subtype of `control_request` (`SDKControlRequestInner`), with the\n\
             /// fields of its `request` object and who sends it.\n\
             pub const REQUESTS: &[Request] = &["
        );
        for v in &variants {
            let subtype = self.literals(v, "subtype")?;
            let [subtype] = &subtype[..] else {
                return Err(format!("{}: `subtype` is not one string literal", v.name));
            };
            let sender = if observed::CLI_SENDS.contains(&subtype.as_str()) {
                "Sender::Cli"
            } else {
                "Sender::Host"
            };
            let req: Vec<&Member> = v
                .members
                .iter()
                .filter(|m| m.name != "subtype" && !m.optional)
                .collect();
            let opt: Vec<&Member> = v
                .members
                .iter()
                .filter(|m| m.name != "subtype" && m.optional)
                .collect();
            let _ = writeln!(
                w,
                "    Request {{\n        subtype: {subtype:?},\n        sender: {sender},\n        required: {},\n        optional: {},\n    }},",
                self.fields(&req)?,
                self.fields(&opt)?,
            );
        }
        let _ = writeln!(w, "];\n");
        for s in observed::CLI_SENDS {
            if !variants.iter().any(|v| {
                self.literals(v, "subtype")
                    .is_ok_and(|l| l.iter().any(|x| x == s))
            }) {
                return Err(format!(
                    "observed.rs names {s}, which sdk.d.ts does not declare"
                ));
            }
        }
        Ok(())
    }

    fn permission_results(&self, w: &mut String) -> Result<(), String> {
        let variants = self.variants(self.alias("PermissionResult")?, "PermissionResult")?;
        let _ = writeln!(
            w,
            "/// The permission answers the CLI takes for a `can_use_tool` request\n\
             /// (`PermissionResult`), by `behavior`.\n\
             pub const PERMISSION_RESULTS: &[PermissionResult] = &["
        );
        for v in &variants {
            let behavior = self.literals(v, "behavior")?;
            let [behavior] = &behavior[..] else {
                return Err(format!("{}: `behavior` is not one string literal", v.name));
            };
            let req: Vec<&Member> = v
                .members
                .iter()
                .filter(|m| m.name != "behavior" && !m.optional)
                .collect();
            let opt: Vec<&Member> = v
                .members
                .iter()
                .filter(|m| m.name != "behavior" && m.optional)
                .collect();
            let _ = writeln!(
                w,
                "    PermissionResult {{\n        behavior: {behavior:?},\n        required: {},\n        optional: {},\n    }},",
                self.fields(&req)?,
                self.fields(&opt)?,
            );
        }
        let _ = writeln!(w, "];\n");
        Ok(())
    }
}

/// The members of two shapes of an intersection: a member is optional only
/// when it is optional in both.
fn merge(a: &Variant, b: &Variant) -> Variant {
    let mut members = a.members.clone();
    for m in &b.members {
        match members.iter_mut().find(|x| x.name == m.name) {
            Some(x) => {
                x.optional &= m.optional;
                x.ty = m.ty.clone();
            }
            None => members.push(m.clone()),
        }
    }
    let name = if b.name.is_empty() { &a.name } else { &b.name };
    Variant {
        name: name.clone(),
        members,
    }
}

/// `STRING | NULL`, as Rust source.
fn bits(k: u8) -> String {
    let names: Vec<&str> = [
        (NULL, "NULL"),
        (BOOL, "BOOL"),
        (NUMBER, "NUMBER"),
        (STRING, "STRING"),
        (ARRAY, "ARRAY"),
        (OBJECT, "OBJECT"),
    ]
    .iter()
    .filter(|(b, _)| k & b != 0)
    .map(|(_, n)| *n)
    .collect();
    if names.is_empty() {
        "0".into()
    } else {
        names.join(" | ")
    }
}
