//! Validating and observing each instruction in a single decode.
//!
//! [`Tee`] is a wasmparser visitor that shows the few instructions the policy
//! cares about to an [`Observer`] and forwards every instruction to the
//! function validator. Decoding into an `Operator` value and matching on it
//! instead costs about twice as much as wasmparser's own visitor-driven
//! validation; this keeps the Guardian close to it. The validator's control
//! frames are also the decoder's ([`FrameStack`]), as in wasmparser's own
//! function validation.

use wasmparser::{
    BinaryReader, BinaryReaderError, FrameKind, FrameStack, Operator, VisitOperator,
    VisitSimdOperator,
};

use super::Observer;

/// Forwards instructions to `inner` (the validator) after showing them to
/// `observer`.
pub(super) struct Tee<'o, V, O> {
    pub(super) inner: V,
    pub(super) observer: &'o mut O,
    /// Offset of the instruction being visited.
    pub(super) offset: usize,
}

/// Shows one instruction to the observer, by name; most show nothing.
macro_rules! observe {
    ($s:ident, Block $(, $a:ident)*) => {
        $s.observer.enter($s.offset)
    };
    ($s:ident, If $(, $a:ident)*) => {
        $s.observer.enter($s.offset)
    };
    ($s:ident, Try $(, $a:ident)*) => {
        $s.observer.enter($s.offset)
    };
    ($s:ident, TryTable $(, $a:ident)*) => {
        $s.observer.enter($s.offset)
    };
    ($s:ident, Loop $(, $a:ident)*) => {
        $s.observer.enter_loop($s.offset)
    };
    ($s:ident, End) => {
        $s.observer.end()
    };
    ($s:ident, BrTable, $targets:ident) => {
        $s.observer.br_table($s.offset, $targets.len())
    };
    ($s:ident, Call, $f:ident) => {
        $s.observer.call($f)
    };
    ($s:ident, ReturnCall, $f:ident) => {
        $s.observer.call($f)
    };
    ($s:ident, CallIndirect, $ty:ident, $table:ident) => {
        $s.observer.call_indirect($ty)
    };
    ($s:ident, ReturnCallIndirect, $ty:ident, $table:ident) => {
        $s.observer.call_indirect($ty)
    };
    ($s:ident, CallRef, $ty:ident) => {
        $s.observer.call_indirect($ty)
    };
    ($s:ident, ReturnCallRef, $ty:ident) => {
        $s.observer.call_indirect($ty)
    };
    ($s:ident, RefFunc, $f:ident) => {
        $s.observer.ref_func($f)
    };
    ($s:ident, $other:ident $(, $a:ident)*) => {};
}

/// One forwarding method per instruction, observing first.
macro_rules! tee {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        $(
            #[inline]
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                observe!(self, $op $($(, $arg)*)?);
                self.inner.$visit($($($arg),*)?)
            }
        )*
    };
}

/// SIMD instructions concern no policy check: forward only, to the
/// validator's SIMD visitor.
macro_rules! forward {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        $(
            #[inline]
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                self.simd(|simd| simd.$visit($($($arg),*)?))
            }
        )*
    };
}

impl<'a, V, O> Tee<'_, V, O>
where
    V: VisitOperator<'a, Output = Result<(), BinaryReaderError>>,
{
    /// Forwards a SIMD instruction to the validator's SIMD visitor. The
    /// decoder only calls this after [`VisitOperator::simd_visitor`] found
    /// one, so the refusal below is never reached; it is there so that a
    /// missing visitor could never let an instruction through unvalidated.
    fn simd(
        &mut self,
        visit: impl FnOnce(
            &mut dyn VisitSimdOperator<'a, Output = Result<(), BinaryReaderError>>,
        ) -> Result<(), BinaryReaderError>,
    ) -> Result<(), BinaryReaderError> {
        let offset = self.offset;
        match self.inner.simd_visitor() {
            Some(simd) => visit(simd),
            // wasmparser has no public error constructor: this is the error of
            // reading a byte from an empty input at this offset.
            None => BinaryReader::new(&[], offset).read_u8().map(drop),
        }
    }
}

impl<V: FrameStack, O> FrameStack for Tee<'_, V, O> {
    fn current_frame(&self) -> Option<FrameKind> {
        self.inner.current_frame()
    }
}

impl<'a, V, O> VisitOperator<'a> for Tee<'_, V, O>
where
    V: VisitOperator<'a, Output = Result<(), BinaryReaderError>>,
    O: Observer,
{
    type Output = Result<(), BinaryReaderError>;

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        // Without the validator's SIMD visitor the decoder refuses the
        // instruction itself.
        self.inner.simd_visitor()?;
        Some(self)
    }

    wasmparser::for_each_visit_operator!(tee);
}

impl<'a, V, O> VisitSimdOperator<'a> for Tee<'_, V, O>
where
    V: VisitOperator<'a, Output = Result<(), BinaryReaderError>>,
    O: Observer,
{
    wasmparser::for_each_visit_simd_operator!(forward);
}

/// Shows an already decoded instruction to the observer (the path used
/// after validation has failed, when only the policy checks go on).
pub(super) fn observe_operator<O: Observer>(observer: &mut O, offset: usize, op: &Operator<'_>) {
    match op {
        Operator::Block { .. }
        | Operator::If { .. }
        | Operator::Try { .. }
        | Operator::TryTable { .. } => observer.enter(offset),
        Operator::Loop { .. } => observer.enter_loop(offset),
        Operator::End => observer.end(),
        Operator::BrTable { targets } => observer.br_table(offset, targets.len()),
        Operator::Call { function_index } | Operator::ReturnCall { function_index } => {
            observer.call(*function_index);
        }
        Operator::CallIndirect { type_index, .. }
        | Operator::ReturnCallIndirect { type_index, .. }
        | Operator::CallRef { type_index }
        | Operator::ReturnCallRef { type_index } => observer.call_indirect(*type_index),
        Operator::RefFunc { function_index } => observer.ref_func(*function_index),
        _ => {}
    }
}
