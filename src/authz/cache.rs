//! Compiled policies, cached by document text: a document is parsed once however many
//! principals use it and however many requests it decides. And what was read or decided
//! under one store generation (policy sets, allowed requests), valid until the next write.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use super::identity::Identity;
use crate::policy::{self, Policy, PolicyKind};

/// Past this many documents the cache starts over rather than grow without bound.
const CAPACITY: usize = 10_000;

/// Parsed policies by (kind, text).
#[derive(Debug, Default)]
pub struct PolicyCache {
    entries: Mutex<HashMap<(bool, String), Arc<Policy>>>,
}

impl PolicyCache {
    /// The parsed form of a stored document; `None` if it no longer parses (it was
    /// validated when stored, so this does not happen in practice).
    pub fn get(&self, text: &str, kind: PolicyKind) -> Option<Arc<Policy>> {
        let key = (kind == PolicyKind::Trust, text.to_owned());
        if let Some(found) = self.entries.lock().ok().and_then(|e| e.get(&key).cloned()) {
            return Some(found);
        }
        let parsed = Arc::new(policy::parse_policy(text, kind).ok()?);
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(key, parsed.clone());
        }
        Some(parsed)
    }

    /// Forgets everything (after a reset).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

/// Values read under one store generation, kept for as long as nothing has been written
/// since: any commit invalidates every entry at once, so an acknowledged change is never
/// decided on stale data.
#[derive(Debug)]
pub struct Generational<K, V> {
    entries: Mutex<(u64, HashMap<K, V>)>,
}

impl<K, V> Default for Generational<K, V> {
    fn default() -> Self {
        Self {
            entries: Mutex::new((0, HashMap::new())),
        }
    }
}

impl<K: Hash + Eq, V: Clone> Generational<K, V> {
    /// The value read under store generation `generation`, if still cached.
    pub fn get<Q>(&self, generation: u64, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let entries = self.entries.lock().ok()?;
        if entries.0 != generation {
            return None;
        }
        entries.1.get(key).cloned()
    }

    /// Caches a value read under `generation`; a newer generation drops the older ones.
    pub fn fill(&self, generation: u64, key: K, value: V) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.0 != generation {
            if generation < entries.0 {
                return;
            }
            *entries = (generation, HashMap::new());
        }
        if entries.1.len() >= CAPACITY {
            entries.1.clear();
        }
        entries.1.insert(key, value);
    }
}

/// The users' and roles' policy sets (`identity::Identity`), by user or role id: a request
/// by a principal whose policies have not changed costs no query.
pub type IdentityCache = Generational<String, Arc<Identity>>;

/// The requests that were allowed, by credential, action and parameters (see
/// `super::decision_key`); only decisions that read no request context are kept, as they
/// depend on nothing else that can change without a write.
pub type DecisionCache = Generational<Vec<u8>, ()>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_drops_every_entry_and_late_fills_are_ignored() {
        let cache: Generational<String, u32> = Generational::default();
        cache.fill(1, "a".to_owned(), 10);
        assert_eq!(cache.get(1, "a"), Some(10));
        assert_eq!(cache.get(2, "a"), None, "read under a newer generation");
        cache.fill(2, "b".to_owned(), 20);
        assert_eq!(cache.get(2, "a"), None, "dropped with its generation");
        // A value read before the last write arrives late: it must not be served.
        cache.fill(1, "a".to_owned(), 11);
        assert_eq!(cache.get(1, "a"), None);
        assert_eq!(cache.get(2, "b"), Some(20));
    }

    #[test]
    fn the_cache_starts_over_rather_than_grow_without_bound() {
        let cache: Generational<usize, ()> = Generational::default();
        for i in 0..=CAPACITY {
            cache.fill(1, i, ());
        }
        assert_eq!(cache.get(1, &CAPACITY), Some(()));
        assert_eq!(cache.get(1, &0), None);
    }
}
