// Two local Data Nodes for the demo (`--spawn`): `nmp node` processes on 127.0.0.1 with
// ephemeral ports over the bundled synthetic patients, the second bootstrapping from the first.

import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { Identity } from '@nmp/sdk'

/** The bundled dataset (examples/logic/data). */
const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../logic/data')

/** A started node: its TCP dial address and the process. */
export interface LocalNode { name: string, addr: string, child: ChildProcess }

/** Starts `nmp node` (the `nmp` binary: `NMP_BIN` or `nmp` on the PATH) named `name`. */
async function start (name: string, dir: string, bootstrap: string[]): Promise<LocalNode> {
  const home = join(dir, name)
  const identity = Identity.generate()
  mkdirSync(home, { recursive: true })
  writeFileSync(join(home, 'node.key'), Uint8Array.of(0x08, 0x01, 0x12, 0x40, ...identity.libp2pRaw()), { mode: 0o600 })
  writeFileSync(join(home, 'node.toml'), `identity = "node.key"
bootstrap = [${bootstrap.map((b) => `"${b}"`).join(', ')}]
[listen]
tcp = "/ip4/127.0.0.1/tcp/0"
ws = "/ip4/127.0.0.1/tcp/0/ws"
[[datasets]]
name = "patients"
path = "${DATA}"
capability = "demo.hospital/patients"
restricted_keys = ["patient_id", "ssn"]
egress_values = ["name", "email"]
[policy]
rate_limit_per_minute = 600
`)
  const child = spawn(process.env.NMP_BIN ?? 'nmp', ['node', '--config', join(home, 'node.toml')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  const addr = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${name} did not start within 60 s: ${stderr}`)) }, 60_000)
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (text: string) => {
      stderr += text
      const tcp = /^listening on (\/ip4\/\S+\/tcp\/\d+\/p2p\/\S+)$/m.exec(stderr)
      if (tcp !== null) { clearTimeout(timer); resolve(tcp[1]!) }
    })
    child.on('error', (err) => { clearTimeout(timer); reject(err) })
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited ${code}: ${stderr}`)) })
  })
  return { name, addr, child }
}

/** Starts the two hospitals; `stop()` ends them and removes their directories. */
export async function startHospitals (): Promise<{ nodes: LocalNode[], stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'nmp-agent-ts-'))
  const first = await start('st-marys', dir, [])
  const second = await start('riverside', dir, [first.addr])
  return {
    nodes: [first, second],
    stop: () => {
      for (const node of [first, second]) node.child.kill('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
