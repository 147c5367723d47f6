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
        let offset = TimeDelta::milliseconds(self.offset_ms.load(Ordering::Relaxed));
        Utc::now()
            .checked_add_signed(offset)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The furthest the clock may be moved from the wall clock.
    pub const MAX_OFFSET: TimeDelta = TimeDelta::days(365 * 100);

    /// Moves lifetime time forward by `by`; `false` (and no change) when `by` is negative or
    /// would put the clock more than `MAX_OFFSET` ahead.
    pub fn advance(&self, by: TimeDelta) -> bool {
        let current = self.offset_ms.load(Ordering::Relaxed);
        let Some(next) = current.checked_add(by.num_milliseconds()) else {
            return false;
        };
        if by < TimeDelta::zero() || next > Self::MAX_OFFSET.num_milliseconds() {
            return false;
        }
        self.offset_ms.store(next, Ordering::Relaxed);
        true
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
        assert!(clock.advance(TimeDelta::hours(2)));
        assert!(!clock.advance(TimeDelta::hours(-1)));
        assert!(!clock.advance(TimeDelta::days(365 * 200)));
        let gap = clock.now() - clock.wall_now();
        assert!(gap > TimeDelta::minutes(119) && gap <= TimeDelta::hours(2));
        clock.reset();
        assert!(clock.now() - clock.wall_now() < TimeDelta::seconds(1));
    }
}
