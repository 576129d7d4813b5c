/** Shared by the tests: repository paths and the native Rust Guardian's command-line side. */

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The repository root (tests run from `build/`). */
export const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');

/**
 * Runs the `verdicts` example of `crates/nmp-guardian-wasm` (the native Rust Guardian):
 * `$NMP_GUARDIAN_VERDICTS` when set (a built binary), otherwise `cargo run`.
 */
export function verdicts(args: readonly string[]): string {
  const bin = process.env['NMP_GUARDIAN_VERDICTS'];
  const [file, argv] =
    bin !== undefined && bin !== ''
      ? [bin, [...args]]
      : ['cargo', ['run', '--quiet', '--locked', '-p', 'nmp-guardian-wasm', '--example', 'verdicts', '--', ...args]];
  return execFileSync(file, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'inherit'] });
}
