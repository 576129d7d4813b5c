// The latency of one request, TypeScript agent → Rust node, beside the Rust agent (`nmp mcp`, a
// long-lived nmp-client) against the same node in the same run, in alternating blocks; then the
// SDK's own costs (seal, open, receipt and document verification). Prints a table and JSON.
//
//   NMP_BIN=target/release/nmp node build/bench/latency.js [requests per agent, default 300]

import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

import { create, toBinary } from '@bufbuild/protobuf'

import { connect, Identity, pb, sealWith, verifyDocument, verifyReceipt } from '../src/index.js'
import type { Answer } from '../src/index.js'
import { randomBytes } from '../src/bytes.js'
import { example } from '../test/support/modules.js'
import { PATIENTS, startNode } from '../test/support/node.js'
import { cargoBinary } from '../test/support/paths.js'

const REQUESTS = Number(process.argv[2] ?? 300)
const BLOCK = 50
const WARM_UP = 20

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
}

function summary (samples: number[]): { n: number, p50: number, p99: number, mean: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  return { n: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length }
}

/** The Rust agent: `nmp mcp` on stdio, one `nmp_execute` call per request. */
async function rustAgent (bootstrap: string): Promise<{ call: (args: object) => Promise<unknown>, stop: () => void }> {
  const child = spawn(process.env.NMP_BIN ?? cargoBinary('nmp'), ['mcp', '--bootstrap', bootstrap], { stdio: ['pipe', 'pipe', 'ignore'] })
  const pending = new Map<number, (value: unknown) => void>()
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as { id?: number, result?: unknown, error?: unknown }
    if (message.id !== undefined) pending.get(message.id)?.(message.error ?? message.result)
  })
  let next = 0
  const request = async (method: string, params: object): Promise<unknown> => await new Promise((resolve) => {
    const id = ++next
    pending.set(id, resolve)
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n')
  })
  await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '0' } })
  child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n')
  return {
    call: async (args) => await request('tools/call', { name: 'nmp_execute', arguments: args }),
    stop: () => { child.kill('SIGTERM') }
  }
}

async function time (f: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await f()
  return performance.now() - start
}

async function main (): Promise<void> {
  const node = await startNode({ policy: 'max_queued_jobs = 8192' })
  const agent = await connect()
  const rust = await rustAgent(node.tcp)
  try {
    const peer = await agent.dial(node.tcp)
    const wasm = example('wat/kib.wasm')
    const logic = { capability: PATIENTS, wasm }
    const rustArgs = { capability: PATIENTS, peer, wasm_base64: Buffer.from(wasm).toString('base64') }
    let last: Answer | undefined
    const ts = async (): Promise<void> => { last = await agent.execute(peer, logic) }
    const rs = async (): Promise<void> => {
      const result = await rust.call(rustArgs) as { isError?: boolean, structuredContent?: unknown }
      if (result.isError === true) throw new Error(`nmp mcp: ${JSON.stringify(result)}`)
    }
    for (let i = 0; i < WARM_UP; i++) { await ts(); await rs() }
    const samples = { ts: [] as number[], rust: [] as number[] }
    for (let done = 0; done < REQUESTS; done += BLOCK) {
      for (let i = 0; i < BLOCK; i++) samples.ts.push(await time(ts))
      for (let i = 0; i < BLOCK; i++) samples.rust.push(await time(rs))
    }

    // The SDK's own costs, 1 KiB payload.
    const provider = await agent.describe(peer)
    const me = Identity.generate()
    // A document like the node's, signed by `me`, to time its verification.
    const document = toBinary(pb.CapabilityDocumentSchema, create(pb.CapabilityDocumentSchema, { ...provider.document, nodePeerId: me.peerId }))
    const signed = create(pb.SignedCapabilityDocumentSchema, { document, signature: me.sign('capability', document) })
    const params = { agent: me, nodePeerId: provider.peerId, nodeKey: provider.document.kemKeys[0]!, requestId: randomBytes(16), capability: PATIENTS, timestampMs: BigInt(Date.now()) }
    const payload = randomBytes(1024)
    const micro = { seal: [] as number[], open: [] as number[], verifyReceipt: [] as number[], verifyDocument: [] as number[] }
    const response = create(pb.ResponsePayloadSchema, { stdout: last!.output, outcome: last!.outcome, guardian: last!.guardian, egress: last!.egress, receipt: last!.receipt })
    for (let i = 0; i < 200; i++) {
      let sealed: Awaited<ReturnType<typeof sealWith>> | undefined
      micro.seal.push(await time(async () => { sealed = await sealWith(params, payload, new Uint8Array(0), { ephemeral: randomBytes(32), mlKemM: randomBytes(32), nonce: randomBytes(12) }) }))
      const sealedResponse = await sealed!.responseKey.seal(response)
      micro.open.push(await time(async () => await sealed!.responseKey.open(sealedResponse)))
      micro.verifyReceipt.push(await time(async () => await verifyReceipt(last!.receipt, { output: last!.output })))
      micro.verifyDocument.push(await time(async () => await verifyDocument(signed, me.peerId, BigInt(Date.now()))))
    }
    const ms = (x: number): string => x.toFixed(3)
    const results = {
      binary: process.env.NMP_BIN ?? cargoBinary('nmp'),
      node: process.version,
      requests: REQUESTS,
      latency_ms: { typescript: summary(samples.ts), rust_nmp_mcp: summary(samples.rust) },
      sdk_ms: { seal_1kib: summary(micro.seal), open_response: summary(micro.open), verify_receipt: summary(micro.verifyReceipt), verify_document: summary(micro.verifyDocument) }
    }
    console.log(`one request, kib.wasm (1 KiB out), ${REQUESTS} per agent in alternating blocks of ${BLOCK}, after ${WARM_UP} warm-up each`)
    console.log('agent                          p50 ms    p99 ms   mean ms')
    for (const [name, s] of [['TypeScript @nmp/sdk', results.latency_ms.typescript], ['Rust nmp-client (nmp mcp)', results.latency_ms.rust_nmp_mcp]] as const) {
      console.log(`${name.padEnd(28)} ${ms(s.p50).padStart(8)}  ${ms(s.p99).padStart(8)}  ${ms(s.mean).padStart(8)}`)
    }
    console.log('SDK cost                       p50 ms    p99 ms')
    for (const [name, s] of Object.entries(results.sdk_ms)) console.log(`${name.padEnd(28)} ${ms(s.p50).padStart(8)}  ${ms(s.p99).padStart(8)}`)
    console.log(JSON.stringify(results))
  } finally {
    rust.stop()
    await agent.stop()
    await node.stop()
  }
}

await main()
