/**
 * Logic authoring in Node.js: compile AssemblyScript or WAT to a WASI command module in-process
 * and pre-flight it with the {@link Guardian} before it goes anywhere. A separate entry point
 * (`@nmp/guardian/author`) so that the Guardian alone stays free of the compilers.
 */

import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

import { CompileError } from './errors.js';
import { Guardian } from './guardian.js';
import type { Report } from './report.js';

/** A compiled module that passed pre-flight, with the Guardian's report on it. */
export interface Compiled {
  /** The module bytes, ready to send. */
  readonly wasm: Uint8Array<ArrayBuffer>;
  /** The Guardian's report (accepted; it may carry warnings and information). */
  readonly report: Report;
}

/** Options for {@link compileAssemblyScript}. */
export interface AssemblyScriptOptions {
  /** `asc` optimization level, 0–3; default 3. */
  readonly optimizeLevel?: 0 | 1 | 2 | 3;
  /** `asc` shrink level, 0–2; default 0. */
  readonly shrinkLevel?: 0 | 1 | 2;
  /** The Guardian to pre-flight with; default a freshly loaded one. */
  readonly guardian?: Guardian;
}

const require = createRequire(import.meta.url);

/** The WASI shim's configuration (`abort`, `console`, … on WASI preview 1; `_start` exported). */
const WASI_CONFIG = resolve(dirname(require.resolve('@assemblyscript/wasi-shim/package.json')), 'asconfig.json');

/** A directory that exists nowhere, holding the one in-memory source file. */
const VIRTUAL_DIR = resolve('/', '.nmp-guardian-in-memory');
const ENTRY = 'logic.ts';
const OUTPUT = 'logic.wasm';

/**
 * Compiles one AssemblyScript source file into a WASI preview 1 command module with
 * `assemblyscript` 0.28 and `@assemblyscript/wasi-shim` (runtime `stub`: no garbage collector),
 * in this process, then pre-flights it.
 *
 * The module takes its input on stdin and writes its answer on stdout (the shim has no file API).
 * Throws {@link CompileError} with the compiler's diagnostics when the source does not compile,
 * and `GuardianRejectedError` when the result would not run on a Data Node.
 */
export async function compileAssemblyScript(source: string, options: AssemblyScriptOptions = {}): Promise<Compiled> {
  const { default: asc } = await import('assemblyscript/asc');
  let binary: Uint8Array<ArrayBuffer> | undefined;
  const diagnostics: string[] = [];
  const argv = [
    ENTRY,
    '--baseDir', VIRTUAL_DIR,
    '--config', WASI_CONFIG,
    '--optimizeLevel', String(options.optimizeLevel ?? 3),
    '--shrinkLevel', String(options.shrinkLevel ?? 0),
    '--runtime', 'stub',
    '--outFile', OUTPUT,
  ];
  const result = await asc.main(argv, {
    readFile: (name, baseDir) => {
      const path = resolve(baseDir, name);
      if (path === resolve(VIRTUAL_DIR, ENTRY)) return source;
      return readIfPresent(path);
    },
    writeFile: (name, contents) => {
      if (name === OUTPUT && contents instanceof Uint8Array) binary = contents.slice();
    },
    listFiles: (dir, baseDir) => listSources(resolve(baseDir, dir)),
    stdout: sink(diagnostics),
    stderr: sink(diagnostics),
  });
  if (result.error !== null || binary === undefined) {
    const text = diagnostics.join('');
    const reason = result.error?.message ?? 'the compiler wrote no module';
    throw new CompileError(`AssemblyScript did not compile: ${reason}`, text, { cause: result.error ?? undefined });
  }
  return preflight(binary, options.guardian);
}

/**
 * Compiles WebAssembly text (WAT) with the `wabt` package, then pre-flights the module. Throws
 * {@link CompileError} for text that does not parse or validate, `GuardianRejectedError` for a
 * module a Data Node would refuse.
 */
export async function compileWat(text: string, options: { readonly guardian?: Guardian } = {}): Promise<Compiled> {
  const { default: initWabt } = await import('wabt');
  const wabt = await initWabt();
  let wasm: Uint8Array<ArrayBuffer>;
  try {
    const module = wabt.parseWat('logic.wat', text);
    try {
      module.validate();
      wasm = module.toBinary({ log: false, write_debug_names: false }).buffer.slice();
    } finally {
      module.destroy();
    }
  } catch (cause) {
    throw new CompileError('WAT did not compile', String(cause instanceof Error ? cause.message : cause), { cause });
  }
  return preflight(wasm, options.guardian);
}

async function preflight(wasm: Uint8Array<ArrayBuffer>, guardian?: Guardian): Promise<Compiled> {
  const report = (guardian ?? (await Guardian.load())).preflight(wasm);
  return { wasm, report };
}

function readIfPresent(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function listSources(dir: string): string[] | null {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'));
  } catch {
    return null;
  }
}

function sink(into: string[]): { write(text: string | Uint8Array): void } {
  const decoder = new TextDecoder();
  return { write: (text) => void into.push(typeof text === 'string' ? text : decoder.decode(text)) };
}
