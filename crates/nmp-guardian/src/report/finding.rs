//! One reason in a report: what, how serious, where.

use serde::{Deserialize, Serialize};

/// One thing the Guardian found, with enough structure for code to act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What was found; stable across releases.
    pub code: FindingCode,
    /// Whether it rejects the module.
    pub severity: Severity,
    /// A human-readable sentence; its wording may change, so match on `code`.
    pub message: String,
    /// Where in the module.
    pub location: Location,
    /// Structured specifics for codes that have them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
}

/// What a finding is about. Serialized in `snake_case`; new codes may be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FindingCode {
    /// The bytes are not a well-formed module (bad header, truncated or
    /// garbled section, undecodable instruction). Inspection stops here.
    Malformed,
    /// The module is well-formed but fails validation (type errors, bad
    /// indices, wasmparser's implementation limits), and no disabled proposal
    /// explains it.
    Invalid,
    /// The bytes are a component-model binary, not a core module.
    ComponentBinary,
    /// The module is larger than `max_module_bytes`; it was not parsed.
    ModuleTooLarge,
    /// Uses threads: shared memory, atomics (or shared-everything-threads).
    Threads,
    /// Uses 64-bit memories or tables (memory64).
    Memory64,
    /// Declares more than one memory (multi-memory).
    MultiMemory,
    /// Uses exception handling (tags, `throw`, `try_table`, or legacy `try`).
    Exceptions,
    /// Uses garbage-collected types (`struct`, `array`, subtyping).
    Gc,
    /// Uses tail calls (`return_call*`).
    TailCall,
    /// Uses relaxed SIMD instructions.
    RelaxedSimd,
    /// Uses extended constant expressions.
    ExtendedConst,
    /// Uses typed function references (`call_ref`, `(ref $t)`).
    FunctionReferences,
    /// Uses 128-bit wide arithmetic instructions.
    WideArithmetic,
    /// Declares memories with custom page sizes.
    CustomPageSizes,
    /// Uses another proposal this node does not run; `detail` names it.
    UnsupportedProposal,
    /// Imports something outside the allowlist (including any memory, table,
    /// global or tag); `detail` names the import.
    ForbiddenImport,
    /// Imports an allowed function with a different signature.
    ImportSignatureMismatch,
    /// Exports no function named `_start`: not a WASI command.
    MissingStartExport,
    /// Exports `_start` as something other than a `() -> ()` function.
    BadStartExport,
    /// Exports no memory named `memory`: not a WASI command.
    MissingMemoryExport,
    /// Has a start section; it runs at instantiation, before `_start`.
    StartSection,
    /// More functions than `max_functions`.
    TooManyFunctions,
    /// A function with more locals (parameters included) than
    /// `max_locals_per_function`.
    TooManyLocals,
    /// A function whose locals (parameters included) weigh more than
    /// `max_local_bytes_per_function` bytes (`v128` 16, `i64`, `f64` and
    /// references 8, `i32` and `f32` 4).
    LocalsTooLarge,
    /// A function body larger than `max_function_bytes`.
    FunctionTooLarge,
    /// A memory larger than `max_memory_pages`.
    MemoryTooLarge,
    /// A memory without a declared maximum; the sandbox caps its growth.
    MemoryNoMaximum,
    /// A table larger than `max_table_elements`.
    TableTooLarge,
    /// A table without a declared maximum; the sandbox caps its growth.
    TableNoMaximum,
    /// Data segments larger than `max_data_bytes` together.
    DataTooLarge,
    /// More exports than `max_exports`.
    TooManyExports,
    /// Control flow nested deeper than `max_nesting_depth`.
    NestingTooDeep,
    /// A `br_table` with more labels than `max_br_table_targets`.
    BrTableTooLarge,
    /// A code section larger than `max_code_bytes`.
    CodeTooLarge,
    /// More `block`, `loop` and `if` instructions in the module than
    /// `max_blocks`.
    TooManyBlocks,
    /// More `block`, `loop` and `if` instructions in one function than
    /// `max_blocks_per_function`.
    FunctionTooManyBlocks,
    /// More loops in the module than `max_loops`.
    TooManyLoops,
    /// More loops in one function than `max_loops_per_function`.
    FunctionTooManyLoops,
    /// Functions that can call themselves, directly, mutually or through
    /// `call_indirect`; `detail` lists them.
    Recursion,
    /// The report lists only `max_findings` findings; this one counts the rest.
    FindingsTruncated,
}

