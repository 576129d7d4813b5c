//! The main pass: policy facts gathered while the validator runs.
//!
//! [`Scan`] observes one validation run and records findings for imports,
//! limits and the WASI command shape as it goes; [`Scan::finish`] adds the
//! module-wide ones (loop budget, exports, recursion) once the whole module
//! has been read.

mod body;
mod imports;
mod sections;

pub(crate) use body::local_bytes;

use std::collections::HashMap;

use wasmparser::{FuncType, Payload};

use crate::callgraph::CallGraph;
use crate::validate::Observer;
use crate::{Detail, Finding, FindingCode, Location, Policy, RecursionPolicy, Severity};

/// What the main pass knows about the module so far.
#[derive(Debug)]
pub(crate) struct Scan<'p> {
    policy: &'p Policy,
    findings: Vec<Finding>,
    /// Type index to signature id (`None` for non-function types).
    types: Vec<Option<u32>>,
    /// Signature id to signature; equal signatures share an id.
    sigs: Vec<FuncType>,
    sig_ids: HashMap<FuncType, u32>,
    /// Function index to type index, imports first.
    funcs: Vec<u32>,
    imported_funcs: u32,
    /// The `_start` export's function index, if it exports a function.
    start: Option<u32>,
    /// Whether a `_start` export was already reported as unusable.
    start_reported: bool,
    memory_exported: bool,
    data_bytes: u64,
    blocks: u64,
    loops: u64,
    bodies: u32,
    /// The function body being read, if any.
    body: Option<body::Body>,
    graph: CallGraph,
    /// Whether the whole module was read, so module-wide checks are sound.
    complete: bool,
}

impl<'p> Scan<'p> {
    pub(crate) fn new(policy: &'p Policy) -> Self {
        Self {
            policy,
            findings: Vec::new(),
            types: Vec::new(),
            sigs: Vec::new(),
            sig_ids: HashMap::new(),
            funcs: Vec::new(),
            imported_funcs: 0,
            start: None,
            start_reported: false,
            memory_exported: false,
            data_bytes: 0,
            blocks: 0,
            loops: 0,
            bodies: 0,
            body: None,
            graph: CallGraph::default(),
            complete: false,
        }
    }

    /// Adds the module-wide findings and returns them all.
    pub(crate) fn finish(mut self) -> Vec<Finding> {
        if !self.complete {
            return self.findings;
        }
        if self.loops > u64::from(self.policy.max_loops) {
            self.limit(
                FindingCode::TooManyLoops,
                Location::module(),
                "loops in the module",
                self.policy.max_loops,
                self.loops,
            );
        }
        if self.blocks > u64::from(self.policy.max_blocks) {
            self.limit(
                FindingCode::TooManyBlocks,
                Location::module(),
                "blocks, loops and ifs in the module",
                self.policy.max_blocks,
                self.blocks,
            );
        }
        self.check_command_exports();
        self.check_recursion();
        self.findings
    }

    fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Records that `what` (`actual`) exceeds `limit`.
    fn limit(
        &mut self,
        code: FindingCode,
        location: Location,
        what: &str,
        limit: impl Into<u64>,
        actual: impl Into<u64>,
    ) {
        let (limit, actual) = (limit.into(), actual.into());
        let message = format!("{what}: {actual} is over the limit of {limit}");
        let finding = Finding::new(code, Severity::Error, message, location);
        self.push(finding.with(Detail::limit(limit, actual)));
    }

    /// The signature of type `index`, if it is a function type.
    fn sig_of_type(&self, index: u32) -> Option<u32> {
        self.types.get(index as usize).copied().flatten()
    }

    /// The signature of function `index`.
    fn sig_of_func(&self, index: u32) -> Option<&FuncType> {
        let ty = *self.funcs.get(index as usize)?;
        self.sigs.get(self.sig_of_type(ty)? as usize)
    }

    fn check_recursion(&mut self) {
        let severity = match self.policy.recursion {
            RecursionPolicy::Reject => Severity::Error,
            RecursionPolicy::Allow => Severity::Warning,
        };
        let graph = std::mem::take(&mut self.graph);
        let sig_of = |f: u32| {
            self.funcs
                .get(f as usize)
                .and_then(|ty| self.sig_of_type(*ty))
        };
        let cycles = graph.cycles(
            self.funcs.len(),
            self.imported_funcs,
            self.sigs.len(),
            sig_of,
        );
        for cycle in cycles {
            self.push(cycle.into_finding(severity));
        }
    }
}

