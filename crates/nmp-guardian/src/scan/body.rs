//! Per-function facts: locals, nesting, loops and `br_table` sizes.

use super::Scan;
use crate::{FindingCode, Location, Section};

/// The function body being read. Limits are reported once per function, when
/// it ends, with the function's totals and the offset where each was first
/// crossed.
#[derive(Debug, Default)]
pub(super) struct Body {
    pub(super) function: u32,
    offset: usize,
    pub(super) depth: u32,
    deepest: u32,
    too_deep_at: Option<usize>,
    loops: u32,
    too_many_loops_at: Option<usize>,
    widest_br_table: u32,
    wide_br_table_at: Option<usize>,
}

impl Scan<'_> {
    /// Whole-section budget, checked when the code section starts.
    pub(super) fn code_size(&mut self, offset: usize, size: u32) {
        if u64::from(size) > self.policy.max_code_bytes {
            self.limit(
                FindingCode::CodeTooLarge,
                Location::at(Section::Code, offset),
                "bytes of code",
                self.policy.max_code_bytes,
                size,
            );
        }
    }

    pub(super) fn begin_body(&mut self, offset: usize) {
        self.end_body();
        self.body = Some(Body {
            function: self.imported_funcs.saturating_add(self.bodies),
            offset,
            ..Body::default()
        });
        self.bodies = self.bodies.saturating_add(1);
    }

    /// Reports the limits the current body crossed.
    pub(super) fn end_body(&mut self) {
        let Some(body) = self.body.take() else {
            return;
        };
        let function = body.function;
        let policy = self.policy;
        let crossed = [
            (
                body.too_deep_at,
                FindingCode::NestingTooDeep,
                "nesting depth",
                policy.max_nesting_depth,
                body.deepest,
            ),
            (
                body.too_many_loops_at,
                FindingCode::FunctionTooManyLoops,
                "loops",
                policy.max_loops_per_function,
                body.loops,
            ),
            (
                body.wide_br_table_at,
                FindingCode::BrTableTooLarge,
                "labels in one br_table",
                policy.max_br_table_targets,
                body.widest_br_table,
            ),
        ];
        for (at, code, what, limit, actual) in crossed {
            if let Some(offset) = at {
                let location = Location::in_function(function, offset);
                let what = format!("{what} in function {function}");
                self.limit(code, location, &what, limit, actual);
            }
        }
    }

    pub(super) fn body_locals(&mut self, declared: u64) {
        let Some(body) = &self.body else {
            return;
        };
        let (function, offset) = (body.function, body.offset);
        let params = self.sig_of_func(function).map_or(0, |s| s.params().len()) as u64;
        let total = params + declared;
        if total > u64::from(self.policy.max_locals_per_function) {
            self.limit(
                FindingCode::TooManyLocals,
                Location::in_function(function, offset),
                &format!("locals of function {function}"),
                self.policy.max_locals_per_function,
                total,
            );
        }
    }
}

impl Body {
    pub(super) fn enter(&mut self, offset: usize, max_depth: u32) {
        self.depth = self.depth.saturating_add(1);
        self.deepest = self.deepest.max(self.depth);
        if self.depth > max_depth {
            self.too_deep_at.get_or_insert(offset);
        }
    }

    pub(super) fn count_loop(&mut self, offset: usize, max_loops: u32) {
        self.loops = self.loops.saturating_add(1);
        if self.loops > max_loops {
            self.too_many_loops_at.get_or_insert(offset);
        }
    }

    pub(super) fn br_table(&mut self, offset: usize, labels: u32, max_labels: u32) {
        self.widest_br_table = self.widest_br_table.max(labels);
        if labels > max_labels {
            self.wide_br_table_at.get_or_insert(offset);
        }
    }
}
