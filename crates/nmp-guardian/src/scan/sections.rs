//! Module-level sections: types, functions, tables, memories, globals,
//! elements and data.

use wasmparser::{ConstExpr, ElementItems, FuncType, Operator, TableInit};

use super::Scan;
use crate::{Finding, FindingCode, Location, Section, Severity};

impl Scan<'_> {
    pub(super) fn types(
        &mut self,
        reader: wasmparser::TypeSectionReader<'_>,
    ) -> wasmparser::Result<()> {
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

    pub(super) fn functions(
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

    pub(super) fn tables(
        &mut self,
        reader: wasmparser::TableSectionReader<'_>,
    ) -> wasmparser::Result<()> {
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

    pub(super) fn memories(
        &mut self,
        reader: wasmparser::MemorySectionReader<'_>,
    ) -> wasmparser::Result<()> {
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

    pub(super) fn globals(
        &mut self,
        reader: wasmparser::GlobalSectionReader<'_>,
    ) -> wasmparser::Result<()> {
        for global in reader {
            self.const_expr(&global?.init_expr)?;
        }
        Ok(())
    }

    pub(super) fn elements(
        &mut self,
        reader: wasmparser::ElementSectionReader<'_>,
    ) -> wasmparser::Result<()> {
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

    pub(super) fn data(
        &mut self,
        reader: wasmparser::DataSectionReader<'_>,
    ) -> wasmparser::Result<()> {
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
}

/// Which kind of sized thing [`Scan::sizes`] checks.
#[derive(Clone, Copy)]
enum Extent {
    Memory,
    Table,
}
