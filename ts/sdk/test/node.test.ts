// The SDK against a real Rust Data Node (`nmp node`) on 127.0.0.1 over TCP.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { AbortedError, connect, Identity, NmpClient, NmpError, outcomeName, pb, RejectedError, TimeoutError, toHex, verifyReceipt } from '../src/index.js'
import { utf8 } from '../src/bytes.js'
import { example } from './support/modules.js'
import { PATIENTS, startNode } from './support/node.js'
import type { RunningNode } from './support/node.js'

let node: RunningNode
let client: NmpClient

before(async () => {
  node = await startNode({ timeoutMs: 2000 })
  client = await connect({ executeTimeoutMs: 60_000 })
  assert.equal(await client.dial(node.tcp), node.peer)
})

after(async () => {
  await client?.stop()
  await node?.stop()
})

test('describe verifies the signed capability document', async () => {
  const provider = await client.describe(node.peer)
  assert.equal(provider.peer, node.peer)
  assert.equal(provider.document.datasets[0]?.capability, PATIENTS)
  assert.equal(provider.document.datasets[0]?.rowCount, 200n)
  assert.ok(provider.document.kemKeys.length >= 1)
})

test('execute returns the aggregate with a verified receipt and status events', async () => {
  const statuses: pb.Stage[] = []
  const answer = await client.execute(node.peer, { capability: PATIENTS, wasm: example('c/aggregate.wasm'), input: utf8('{"group_by":"city","metric":"cost_usd"}') }, {
    onStatus: (peer, status) => { assert.equal(peer, node.peer); statuses.push(status.stage) }
  })
  assert.equal(outcomeName(answer.outcome), 'completed')
  const output = JSON.parse(new TextDecoder().decode(answer.output)) as { rows: number, groups: Record<string, { count: number }> }
  assert.equal(output.rows, 200)
  assert.equal(output.groups.Ashland?.count, 13)
  assert.ok(statuses.includes(pb.Stage.RUNNING), `statuses ${statuses.join(',')}`)
  assert.equal(answer.egress.verdict, pb.EgressVerdict.PASS)
  // The receipt verifies again, standalone, as a third party would.
  const body = await verifyReceipt(answer.receipt, { output: answer.output })
  assert.equal(body.capability, PATIENTS)
  assert.equal(body.datasets[0]?.name, 'patients')
})

test('an exfiltration attempt is blocked by the egress filter, receipted', async () => {
  const answer = await client.execute(node.peer, { capability: PATIENTS, wasm: example('c/exfiltrate.wasm') })
  assert.equal(answer.outcome, pb.Outcome.EGRESS_BLOCKED)
  assert.equal(answer.output.length, 0)
  assert.equal(answer.egress.verdict, pb.EgressVerdict.BLOCKED)
  assert.ok(answer.egress.categories.length > 0)
})

test('an import escape is rejected by the node\'s Guardian, receipted', async () => {
  const answer = await client.execute(node.peer, { capability: PATIENTS, wasm: example('wat/escape.wasm') })
  assert.equal(answer.outcome, pb.Outcome.REJECTED)
  assert.equal(answer.guardian.verdict, pb.GuardianVerdict.REJECTED)
  assert.ok(answer.guardian.findings.some((f) => f.code === 'forbidden_import'), answer.guardian.findings.map((f) => f.code).join(','))
})

test('events() yields the status events, then the answer', async () => {
  const kinds: string[] = []
  for await (const event of client.events(node.peer, { capability: PATIENTS, wasm: example('wat/hello.wasm'), input: utf8('12345') })) {
    kinds.push(event.kind)
    if (event.kind === 'answer') assert.equal(new TextDecoder().decode(event.answer.output), '{"hello":5}\n')
  }
  assert.equal(kinds.at(-1), 'answer')
  assert.ok(kinds.length >= 2)
})

