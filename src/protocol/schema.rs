//! What the protocol table is made of: each kind of message, the fields it
//! must and may carry, and the JSON types of those fields. The table itself
//! ([`super::table`]) is generated from the agent SDK's `sdk.d.ts` plus what
//! was observed of the CLI, and kept in sync with them by
//! `tests/protocol_table.rs`.

/// A set of JSON types, as bits.
pub type Kinds = u8;

pub const NULL: Kinds = 1;
pub const BOOL: Kinds = 2;
pub const NUMBER: Kinds = 4;
pub const STRING: Kinds = 8;
pub const ARRAY: Kinds = 16;
pub const OBJECT: Kinds = 32;
/// Any JSON value (`unknown` in TypeScript).
pub const ANY: Kinds = 63;

/// One field of a kind of message.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kinds: Kinds,
    /// When the field is a string, the values it may take; empty when any.
    pub values: &'static [&'static str],
}

/// One kind of message: a `type` and, for some, the `subtype`s it covers.
#[derive(Debug, Clone, Copy)]
pub struct Message {
    /// The name of its type in `sdk.d.ts`, or `observed` for a kind the CLI
    /// writes outside the SDK's union.
    pub sdk: &'static str,
    pub ty: &'static str,
    /// Empty when the kind has no `subtype`.
    pub subtypes: &'static [&'static str],
    /// A field whose presence tells this kind from another of the same
    /// type and subtype (`isReplay` for replayed user messages).
    pub when: Option<&'static str>,
    pub required: &'static [Field],
    pub optional: &'static [Field],
}

/// Who sends a control request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The host (ccpipe) asks the CLI.
    Host,
    /// The CLI asks the host.
    Cli,
}

/// One subtype of `control_request`, with the fields of its `request`.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    pub subtype: &'static str,
    pub sender: Sender,
    pub required: &'static [Field],
    pub optional: &'static [Field],
}

/// One shape of a permission answer (the `response` of a `can_use_tool`
/// control response), told apart by `behavior`.
#[derive(Debug, Clone, Copy)]
pub struct PermissionResult {
    pub behavior: &'static str,
    pub required: &'static [Field],
    pub optional: &'static [Field],
}

/// A field of any JSON type.
pub const fn any(name: &'static str) -> Field {
    Field {
        name,
        kinds: ANY,
        values: &[],
    }
}

/// A field of the types in `kinds`.
pub const fn f(name: &'static str, kinds: Kinds) -> Field {
    Field {
        name,
        kinds,
        values: &[],
    }
}

/// A string field (maybe also null) that takes one of `values`.
pub const fn e(name: &'static str, kinds: Kinds, values: &'static [&'static str]) -> Field {
    Field {
        name,
        kinds,
        values,
    }
}

/// Every JSON type in `kinds`, for messages: `a string or null`.
pub fn describe(kinds: Kinds) -> String {
    if kinds == ANY {
        return "any value".into();
    }
    let names: Vec<&str> = [
        (STRING, "a string"),
        (NUMBER, "a number"),
        (BOOL, "a boolean"),
        (OBJECT, "an object"),
        (ARRAY, "an array"),
        (NULL, "null"),
    ]
    .iter()
    .filter(|(bit, _)| kinds & bit != 0)
    .map(|(_, name)| *name)
    .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_owned(),
        None => "nothing".into(),
    }
}

/// The bit of one JSON type.
pub fn bit(kind: crate::json::Kind) -> Kinds {
    use crate::json::Kind;
    match kind {
        Kind::Null => NULL,
        Kind::Bool => BOOL,
        Kind::Number => NUMBER,
        Kind::String => STRING,
        Kind::Array => ARRAY,
        Kind::Object => OBJECT,
    }
}