/// How much a finding matters. Ordered from most to least serious.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Rejects the module.
    Error,
    /// Allowed by the policy, but worth knowing (e.g. permitted recursion).
    Warning,
    /// Recorded for the record (e.g. a start section).
    Info,
}

/// Where a finding is. Every part is optional; module-wide findings have none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The section it is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<Section>,
    /// The function index (in the function index space, imports first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<u32>,
    /// The byte offset from the start of the module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

/// A part of a module binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Section {
    /// The 8-byte preamble (magic and version).
    Header,
    /// Custom section.
    Custom,
    /// Type section.
    Type,
    /// Import section.
    Import,
    /// Function section.
    Function,
    /// Table section.
    Table,
    /// Memory section.
    Memory,
    /// Tag section.
    Tag,
    /// Global section.
    Global,
    /// Export section.
    Export,
    /// Start section.
    Start,
    /// Element section.
    Element,
    /// Data count section.
    DataCount,
    /// Code section.
    Code,
    /// Data section.
    Data,
}

/// Structured specifics of a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Detail {
    /// The import a finding is about.
    Import {
        /// Its module name.
        module: String,
        /// Its field name.
        name: String,
    },
    /// A policy limit and the module's value that exceeds it.
    Limit {
        /// The policy's limit.
        limit: u64,
        /// What the module declares or contains.
        actual: u64,
    },
    /// A call-graph cycle.
    Cycle {
        /// Function indices in the cycle, ascending; at most 64 are listed.
        functions: Vec<u32>,
        /// How many functions the cycle has in all.
        total: u32,
        /// Whether the cycle goes through `call_indirect`.
        indirect: bool,
    },
    /// The proposal a module needs, by its wasmparser feature name.
    Proposal {
        /// E.g. `stack_switching`.
        name: String,
    },
}

impl Finding {
    /// A finding without detail.
    pub(crate) fn new(
        code: FindingCode,
        severity: Severity,
        message: String,
        location: Location,
    ) -> Self {
        Self {
            code,
            severity,
            message,
            location,
            detail: None,
        }
    }

    /// This finding with `detail` attached.
    pub(crate) fn with(mut self, detail: Detail) -> Self {
        self.detail = Some(detail);
        self
    }

    /// The order of findings in a report: severity, then offset (module-wide
    /// findings last), then code.
    pub(crate) fn sort_key(&self) -> (Severity, u64, FindingCode) {
        (
            self.severity,
            self.location.offset.unwrap_or(u64::MAX),
            self.code,
        )
    }
}

impl Location {
    /// A module-wide location.
    pub(crate) fn module() -> Self {
        Self::default()
    }

    /// A place in a section.
    pub(crate) fn at(section: Section, offset: usize) -> Self {
        Self {
            section: Some(section),
            function: None,
            offset: Some(offset as u64),
        }
    }

    /// A place in a function body.
    pub(crate) fn in_function(function: u32, offset: usize) -> Self {
        Self {
            section: Some(Section::Code),
            function: Some(function),
            offset: Some(offset as u64),
        }
    }
}

impl Detail {
    /// A limit detail.
    pub(crate) fn limit(limit: impl Into<u64>, actual: impl Into<u64>) -> Self {
        Self::Limit {
            limit: limit.into(),
            actual: actual.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_in_snake_case() {
        let json = serde_json::to_string(&[
            FindingCode::ImportSignatureMismatch,
            FindingCode::Memory64,
            FindingCode::ComponentBinary,
        ])
        .unwrap();
        assert_eq!(
            json,
            r#"["import_signature_mismatch","memory64","component_binary"]"#
        );
    }

    #[test]
    fn details_are_tagged_by_kind() {
        let json = serde_json::to_string(&Detail::limit(5u32, 6u32)).unwrap();
        assert_eq!(json, r#"{"kind":"limit","limit":5,"actual":6}"#);
    }

    #[test]
    fn empty_location_parts_are_left_out() {
        let json = serde_json::to_string(&Location::at(Section::Import, 12)).unwrap();
        assert_eq!(json, r#"{"section":"import","offset":12}"#);
    }
}
