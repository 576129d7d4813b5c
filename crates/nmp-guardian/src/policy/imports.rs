//! The import allowlist: host functions matched by module, name and exact signature.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The module name WASI preview 1 functions are imported from.
const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// One host function a module may import.
///
/// An import matches when its module, name, parameter types and result types
/// are all equal to this entry's. In TOML:
///
/// ```toml
/// [[imports]]
/// module = "wasi_snapshot_preview1"
/// name = "fd_write"
/// params = ["i32", "i32", "i32", "i32"]
/// results = ["i32"]
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedImport {
    /// The import's module name, e.g. `wasi_snapshot_preview1`.
    pub module: String,
    /// The import's field name, e.g. `fd_write`.
    pub name: String,
    /// The exact parameter types, in order.
    pub params: Vec<ValueType>,
    /// The exact result types, in order.
    pub results: Vec<ValueType>,
}

/// A WebAssembly value type, as written in a policy.
///
/// Serialized in lower case, as in the text format (`"i32"`, `"externref"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit float.
    F32,
    /// 64-bit float.
    F64,
    /// 128-bit SIMD vector.
    V128,
    /// Nullable function reference.
    Funcref,
    /// Nullable external reference.
    Externref,
}

impl AllowedImport {
    /// A `wasi_snapshot_preview1` function with the given signature.
    pub fn wasi(name: &str, params: &[ValueType], results: &[ValueType]) -> Self {
        Self {
            module: WASI_MODULE.to_owned(),
            name: name.to_owned(),
            params: params.to_vec(),
            results: results.to_vec(),
        }
    }

    /// The default allowlist: 25 WASI preview 1 functions with their exact
    /// signatures (arguments, environment, clocks, randomness, reading files
    /// and directories, writing to already open descriptors, `poll_oneoff`,
    /// `sched_yield` and `proc_exit`).
    ///
    /// Sockets and `proc_raise` are absent, and so is everything that creates,
    /// renames or deletes files; the sandbox additionally preopens datasets
    /// read-only.
    pub fn wasi_preview1_defaults() -> Vec<Self> {
        use ValueType::{I32, I64};
        let errno = &[I32][..];
        vec![
            Self::wasi("fd_write", &[I32, I32, I32, I32], errno),
            Self::wasi("fd_read", &[I32, I32, I32, I32], errno),
            Self::wasi("fd_pread", &[I32, I32, I32, I64, I32], errno),
            Self::wasi("fd_close", &[I32], errno),
            Self::wasi("fd_seek", &[I32, I64, I32, I32], errno),
            Self::wasi("fd_tell", &[I32, I32], errno),
            Self::wasi("fd_advise", &[I32, I64, I64, I32], errno),
            Self::wasi("fd_fdstat_get", &[I32, I32], errno),
            Self::wasi("fd_fdstat_set_flags", &[I32, I32], errno),
            Self::wasi("fd_filestat_get", &[I32, I32], errno),
            Self::wasi("fd_prestat_get", &[I32, I32], errno),
            Self::wasi("fd_prestat_dir_name", &[I32, I32, I32], errno),
            Self::wasi("fd_readdir", &[I32, I32, I32, I64, I32], errno),
            Self::wasi("path_filestat_get", &[I32, I32, I32, I32, I32], errno),
            Self::wasi(
                "path_open",
                &[I32, I32, I32, I32, I32, I64, I64, I32, I32],
                errno,
            ),
            Self::wasi("args_get", &[I32, I32], errno),
            Self::wasi("args_sizes_get", &[I32, I32], errno),
            Self::wasi("environ_get", &[I32, I32], errno),
            Self::wasi("environ_sizes_get", &[I32, I32], errno),
            Self::wasi("clock_res_get", &[I32, I32], errno),
            Self::wasi("clock_time_get", &[I32, I64, I32], errno),
            Self::wasi("poll_oneoff", &[I32, I32, I32, I32], errno),
            Self::wasi("random_get", &[I32, I32], errno),
            Self::wasi("sched_yield", &[], errno),
            Self::wasi("proc_exit", &[I32], &[]),
        ]
    }

    /// Imports no policy can allow: WASI sockets and `proc_raise`.
    pub(crate) fn is_never_allowed(&self) -> bool {
        is_never_allowed(&self.module, &self.name)
    }

