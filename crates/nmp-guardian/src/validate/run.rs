//! One validation run over a module, optionally observed and optionally partial.
//!
//! The Guardian's main pass is a run with an observer that gathers policy
//! facts from the same decoded operators the validator checks. Proposal
//! probes are partial runs with other feature sets.

use std::mem::take;

use wasmparser::{
    BinaryReaderError, FuncValidator, FuncValidatorAllocations, FunctionBody, OperatorsReader,
    OperatorsReaderAllocations, Parser, Payload, ValidPayload, Validator, ValidatorResources,
    WasmFeatures,
};

use super::tee::{Tee, observe_operator};
use crate::Section;
use crate::scan::local_bytes;

/// Sees what a run decodes.
pub(crate) trait Observer {
    /// Whether the run keeps decoding (without validating) after the first
    /// validation failure, so that the observer sees the rest of the module.
    const KEEP_GOING: bool;

    /// Sees a payload before it is validated. An error means its contents do
    /// not decode: the run stops there.
    fn payload(&mut self, payload: &Payload<'_>) -> wasmparser::Result<()>;

    /// Sees the locals a function body declares: how many, and their size in
    /// bytes (see [`local_bytes`](crate::scan::local_bytes)).
    fn locals(&mut self, declared: u64, bytes: u64);

    /// Sees `block`, `if`, `try` or `try_table` at `offset`.
    fn enter(&mut self, _offset: usize) {}

    /// Sees `loop` at `offset`.
    fn enter_loop(&mut self, _offset: usize) {}

    /// Sees `end`.
    fn end(&mut self) {}

    /// Sees a `br_table` with `labels` labels besides its default.
    fn br_table(&mut self, _offset: usize, _labels: u32) {}

    /// Sees a direct call (or tail call) of `func`.
    fn call(&mut self, _func: u32) {}

    /// Sees an indirect call (`call_indirect`, `call_ref` or their tail-call
    /// forms) of type `type_index`.
    fn call_indirect(&mut self, _type_index: u32) {}

    /// Sees `ref.func` of `func` in a function body.
    fn ref_func(&mut self, _func: u32) {}
}

/// The unobserved run.
impl Observer for () {
    const KEEP_GOING: bool = false;

    fn payload(&mut self, _: &Payload<'_>) -> wasmparser::Result<()> {
        Ok(())
    }

    fn locals(&mut self, _: u64, _: u64) {}
}

/// Which payloads a run covers, by ordinal (the n-th payload the parser yields).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Span {
    /// Function bodies before this payload are registered but not validated
    /// (an earlier run already validated them).
    pub(crate) from: usize,
    /// The run ends after this payload, if set.
    pub(crate) until: Option<usize>,
}

impl Span {
    /// The whole module.
    pub(crate) const WHOLE: Self = Self {
        from: 0,
        until: None,
    };
}

/// Whether a failure is in decoding or in validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FailureKind {
    /// The bytes do not decode.
    Malformed,
    /// The decoded module breaks a validation rule.
    Invalid,
}

/// The first thing a run could not accept.
#[derive(Debug)]
pub(crate) struct Failure {
    /// Ordinal of the payload it is in.
    pub(crate) ordinal: usize,
    pub(crate) kind: FailureKind,
    pub(crate) section: Option<Section>,
    /// The function whose body it is in.
    pub(crate) function: Option<u32>,
    pub(crate) error: BinaryReaderError,
}

/// Validates `bytes` with `features` over `span`, showing `observer` what is
/// decoded. Never panics on any input.
pub(crate) fn run<O: Observer>(
    bytes: &[u8],
    features: WasmFeatures,
    span: Span,
    observer: &mut O,
) -> Result<(), Failure> {
    let mut validator = Some(Validator::new_with_features(features));
    let mut parser = Parser::new(0);
    parser.set_features(features);
    let mut failure = None;
    let mut func_allocs = FuncValidatorAllocations::default();
    let mut op_allocs = OperatorsReaderAllocations::default();
    for (ordinal, payload) in parser.parse_all(bytes).enumerate() {
        let fail = |kind, section, function, error| Failure {
            ordinal,
            kind,
            section,
            function,
            error,
        };
        let payload = match payload {
            Ok(payload) => payload,
            Err(e) => return Err(failure.unwrap_or(fail(FailureKind::Malformed, None, None, e))),
        };
        let section = section_of(&payload);
        if let Err(e) = observer.payload(&payload) {
            return Err(failure.unwrap_or(fail(FailureKind::Malformed, section, None, e)));
        }
        let mut func = None;
        if let Some(v) = validator.as_mut() {
            match v.payload(&payload) {
                Ok(ValidPayload::Func(to_validate, _)) if ordinal >= span.from => {
                    func = Some(to_validate);
                }
                Ok(_) => {}
                Err(e) => {
                    failure = Some(fail(FailureKind::Invalid, section, None, e));
                    if !O::KEEP_GOING {
                        break;
                    }
                    validator = None;
                }
            }
        }
        if let Payload::CodeSectionEntry(body) = &payload
            && (func.is_some() || validator.is_none())
        {
            let function = func.as_ref().map(|f| f.index);
            let mut fv = func.map(|f| f.into_validator(take(&mut func_allocs)));
            let walked = walk(body, fv.as_mut(), observer, &mut op_allocs);
            if let Some(fv) = fv {
                func_allocs = fv.into_allocations();
            }
            if let Err((kind, e)) = walked {
                let stop = kind == FailureKind::Malformed || !O::KEEP_GOING;
                failure.get_or_insert(fail(kind, Some(Section::Code), function, e));
                if stop {
                    break;
                }
                validator = None;
            }
        }
        if span.until == Some(ordinal) {
            break;
        }
    }
    failure.map_or(Ok(()), Err)
}

