//! A small map of the most recent entries by key (tool calls, permission
//! prompts, control requests, queued messages), so that what cc-fmt
//! remembers about a stream stays bounded however long the stream is.

use std::collections::VecDeque;

/// Entries kept per map; the oldest is forgotten first.
const KEEP: usize = 256;

#[derive(Debug)]
pub struct Recent<V> {
    entries: VecDeque<(String, V)>,
}

impl<V> Default for Recent<V> {
    fn default() -> Self {
        Recent {
            entries: VecDeque::new(),
        }
    }
}

impl<V> Recent<V> {
    /// Remembers `value` under `key`, replacing an entry with that key.
    pub fn insert(&mut self, key: &str, value: V) {
        self.remove(key);
        if self.entries.len() == KEEP {
            self.entries.pop_front();
        }
        self.entries.push_back((key.to_owned(), value));
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.entries
            .iter_mut()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry, oldest first, leaving the map empty.
    pub fn drain(&mut self) -> impl Iterator<Item = (String, V)> + '_ {
        self.entries.drain(..)
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        let at = self.entries.iter().position(|(k, _)| k == key)?;
        self.entries.remove(at).map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_most_recent_entries() {
        let mut r = Recent::default();
        for i in 0..KEEP + 10 {
            r.insert(&i.to_string(), i);
        }
        assert!(r.get("0").is_none());
        assert_eq!(r.get(&(KEEP + 9).to_string()), Some(&(KEEP + 9)));
        assert_eq!(r.remove("20"), Some(20));
        assert!(r.get("20").is_none());
    }
}