impl Observer for Scan<'_> {
    const KEEP_GOING: bool = true;

    fn payload(&mut self, payload: &Payload<'_>) -> wasmparser::Result<()> {
        match payload {
            Payload::TypeSection(r) => self.types(r.clone())?,
            Payload::ImportSection(r) => self.imports(r.clone())?,
            Payload::FunctionSection(r) => self.functions(r.clone())?,
            Payload::TableSection(r) => self.tables(r.clone())?,
            Payload::MemorySection(r) => self.memories(r.clone())?,
            Payload::GlobalSection(r) => self.globals(r.clone())?,
            Payload::ExportSection(r) => self.exports(r.clone())?,
            Payload::ElementSection(r) => self.elements(r.clone())?,
            Payload::DataSection(r) => self.data(r.clone())?,
            Payload::StartSection { func, range } => self.start_section(*func, range.start),
            Payload::CodeSectionStart { range, size, .. } => self.code_size(range.start, *size),
            Payload::CodeSectionEntry(body) => self.begin_body(body.range()),
            Payload::End(_) => {
                self.end_body();
                self.complete = true;
            }
            _ => {}
        }
        Ok(())
    }

    fn locals(&mut self, declared: u64, bytes: u64) {
        self.body_locals(declared, bytes);
    }

    fn enter(&mut self, offset: usize) {
        self.blocks += 1;
        if let Some(body) = self.body.as_mut() {
            body.enter(offset, self.policy);
        }
    }

    fn enter_loop(&mut self, offset: usize) {
        self.enter(offset);
        self.loops += 1;
        if let Some(body) = self.body.as_mut() {
            body.count_loop(offset, self.policy.max_loops_per_function);
        }
    }

    fn end(&mut self) {
        if let Some(body) = self.body.as_mut() {
            body.depth = body.depth.saturating_sub(1);
        }
    }

    fn br_table(&mut self, offset: usize, labels: u32) {
        if let Some(body) = self.body.as_mut() {
            body.br_table(offset, labels, self.policy.max_br_table_targets);
        }
    }

    fn call(&mut self, func: u32) {
        if let Some(body) = &self.body {
            self.graph.call(body.function, func);
        }
    }

    fn call_indirect(&mut self, type_index: u32) {
        if let (Some(body), Some(sig)) = (&self.body, self.sig_of_type(type_index)) {
            self.graph.call_indirect(body.function, sig);
        }
    }

    fn ref_func(&mut self, func: u32) {
        self.graph.in_table(func);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{Span, features, run};

    fn scan<'p>(policy: &'p Policy, text: &str) -> Scan<'p> {
        let wasm = wat::parse_str(text).unwrap();
        let mut scan = Scan::new(policy);
        run(&wasm, features(), Span::WHOLE, &mut scan).unwrap();
        scan
    }

    #[test]
    fn equal_signatures_share_an_id() {
        let policy = Policy::default();
        let scan = scan(
            &policy,
            "(module (type (func (param i32))) (type (func (param i32))))",
        );
        assert_eq!(scan.types, vec![Some(0), Some(0)]);
        assert_eq!(scan.sigs.len(), 1);
    }

    #[test]
    fn function_indices_count_imports_first() {
        let policy = Policy::default();
        let scan = scan(
            &policy,
            r#"(module (import "m" "f" (func)) (func) (func (param i32)))"#,
        );
        assert_eq!(
            (scan.imported_funcs, scan.bodies, scan.funcs.len()),
            (1, 2, 3)
        );
        assert_eq!(scan.sig_of_func(2).map(|s| s.params().len()), Some(1));
        assert!(scan.complete);
    }

    #[test]
    fn an_unfinished_scan_skips_module_wide_checks() {
        let policy = Policy::default();
        let mut wasm = wat::parse_str("(module (func))").unwrap();
        wasm.truncate(wasm.len() - 1);
        let mut scan = Scan::new(&policy);
        assert!(run(&wasm, features(), Span::WHOLE, &mut scan).is_err());
        assert!(scan.finish().is_empty());
    }
}
