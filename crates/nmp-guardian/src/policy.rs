//! What a node allows: static limits, the import allowlist and the recursion rule.

mod digest;
mod imports;

use serde::{Deserialize, Serialize};

pub use imports::{AllowedImport, ValueType};
pub(crate) use imports::{is_never_allowed, write_list};

/// One MiB, the unit of the byte limits below.
const MIB: u64 = 1024 * 1024;

/// The admission policy a [`Guardian`](crate::Guardian) enforces.
///
/// Every limit is inclusive (a module *at* the limit passes) and is checked
/// statically, before anything runs. Deserializing fills missing fields from
/// [`Policy::default`] and rejects unknown fields, so a node's configuration
/// can override one limit and a typo fails loudly instead of being ignored.
///
/// Beyond these limits, wasmparser enforces its own implementation limits
/// during validation (for example 1,000,000 types and 10,000,000 table
/// entries); a module over one of those is reported as
/// [`FindingCode::Invalid`](crate::FindingCode::Invalid).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Largest module accepted, in bytes.
    ///
    /// A larger module is rejected without being parsed. Defaults to 16 MiB.
    pub max_module_bytes: u64,
    /// Most functions in the function index space (imported plus defined).
    ///
    /// Defaults to 100_000.
    pub max_functions: u32,
    /// Most bytes in one function body (its local declarations and code).
    ///
    /// Cranelift compiles one function at a time, and its time and memory
    /// grow faster than linearly with a function's control flow and locals;
    /// this cap, the two locals caps and `max_blocks_per_function` bound the
    /// cost of the worst function (the crate README has the measurements
    /// behind the defaults). Defaults to 131_072 (128 KiB).
    pub max_function_bytes: u32,
    /// Most locals one function may address: its parameters plus its declared
    /// locals.
    ///
    /// Every local is an SSA variable the compiler carries through each join
    /// of control flow. Defaults to 512 (clang `-O2` functions have tens to
    /// a few hundred).
    pub max_locals_per_function: u32,
    /// Most bytes the locals of one function may weigh, parameters included:
    /// 4 for each `i32` or `f32`, 8 for each `i64`, `f64` or reference, 16 for
    /// each `v128`.
    ///
    /// Defaults to 4_096: 512 `i32` locals, or 256 `v128`.
    pub max_local_bytes_per_function: u32,
    /// Most 64 KiB pages a memory may declare, checked against both its
    /// initial size and its declared maximum.
    ///
    /// A memory without a declared maximum is accepted (with an
    /// [`Info`](crate::Severity::Info) finding): its growth is capped at run
    /// time by the sandbox's memory limit. Defaults to 4_096 (256 MiB).
    pub max_memory_pages: u64,
    /// Most elements a table may declare, checked against both its initial
    /// size and its declared maximum (per table).
    ///
    /// A table without a declared maximum is accepted with an
    /// [`Info`](crate::Severity::Info) finding; the sandbox caps its growth.
    /// Defaults to 100_000.
    pub max_table_elements: u64,
    /// Most bytes in all data segments together (active and passive).
    ///
    /// Defaults to 8 MiB.
    pub max_data_bytes: u64,
    /// Most exports.
    ///
    /// Defaults to 1_000.
    pub max_exports: u32,
    /// Deepest nesting of `block`, `loop` and `if` inside one function (the
    /// function body itself is depth 0).
    ///
    /// Defaults to 1_024.
    pub max_nesting_depth: u32,
    /// Most labels in one `br_table`, not counting its default label.
    ///
    /// Defaults to 65_536.
    pub max_br_table_targets: u32,
    /// Most bytes in the code section (all function bodies).
    ///
    /// Compile time grows with code size. Defaults to 12 MiB.
    pub max_code_bytes: u64,
    /// Most `block`, `loop` and `if` instructions in the whole module.
    ///
    /// Cranelift compiles the functions one after another, so this bounds
    /// the whole compile as the per-function caps bound one function.
    /// Defaults to 131_072 (a 2.5 MB module of clang-like code has about
    /// 72,000).
    pub max_blocks: u32,
    /// Most `block`, `loop` and `if` instructions in one function.
    ///
    /// Each one can end in a join of control flow, and Cranelift's time for
    /// one function grows faster than linearly with its joins (and with its
    /// locals, carried through each join). Defaults to 4_096.
    pub max_blocks_per_function: u32,
    /// Most `loop` instructions in the whole module.
    ///
    /// Small hostile modules with tens of thousands of loops make an
    /// optimizing compiler spend seconds; this budget bounds that.
    /// Defaults to 20_000.
    pub max_loops: u32,
    /// Most `loop` instructions in one function.
    ///
    /// Defaults to 2_000.
    pub max_loops_per_function: u32,
    /// Whether call-graph cycles reject the module.
    ///
    /// Defaults to [`RecursionPolicy::Reject`].
    pub recursion: RecursionPolicy,
    /// Most findings one report lists.
    ///
    /// Findings beyond it are counted in one final
    /// [`FindingCode::FindingsTruncated`](crate::FindingCode::FindingsTruncated)
    /// finding; the verdict always considers every finding. Defaults to 100.
    pub max_findings: u32,
    /// The host functions a module may import, each matched by module, name
    /// and exact signature. Nothing else may be imported: no memories,
    /// tables, globals or tags.
    ///
    /// Defaults to [`AllowedImport::wasi_preview1_defaults`]: 25 WASI preview 1
    /// functions for reading input and datasets and writing output. The
    /// Guardian never allows `wasi_snapshot_preview1` socket functions
    /// (`sock_*`) or `proc_raise`, even when listed here.
    pub imports: Vec<AllowedImport>,
}

