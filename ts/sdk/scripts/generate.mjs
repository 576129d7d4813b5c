// Generates the protobuf-es types in src/gen/ from crates/nmp-wire/proto (the specification),
// with `buf` and `protoc-gen-es` from npm. `--check` regenerates into a temporary directory and
// fails when the checked-in files differ (CI runs it).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, cpSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const sdk = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const proto = resolve(sdk, '../../crates/nmp-wire/proto')
const bin = resolve(sdk, '../node_modules/.bin')
const target = join(sdk, 'src/gen')
const check = process.argv.includes('--check')

function generate (out) {
  const template = JSON.stringify({
    version: 'v2',
    plugins: [{
      local: join(bin, 'protoc-gen-es'),
      out,
      opt: ['target=ts', 'import_extension=js']
    }]
  })
  execFileSync(join(bin, 'buf'), ['generate', proto, '--template', template], { cwd: sdk, stdio: 'inherit' })
}

function files (dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => relative(dir, f))
    .sort()
}

const scratch = mkdtempSync(join(tmpdir(), 'nmp-gen-'))
try {
  generate(scratch)
  if (check) {
    const want = files(scratch)
    const have = files(target)
    const drift = [...new Set([...want, ...have])].filter((f) =>
      !want.includes(f) || !have.includes(f) ||
      !readFileSync(join(scratch, f)).equals(readFileSync(join(target, f))))
    if (drift.length > 0) {
      console.error(`src/gen drifted from crates/nmp-wire/proto: ${drift.join(', ')}; run npm run generate`)
      process.exit(1)
    }
    console.log(`src/gen matches crates/nmp-wire/proto (${want.length} files)`)
  } else {
    rmSync(target, { recursive: true, force: true })
    cpSync(scratch, target, { recursive: true })
    console.log(`generated ${files(target).length} files in src/gen`)
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