/// Decodes one function body once, validating (when `validator` is given) and
/// observing each instruction as it comes.
fn walk<O: Observer>(
    body: &FunctionBody<'_>,
    mut validator: Option<&mut FuncValidator<ValidatorResources>>,
    observer: &mut O,
    allocs: &mut OperatorsReaderAllocations,
) -> Result<(), (FailureKind, BinaryReaderError)> {
    let malformed = |e| (FailureKind::Malformed, e);
    let invalid = |e| (FailureKind::Invalid, e);
    let mut locals = body.get_locals_reader().map_err(malformed)?;
    let (mut declared, mut bytes) = (0u64, 0u64);
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, ty) = locals.read().map_err(malformed)?;
        declared += u64::from(count);
        bytes += u64::from(count) * local_bytes(ty);
        if let Some(v) = validator.as_mut() {
            v.define_locals(offset, count, ty).map_err(invalid)?;
        }
    }
    observer.locals(declared, bytes);
    let mut reader = locals.get_binary_reader();
    let Some(v) = validator else {
        // Validation has already failed: decode only, for the policy checks. The operators
        // reader tracks the control frames decoding needs.
        let mut ops = OperatorsReader::new_with_allocs(reader, take(allocs));
        while !ops.eof() {
            let offset = ops.original_position();
            let op = ops.read().map_err(malformed)?;
            observe_operator(observer, offset, &op);
        }
        ops.finish().map_err(malformed)?;
        *allocs = ops.into_allocations();
        return Ok(());
    };
    // Validating: the validator's own control frames serve the decoder, as in wasmparser's
    // `FuncValidator::validate`, so frames are tracked once rather than twice.
    while !reader.eof() {
        let offset = reader.original_position();
        let mut tee = Tee {
            inner: v.visitor(offset),
            observer: &mut *observer,
            offset,
        };
        // The outer error is a decoding one, the inner a validation one.
        reader
            .visit_operator(&mut tee)
            .map_err(malformed)?
            .map_err(invalid)?;
    }
    let offset = reader.original_position();
    reader
        .finish_expression(&v.visitor(offset))
        .map_err(malformed)
}

/// The section a payload belongs to, for locations.
pub(crate) fn section_of(payload: &Payload<'_>) -> Option<Section> {
    Some(match payload {
        Payload::Version { .. } => Section::Header,
        Payload::TypeSection(_) => Section::Type,
        Payload::ImportSection(_) => Section::Import,
        Payload::FunctionSection(_) => Section::Function,
        Payload::TableSection(_) => Section::Table,
        Payload::MemorySection(_) => Section::Memory,
        Payload::TagSection(_) => Section::Tag,
        Payload::GlobalSection(_) => Section::Global,
        Payload::ExportSection(_) => Section::Export,
        Payload::StartSection { .. } => Section::Start,
        Payload::ElementSection(_) => Section::Element,
        Payload::DataCountSection { .. } => Section::DataCount,
        Payload::DataSection(_) => Section::Data,
        Payload::CodeSectionStart { .. } | Payload::CodeSectionEntry(_) => Section::Code,
        Payload::CustomSection(_) => Section::Custom,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::features;

    /// Payloads: version 0, types 1, functions 2, code start 3, bodies 4 and
    /// 5 (the first invalid), end 6.
    fn module() -> Vec<u8> {
        wat::parse_str("(module (func (result i32) i64.const 0) (func))").unwrap()
    }

    #[test]
    fn a_failure_names_its_payload_and_function() {
        let failure = run(&module(), features(), Span::WHOLE, &mut ()).unwrap_err();
        assert_eq!(failure.ordinal, 4);
        assert_eq!(failure.function, Some(0));
        assert_eq!(failure.kind, FailureKind::Invalid);
        assert_eq!(failure.section, Some(Section::Code));
    }

    #[test]
    fn bodies_before_from_are_skipped() {
        let span = Span {
            from: 5,
            until: None,
        };
        assert!(run(&module(), features(), span, &mut ()).is_ok());
    }

    #[test]
    fn a_run_ends_after_until() {
        let span = Span {
            from: 0,
            until: Some(3),
        };
        assert!(run(&module(), features(), span, &mut ()).is_ok());
    }
}
