//! A static look at what a module declares, before anything is compiled.
//!
//! A module whose declared memories or tables cannot fit the sandbox's ceilings is refused
//! here with the [`Limit`] it breaks. Without this, the pooling allocator would reject it
//! inside the compiler with an error indistinguishable from a malformed module.

use wasmparser::{MemoryType, Parser, Payload, TableType, TypeRef};

use crate::{Config, Error, Limit};

/// Wasm's default page size, as a shift.
const DEFAULT_PAGE_SIZE_LOG2: u32 = 16;

/// The limit `wasm`'s declarations break under `config`, if any.
///
/// Reads only the import, memory and table sections; stops at the code section. Malformed
/// bytes are an [`Error::Compile`], as the compiler would report them.
pub(crate) fn precheck(wasm: &[u8], config: &Config) -> Result<Option<Limit>, Error> {
    let malformed = |e: wasmparser::BinaryReaderError| Error::Compile {
        reason: e.to_string(),
    };
    let mut declared = Declared::default();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(malformed)? {
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    match import.map_err(malformed)?.ty {
                        TypeRef::Memory(memory) => declared.memory(memory),
                        TypeRef::Table(table) => declared.table(table),
                        _ => {}
                    }
                }
            }
            Payload::MemorySection(memories) => {
                for memory in memories {
                    declared.memory(memory.map_err(malformed)?);
                }
            }
            Payload::TableSection(tables) => {
                for table in tables {
                    declared.table(table.map_err(malformed)?.ty);
                }
            }
            Payload::CodeSectionStart { .. } => break,
            _ => {}
        }
    }
    Ok(declared.breaks(config))
}

#[derive(Default)]
struct Declared {
    memories: u64,
    tables: u64,
    largest_memory_bytes: u128,
    largest_table: u64,
}

impl Declared {
    fn memory(&mut self, memory: MemoryType) {
        self.memories += 1;
        let page = 1u128
            << memory
                .page_size_log2
                .unwrap_or(DEFAULT_PAGE_SIZE_LOG2)
                .min(64);
        let bytes = u128::from(memory.initial).saturating_mul(page);
        self.largest_memory_bytes = self.largest_memory_bytes.max(bytes);
    }

    fn table(&mut self, table: TableType) {
        self.tables += 1;
        self.largest_table = self.largest_table.max(table.initial);
    }

    fn breaks(&self, config: &Config) -> Option<Limit> {
        let limits = &config.limits;
        if self.memories > u64::from(config.max_memories) {
            Some(Limit::Memories)
        } else if self.tables > u64::from(config.max_tables) {
            Some(Limit::Tables)
        } else if self.largest_memory_bytes > u128::from(limits.memory_bytes) {
            Some(Limit::Memory)
        } else if u128::from(self.largest_table) > limits.table_elements as u128 {
            Some(Limit::Table)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(wat: &str) -> Option<Limit> {
        precheck(&wat::parse_str(wat).unwrap(), &Config::default()).unwrap()
    }

    #[test]
    fn declarations_within_ceilings_pass() {
        assert_eq!(check("(module (memory 1) (table 10 funcref))"), None);
    }

    #[test]
    fn each_ceiling_is_reported() {
        assert_eq!(check("(module (memory 65536))"), Some(Limit::Memory));
        assert_eq!(
            check("(module (table 1000000 funcref))"),
            Some(Limit::Table)
        );
        assert_eq!(
            check("(module (memory 1) (memory 1))"),
            Some(Limit::Memories)
        );
        assert_eq!(
            check(r#"(module (import "m" "t" (table 1 funcref)) (table 1 funcref))"#),
            Some(Limit::Tables)
        );
    }

    #[test]
    fn garbage_is_a_compile_error() {
        let err = precheck(b"\0asm\x01\0\0\0\x05", &Config::default()).unwrap_err();
        assert!(matches!(err, Error::Compile { .. }));
    }
}
