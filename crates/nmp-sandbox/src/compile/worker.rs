//! The child side of [`Isolation::Process`](crate::Isolation::Process): limit this process,
//! read one module from stdin, compile it, write the artifact to stdout.
//!
//! The parent passes everything the child needs in one argument, the [`Spec`]: the engine
//! settings (so both build their engine with the one [`wasm_config`]), the module's exact
//! length and the limits. Nothing is read from the environment, which the parent clears.

use std::io::{self, Read, Write};

use wasmtime::{CodeBuilder, Engine};

use crate::sandbox::engine::{EngineSettings, wasm_config};

/// Exit status: the arguments or the input were not what the parent sends.
pub(crate) const EXIT_USAGE: u8 = 64;
/// Exit status: the module does not compile; stderr holds the compiler's reason.
pub(crate) const EXIT_COMPILE: u8 = 65;
/// Exit status: the worker could not limit itself, build its engine or write its output.
pub(crate) const EXIT_HOST: u8 = 70;

/// Identifies the argument format, so a worker from another build refuses a spec it cannot
/// read instead of misreading it.
const TAG: &str = "nmp-compile/1";

/// One compile's settings and limits, as the parent passes them on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Spec {
    pub(crate) engine: EngineSettings,
    /// The module's exact length: the child reads no more.
    pub(crate) wasm_bytes: u64,
    /// `RLIMIT_AS`, bytes.
    pub(crate) memory_bytes: u64,
    /// `RLIMIT_CPU` soft limit, seconds; the hard limit is one more.
    pub(crate) cpu_secs: u64,
    /// The parent's process id: the child exits at once if it is already orphaned.
    pub(crate) parent: u32,
}

impl Spec {
    /// The spec as one command-line argument.
    pub(crate) fn encode(&self) -> String {
        format!(
            "{TAG}:stack={}:det={}:wasm={}:mem={}:cpu={}:parent={}",
            self.engine.max_wasm_stack,
            u8::from(self.engine.deterministic),
            self.wasm_bytes,
            self.memory_bytes,
            self.cpu_secs,
            self.parent,
        )
    }

    /// Reads [`Spec::encode`]'s output; anything else is `None`.
    pub(crate) fn decode(text: &str) -> Option<Self> {
        let mut fields = text.split(':');
        if fields.next()? != TAG {
            return None;
        }
        let mut next = |key: &str| -> Option<u64> {
            let (k, value) = fields.next()?.split_once('=')?;
            (k == key).then(|| value.parse().ok())?
        };
        let spec = Self {
            engine: EngineSettings {
                max_wasm_stack: usize::try_from(next("stack")?).ok()?,
                deterministic: match next("det")? {
                    0 => false,
                    1 => true,
                    _ => return None,
                },
            },
            wasm_bytes: next("wasm")?,
            memory_bytes: next("mem")?,
            cpu_secs: next("cpu")?,
            parent: u32::try_from(next("parent")?).ok()?,
        };
        fields.next().is_none().then_some(spec)
    }
}

/// Runs one compile as the worker process of
/// [`Isolation::Process`](crate::Isolation::Process) and returns the process's exit status.
///
/// `spec` is the argument the sandbox appended to [`Worker::args`](crate::Worker::args). The
/// worker first limits itself (address space, CPU time, no new processes or threads, no core
/// dumps or file writes, killed when its parent dies), then reads exactly the module's length
/// from stdin, compiles it with the engine configuration the sandbox uses, and writes the
/// artifact to stdout: status 0. A module that does not compile gives status 65 and the reason
/// on stderr; a spec or input that is not the sandbox's gives 64; a failure of this process
/// (limits, engine, output) gives 70. The program calling it should do nothing else before
/// (no threads, no reading stdin) and exit with the returned status right after.
///
/// ```no_run
/// // The `nmp` binary's hidden `compile-worker` subcommand, in essence:
/// let spec = std::env::args().nth(2).unwrap_or_default();
/// std::process::exit(i32::from(nmp_sandbox::compile_worker(&spec)));
/// ```
pub fn compile_worker(spec: &str) -> u8 {
    let Some(spec) = Spec::decode(spec) else {
        eprintln!("compile worker: unrecognised settings (from another build?)");
        return EXIT_USAGE;
    };
    if let Err(error) = super::limits::limit_self(&spec) {
        eprintln!("compile worker: cannot limit itself: {error}");
        return EXIT_HOST;
    }
    let wasm = match read_exactly(io::stdin().lock(), spec.wasm_bytes) {
        Ok(wasm) => wasm,
        Err(error) => {
            eprintln!("compile worker: {error}");
            return EXIT_USAGE;
        }
    };
    let engine = match Engine::new(&wasm_config(&spec.engine)) {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("compile worker: cannot create the engine: {error:#}");
            return EXIT_HOST;
        }
    };
    let artifact = match compile(&engine, &wasm) {
        Ok(artifact) => artifact,
        Err(error) => {
            eprint!("{error:#}");
            return EXIT_COMPILE;
        }
    };
    let mut stdout = io::stdout().lock();
    match stdout.write_all(&artifact).and_then(|()| stdout.flush()) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("compile worker: cannot write the artifact: {error}");
            EXIT_HOST
        }
    }
}

