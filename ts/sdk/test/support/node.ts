// Real Rust Data Nodes for the tests: `nmp node` (built by ts/scripts/test.sh) on 127.0.0.1
// with ephemeral ports, a temporary directory each, killed at the end.

import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { Identity } from '../../src/crypto.js'
import { cargoBinary, repo } from './paths.js'

/** The capability the bundled dataset serves. */
export const PATIENTS = 'demo.hospital/patients'

/** A running node: its PeerId, dial addresses and how to stop it. */
export interface RunningNode {
  peer: string
  tcp: string
  ws: string | undefined
  stderr: () => string
  /** The node's audit log entries (owner-only: exact outcomes, including `cancelled`). */
  audit: () => Array<{ request_id: string, outcome: string }>
  stop: () => Promise<void>
}

/** How a test node is configured. */
export interface NodeSpec {
  /** Also listen on WebSocket. */
  ws?: boolean
  /** Bootstrap peers. */
  bootstrap?: string[]
  /** The sandbox deadline of every run, ms [default 5000]. */
  timeoutMs?: number
  /** Extra TOML appended to `[policy]`. */
  policy?: string
}

/** The 68-byte key file of `identity` (libp2p's protobuf `PrivateKey`). */
function keyFile (identity: Identity): Uint8Array {
  return Uint8Array.of(0x08, 0x01, 0x12, 0x40, ...identity.libp2pRaw())
}

/** Starts `nmp node` and resolves once it prints its listen addresses. */
export async function startNode (spec: NodeSpec = {}): Promise<RunningNode> {
  const dir = mkdtempSync(join(tmpdir(), 'nmp-ts-node-'))
  writeFileSync(join(dir, 'node.key'), keyFile(Identity.generate()), { mode: 0o600 })
  const bootstrap = (spec.bootstrap ?? []).map((b) => `"${b}"`).join(', ')
  writeFileSync(join(dir, 'node.toml'), `identity = "node.key"
bootstrap = [${bootstrap}]
dataset_rescan_secs = "off"
[listen]
tcp = "/ip4/127.0.0.1/tcp/0"
${spec.ws === true ? 'ws = "/ip4/127.0.0.1/tcp/0/ws"' : ''}
[[datasets]]
name = "patients"
path = "${repo('examples/logic/data')}"
format = "csv"
capability = "${PATIENTS}"
restricted_keys = ["patient_id", "ssn"]
egress_values = ["name", "email"]
[policy]
rate_limit_per_minute = "off"
budget_per_day = "off"
origin_rate_limit_per_minute = "off"
${spec.policy ?? ''}
[policy.compile_quota]
concurrent_per_agent = "off"
ms_per_minute = "off"
[policy.sandbox]
timeout_ms = ${spec.timeoutMs ?? 5000}
fuel = "off"
`)
  const child = spawn(process.env.NMP_BIN ?? cargoBinary('nmp'), ['node', '--config', join(dir, 'node.toml')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  const addrs = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`nmp node did not start within 60 s: ${stderr}`)) }, 60_000)
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (text: string) => {
      stderr += text
      const found = [...stderr.matchAll(/^listening on (\/\S+\/p2p\/\S+)$/gm)].map((m) => m[1]!)
      if (found.length >= (spec.ws === true ? 2 : 1)) { clearTimeout(timer); resolve(found) }
    })
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`nmp node exited ${code}: ${stderr}`)) })
  })
  const tcp = addrs.find((a) => !a.includes('/ws'))!
  return {
    peer: tcp.split('/p2p/')[1]!,
    tcp,
    ws: addrs.find((a) => a.includes('/ws')),
    stderr: () => stderr,
    audit: () => {
      const path = join(dir, 'audit.jsonl')
      if (!existsSync(path)) return []
      return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { entry: { request_id: string, outcome: string } }).entry)
    },
    stop: async () => { await kill(child); rmSync(dir, { recursive: true, force: true }) }
  }
}

async function kill (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve() }))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}
