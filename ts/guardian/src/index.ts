/**
 * `@nmp/guardian`: the Neural Mesh Protocol's pre-flight check. The Rust `nmp-guardian` crate,
 * compiled to WebAssembly, judges a module exactly as a Data Node's default policy does; this
 * package loads it and types its report. Compiling AssemblyScript or WAT lives in
 * `@nmp/guardian/author`.
 */

export { Guardian, type GuardianSource } from './guardian.js';
export {
  errorCodes,
  type Detail,
  type Finding,
  type FindingCode,
  type Location,
  type Report,
  type Section,
  type Severity,
  type Verdict,
} from './report.js';
export {
  CompileError,
  GuardianError,
  GuardianFaultError,
  GuardianLoadError,
  GuardianRejectedError,
  type GuardianErrorCode,
} from './errors.js';