/// What a call-graph cycle (recursion) means for the verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecursionPolicy {
    /// A cycle is an [`Error`](crate::Severity::Error): the module is rejected.
    #[default]
    Reject,
    /// A cycle is a [`Warning`](crate::Severity::Warning); the sandbox's stack
    /// limit still bounds the recursion at run time.
    Allow,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_module_bytes: 16 * MIB,
            max_functions: 100_000,
            max_function_bytes: 128 * 1024,
            max_locals_per_function: 512,
            max_local_bytes_per_function: 4 * 1024,
            max_memory_pages: 4_096,
            max_table_elements: 100_000,
            max_data_bytes: 8 * MIB,
            max_exports: 1_000,
            max_nesting_depth: 1_024,
            max_br_table_targets: 65_536,
            max_code_bytes: 12 * MIB,
            max_blocks: 131_072,
            max_blocks_per_function: 4_096,
            max_loops: 20_000,
            max_loops_per_function: 2_000,
            recursion: RecursionPolicy::Reject,
            max_findings: 100,
            imports: AllowedImport::wasi_preview1_defaults(),
        }
    }
}

impl Policy {
    /// Puts the allowlist in canonical form: sorted, without duplicates, and
    /// without the imports the Guardian never allows.
    pub(crate) fn normalized(mut self) -> Self {
        self.imports.retain(|import| !import.is_never_allowed());
        self.imports.sort();
        self.imports.dedup();
        self
    }

    /// The allowlist entries for `module::name` (the list must be normalized).
    pub(crate) fn allowed(&self, module: &str, name: &str) -> &[AllowedImport] {
        let key = (module, name);
        let start = self.imports.partition_point(|a| a.key() < key);
        let len = self.imports[start..].partition_point(|a| a.key() == key);
        &self.imports[start..start + len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_toml_like_json_gives_defaults() {
        let policy: Policy = serde_json::from_str("{}").unwrap();
        assert_eq!(policy, Policy::default());
    }

    #[test]
    fn one_field_overrides_and_the_rest_default() {
        let policy: Policy =
            serde_json::from_str(r#"{"max_loops": 5, "recursion": "allow"}"#).unwrap();
        assert_eq!(policy.max_loops, 5);
        assert_eq!(policy.recursion, RecursionPolicy::Allow);
        assert_eq!(policy.max_exports, Policy::default().max_exports);
    }

    #[test]
    fn unknown_fields_are_rejected() {
        assert!(serde_json::from_str::<Policy>(r#"{"max_lops": 5}"#).is_err());
    }

    #[test]
    fn normalization_drops_never_allowed_and_duplicates() {
        let mut policy = Policy::default();
        let fd_write = policy.imports[0].clone();
        policy.imports.push(fd_write);
        policy
            .imports
            .push(AllowedImport::wasi("sock_accept", &[ValueType::I32], &[]));
        policy
            .imports
            .push(AllowedImport::wasi("proc_raise", &[ValueType::I32], &[]));
        let normalized = policy.normalized();
        assert_eq!(normalized.imports.len(), 25);
        assert!(
            normalized
                .allowed("wasi_snapshot_preview1", "sock_accept")
                .is_empty()
        );
        assert_eq!(
            normalized
                .allowed("wasi_snapshot_preview1", "fd_write")
                .len(),
            1
        );
    }
}
