//! One event line as cc-fmt reads it: a lazy view over the line that
//! [`crate::json::Reader`] validated, with the few shapes cc-fmt asks for.
//!
//! Promises: nothing is copied or decoded until a renderer asks for it;
//! a field of an unexpected JSON type reads as absent, never as an error
//! (new CLIs reuse names with other shapes); an object's members are walked
//! once per [`members!`], so a huge string in it is skipped once, not once
//! per field asked for.

use std::borrow::Cow;
use std::ops::Deref;

use crate::json::{Elements, Kind, Object, Value};

/// An event: the line's top-level object, and the members every renderer
/// looks at, found in one walk.
pub struct Event<'a> {
    obj: Object<'a>,
    kind: Cow<'a, str>,
    subtype: Option<Cow<'a, str>>,
    parent: Option<Value<'a>>,
    session: Option<Value<'a>>,
    event: Option<Value<'a>>,
    message: Option<Value<'a>>,
    replay: Option<Value<'a>>,
}

impl<'a> Event<'a> {
    pub fn new(obj: Object<'a>) -> Self {
        members!(obj,
            "type" => kind,
            "subtype" => subtype,
            "parent_tool_use_id" => parent,
            "session_id" => session,
            "event" => event,
            "message" => message,
            "isReplay" => replay,
        );
        Event {
            obj,
            kind: string(kind).unwrap_or_default(),
            subtype: string(subtype),
            parent,
            session,
            event,
            message,
            replay,
        }
    }

    /// `session_id` when it is a string.
    pub fn session(&self) -> Option<Cow<'a, str>> {
        string(self.session)
    }

    /// The `event` of a `stream_event` line, when it is an object.
    pub fn stream_event(&self) -> Option<Object<'a>> {
        self.event?.as_object()
    }

    /// `isReplay` is true: the user's own input, echoed.
    pub fn is_replay(&self) -> bool {
        self.replay.and_then(|v| v.as_bool()) == Some(true)
    }

    /// `type`, or "" when it is absent or not a string.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// `subtype`, or "".
    pub fn subtype(&self) -> &str {
        self.subtype.as_deref().unwrap_or("")
    }

    /// `subtype` when it is a string.
    pub fn subtype_opt(&self) -> Option<&str> {
        self.subtype.as_deref()
    }

    /// `parent_tool_use_id` when it is a string: the event is a subagent's.
    pub fn parent(&self) -> Option<Cow<'a, str>> {
        string(self.parent)
    }

    /// `message.content` of a user or assistant event, with `message.id`.
    pub fn message(&self) -> Option<(Cow<'a, str>, Option<Content<'a>>)> {
        let msg = self.message?.as_object()?;
        members!(msg, "id" => id, "content" => content);
        let id = id.and_then(|v| v.as_str()).unwrap_or_default();
        Some((id, content.and_then(Content::of)))
    }
}

impl<'a> Deref for Event<'a> {
    type Target = Object<'a>;

    fn deref(&self) -> &Object<'a> {
        &self.obj
    }
}

/// `members!(obj, "type" => kind, "index" => index)`: binds each name to
/// its member of `obj` (`Option<Value>`), found in one walk that stops
/// once all are found; the keys are matched as literals, which the
/// compiler turns into word compares.
macro_rules! members {
    // An `Option<Object>`: every name is `None` when it is `None`.
    (opt $obj:expr, $($key:literal => $var:ident),+ $(,)?) => {
        $(let mut $var: Option<$crate::json::Value<'_>> = None;)+
        for (k, v) in $obj.into_iter().flat_map(|o| o.members()) {
            match &*k.as_str() {
                $($key => $var = Some(v),)+
                _ => continue,
            }
            if $($var.is_some())&&+ {
                break;
            }
        }
    };
    ($obj:expr, $($key:literal => $var:ident),+ $(,)?) => {
        $(let mut $var: Option<$crate::json::Value<'_>> = None;)+
        for (k, v) in $obj.members() {
            match &*k.as_str() {
                $($key => $var = Some(v),)+
                _ => continue,
            }
            if $($var.is_some())&&+ {
                break;
            }
        }
    };
}
pub(crate) use members;

/// A string member, decoded; absent when it is not a string.
pub fn string<'a>(v: Option<Value<'a>>) -> Option<Cow<'a, str>> {
    let v = v?;
    let raw = v.raw();
    // Short strings without escapes (types, ids, names) are borrowed
    // after a plain scan, without setting up memchr.
    if raw.len() < 64
        && let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"'))
        && !inner.bytes().any(|b| b == b'\\')
    {
        return Some(Cow::Borrowed(inner));
    }
    v.as_str()
}

/// Message content: a plain string, or content blocks.
pub enum Content<'a> {
    Text(Value<'a>),
    Blocks(Elements<'a>),
}

impl<'a> Content<'a> {
    /// The content of `v`; `None` when it is neither a string nor an array.
    pub fn of(v: Value<'a>) -> Option<Self> {
        match v.kind() {
            Kind::Array => v.as_array().map(Content::Blocks),
            // A string stays undecoded until it is shown.
            Kind::String => Some(Content::Text(v)),
            _ => None,
        }
    }
}

/// One content block (text, thinking, tool_use, tool_result, image...).
#[derive(Default)]
pub struct Block<'a> {
    pub kind: Cow<'a, str>,
    pub id: Option<Value<'a>>,
    pub tool_use_id: Option<Value<'a>>,
    pub text: Option<Value<'a>>,
    pub thinking: Option<Value<'a>>,
    pub name: Option<Value<'a>>,
    pub input: Option<Object<'a>>,
    pub content: Option<Value<'a>>,
    pub is_error: bool,
}

impl<'a> Block<'a> {
    /// The block `v`, when it is an object.
    pub fn of(v: Value<'a>) -> Option<Self> {
        let obj = v.as_object()?;
        members!(obj,
            "type" => kind,
            "id" => id,
            "tool_use_id" => tool_use_id,
            "text" => text,
            "thinking" => thinking,
            "name" => name,
            "input" => input,
            "content" => content,
            "is_error" => is_error,
        );
        Some(Block {
            kind: string(kind).unwrap_or_default(),
            id,
            tool_use_id,
            text,
            thinking,
            name,
            input: input.and_then(|v| v.as_object()),
            content,
            is_error: is_error.and_then(|v| v.as_bool()) == Some(true),
        })
    }

    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// A string field of the block, decoded (small fields: names, ids).
    pub fn str(field: Option<Value<'a>>) -> Cow<'a, str> {
        string(field).unwrap_or_default()
    }
}
