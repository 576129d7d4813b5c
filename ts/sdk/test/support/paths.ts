// Paths of the repository the tests run in.

import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (tests run from ts/sdk/build/test/...). */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..')

/** A path relative to the repository root. */
export function repo (path: string): string {
  return resolve(root, path)
}
