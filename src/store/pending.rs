//! Uses waiting to be written (of access keys, of roles): recording each one as it happens
//! would turn every request into a write, so they gather here, one entry per key or role
//! (the latest use wins), until the store writes them out.

use std::collections::HashMap;
use std::sync::Mutex;

/// The latest pending use per id.
#[derive(Debug)]
pub struct Pending<T>(Mutex<HashMap<String, T>>);

impl<T> Default for Pending<T> {
    fn default() -> Self {
        Self(Mutex::default())
    }
}

impl<T> Pending<T> {
    /// Records a use of `id`, replacing any earlier one not yet written.
    pub fn record(&self, id: &str, usage: T) {
        if let Ok(mut pending) = self.0.lock() {
            pending.insert(id.to_owned(), usage);
        }
    }

    /// Drops the pending use of `id` (its entity is gone).
    pub fn forget(&self, id: &str) {
        if let Ok(mut pending) = self.0.lock() {
            pending.remove(id);
        }
    }

    /// Takes every pending use, to be written.
    pub fn take(&self) -> Vec<(String, T)> {
        self.0
            .lock()
            .map(|mut pending| pending.drain().collect())
            .unwrap_or_default()
    }

    /// Forgets every pending use.
    pub fn clear(&self) {
        if let Ok(mut pending) = self.0.lock() {
            pending.clear();
        }
    }
}
