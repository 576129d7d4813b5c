// Discovery through the DHT, fan-out and WebSocket, against real Rust Data Nodes on 127.0.0.1.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { webSockets } from '@libp2p/websockets'

import { connect, outcomeName } from '../src/index.js'
import type { NmpClient } from '../src/index.js'
import { utf8 } from '../src/bytes.js'
import { example } from './support/modules.js'
import { PATIENTS, startNode } from './support/node.js'
import type { RunningNode } from './support/node.js'

const nodes: RunningNode[] = []

before(async () => {
  // Two Data Nodes, each listening on TCP and WebSocket; the second bootstraps from the first.
  nodes.push(await startNode({ ws: true }))
  nodes.push(await startNode({ ws: true, bootstrap: [nodes[0]!.tcp] }))
})

after(async () => {
  await Promise.all(nodes.map(async (n) => { await n.stop() }))
})

/** Polls `discover` until `count` providers verified (the second node's record takes a moment). */
async function discovered (client: NmpClient, count: number): Promise<string[]> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const discovery = await client.discover(PATIENTS)
    const peers = discovery.providers.map((p) => p.peer).sort()
    if (peers.length >= count || Date.now() > deadline) return peers
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

test('discover finds both nodes through the DHT and verifies their documents', async () => {
  const client = await connect({ bootstrap: [nodes[0]!.tcp] })
  try {
    assert.deepEqual(await discovered(client, 2), nodes.map((n) => n.peer).sort())
    const none = await client.discover('demo.nowhere/none')
    assert.deepEqual(none.providers, [])
  } finally {
    await client.stop()
  }
})

test('discover over WebSocket only: both nodes found through the DHT and dialled on their /ws addresses', async () => {
  const client = await connect({ bootstrap: [nodes[0]!.ws!], transports: [webSockets()] })
  try {
    assert.deepEqual(await discovered(client, 2), nodes.map((n) => n.peer).sort())
    const connections = client.libp2p.getConnections()
    assert.ok(connections.length >= 2 && connections.every((c) => c.remoteAddr.toString().includes('/ws')), connections.map((c) => c.remoteAddr.toString()).join(' '))
  } finally {
    await client.stop()
  }
})

test('executeAll runs the aggregate on every provider, each answer verified', async () => {
  const client = await connect({ bootstrap: [nodes[0]!.tcp] })
  try {
    await discovered(client, 2)
    const answers = await client.executeAll({ capability: PATIENTS, wasm: example('c/aggregate.wasm'), input: utf8('{"group_by":"diagnosis","metric":["age","cost_usd"],"min_count":5}') })
    assert.equal(answers.length, 2)
    for (const answer of answers) {
      assert.ok(answer.ok, answer.ok ? '' : answer.error.message)
      assert.equal(outcomeName(answer.answer.outcome), 'completed')
    }
  } finally {
    await client.stop()
  }
})

test('execute over WebSocket', async () => {
  const client = await connect()
  try {
    const ws = nodes[1]!.ws!
    assert.match(ws, /\/ws\//)
    const peer = await client.dial(ws)
    assert.equal(peer, nodes[1]!.peer)
    const connections = client.libp2p.getConnections()
    assert.ok(connections.every((c) => c.remoteAddr.toString().includes('/ws')), connections.map((c) => c.remoteAddr.toString()).join(' '))
    const answer = await client.execute(peer, { capability: PATIENTS, wasm: example('wat/hello.wasm'), input: utf8('over websocket') })
    assert.equal(new TextDecoder().decode(answer.output), '{"hello":14}\n')
  } finally {
    await client.stop()
  }
})
