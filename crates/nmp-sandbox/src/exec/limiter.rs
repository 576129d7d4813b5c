//! The per-run [`ResourceLimiter`]: memory and table caps, plus the peak memory figure.

use wasmtime::ResourceLimiter;

use crate::{Limit, Limits};

/// Enforces one run's memory and table caps and remembers which one stopped the guest.
///
/// Growth past a cap is refused with an error, which traps the guest, instead of `Ok(false)`
/// (which would hand the guest `-1` and let it carry on): the outcome is then always
/// [`Limit::Memory`] or [`Limit::Table`], never a guess.
#[derive(Debug)]
pub(crate) struct Limiter {
    memory_bytes: usize,
    table_elements: usize,
    max_memories: usize,
    max_tables: usize,
    peak_memory_bytes: usize,
    exceeded: Option<Limit>,
}

/// The error a refused growth raises; classification reads [`Limiter::exceeded`] instead.
#[derive(Debug, thiserror::Error)]
#[error("{0:?} limit exceeded")]
struct Exceeded(Limit);

impl Limiter {
    pub(crate) fn new(limits: &Limits, max_memories: u32, max_tables: u32) -> Self {
        Self {
            // A cap above the address space is no cap at all; saturate rather than wrap.
            memory_bytes: usize::try_from(limits.memory_bytes).unwrap_or(usize::MAX),
            table_elements: limits.table_elements,
            max_memories: usize::try_from(max_memories).unwrap_or(usize::MAX),
            max_tables: usize::try_from(max_tables).unwrap_or(usize::MAX),
            peak_memory_bytes: 0,
            exceeded: None,
        }
    }

    /// The limit that stopped the guest, if one did.
    pub(crate) fn exceeded(&self) -> Option<Limit> {
        self.exceeded
    }

    /// The largest size any memory reached.
    pub(crate) fn peak_memory_bytes(&self) -> u64 {
        u64::try_from(self.peak_memory_bytes).unwrap_or(u64::MAX)
    }

    fn refuse(&mut self, limit: Limit) -> wasmtime::Result<bool> {
        self.exceeded = Some(limit);
        Err(wasmtime::Error::new(Exceeded(limit)))
    }
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory_bytes {
            return self.refuse(Limit::Memory);
        }
        // Growth past the memory's own declared maximum fails in wasmtime after this returns;
        // it never happens, so it must not count towards the peak.
        if maximum.is_none_or(|max| desired <= max) {
            self.peak_memory_bytes = self.peak_memory_bytes.max(desired);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.table_elements {
            return self.refuse(Limit::Table);
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        // A WASI command is exactly one core module instance.
        1
    }

    fn memories(&self) -> usize {
        self.max_memories
    }

    fn tables(&self) -> usize {
        self.max_tables
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_past_the_cap_is_refused_and_remembered() {
        let limits = Limits {
            memory_bytes: 1 << 20,
            ..Limits::default()
        };
        let mut limiter = Limiter::new(&limits, 1, 1);
        assert!(limiter.memory_growing(0, 1 << 16, None).unwrap());
        assert!(
            limiter
                .memory_growing(1 << 16, (1 << 20) + 1, None)
                .is_err()
        );
        assert_eq!(limiter.exceeded(), Some(Limit::Memory));
        assert_eq!(limiter.peak_memory_bytes(), 1 << 16);
    }

    #[test]
    fn growth_past_the_declared_maximum_does_not_count() {
        let mut limiter = Limiter::new(&Limits::default(), 1, 1);
        assert!(limiter.memory_growing(0, 1 << 17, Some(1 << 16)).unwrap());
        assert_eq!(limiter.peak_memory_bytes(), 0);
        assert_eq!(limiter.exceeded(), None);
    }
}