    /// The (module, name) pair the allowlist is sorted by.
    pub(crate) fn key(&self) -> (&str, &str) {
        (&self.module, &self.name)
    }

    /// Whether `ty` is exactly this entry's signature.
    pub(crate) fn matches(&self, ty: &wasmparser::FuncType) -> bool {
        same_types(&self.params, ty.params()) && same_types(&self.results, ty.results())
    }

    /// This entry's signature, as `(i32, i64) -> i32`.
    pub(crate) fn signature(&self) -> Signature<'_> {
        Signature {
            params: &self.params,
            results: &self.results,
        }
    }
}

/// Whether `module::name` is an import no policy can allow.
pub(crate) fn is_never_allowed(module: &str, name: &str) -> bool {
    module == WASI_MODULE && (name.starts_with("sock_") || name == "proc_raise")
}

impl ValueType {
    /// The policy type for a wasmparser type, if it has one.
    pub(crate) fn from_wasm(ty: wasmparser::ValType) -> Option<Self> {
        use wasmparser::{RefType, ValType};
        Some(match ty {
            ValType::I32 => Self::I32,
            ValType::I64 => Self::I64,
            ValType::F32 => Self::F32,
            ValType::F64 => Self::F64,
            ValType::V128 => Self::V128,
            ValType::Ref(RefType::FUNCREF) => Self::Funcref,
            ValType::Ref(RefType::EXTERNREF) => Self::Externref,
            ValType::Ref(_) => return None,
        })
    }

    /// The binary-format type code, used by the policy digest.
    pub(crate) fn code(self) -> u8 {
        match self {
            Self::I32 => 0x7f,
            Self::I64 => 0x7e,
            Self::F32 => 0x7d,
            Self::F64 => 0x7c,
            Self::V128 => 0x7b,
            Self::Funcref => 0x70,
            Self::Externref => 0x6f,
        }
    }
}

fn same_types(policy: &[ValueType], wasm: &[wasmparser::ValType]) -> bool {
    policy.len() == wasm.len()
        && policy
            .iter()
            .zip(wasm)
            .all(|(p, w)| ValueType::from_wasm(*w) == Some(*p))
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::I32 => "i32",
            Self::I64 => "i64",
            Self::F32 => "f32",
            Self::F64 => "f64",
            Self::V128 => "v128",
            Self::Funcref => "funcref",
            Self::Externref => "externref",
        })
    }
}

/// A function signature rendered as `(i32, i64) -> i32`.
pub(crate) struct Signature<'a> {
    params: &'a [ValueType],
    results: &'a [ValueType],
}

impl fmt::Display for Signature<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(f, self.params.iter())?;
        f.write_str(" -> ")?;
        write_list(f, self.results.iter())
    }
}

/// Writes `(a, b)` for any displayable items.
pub(crate) fn write_list<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    items: impl Iterator<Item = T>,
) -> fmt::Result {
    f.write_str("(")?;
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    f.write_str(")")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_have_25_distinct_wasi_functions() {
        let defaults = AllowedImport::wasi_preview1_defaults();
        let mut names: Vec<_> = defaults.iter().map(|a| a.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 25);
        assert!(defaults.iter().all(|a| a.module == WASI_MODULE));
        assert!(!defaults.iter().any(AllowedImport::is_never_allowed));
    }

    #[test]
    fn path_open_has_the_preview1_signature() {
        let defaults = AllowedImport::wasi_preview1_defaults();
        let path_open = defaults.iter().find(|a| a.name == "path_open").unwrap();
        assert_eq!(
            path_open.signature().to_string(),
            "(i32, i32, i32, i32, i32, i64, i64, i32, i32) -> (i32)"
        );
    }

    #[test]
    fn value_types_serialize_in_lower_case() {
        let json = serde_json::to_string(&[ValueType::I64, ValueType::Externref]).unwrap();
        assert_eq!(json, r#"["i64","externref"]"#);
    }

    #[test]
    fn never_allowed_covers_sockets_and_proc_raise_only() {
        assert!(is_never_allowed(WASI_MODULE, "sock_accept"));
        assert!(is_never_allowed(WASI_MODULE, "proc_raise"));
        assert!(!is_never_allowed(WASI_MODULE, "proc_exit"));
        assert!(!is_never_allowed("env", "sock_accept"));
    }
}
