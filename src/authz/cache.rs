//! Compiled policies, cached by document text: a document is parsed once however many
//! principals use it and however many requests it decides.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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
