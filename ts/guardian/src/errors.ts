/** Typed failures of the package; every class has a stable `code` to match on. */

import type { Report } from './report.js';

/** Stable codes of {@link GuardianError}s. */
export type GuardianErrorCode =
  | 'GUARDIAN_LOAD_FAILED'
  | 'GUARDIAN_FAULT'
  | 'GUARDIAN_REJECTED'
  | 'COMPILE_FAILED';

/** Base class of every error this package throws. */
export class GuardianError extends Error {
  /** Stable machine-readable code. */
  readonly code: GuardianErrorCode;

  constructor(code: GuardianErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The Guardian's WebAssembly module could not be read, compiled or instantiated. */
export class GuardianLoadError extends GuardianError {
  constructor(message: string, options?: ErrorOptions) {
    super('GUARDIAN_LOAD_FAILED', message, options);
  }
}

/**
 * The Guardian trapped or ran out of memory while inspecting a module (for instance a module too
 * large to copy into its 4 GiB address space). No verdict was reached; the next call starts from
 * a fresh instance.
 */
export class GuardianFaultError extends GuardianError {
  constructor(message: string, options?: ErrorOptions) {
    super('GUARDIAN_FAULT', message, options);
  }
}

/** A pre-flight check rejected the module; `report` says why. */
export class GuardianRejectedError extends GuardianError {
  /** The full report, with at least one `error` finding. */
  readonly report: Report;

  constructor(report: Report) {
    const reasons = report.findings
      .filter((f) => f.severity === 'error')
      .map((f) => `${f.code}: ${f.message}`);
    super('GUARDIAN_REJECTED', `the Guardian rejects this module (${reasons.join('; ')})`);
    this.report = report;
  }
}

/** A source (AssemblyScript or WAT) did not compile; `diagnostics` holds the compiler's text. */
export class CompileError extends GuardianError {
  /** The compiler's diagnostics, as it printed them. */
  readonly diagnostics: string;

  constructor(message: string, diagnostics: string, options?: ErrorOptions) {
    super('COMPILE_FAILED', message, options);
    this.diagnostics = diagnostics;
  }
}