test('an AbortSignal cancels a running job: the stream is reset and the call ends ABORTED', async () => {
  const controller = new AbortController()
  const started = Date.now()
  const call = client.execute(node.peer, { capability: PATIENTS, wasm: example('wat/spin.wasm') }, {
    signal: controller.signal,
    onStatus: (_, status) => { if (status.stage === pb.Stage.RUNNING) controller.abort(new Error('enough')) }
  })
  await assert.rejects(call, (err: NmpError) => err.code === 'ABORTED' && err instanceof AbortedError)
  // The node's run deadline is 2 s: the call ended on the abort, not on the node's answer.
  assert.ok(Date.now() - started < 2_000, `${Date.now() - started} ms`)
  // The node stopped the guest when the stream was reset: its owner's log says `cancelled`.
  const deadline = Date.now() + 10_000
  while (!node.audit().some((e) => e.outcome === 'cancelled') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  assert.ok(node.audit().some((e) => e.outcome === 'cancelled'), JSON.stringify(node.audit().map((e) => e.outcome)))
  // An abort before anything was sent sends nothing.
  const aborted = AbortSignal.abort()
  await assert.rejects(client.execute(node.peer, { capability: PATIENTS, wasm: example('wat/hello.wasm') }, { signal: aborted }), { code: 'ABORTED' })
})

test('leaving the events() loop early cancels the job', async () => {
  const before = node.audit().filter((e) => e.outcome === 'cancelled').length
  for await (const event of client.events(node.peer, { capability: PATIENTS, wasm: example('wat/spin.wasm') })) {
    if (event.kind === 'status' && event.status.stage === pb.Stage.RUNNING) break
  }
  const deadline = Date.now() + 10_000
  while (node.audit().filter((e) => e.outcome === 'cancelled').length === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  assert.equal(node.audit().filter((e) => e.outcome === 'cancelled').length, before + 1)
})

test('a call past its timeout ends TIMEOUT', async () => {
  await assert.rejects(client.execute(node.peer, { capability: PATIENTS, wasm: example('wat/spin.wasm') }, { timeoutMs: 500 }),
    (err: NmpError) => err.code === 'TIMEOUT' && err instanceof TimeoutError)
})

test('a run past the node\'s deadline is answered TIMED_OUT, receipted', async () => {
  const answer = await client.execute(node.peer, { capability: PATIENTS, wasm: example('wat/spin.wasm') })
  assert.equal(outcomeName(answer.outcome), 'timed_out')
})

test('64 concurrent requests are all answered and verified (8 streams at a time)', async () => {
  const answers = await Promise.all(Array.from({ length: 64 }, async (_, i) =>
    await client.execute(node.peer, { capability: PATIENTS, wasm: example('wat/hello.wasm'), input: new Uint8Array(i) })))
  answers.forEach((answer, i) => { assert.equal(new TextDecoder().decode(answer.output), `{"hello":${i}}\n`) })
  assert.equal(new Set(answers.map((a) => toHex(a.receiptBody.requestId))).size, 64)
})

test('nothing is sent to a node outside the pin, for a capability it does not serve, or that the pre-flight hook rejects', async () => {
  const pinned = await connect({ trustedNodes: [Identity.generate().toString()] })
  const hooked = await connect({
    preflight: (wasm) => ({ verdict: wasm.length > 1000 ? pb.GuardianVerdict.REJECTED : pb.GuardianVerdict.ACCEPTED, findings: [{ code: 'too_big', message: 'over 1000 bytes' }] })
  })
  try {
    await pinned.dial(node.tcp)
    await assert.rejects(pinned.execute(node.peer, { capability: PATIENTS, wasm: example('wat/hello.wasm') }), { code: 'UNTRUSTED' })
    await assert.rejects(client.execute(node.peer, { capability: 'demo.nowhere/none', wasm: example('wat/hello.wasm') }), { code: 'NOT_SERVED' })
    await hooked.dial(node.tcp)
    await assert.rejects(hooked.execute(node.peer, { capability: PATIENTS, wasm: example('c/aggregate.wasm') }),
      (err: NmpError) => err instanceof RejectedError && err.message.includes('over 1000 bytes') && err.report.findings[0]?.code === 'too_big')
    assert.equal(outcomeName((await hooked.execute(node.peer, { capability: PATIENTS, wasm: example('wat/hello.wasm') })).outcome), 'completed')
  } finally {
    await pinned.stop()
    await hooked.stop()
  }
})
