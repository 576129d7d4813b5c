//! The main pass: policy facts gathered while the validator runs.
//!
//! [`Scan`] observes one validation run and records findings for imports,
//! limits and the WASI command shape as it goes; [`Scan::finish`] adds the
//! module-wide ones (loop budget, exports, recursion) once the whole module
//! has been read.

mod body;
mod imports;

use std::collections::HashMap;

use wasmparser::{ConstExpr, ElementItems, FuncType, Operator, Payload, TableInit};

use crate::callgraph::CallGraph;
use crate::validate::Observer;
use crate::{Detail, Finding, FindingCode, Location, Policy, RecursionPolicy, Section, Severity};

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

    fn types(&mut self, reader: wasmparser::TypeSectionReader<'_>) -> wasmparser::Result<()> {
        for group in reader {
            for sub in group?.into_types() {
                let sig = match &sub.composite_type.inner {
                    wasmparser::CompositeInnerType::Func(func) => Some(self.intern(func)),
                    _ => None,
                };
                self.types.push(sig);
            }
        }
        Ok(())
    }

    fn intern(&mut self, func: &FuncType) -> u32 {
        if let Some(id) = self.sig_ids.get(func) {
            return *id;
        }
        let id = u32::try_from(self.sigs.len()).unwrap_or(u32::MAX);
        self.sigs.push(func.clone());
        self.sig_ids.insert(func.clone(), id);
        id
    }

    fn functions(
        &mut self,
        reader: wasmparser::FunctionSectionReader<'_>,
    ) -> wasmparser::Result<()> {
        let offset = reader.range().start;
        for ty in reader {
            self.funcs.push(ty?);
        }
        let total = self.funcs.len() as u64;
        if total > u64::from(self.policy.max_functions) {
            self.limit(
                FindingCode::TooManyFunctions,
                Location::at(Section::Function, offset),
                "functions",
                self.policy.max_functions,
                total,
            );
        }
        Ok(())
    }

    fn tables(&mut self, reader: wasmparser::TableSectionReader<'_>) -> wasmparser::Result<()> {
        for (index, table) in reader.into_iter_with_offsets().enumerate() {
            let (offset, table) = table?;
            let at = Location::at(Section::Table, offset);
            let what = format!("elements of table {index}");
            self.sizes(at, &what, table.ty.initial, table.ty.maximum, Extent::Table);
            if let TableInit::Expr(expr) = table.init {
                self.const_expr(&expr)?;
            }
        }
        Ok(())
    }

    fn memories(&mut self, reader: wasmparser::MemorySectionReader<'_>) -> wasmparser::Result<()> {
        for (index, memory) in reader.into_iter_with_offsets().enumerate() {
            let (offset, memory) = memory?;
            let at = Location::at(Section::Memory, offset);
            let what = format!("pages of memory {index}");
            self.sizes(at, &what, memory.initial, memory.maximum, Extent::Memory);
        }
        Ok(())
    }

    /// Checks a memory's or table's initial and maximum size.
    fn sizes(
        &mut self,
        at: Location,
        what: &str,
        initial: u64,
        maximum: Option<u64>,
        kind: Extent,
    ) {
        let (limit, too_large, unbounded) = match kind {
            Extent::Memory => (
                self.policy.max_memory_pages,
                FindingCode::MemoryTooLarge,
                FindingCode::MemoryNoMaximum,
            ),
            Extent::Table => (
                self.policy.max_table_elements,
                FindingCode::TableTooLarge,
                FindingCode::TableNoMaximum,
            ),
        };
        if initial > limit {
            self.limit(
                too_large,
                at.clone(),
                &format!("initial {what}"),
                limit,
                initial,
            );
        }
        match maximum {
            Some(maximum) if maximum > limit => {
                self.limit(too_large, at, &format!("maximum {what}"), limit, maximum);
            }
            Some(_) => {}
            None => {
                let message = format!(
                    "{what} have no declared maximum; growth is capped at run time by the sandbox"
                );
                self.push(Finding::new(unbounded, Severity::Info, message, at));
            }
        }
    }

    fn globals(&mut self, reader: wasmparser::GlobalSectionReader<'_>) -> wasmparser::Result<()> {
        for global in reader {
            self.const_expr(&global?.init_expr)?;
        }
        Ok(())
    }

    fn elements(&mut self, reader: wasmparser::ElementSectionReader<'_>) -> wasmparser::Result<()> {
        for element in reader {
            match element?.items {
                ElementItems::Functions(funcs) => {
                    for func in funcs {
                        self.graph.in_table(func?);
                    }
                }
                ElementItems::Expressions(_, exprs) => {
                    for expr in exprs {
                        self.const_expr(&expr?)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Notes every function a constant expression takes a reference to: such
    /// a function can end up in a table and be called indirectly.
    fn const_expr(&mut self, expr: &ConstExpr<'_>) -> wasmparser::Result<()> {
        for op in expr.get_operators_reader() {
            if let Operator::RefFunc { function_index } = op? {
                self.graph.in_table(function_index);
            }
        }
        Ok(())
    }

    fn data(&mut self, reader: wasmparser::DataSectionReader<'_>) -> wasmparser::Result<()> {
        let offset = reader.range().start;
        for segment in reader {
            self.data_bytes += segment?.data.len() as u64;
        }
        if self.data_bytes > self.policy.max_data_bytes {
            self.limit(
                FindingCode::DataTooLarge,
                Location::at(Section::Data, offset),
                "bytes of data segments",
                self.policy.max_data_bytes,
                self.data_bytes,
            );
        }
        Ok(())
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

/// Which kind of sized thing [`Scan::sizes`] checks.
#[derive(Clone, Copy)]
enum Extent {
    Memory,
    Table,
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
            Payload::CodeSectionEntry(body) => self.begin_body(body.range().start),
            Payload::End(_) => {
                self.end_body();
                self.complete = true;
            }
            _ => {}
        }
        Ok(())
    }

    fn locals(&mut self, declared: u64) {
        self.body_locals(declared);
    }

    fn enter(&mut self, offset: usize) {
        if let Some(body) = self.body.as_mut() {
            body.enter(offset, self.policy.max_nesting_depth);
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
