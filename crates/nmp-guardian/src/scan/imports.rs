//! The module's interface: what it imports and what it exports.

use std::fmt;

use wasmparser::{ExternalKind, FuncType, TypeRef};

use super::Scan;
use crate::policy::{is_never_allowed, write_list};
use crate::{Detail, Finding, FindingCode, Location, Section, Severity};

/// Longest import name a report repeats, in bytes; hostile names can be
/// 100,000 bytes long.
const MAX_NAME_BYTES: usize = 256;

impl Scan<'_> {
    pub(super) fn imports(
        &mut self,
        reader: wasmparser::ImportSectionReader<'_>,
    ) -> wasmparser::Result<()> {
        for import in reader.into_imports_with_offsets() {
            let (offset, import) = import?;
            let at = Location::at(Section::Import, offset);
            let kind = match import.ty {
                TypeRef::Func(ty) | TypeRef::FuncExact(ty) => {
                    self.funcs.push(ty);
                    self.imported_funcs += 1;
                    self.function_import(at, import.module, import.name, ty);
                    continue;
                }
                TypeRef::Memory(_) => "a memory",
                TypeRef::Table(_) => "a table",
                TypeRef::Global(_) => "a global",
                TypeRef::Tag(_) => "a tag",
            };
            let why = format!("imports {kind}; modules may import only allowed functions");
            self.forbidden(at, import.module, import.name, &why);
        }
        Ok(())
    }

    fn function_import(&mut self, at: Location, module: &str, name: &str, ty: u32) {
        if is_never_allowed(module, name) {
            self.forbidden(at, module, name, "is never allowed");
            return;
        }
        let allowed = self.policy.allowed(module, name);
        let Some(first) = allowed.first() else {
            self.forbidden(at, module, name, "is not on this node's allowlist");
            return;
        };
        // A type index that is not a function type is the validator's to report.
        let Some(actual) = self.sig_of_type(ty).and_then(|s| self.sigs.get(s as usize)) else {
            return;
        };
        if allowed.iter().any(|a| a.matches(actual)) {
            return;
        }
        let message = format!(
            "`{}::{}` is imported as {}, but the allowlist has {}",
            clip(module),
            clip(name),
            Shown(actual),
            first.signature()
        );
        let finding = Finding::new(
            FindingCode::ImportSignatureMismatch,
            Severity::Error,
            message,
            at,
        );
        self.push(finding.with(import_detail(module, name)));
    }

    fn forbidden(&mut self, at: Location, module: &str, name: &str, why: &str) {
        let message = format!("`{}::{}` {why}", clip(module), clip(name));
        let finding = Finding::new(FindingCode::ForbiddenImport, Severity::Error, message, at);
        self.push(finding.with(import_detail(module, name)));
    }

    pub(super) fn exports(
        &mut self,
        reader: wasmparser::ExportSectionReader<'_>,
    ) -> wasmparser::Result<()> {
        let section = reader.range().start;
        let mut count = 0u64;
        for export in reader.into_iter_with_offsets() {
            let (offset, export) = export?;
            count += 1;
            match (export.name, export.kind) {
                ("_start", ExternalKind::Func) => self.start = Some(export.index),
                ("_start", _) => {
                    self.bad_start(Location::at(Section::Export, offset), "is not a function");
                }
                ("memory", ExternalKind::Memory) => self.memory_exported = true,
                _ => {}
            }
        }
        if count > u64::from(self.policy.max_exports) {
            self.limit(
                FindingCode::TooManyExports,
                Location::at(Section::Export, section),
                "exports",
                self.policy.max_exports,
                count,
            );
        }
        Ok(())
    }

    fn bad_start(&mut self, at: Location, why: &str) {
        self.start_reported = true;
        let message = format!("the `_start` export {why}; a WASI command needs `() -> ()`");
        self.push(Finding::new(
            FindingCode::BadStartExport,
            Severity::Error,
            message,
            at,
        ));
    }

    pub(super) fn start_section(&mut self, func: u32, offset: usize) {
        let message = format!(
            "function {func} is the start function: it runs at instantiation, before `_start`"
        );
        let at = Location {
            function: Some(func),
            ..Location::at(Section::Start, offset)
        };
        self.push(Finding::new(
            FindingCode::StartSection,
            Severity::Info,
            message,
            at,
        ));
    }

    /// A WASI command exports `_start: () -> ()` and its memory as `memory`.
    pub(super) fn check_command_exports(&mut self) {
        match self.start {
            Some(func) => {
                let fits = self
                    .sig_of_func(func)
                    .is_some_and(|s| s.params().is_empty() && s.results().is_empty());
                if !fits {
                    let why = match self.sig_of_func(func) {
                        Some(sig) => format!("has type {}", Shown(sig)),
                        None => "has no function type".to_owned(),
                    };
                    let at = Location {
                        function: Some(func),
                        ..Location::module()
                    };
                    self.bad_start(at, &why);
                }
            }
            None if !self.start_reported => self.push(Finding::new(
                FindingCode::MissingStartExport,
                Severity::Error,
                "no function is exported as `_start`: not a WASI command".to_owned(),
                Location::module(),
            )),
            None => {}
        }
        if !self.memory_exported {
            self.push(Finding::new(
                FindingCode::MissingMemoryExport,
                Severity::Error,
                "no memory is exported as `memory`: WASI cannot reach the module's memory"
                    .to_owned(),
                Location::module(),
            ));
        }
    }
}

fn import_detail(module: &str, name: &str) -> Detail {
    Detail::Import {
        module: clip(module).to_owned(),
        name: clip(name).to_owned(),
    }
}

/// `text` cut to at most [`MAX_NAME_BYTES`] on a character boundary.
fn clip(text: &str) -> &str {
    if text.len() <= MAX_NAME_BYTES {
        return text;
    }
    let mut end = MAX_NAME_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A wasmparser signature rendered like a policy one: `(i32) -> ()`.
struct Shown<'a>(&'a FuncType);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(f, self.0.params().iter())?;
        f.write_str(" -> ")?;
        write_list(f, self.0.results().iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_respects_char_boundaries() {
        let long = "é".repeat(200);
        let clipped = clip(&long);
        assert!(clipped.len() <= MAX_NAME_BYTES);
        assert!(clipped.chars().all(|c| c == 'é'));
        assert_eq!(clip("fd_write"), "fd_write");
    }
}
