//! Generators of hostile modules for tests and benchmarks, behind the `testing` feature.
//!
//! Not for production: the modules here exist to measure what the policy's per-function caps
//! bound (compile time and memory) and to attack a node with them.

use crate::Policy;

/// The shape of a compile bomb: a WASI command whose only function, `_start`, declares many
/// locals and runs a long chain of `if` blocks, each reading one local and writing another.
///
/// Cranelift turns every local into an SSA variable; each `if` ends in a join, and a read of a
/// local last written many joins back walks (and adds block parameters to) every join in
/// between. Time and memory therefore grow with `locals × ifs`, not with the module's size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bomb {
    /// Locals declared by the function (it has no parameters).
    pub locals: u32,
    /// The type of every local.
    pub local_type: LocalType,
    /// `if` blocks in the chain.
    pub ifs: u32,
    /// How many of the `if`s are nested inside one another before the chain goes on (1: all
    /// sequential). Sets the function's control-flow nesting depth.
    pub nesting: u32,
    /// Copies of the function in the module (at least one); only the first is `_start`, but
    /// every copy is compiled.
    pub functions: u32,
}

/// The value type of a [`Bomb`]'s locals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalType {
    /// `i32`, 4 bytes.
    I32,
    /// `i64`, 8 bytes.
    I64,
    /// `v128`, 16 bytes.
    V128,
}

impl Bomb {
    /// The costliest bomb `policy` admits with locals of `local_type` and `nesting`: as many
    /// locals as both locals caps allow, as many `if`s as `max_function_bytes` and
    /// `max_blocks_per_function` admit, and as many copies of that function as `max_blocks`
    /// admits.
    pub fn largest(policy: &Policy, local_type: LocalType, nesting: u32) -> Self {
        let locals = policy
            .max_locals_per_function
            .min(policy.max_local_bytes_per_function / local_type.bytes());
        let mut bomb = Self {
            locals,
            local_type,
            ifs: 0,
            nesting: nesting.min(policy.max_nesting_depth),
            functions: 1,
        };
        let fits = |ifs| {
            let bytes = Self { ifs, ..bomb }.body().len() as u64;
            bytes <= u64::from(policy.max_function_bytes) && ifs <= policy.max_blocks_per_function
        };
        // The largest `ifs` that fits: body length grows with it.
        let (mut low, mut high) = (0, policy.max_function_bytes);
        while low < high {
            let mid = low + (high - low).div_ceil(2);
            if fits(mid) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        bomb.ifs = low;
        bomb.functions = (policy.max_blocks / low.max(1)).max(1);
        bomb
    }

    /// The module, in binary format (about 8 to 12 bytes per `if`).
    pub fn wasm(&self) -> Vec<u8> {
        let body = self.body();
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        // type 0 = [] -> []
        section(&mut module, 1, &[1, 0x60, 0, 0]);
        // the functions, all of type 0
        let functions = self.functions.max(1);
        let mut declared = Vec::new();
        leb(&mut declared, u64::from(functions));
        declared.extend(std::iter::repeat_n(0, functions as usize));
        section(&mut module, 3, &declared);
        // one memory, min 1, max 1
        section(&mut module, 5, &[1, 1, 1, 1]);
        let mut exports = vec![2];
        name(&mut exports, "memory");
        exports.extend([2, 0]);
        name(&mut exports, "_start");
        exports.extend([0, 0]);
        section(&mut module, 7, &exports);
        let mut code = Vec::new();
        leb(&mut code, u64::from(functions));
        for _ in 0..functions {
            leb(&mut code, body.len() as u64);
            code.extend_from_slice(&body);
        }
        section(&mut module, 10, &code);
        module
    }

    /// The function body: its local declarations, the chain, `end`.
    fn body(&self) -> Vec<u8> {
        let mut body = Vec::new();
        if self.locals == 0 {
            body.push(0);
        } else {
            body.push(1);
            leb(&mut body, u64::from(self.locals));
            body.push(self.local_type.code());
        }
        let locals = u64::from(self.locals.max(1));
        let nesting = self.nesting.max(1);
        let mut open = 0;
        for k in 0..u64::from(self.ifs) {
            // i32.const 1; if (empty block type)
            body.extend([0x41, 1, 0x04, 0x40]);
            if self.locals > 0 {
                body.push(0x20); // local.get
                leb(&mut body, k % locals);
                body.push(0x21); // local.set
                leb(&mut body, k.wrapping_mul(7).wrapping_add(1) % locals);
            }
            open += 1;
            if open == nesting {
                body.extend(std::iter::repeat_n(0x0b, open as usize));
                open = 0;
            }
        }
        body.extend(std::iter::repeat_n(0x0b, open as usize));
        body.push(0x0b);
        body
    }
}

impl LocalType {
    /// Its weight in [`Policy::max_local_bytes_per_function`].
    pub fn bytes(self) -> u32 {
        match self {
            Self::I32 => 4,
            Self::I64 => 8,
            Self::V128 => 16,
        }
    }

    fn code(self) -> u8 {
        match self {
            Self::I32 => 0x7f,
            Self::I64 => 0x7e,
            Self::V128 => 0x7b,
        }
    }
}

fn section(module: &mut Vec<u8>, id: u8, contents: &[u8]) {
    module.push(id);
    leb(module, contents.len() as u64);
    module.extend_from_slice(contents);
}

fn name(out: &mut Vec<u8>, text: &str) {
    leb(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bomb_is_a_valid_module_of_the_asked_shape() {
        for local_type in [LocalType::I32, LocalType::I64, LocalType::V128] {
            let bomb = Bomb {
                locals: 300,
                local_type,
                ifs: 1_000,
                nesting: 3,
                functions: 2,
            };
            let wasm = bomb.wasm();
            crate::validate(&wasm).unwrap();
            assert!(wasm.len() > 8_000, "{}", wasm.len());
        }
    }

    #[test]
    fn the_largest_bomb_is_at_every_cap_and_accepted() {
        let policy = Policy::default();
        for local_type in [LocalType::I32, LocalType::V128] {
            let bomb = Bomb::largest(&policy, local_type, 4);
            let body = bomb.body().len() as u64;
            assert!(body <= u64::from(policy.max_function_bytes));
            assert_eq!(bomb.ifs, policy.max_blocks_per_function);
            assert_eq!(bomb.ifs * bomb.functions, policy.max_blocks);
            let report = crate::Guardian::new(policy.clone()).inspect(&bomb.wasm());
            assert!(report.is_accepted(), "{:#?}", report.findings);
            for over in [
                Bomb {
                    ifs: bomb.ifs + 1,
                    ..bomb
                },
                Bomb {
                    functions: bomb.functions + 1,
                    ..bomb
                },
            ] {
                let report = crate::Guardian::new(policy.clone()).inspect(&over.wasm());
                assert!(!report.is_accepted());
            }
        }
    }
}
