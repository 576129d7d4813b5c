//! The counters one session has used: a sliding window over the highest counter seen, as IPsec
//! and WireGuard keep, so requests may arrive out of order without any being accepted twice.

use crate::envelope::OpenError;

/// Counters this far below the highest one seen are still accepted once: 128.
pub(crate) const WINDOW: u64 = 128;

/// The highest counter used and which of the [`WINDOW`] counters below it were.
#[derive(Debug, Default)]
pub(crate) struct Window {
    /// One more than the highest counter used (0: none yet).
    next: u64,
    /// Bit `i` set: counter `next - 1 - i` was used.
    used: u128,
}

impl Window {
    /// [`OpenError::Replayed`] when `counter` was used or is below the window.
    pub(crate) fn check(&self, counter: u64) -> Result<(), OpenError> {
        if counter >= self.next {
            return Ok(());
        }
        let behind = self.next - 1 - counter;
        if behind >= WINDOW || self.used & (1 << behind) != 0 {
            return Err(OpenError::Replayed);
        }
        Ok(())
    }

    /// Checks `counter` and marks it used.
    pub(crate) fn record(&mut self, counter: u64) -> Result<(), OpenError> {
        self.check(counter)?;
        if counter >= self.next {
            let shift = counter - self.next + 1;
            self.used = if shift >= WINDOW {
                0
            } else {
                self.used << shift
            };
            self.used |= 1;
            self.next = counter.saturating_add(1);
        } else {
            self.used |= 1 << (self.next - 1 - counter);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_counter_once_in_any_order_inside_the_window() {
        let mut window = Window::default();
        for counter in [5, 0, 3, 4, 1, 2, 200] {
            window.record(counter).expect("first use");
        }
        for counter in [5, 200] {
            assert_eq!(window.record(counter), Err(OpenError::Replayed));
        }
        // 200 - 127 = 73 is the oldest counter still accepted; 72 is below the window.
        window.record(73).expect("at the window's edge");
        assert_eq!(window.record(72), Err(OpenError::Replayed));
        assert_eq!(window.record(73), Err(OpenError::Replayed));
    }

    #[test]
    fn a_jump_past_the_window_forgets_everything_below_it() {
        let mut window = Window::default();
        window.record(0).expect("first");
        window.record(u64::MAX - 1).expect("far ahead");
        assert_eq!(window.record(0), Err(OpenError::Replayed));
        window.record(u64::MAX - 2).expect("just below");
    }
}
