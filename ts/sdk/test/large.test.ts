// Large payloads: a 16 MiB module and a 4 MiB input, many times in a row over one TCP connection,
// then over WebSocket. The SDK writes in 64 KiB pieces, so no Yamux DATA frame exceeds what
// rust-yamux accepts.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { connect, limits } from '../src/index.js'
import type { NmpClient } from '../src/index.js'
import { concat, lengthPrefixOf, randomBytes } from './support/wasm.js'
import { example } from './support/modules.js'
import { PATIENTS, startNode } from './support/node.js'
import type { RunningNode } from './support/node.js'

let node: RunningNode
let client: NmpClient

before(async () => {
  node = await startNode({ timeoutMs: 10_000, ws: true, policy: 'max_queued_jobs = 64' })
  client = await connect({ executeTimeoutMs: 120_000 })
  await client.dial(node.tcp)
})

after(async () => {
  await client?.stop()
  await node?.stop()
})

/** `hello.wasm` padded with one custom section to exactly `size` bytes. */
function padded (size: number): Uint8Array {
  const hello = example('wat/hello.wasm')
  const name = new TextEncoder().encode('pad')
  // section id 0, size varint, name length, name, payload; the size varint is 4 bytes here.
  const payload = size - hello.length - 1 - 4 - 1 - name.length
  const body = concat(Uint8Array.of(name.length), name, new Uint8Array(payload))
  return concat(hello, Uint8Array.of(0), lengthPrefixOf(body.length, 4), body)
}

/** How many times in a row: `NMP_LARGE_REPEAT` [default 3; each takes about 25 s against a debug node]. */
const REPEAT = Number(process.env.NMP_LARGE_REPEAT ?? 3)

test(`a 16 MiB module with a 4 MiB input, ${REPEAT} time${REPEAT === 1 ? '' : 's'} in a row, on one TCP connection`, async () => {
  const wasm = padded(limits.MAX_MODULE_BYTES)
  assert.equal(wasm.length, 16 * 1024 * 1024)
  const input = randomBytes(limits.MAX_INPUT_BYTES)
  const connection = client.libp2p.getConnections()[0]!
  for (let i = 0; i < REPEAT; i++) {
    const answer = await client.execute(node.peer, { capability: PATIENTS, wasm, input })
    assert.equal(new TextDecoder().decode(answer.output), `{"hello":${input.length}}\n`)
  }
  const after = client.libp2p.getConnections()
  assert.equal(after.length, 1)
  assert.equal(after[0]!.id, connection.id, 'the connection was never dropped')
})

test('a 16 MiB module with a 4 MiB input over WebSocket', async () => {
  const ws = await connect({ executeTimeoutMs: 120_000 })
  try {
    await ws.dial(node.ws!)
    const connection = ws.libp2p.getConnections()[0]!
    assert.match(connection.remoteAddr.toString(), /\/ws/)
    const input = randomBytes(limits.MAX_INPUT_BYTES)
    const answer = await ws.execute(node.peer, { capability: PATIENTS, wasm: padded(limits.MAX_MODULE_BYTES), input })
    assert.equal(new TextDecoder().decode(answer.output), `{"hello":${input.length}}\n`)
    assert.deepEqual(ws.libp2p.getConnections().map((c) => c.id), [connection.id], 'the connection was never dropped')
  } finally {
    await ws.stop()
  }
})
