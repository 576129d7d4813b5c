// The example guests of examples/logic.

import { readFileSync } from 'node:fs'

import { repo } from './paths.js'

/** The bytes of `examples/logic/<path>`. */
export function example (path: string): Uint8Array {
  return new Uint8Array(readFileSync(repo(`examples/logic/${path}`)))
}
