//! How much of a value to build: all of it, or its kind and the members a
//! reader will look at (see `filter::demand`, which works it out, and
//! [`super::jaq::Builder::needed`], which builds it).

use std::collections::BTreeMap;

/// How much of one value must be built.
#[derive(Debug, Clone, PartialEq)]
pub enum Need {
    /// All of it.
    All,
    /// Its kind, scalars whole, and of a container only what the tree says.
    Part(Box<Tree>),
}

/// The members of a container that must be built.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tree {
    /// Members by key.
    pub keys: BTreeMap<String, Need>,
    /// Every member or element (`.[]`, `.[0]`), with this need.
    pub each: Option<Need>,
}

impl Need {
    pub fn shape() -> Need {
        Need::Part(Box::default())
    }

    /// This need and `other` together.
    pub fn merged(&self, other: &Need) -> Need {
        let mut n = self.clone();
        n.merge(other.clone());
        n
    }

    pub fn merge(&mut self, other: Need) {
        match (&mut *self, other) {
            (Need::All, _) => {}
            (_, Need::All) => *self = Need::All,
            (Need::Part(a), Need::Part(b)) => {
                for (k, n) in b.keys {
                    a.keys.entry(k).or_insert_with(Need::shape).merge(n);
                }
                if let Some(n) = b.each {
                    a.each.get_or_insert_with(Need::shape).merge(n);
                }
            }
        }
    }
}
