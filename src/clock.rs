//! The time source. Signature freshness always uses the wall clock; everything with a
//! lifetime (entity timestamps, credential expiry) uses the wall clock plus an offset that
//! tests can move forward, so expiry can be reached without waiting.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeDelta, Utc};

/// Wall-clock time with an adjustable offset for lifetimes.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// A clock with no offset.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The real time; used for SigV4 skew checks, which AWS applies to the wall clock.
    #[must_use]
    pub fn wall_now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    /// The time lifetimes are measured against: wall clock plus the offset.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + TimeDelta::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves lifetime time forward (or back, for a negative value) by `by`.
    pub fn advance(&self, by: TimeDelta) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }

    /// The current offset from the wall clock.
    #[must_use]
    pub fn offset(&self) -> TimeDelta {
        TimeDelta::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Back to the wall clock.
    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_lifetime_time_but_not_the_wall_clock() {
        let clock = Clock::new();
        clock.advance(TimeDelta::hours(2));
        let gap = clock.now() - clock.wall_now();
        assert!(gap > TimeDelta::minutes(119) && gap <= TimeDelta::hours(2));
        clock.reset();
        assert!(clock.now() - clock.wall_now() < TimeDelta::seconds(1));
    }
}
