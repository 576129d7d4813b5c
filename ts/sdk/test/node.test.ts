// The SDK against a real Rust Data Node (`nmp node`) on 127.0.0.1, every case over TCP and again
// over WebSocket (a client that dialled only the node's `/ws` address).

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { toBinary } from '@bufbuild/protobuf'
import { peerIdFromString } from '@libp2p/peer-id'

import { AbortedError, connect, Identity, LOGIC_PROTOCOL, NmpClient, NmpError, outcomeName, pb, RejectedError, TimeoutError, toHex, verifyReceipt } from '../src/index.js'
import { utf8 } from '../src/bytes.js'
import { receive, sealFor } from '../src/client/exchange.js'
import { FrameReader, writeFrame } from '../src/client/frames.js'
import { MAX_FRAME_BYTES } from '../src/limits.js'
import { example } from './support/modules.js'
import { PATIENTS, startNode } from './support/node.js'
import type { RunningNode } from './support/node.js'

let node: RunningNode

before(async () => {
  node = await startNode({ timeoutMs: 2000, ws: true })
})

after(async () => {
  await node?.stop()
})

/** The outcomes of the node's audit entries written since `from` entries, waiting up to 10 s for `outcome`. */
async function auditedSince (from: number, outcome: string): Promise<string[]> {
  const deadline = Date.now() + 10_000
  while (!node.audit().slice(from).some((e) => e.outcome === outcome) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  return node.audit().slice(from).map((e) => e.outcome)
}

for (const transport of ['tcp', 'ws'] as const) {
  describe(`over ${transport === 'tcp' ? 'TCP' : 'WebSocket'}`, () => {
    let client: NmpClient

    before(async () => {
      client = await connect({ executeTimeoutMs: 60_000 })
      assert.equal(await client.dial(transport === 'tcp' ? node.tcp : node.ws!), node.peer)
      const connections = client.libp2p.getConnections()
      assert.ok(connections.every((c) => c.remoteAddr.toString().includes('/ws') === (transport === 'ws')), connections.map((c) => c.remoteAddr.toString()).join(' '))
    })

    after(async () => {
      await client?.stop()
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

    test('an AbortSignal cancels a running job: the node stops it and the call ends ABORTED', async () => {
      const from = node.audit().length
      const controller = new AbortController()
      const call = client.execute(node.peer, { capability: PATIENTS, wasm: example('wat/spin.wasm') }, {
        signal: controller.signal,
        onStatus: (_, status) => { if (status.stage === pb.Stage.RUNNING) controller.abort(new Error('enough')) }
      })
      await assert.rejects(call, (err: NmpError) => err.code === 'ABORTED' && err instanceof AbortedError)
      // The node stopped the guest on the agent's Cancel: its owner's log says `cancelled`, and no
      // run reached its 2 s deadline (the spinning guest was stopped, not timed out).
      const outcomes = await auditedSince(from, 'cancelled')
      assert.deepEqual(outcomes, ['cancelled'])
      // An abort before anything was sent sends nothing.
      const aborted = AbortSignal.abort()
      await assert.rejects(client.execute(node.peer, { capability: PATIENTS, wasm: example('wat/hello.wasm') }, { signal: aborted }), { code: 'ABORTED' })
    })

    test('a request whose write side is half-closed after it, as js-libp2p code does, is answered and not cancelled', async () => {
      // The SDK keeps its write side open (to send a Cancel); other js-libp2p agents close it
      // routinely. On /nmp/logic/1, as on gRPC, that half-close is normal: the node runs the job
      // and answers, and its owner's log records the run, not a cancellation.
      const from = node.audit().length
      const provider = await client.describe(node.peer)
      const logic = { capability: PATIENTS, wasm: example('c/aggregate.wasm'), input: utf8('{"group_by":"city"}') }
      const sealed = await sealFor(client.identity, provider, logic, BigInt(Date.now()))
      const stream = await client.libp2p.dialProtocol(peerIdFromString(node.peer), LOGIC_PROTOCOL)
      await writeFrame(stream, toBinary(pb.LogicRequestSchema, sealed.request))
      await stream.close()
      assert.equal(stream.writeStatus, 'closed')
      const stages: pb.Stage[] = []
      const answer = await receive(provider, sealed, new FrameReader(stream, MAX_FRAME_BYTES), (status) => stages.push(status.stage), { value: false })
      assert.equal(outcomeName(answer.outcome), 'completed')
      assert.equal((JSON.parse(new TextDecoder().decode(answer.output)) as { rows: number }).rows, 200)
      assert.ok(stages.includes(pb.Stage.RUNNING), `stages ${stages.join(',')}`)
      assert.deepEqual(await auditedSince(from, 'completed'), ['completed'])
    })

    test('leaving the events() loop early cancels the job', async () => {
      const from = node.audit().length
      for await (const event of client.events(node.peer, { capability: PATIENTS, wasm: example('wat/spin.wasm') })) {
        if (event.kind === 'status' && event.status.stage === pb.Stage.RUNNING) break
      }
      assert.deepEqual(await auditedSince(from, 'cancelled'), ['cancelled'])
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
        await pinned.dial(transport === 'tcp' ? node.tcp : node.ws!)
        await assert.rejects(pinned.execute(node.peer, { capability: PATIENTS, wasm: example('wat/hello.wasm') }), { code: 'UNTRUSTED' })
        await assert.rejects(client.execute(node.peer, { capability: 'demo.nowhere/none', wasm: example('wat/hello.wasm') }), { code: 'NOT_SERVED' })
        await hooked.dial(transport === 'tcp' ? node.tcp : node.ws!)
        await assert.rejects(hooked.execute(node.peer, { capability: PATIENTS, wasm: example('c/aggregate.wasm') }),
          (err: NmpError) => err instanceof RejectedError && err.message.includes('over 1000 bytes') && err.report.findings[0]?.code === 'too_big')
        assert.equal(outcomeName((await hooked.execute(node.peer, { capability: PATIENTS, wasm: example('wat/hello.wasm') })).outcome), 'completed')
      } finally {
        await pinned.stop()
        await hooked.stop()
      }
    })
  })
}
