// Both directions against Rust: TypeScript seals → nmp-crypto opens (`Keyring::open`, in the
// `interop_open` example) and seals its answer → TypeScript opens it. Random seeds every run.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { test } from 'node:test'

import { create, fromBinary, toBinary } from '@bufbuild/protobuf'
import { x25519 } from '@noble/curves/ed25519.js'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'

import { fromHex, Identity, keyId, pb, seal, toHex } from '../src/crypto.js'
import { randomBytes } from '../src/bytes.js'
import { cargoBinary } from './support/paths.js'

interface Opened { ok: boolean, error?: string, agent?: string, wasm?: string, input?: string, sealed_response?: string }

/** A node's seeds and its published key, made in TypeScript. */
async function node (): Promise<{ identity: Identity, seeds: Record<string, string>, key: pb.KemPublicKey }> {
  const identity = Identity.fromSeed(randomBytes(32))
  const xSecret = randomBytes(32)
  const mlSeed = randomBytes(64)
  const xPublic = x25519.getPublicKey(xSecret)
  const { publicKey } = ml_kem768.keygen(mlSeed)
  const key = create(pb.KemPublicKeySchema, { keyId: await keyId(xPublic, publicKey), x25519: xPublic, mlKem768: publicKey, notAfterMs: BigInt(Date.now() + 3_600_000) })
  // The identity's seed is the first half of libp2p's raw key.
  const seeds = { node_secret: toHex(identity.libp2pRaw().subarray(0, 32)), kem_x25519_secret: toHex(xSecret), kem_ml_kem_seed: toHex(mlSeed) }
  return { identity, seeds, key }
}

function rustOpen (seeds: Record<string, string>, request: pb.LogicRequest, stdout: Uint8Array): Opened {
  const input = JSON.stringify({ ...seeds, now_ms: Date.now(), request: toHex(toBinary(pb.LogicRequestSchema, request)), stdout: toHex(stdout) })
  return JSON.parse(execFileSync(cargoBinary('examples/interop_open'), { input, encoding: 'utf8' })) as Opened
}

test('TypeScript seals, Rust opens and answers, TypeScript opens the answer', async () => {
  const { identity, seeds, key } = await node()
  const agent = Identity.generate()
  for (const [wasm, input] of [[randomBytes(1000), randomBytes(300)], [new Uint8Array(0), new Uint8Array(0)], [randomBytes(256 * 1024), randomBytes(64 * 1024)]] as const) {
    const sealed = await seal({ agent, nodePeerId: identity.peerId, nodeKey: key, requestId: randomBytes(16), capability: 'demo.hospital/patients', timestampMs: BigInt(Date.now()) }, wasm, input)
    const stdout = randomBytes(500)
    const opened = rustOpen(seeds, sealed.request, stdout)
    assert.equal(opened.ok, true, opened.error)
    assert.equal(opened.agent, agent.toString())
    assert.equal(opened.wasm, toHex(wasm))
    assert.equal(opened.input, toHex(input))
    const answer = await sealed.responseKey.open(fromBinary(pb.SealedResponseSchema, fromHex(opened.sealed_response!)))
    assert.deepEqual(answer.stdout, stdout)
    assert.equal(answer.outcome, pb.Outcome.COMPLETED)
  }
})

test('Rust refuses what TypeScript sealed once a byte changes, or for another node', async () => {
  const { identity, seeds, key } = await node()
  const agent = Identity.generate()
  const fresh = async (): Promise<pb.LogicRequest> => (await seal({ agent, nodePeerId: identity.peerId, nodeKey: key, requestId: randomBytes(16), capability: 'demo.hospital/patients', timestampMs: BigInt(Date.now()) }, randomBytes(64), randomBytes(8))).request
  const ciphertext = await fresh(); ciphertext.envelope!.ciphertext[5]! ^= 1
  assert.match(rustOpen(seeds, ciphertext, new Uint8Array(0)).error!, /BadSignature/)
  const capability = await fresh(); capability.capability = 'demo.hospital/other'
  assert.match(rustOpen(seeds, capability, new Uint8Array(0)).error!, /BadSignature/)
  const signature = await fresh(); signature.agentSignature[0]! ^= 1
  assert.match(rustOpen(seeds, signature, new Uint8Array(0)).error!, /BadSignature/)
  const elsewhere = await fresh(); elsewhere.nodePeerId = Identity.generate().peerId
  assert.match(rustOpen(seeds, elsewhere, new Uint8Array(0)).error!, /MisAddressed/)
})
