// Runs the compiled tests with node's test runner, one file at a time, adding
// `--experimental-websocket` where the runtime has no global WebSocket (Node.js 20).
// Arguments select test files by name (`node scripts/run-tests.mjs node vectors`).
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const dir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../build/test')
const wanted = process.argv.slice(2)
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort()
  .map((f) => join(dir, f))
const flags = typeof globalThis.WebSocket === 'undefined' ? ['--experimental-websocket'] : []
const run = spawnSync(process.execPath, [...flags, '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' })
process.exit(run.status ?? 1)
