// Paths of the repository the tests run in.

import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (tests run from ts/sdk/build/test/...). */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..')

/** A path relative to the repository root. */
export function repo (path: string): string {
  return resolve(root, path)
}

/** The cargo target directory: `CARGO_TARGET_DIR`, else the repository's `target`. */
function targetDir (): string {
  return process.env.CARGO_TARGET_DIR ?? repo('target')
}

/** A debug binary or example built by ts/scripts/test.sh (`nmp`, `examples/interop_open`). */
export function cargoBinary (name: string): string {
  return resolve(targetDir(), 'debug', name)
}
