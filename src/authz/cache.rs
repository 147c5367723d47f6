//! Compiled policies, cached by document text: a document is parsed once however many
//! principals use it and however many requests it decides. And users' and roles' policy
//! sets, valid until the next write.

use std::collections::HashMap;
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

/// The users' and roles' policy sets (`identity::Identity`), by user or role id, each kept
/// for as long as nothing has been written since it was read: a request by a principal whose
/// policies have not changed costs no query. Any commit invalidates every entry, so an
/// acknowledged change is never decided on stale policies.
#[derive(Debug, Default)]
pub struct IdentityCache {
    entries: Mutex<(u64, HashMap<String, Arc<Identity>>)>,
}

impl IdentityCache {
    /// The identity read under store generation `generation`, if still cached.
    pub fn get(&self, generation: u64, id: &str) -> Option<Arc<Identity>> {
        let entries = self.entries.lock().ok()?;
        if entries.0 != generation {
            return None;
        }
        entries.1.get(id).cloned()
    }

    /// Caches an identity read under `generation`; a newer generation drops the older ones.
    pub fn fill(&self, generation: u64, id: &str, identity: Arc<Identity>) {
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
        entries.1.insert(id.to_owned(), identity);
    }
}