/// `Engine::precompile_module`, binary format only (as the in-process compile).
pub(crate) fn compile(engine: &Engine, wasm: &[u8]) -> wasmtime::Result<Vec<u8>> {
    CodeBuilder::new(engine)
        .wasm_binary(wasm, None)?
        .compile_module_serialized()
}

/// Reads exactly `len` bytes and then end-of-file; fewer or more is an error, and no more than
/// `len + 1` bytes are ever read or held.
fn read_exactly(input: impl Read, len: u64) -> io::Result<Vec<u8>> {
    let mut wasm = Vec::with_capacity(usize::try_from(len).unwrap_or(0).min(1 << 20));
    input.take(len.saturating_add(1)).read_to_end(&mut wasm)?;
    if wasm.len() as u64 == len {
        Ok(wasm)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "expected a module of {len} bytes, got {}{}",
                wasm.len().min(usize::try_from(len).unwrap_or(usize::MAX)),
                if wasm.len() as u64 > len {
                    " and more"
                } else {
                    ""
                }
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec {
            engine: EngineSettings {
                max_wasm_stack: 512 * 1024,
                deterministic: true,
            },
            wasm_bytes: 41_000,
            memory_bytes: 1 << 30,
            cpu_secs: 11,
            parent: 4242,
        }
    }

    #[test]
    fn a_spec_round_trips_and_anything_else_is_refused() {
        let text = spec().encode();
        assert_eq!(Spec::decode(&text), Some(spec()));
        assert_eq!(Spec::decode(&format!("{text}:x=1")), None);
        assert_eq!(Spec::decode(&text.replace("det=1", "det=2")), None);
        assert_eq!(
            Spec::decode(&text.replace("nmp-compile/1", "nmp-compile/2")),
            None
        );
        assert_eq!(Spec::decode(&text.replace(":cpu=11", "")), None);
        assert_eq!(Spec::decode(""), None);
    }

    #[test]
    fn the_input_cap_is_the_module_length_exactly() {
        assert_eq!(read_exactly(&b"abcd"[..], 4).unwrap(), b"abcd");
        let short = read_exactly(&b"abc"[..], 4).unwrap_err();
        assert!(short.to_string().contains("got 3"), "{short}");
        let long = read_exactly(&b"abcde"[..], 4).unwrap_err();
        assert!(long.to_string().contains("got 4 and more"), "{long}");
        // A stream that never ends is read to one byte past the length, not further.
        assert!(read_exactly(io::repeat(0), 1 << 20).is_err());
    }

    #[test]
    fn the_artifact_loads_into_the_sandboxs_own_engine() {
        let config = crate::Config::default();
        let settings = EngineSettings::of(&config);
        let worker_engine = Engine::new(&wasm_config(&settings)).unwrap();
        let wasm = wat::parse_str("(module (func (export \"_start\")))").unwrap();
        let artifact = compile(&worker_engine, &wasm).unwrap();
        let sandbox_engine = crate::sandbox::engine::engine(&config).unwrap();
        super::super::process::deserialize(&sandbox_engine, &artifact).unwrap();
        // Text is refused, as `Module::from_binary` refuses it.
        assert!(compile(&worker_engine, b"(module)").is_err());
    }
}
