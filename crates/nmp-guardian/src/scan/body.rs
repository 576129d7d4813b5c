//! Per-function facts: size, locals, nesting, blocks, loops and `br_table` sizes.

use std::ops::Range;

use wasmparser::ValType;

use super::Scan;
use crate::{FindingCode, Location, Policy, Section};

/// The bytes one local of type `ty` counts for in
/// [`Policy::max_local_bytes_per_function`](crate::Policy::max_local_bytes_per_function):
/// 4 for `i32` and `f32`, 8 for `i64`, `f64` and references, 16 for `v128`.
pub(crate) fn local_bytes(ty: ValType) -> u64 {
    match ty {
        ValType::I32 | ValType::F32 => 4,
        ValType::I64 | ValType::F64 | ValType::Ref(_) => 8,
        ValType::V128 => 16,
    }
}

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
    blocks: u32,
    too_many_blocks_at: Option<usize>,
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

    /// Starts the body at `range` (its size field excluded) and checks its size.
    pub(super) fn begin_body(&mut self, range: Range<usize>) {
        self.end_body();
        let function = self.imported_funcs.saturating_add(self.bodies);
        let offset = range.start;
        let size = range.len() as u64;
        self.body = Some(Body {
            function,
            offset,
            ..Body::default()
        });
        self.bodies = self.bodies.saturating_add(1);
        if size > u64::from(self.policy.max_function_bytes) {
            self.limit(
                FindingCode::FunctionTooLarge,
                Location::in_function(function, offset),
                &format!("bytes of function {function}"),
                self.policy.max_function_bytes,
                size,
            );
        }
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
                body.too_many_blocks_at,
                FindingCode::FunctionTooManyBlocks,
                "blocks, loops and ifs",
                policy.max_blocks_per_function,
                body.blocks,
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

    /// Checks the current body's locals, its parameters included: `declared`
    /// locals weighing `bytes` (see [`local_bytes`]).
    pub(super) fn body_locals(&mut self, declared: u64, bytes: u64) {
        let Some(body) = &self.body else {
            return;
        };
        let (function, offset) = (body.function, body.offset);
        let params = self.sig_of_func(function).map_or(&[][..], |s| s.params());
        let count = params.len() as u64 + declared;
        let bytes = params.iter().map(|&ty| local_bytes(ty)).sum::<u64>() + bytes;
        let policy = self.policy;
        let checks = [
            (
                FindingCode::TooManyLocals,
                "locals",
                policy.max_locals_per_function,
                count,
            ),
            (
                FindingCode::LocalsTooLarge,
                "bytes of locals",
                policy.max_local_bytes_per_function,
                bytes,
            ),
        ];
        for (code, what, limit, actual) in checks {
            if actual > u64::from(limit) {
                let location = Location::in_function(function, offset);
                self.limit(
                    code,
                    location,
                    &format!("{what} of function {function}"),
                    limit,
                    actual,
                );
            }
        }
    }
}

impl Body {
    /// Sees a `block`, `loop` or `if`.
    pub(super) fn enter(&mut self, offset: usize, policy: &Policy) {
        self.depth = self.depth.saturating_add(1);
        self.deepest = self.deepest.max(self.depth);
        if self.depth > policy.max_nesting_depth {
            self.too_deep_at.get_or_insert(offset);
        }
        self.blocks = self.blocks.saturating_add(1);
        if self.blocks > policy.max_blocks_per_function {
            self.too_many_blocks_at.get_or_insert(offset);
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
