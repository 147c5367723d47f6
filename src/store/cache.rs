//! The credential cache: access key id → credential, so a signed request costs no query;
//! and the read cache of users, roles and tags, valid until the next write.
//!
//! A lookup that raced with a write must not re-insert what the write just invalidated, so
//! every invalidation bumps a generation and a fill only lands if the generation is the one
//! the lookup started under.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use super::access_keys::Credential;
use super::roles::Role;
use super::tags::Tag;
use super::users::User;

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

/// What the read cache holds: the rows behind the hottest lookups.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub enum ReadKey {
    /// A user by account and name, the name folded as SQLite's NOCASE folds it (ASCII only).
    UserByName(String, String),
    /// A user by id.
    UserById(String),
    /// A role by account and folded name.
    RoleByName(String, String),
    /// A role by id.
    RoleById(String),
    /// The tags of a resource id.
    Tags(String),
}

/// A cached row (or its absence).
#[derive(Clone, Debug)]
pub enum ReadValue {
    /// A user lookup.
    User(Option<User>),
    /// A role lookup.
    Role(Option<Role>),
    /// A tag list.
    Tags(Vec<Tag>),
}

/// Past this many rows the read cache starts over.
const READ_CAPACITY: usize = 10_000;

/// Rows read while nothing was written: valid until the next commit, which bumps the
/// store's generation and so empties the cache. A value read under an older generation is
/// never stored.
#[derive(Debug, Default)]
pub struct ReadCache {
    entries: Mutex<(u64, HashMap<ReadKey, ReadValue>)>,
}

impl ReadCache {
    /// The value read under `generation`, if cached.
    pub fn get(&self, generation: u64, key: &ReadKey) -> Option<ReadValue> {
        let entries = self.entries.lock().ok()?;
        if entries.0 != generation {
            return None;
        }
        entries.1.get(key).cloned()
    }

    /// Caches a value read under `generation` (whose reads started after it was taken).
    pub fn fill(&self, generation: u64, key: ReadKey, value: ReadValue) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.0 != generation {
            if generation < entries.0 {
                return;
            }
            *entries = (generation, HashMap::new());
        }
        if entries.1.len() >= READ_CAPACITY {
            entries.1.clear();
        }
        entries.1.insert(key, value);
    }
}
