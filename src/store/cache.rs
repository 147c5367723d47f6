//! The credential cache: access key id → credential, so a signed request costs no query.
//!
//! A lookup that raced with a write must not re-insert what the write just invalidated, so
//! every invalidation bumps a generation and a fill only lands if the generation is the one
//! the lookup started under.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use super::access_keys::Credential;

/// A cache of credentials by access key id.
#[derive(Debug, Default)]
pub struct CredentialCache {
    entries: RwLock<HashMap<String, Arc<Credential>>>,
    generation: AtomicU64,
}

impl CredentialCache {
    /// The cached credential, if any.
    pub fn get(&self, access_key_id: &str) -> Option<Arc<Credential>> {
        self.entries.read().ok()?.get(access_key_id).cloned()
    }

    /// The generation to pass to `fill` after reading the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Caches a credential read under `generation`, unless something was invalidated since.
    pub fn fill(&self, generation: u64, credential: Arc<Credential>) {
        if let Ok(mut entries) = self.entries.write()
            && self.generation.load(Ordering::Acquire) == generation
        {
            entries.insert(credential.access_key_id.clone(), credential);
        }
    }

    /// Drops one key (after it was written).
    pub fn forget(&self, access_key_id: &str) {
        if let Ok(mut entries) = self.entries.write() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            entries.remove(access_key_id);
        }
    }

    /// Drops everything.
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.write() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            entries.clear();
        }
    }
}
