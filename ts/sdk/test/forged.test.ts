// A node that lies is refused with a typed error and its output never reaches the caller (the
// port of crates/nmp-client/tests/it/forged.rs, against a lying node on js-libp2p).

import assert from 'node:assert/strict'
import { test } from 'node:test'

import { connect, NmpError, NodeError, pb } from '../src/index.js'
import { MAX_OVERLOAD_RETRIES } from '../src/client/streams.js'
import { liar, OUTPUT } from './support/liar.js'
import type { Lie } from './support/liar.js'
import { PATIENTS } from './support/node.js'
import { example } from './support/modules.js'

/** Each lie and the error it must meet: code and, where it has one, reason or field. */
const LIES: Array<[Lie, string, string?]> = [
  ['receipt_signature', 'RECEIPT', 'bad_signature'],
  ['sealed_ciphertext', 'RESPONSE', 'tampered'],
  ['drop_output', 'RECEIPT', 'output_mismatch'],
  ['change_outcome', 'RECEIPT_MISMATCH', 'outcome'],
  ['change_verdict', 'RECEIPT_MISMATCH', 'egress_verdict'],
  ['replay_receipt', 'RECEIPT_MISMATCH', 'request_id'],
  ['replay_sealed', 'RESPONSE', 'tampered'],
  ['foreign_status', 'PROTOCOL'],
  ['no_result', 'PROTOCOL'],
  ['hang', 'TIMEOUT'],
  ['too_many_statuses', 'PROTOCOL'],
  ['other_policy', 'RECEIPT_MISMATCH', 'guardian_policy_digest'],
  ['other_signer', 'RECEIPT', 'wrong_node'],
  ['other_agent', 'RECEIPT_MISMATCH', 'agent_peer_id'],
  ['expired_document', 'DOCUMENT', 'expired']
]

test('the honest miniature node is answered (the checks pass on a truthful answer)', async () => {
  const node = await liar('honest')
  const client = await connect({ executeTimeoutMs: 30_000 })
  try {
    const peer = await client.dial(node.addr)
    const answer = await client.execute(peer, { capability: PATIENTS, wasm: example('wat/hello.wasm') })
    assert.deepEqual(answer.output, OUTPUT)
  } finally {
    await client.stop()
    await node.stop()
  }
})

for (const [lie, code, detail] of LIES) {
  test(`a node that lies (${lie}) is refused with ${code}${detail === undefined ? '' : ` (${detail})`}`, async () => {
    const node = await liar(lie)
    // Only the node that never finishes meets the deadline; the others answer well within it.
    const client = await connect({ executeTimeoutMs: lie === 'hang' ? 2_000 : 30_000 })
    try {
      const peer = await client.dial(node.addr)
      const logic = { capability: PATIENTS, wasm: example('wat/hello.wasm') }
      // A replaying node answers the first request honestly and replays it on the second.
      if (lie.startsWith('replay')) assert.deepEqual((await client.execute(peer, logic)).output, OUTPUT)
      await assert.rejects(client.execute(peer, logic), (err: unknown) => {
        assert.ok(err instanceof NmpError, String(err))
        assert.equal(err.code, code, err.message)
        if (detail !== undefined) assert.equal((err as unknown as { reason?: string, field?: string }).reason ?? (err as unknown as { field: string }).field, detail, err.message)
        return true
      })
    } finally {
      await client.stop()
      await node.stop()
    }
  })
}

test('a node that refuses every request unread (no request id) is retried, then reported OVERLOADED', async () => {
  const node = await liar('refuse_unread')
  const client = await connect({ executeTimeoutMs: 30_000 })
  try {
    const peer = await client.dial(node.addr)
    await assert.rejects(client.execute(peer, { capability: PATIENTS, wasm: example('wat/hello.wasm') }), (err: unknown) => {
      assert.ok(err instanceof NodeError, String(err))
      assert.equal(err.nodeCode, pb.ErrorCode.OVERLOADED, err.message)
      return true
    })
    // The first try and every retry, each sealed anew.
    assert.equal(node.requests.length, 1 + MAX_OVERLOAD_RETRIES)
    assert.equal(new Set(node.requests).size, node.requests.length)
  } finally {
    await client.stop()
    await node.stop()
  }
})

test('a stream that fails before any response is resent as the same sealed request; OVERLOADED is sealed anew', async () => {
  for (const [load, sameId] of [['reset_first', true], ['overloaded_first', false]] as const) {
    const node = await liar(load)
    const client = await connect({ executeTimeoutMs: 30_000 })
    try {
      const peer = await client.dial(node.addr)
      const answer = await client.execute(peer, { capability: PATIENTS, wasm: example('wat/hello.wasm') })
      assert.deepEqual(answer.output, OUTPUT)
      assert.equal(node.requests.length, 2, load)
      // A resend is the same sealed request (a node that ran it would answer REPLAY); an
      // OVERLOADED refusal is sealed anew, under a fresh request id.
      assert.equal(node.requests[0] === node.requests[1], sameId, load)
    } finally {
      await client.stop()
      await node.stop()
    }
  }
})
