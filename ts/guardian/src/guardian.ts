/**
 * The Guardian: `nmp-guardian` (Rust) compiled to WebAssembly, driven through its C ABI
 * (`crates/nmp-guardian-wasm`): copy the module in, get the report's JSON out.
 */

import { GuardianFaultError, GuardianLoadError, GuardianRejectedError } from './errors.js';
import type { Report } from './report.js';

/** Where the Guardian's `.wasm` comes from: its bytes, a compiled module, or a URL to read. */
export type GuardianSource = BufferSource | WebAssembly.Module | URL | string;

/** The exports `nmp_guardian.wasm` provides. */
interface Exports {
  readonly memory: WebAssembly.Memory;
  nmp_guardian_alloc(len: number): number;
  nmp_guardian_free(ptr: number, len: number): void;
  nmp_guardian_inspect(ptr: number, len: number): number;
}

/** The packaged build, next to `dist/` in the published layout. */
const PACKAGED = new URL('../wasm/nmp_guardian.wasm', import.meta.url);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decides, before anything is sent, whether a Data Node running `nmp-guardian`'s default policy
 * would accept a WebAssembly module, and why not: the same code, so the same report.
 *
 * Load once with {@link Guardian.load}; {@link Guardian.inspect} is then synchronous. Not safe to
 * share across concurrent workers (one instance, one linear memory); load one per worker.
 */
export class Guardian {
  readonly #module: WebAssembly.Module;
  #exports: Exports;

  private constructor(module: WebAssembly.Module, exports: Exports) {
    this.#module = module;
    this.#exports = exports;
  }

  /**
   * Loads the Guardian: by default the `.wasm` shipped in this package (read from disk under
   * Node.js, fetched in a browser); or from `source`, for bundlers that serve the file elsewhere
   * (the package exports it as `@nmp/guardian/nmp_guardian.wasm`).
   */
  static async load(source: GuardianSource = PACKAGED): Promise<Guardian> {
    let module: WebAssembly.Module;
    try {
      module = await compile(source);
    } catch (cause) {
      throw new GuardianLoadError(`cannot compile the Guardian's WebAssembly: ${String(cause)}`, { cause });
    }
    return new Guardian(module, await instantiate(module));
  }

  /**
   * Inspects `wasm` under the default policy and returns the report `nmp-guardian` gives for
   * the same bytes. Any bytes give a report; only a fault of the Guardian itself throws
   * ({@link GuardianFaultError}).
   */
  inspect(wasm: Uint8Array): Report {
    try {
      return JSON.parse(utf8.decode(this.#call(wasm))) as Report;
    } catch (cause) {
      // A trap can leave the instance's heap inconsistent: start over from a fresh one.
      this.#exports = instantiateSync(this.#module);
      if (cause instanceof GuardianFaultError) throw cause;
      throw new GuardianFaultError(`the Guardian failed while inspecting a module: ${String(cause)}`, { cause });
    }
  }

  /**
   * Inspects `wasm` and returns the report when the module is accepted; throws
   * {@link GuardianRejectedError} (with the report) when it is not.
   */
  preflight(wasm: Uint8Array): Report {
    const report = this.inspect(wasm);
    if (report.verdict !== 'accepted') throw new GuardianRejectedError(report);
    return report;
  }

  /** Copies `wasm` in, inspects it, copies the report's JSON out, frees both buffers. */
  #call(wasm: Uint8Array): Uint8Array {
    const abi = this.#exports;
    const len = wasm.length;
    const input = len === 0 ? 0 : abi.nmp_guardian_alloc(len);
    if (len !== 0 && input === 0) {
      throw new GuardianFaultError(`cannot fit a ${len}-byte module into the Guardian's memory`);
    }
    try {
      new Uint8Array(abi.memory.buffer, input, len).set(wasm);
      const out = abi.nmp_guardian_inspect(input, len);
      if (out === 0) throw new GuardianFaultError('the Guardian could not allocate its report');
      // The memory may have grown during the call: take a fresh view of it.
      const size = new DataView(abi.memory.buffer).getUint32(out, true);
      const json = new Uint8Array(abi.memory.buffer, out + 4, size).slice();
      abi.nmp_guardian_free(out, size + 4);
      return json;
    } finally {
      abi.nmp_guardian_free(input, len);
    }
  }
}

async function compile(source: GuardianSource): Promise<WebAssembly.Module> {
  if (typeof source === 'string' || source instanceof URL) return WebAssembly.compile(await read(source));
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source as BufferSource);
  return source as WebAssembly.Module;
}

async function read(source: URL | string): Promise<BufferSource> {
  const url = new URL(source, PACKAGED);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url.href}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

async function instantiate(module: WebAssembly.Module): Promise<Exports> {
  try {
    return checked(await WebAssembly.instantiate(module, {}));
  } catch (cause) {
    throw new GuardianLoadError(`cannot instantiate the Guardian: ${String(cause)}`, { cause });
  }
}

function instantiateSync(module: WebAssembly.Module): Exports {
  return checked(new WebAssembly.Instance(module, {}));
}

function checked(instance: WebAssembly.Instance): Exports {
  const e: Record<string, unknown> = instance.exports;
  const functions = ['nmp_guardian_alloc', 'nmp_guardian_free', 'nmp_guardian_inspect'];
  if (!(e['memory'] instanceof WebAssembly.Memory) || functions.some((f) => typeof e[f] !== 'function')) {
    throw new Error('the module does not export the Guardian ABI (memory, nmp_guardian_{alloc,free,inspect})');
  }
  return e as unknown as Exports;
}
