// The SDK against a real Rust Data Node (`nmp node`) on 127.0.0.1 over TCP.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { connect, NmpClient, outcomeName, pb, verifyReceipt } from '../src/index.js'
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
